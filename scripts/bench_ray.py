#!/usr/bin/env python3
"""Ray engine against the local engine: ingest + extract (+ merge) of the same articles, same machine.

    python scripts/bench_ray.py [N] [--corpus FILE.jsonl] [--workers 2] [--json results.json]

N articles (default: all) from the corpus (default: ../shared/corpus/ukraine-news-2022/articles.jsonl)
go into a fresh temporary ledger once per engine, each run in its own process, one after the other:
the local engine with --workers processes, then the Ray engine on a local Ray cluster of --workers
CPUs (one actor each). Reported per engine: seconds for ingest, Ray start-up (ray only), extract and
merge; articles/s over ingest + extract (start-up included); and, sampled from /proc every 0.2 s
over the process and all its descendants (worker processes; for Ray also its GCS, raylet and
actors), CPU time and peak resident memory (the sum, which counts shared pages once per process,
and the largest single process); and whether both ledgers hold the same mentions and events.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "ukraine-news-2022" / "articles.jsonl"


class TreeSampler(threading.Thread):
    """CPU seconds and peak RSS of this process and every descendant, from /proc (Linux)."""

    def __init__(self, every: float = 0.2):
        super().__init__(daemon=True)
        self.every, self.done = every, threading.Event()
        self.cpu: dict[int, float] = {}
        self.peak_sum = self.peak_one = 0
        self.tick, self.page = os.sysconf("SC_CLK_TCK"), os.sysconf("SC_PAGE_SIZE")

    def run(self) -> None:
        while not self.done.wait(self.every):
            self.sample()

    def stop(self) -> None:
        self.done.set()
        self.join()
        self.sample()

    def sample(self) -> None:
        procs, children = {}, defaultdict(list)
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/stat") as fh:
                    stat = fh.read()
            except OSError:
                continue
            rest = stat[stat.rindex(")") + 2:].split()
            procs[int(name)] = ((int(rest[11]) + int(rest[12])) / self.tick, int(rest[21]) * self.page)
            children[int(rest[1])].append(int(name))
        tree, todo = [], [os.getpid()]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo.extend(children[pid])
        rss = [procs[p][1] for p in tree if p in procs]
        self.peak_sum, self.peak_one = max(self.peak_sum, sum(rss)), max([self.peak_one, *rss])
        for p in tree:
            if p in procs:
                self.cpu[p] = max(self.cpu.get(p, 0.0), procs[p][0])


def run(engine: str, corpus: str, db: str, workers: int) -> dict:
    """One engine, in this process: ingest, extract, merge; times, CPU, memory, and a digest of the ledger."""
    from newsledger import serialize
    from newsledger.extract.run import extract_pending
    from newsledger.ingest import ingest
    from newsledger.ledger import events_with_detail
    from newsledger.merge import merge_pending
    from newsledger.store import open_store

    t: dict[str, float] = {}
    sampler = TreeSampler()
    sampler.start()
    with open_store(db) as store:
        t0 = time.perf_counter()
        added = ingest(store, [corpus]).added
        t["ingest"] = time.perf_counter() - t0
        if engine == "local":
            t0 = time.perf_counter()
            report = extract_pending(store, workers=workers)
            t["extract"] = time.perf_counter() - t0
        else:
            from newsledger.extract.ray_engine import extract_pending_ray, ray_session

            t0 = time.perf_counter()
            with ray_session(None, workers):
                t["ray_start"] = time.perf_counter() - t0
                t0 = time.perf_counter()
                report = extract_pending_ray(store, workers=workers)
                t["extract"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        merge_pending(store)
        t["merge"] = time.perf_counter() - t0
        mentions = sorted(json.dumps(serialize.mention_json(m, r), sort_keys=True) for m, r in store.mentions())
        events = sorted(json.dumps(serialize.event_json(d.event), sort_keys=True) for d in events_with_detail(store))
    sampler.stop()
    return {"engine": engine, "workers": workers, "articles": added, "extracted": report.articles,
            "mentions": len(mentions), "events": len(events), "seconds": t, "cpu_s": sum(sampler.cpu.values()),
            "rss_main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "rss_sum_mb": sampler.peak_sum / 2**20, "rss_largest_mb": sampler.peak_one / 2**20,
            "digest": hashlib.sha256("\n".join(mentions + events).encode()).hexdigest()[:16]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, nargs="?", help="articles to use (default: all)")
    ap.add_argument("--corpus", default=str(CORPUS), help="JSON Lines corpus (news-tls fields)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--run", choices=["local", "ray"], help=argparse.SUPPRESS)  # one engine (internal)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.run:
        print(json.dumps(run(args.run, args.corpus, args.db, args.workers)))
        return
    if not Path(args.corpus).is_file():
        sys.exit(f"no corpus at {args.corpus} (give one with --corpus)")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        with open(args.corpus, encoding="utf-8") as src, open(corpus, "w", encoding="utf-8") as dst:
            for i, line in enumerate(src):
                if args.n is not None and i >= args.n:
                    break
                dst.write(line)
        for engine in ("local", "ray"):
            # each engine in its own process, so start-up, CPU time and peak memory are that run's
            out = subprocess.run([sys.executable, __file__, "--run", engine, "--corpus", str(corpus),
                                  "--db", str(Path(tmp) / f"{engine}.db"), "--workers", str(args.workers)],
                                 check=True, capture_output=True, text=True).stdout
            row = json.loads(out.strip().splitlines()[-1])
            s = row["seconds"]
            busy = s["ingest"] + s.get("ray_start", 0) + s["extract"]
            row["articles_per_s"] = round(row["articles"] / busy, 2)
            row["extract_articles_per_s"] = round(row["extracted"] / s["extract"], 2)
            rows.append(row)
            start = f"Ray start {s['ray_start']:.1f}s, " if "ray_start" in s else ""
            print(f"{engine:>5} ({row['workers']} workers): {row['articles']} articles; ingest {s['ingest']:.1f}s, "
                  f"{start}extract {s['extract']:.1f}s, merge {s['merge']:.1f}s; {row['articles_per_s']} articles/s "
                  f"(ingest + extract), extract alone {row['extract_articles_per_s']} articles/s; CPU {row['cpu_s']:.0f}s; "
                  f"peak RSS: main {row['rss_main_mb']:.0f} MB, all processes {row['rss_sum_mb']:.0f} MB, "
                  f"largest {row['rss_largest_mb']:.0f} MB; "
                  f"{row['mentions']} mentions, {row['events']} events", flush=True)
    local, ray = rows
    print(f"ray / local: {ray['articles_per_s'] / local['articles_per_s']:.2f}x articles/s (ingest + extract), "
          f"{ray['extract_articles_per_s'] / local['extract_articles_per_s']:.2f}x extract alone; "
          f"same ledger: {'yes' if ray['digest'] == local['digest'] else 'NO'}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
