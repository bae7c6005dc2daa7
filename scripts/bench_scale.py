#!/usr/bin/env python3
"""Throughput and peak memory of the whole pipeline (ingest, extract, merge) at several corpus sizes.

    python scripts/bench_scale.py 1000 10000 100000 [--workers 2] [--json results.json]

Corpora come from scripts/gen_corpus.py (a fresh mix per size, so deduplication does not hide cost).
CPU time (this process and its workers) per article is reported beside wall time: it does not
depend on what else the machine is doing. Peak memory: the largest resident set of this process and of the largest worker process.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", type=int, nargs="+")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args()
    here = Path(__file__).parent
    rows = []
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            corpus = Path(tmp) / "corpus.jsonl"
            subprocess.run([sys.executable, str(here / "gen_corpus.py"), str(n), str(corpus)], check=True)
            # each size in its own process, so peak memory is that run's
            code = f"""
import json, resource, time
from newsledger.store import open_store
from newsledger.ingest import ingest
from newsledger.extract.run import extract_pending
from newsledger.merge import merge_pending
t = {{}}
with open_store({str(Path(tmp) / 'bench.db')!r}) as s:
    t0 = time.perf_counter(); r = ingest(s, [{str(corpus)!r}]); t['ingest'] = time.perf_counter() - t0
    t0 = time.perf_counter(); e = extract_pending(s, workers={args.workers}); t['extract'] = time.perf_counter() - t0
    t0 = time.perf_counter(); m = merge_pending(s); t['merge'] = time.perf_counter() - t0
    st = s.stats()
ru = [resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
print(json.dumps({{"articles": r.added, "cpu_s": sum(u.ru_utime + u.ru_stime for u in ru), "duplicates": len(r.duplicates), "mentions": e.mentions, "events": st.events,
                  "seconds": t, "rss_main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rss_worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}}))
"""
            out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
            row = json.loads(out.strip().splitlines()[-1]) | {"size": n}
            total = sum(row["seconds"].values())
            row["articles_per_s"] = round(row["articles"] / total, 1)
            row["ms_per_article"] = round(1000 * total / row["articles"], 1)
            row["cpu_ms_per_article"] = round(1000 * row["cpu_s"] / row["articles"], 1)
            rows.append(row)
            s = row["seconds"]
            print(f"{n:>7} articles: ingest {s['ingest']:.1f}s, extract {s['extract']:.1f}s, merge {s['merge']:.1f}s; "
                  f"{row['articles_per_s']} art/s, {row['ms_per_article']} ms/article, "
                  f"CPU {row['cpu_ms_per_article']} ms/article; {row['mentions']} mentions, "
                  f"{row['events']} events, {row['duplicates']} duplicates; peak RSS main {row['rss_main_mb']:.0f} MB, "
                  f"worker {row['rss_worker_mb']:.0f} MB", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
