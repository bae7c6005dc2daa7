#!/usr/bin/env python3
"""Latency of the text retrieval behind `ask` (`Store.match_any`) on a PostgreSQL ledger, with the
search index and without it, as a ratio measured in the same run.

    python scripts/bench_match.py --db postgresql://u:p@host/db [--events 30000] [--repeat 5] [--fresh]

The ledger is scripts/bench_queries.py's synthetic one (one mention per event, three per article),
with real-looking texts: each article a fresh mix of 14 sentences of the shared corpus (as
scripts/gen_corpus.py mixes them), each mention's sentence one of its article's. An existing ledger
with the same number of events is reused. Each question's words (as `ask` picks them) are looked up
`--repeat` times by `match_any` as the planner chooses (the search index) and with index scans
turned off on the connection (every row read), in turn; the medians and their ratio are printed,
with the plans (EXPLAIN) of both queries of the first question. In the same run, the queries of
before migration 9 (which parse every text per question) are timed on the same ledger (`BEFORE`;
--no-before skips them), and each way must give the same answers. Run with an older newsledger on
PYTHONPATH (on a ledger it made) to time that version's `match_any` the same way.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from bench_queries import load, synthesize
from gen_corpus import COUNTRIES, _COUNTRY, default_source, sentence_pool

from newsledger import rollups
from newsledger.search import CANDIDATES, _words
from newsledger.store import ArticleMatch, TextMatch, open_store

QUESTIONS = ["How many US troops were sent to Poland?", "Who sent forces to Lithuania?",
             "Where is Germany sending troops?", "When did Russia invade Ukraine?", "What did Russia demand of NATO?",
             "Which talks took place between the United States and Russia?", "How many troops did Freedonia send?",
             "Patriot air defence batteries for Slovakia", "sanctions on Belarus banks",
             "Howitzers in Kaliningrad", "What did Lavrov tell Macron?", "SWIFT"]  # the last three: rare words

# `match_any`'s queries before migration 9 (newsledger 3c9c83d), which parse each text per question: timed
# beside today's on the same ledger, where no index matches their expressions (0009 replaced those of 0004)
BEFORE = (
    "SELECT m.sentence, a.source, a.published, m.id FROM mentions m JOIN articles a ON a.id = m.article_id, "
    "to_tsquery('simple', %s) q WHERE to_tsvector('simple', m.sentence) @@ q "
    "ORDER BY ts_rank(to_tsvector('simple', m.sentence), q) DESC, m.id LIMIT %s",
    "SELECT a.title, a.text, a.source, a.published FROM articles a, to_tsquery('simple', %s) q "
    "WHERE to_tsvector('simple', COALESCE(a.title, '') || ' ' || a.text) @@ q AND a.duplicate_of IS NULL "
    "ORDER BY ts_rank(to_tsvector('simple', COALESCE(a.title, '') || ' ' || a.text), q) DESC, a.seq LIMIT %s")


def with_texts(tables: dict, pool: list[str], seed: int = 5) -> dict:
    """`tables` with each article's text a mix of pool sentences and each mention's sentence one of them."""
    rng = random.Random(seed)
    cols, arts = tables["articles"]
    texts = {}
    for row in arts:
        sents = [_COUNTRY.sub(lambda m: rng.choice(COUNTRIES), s) for s in rng.sample(pool, 14)]
        texts[row[0]] = sents
    tables["articles"] = (cols, [(*r[:4], " ".join(texts[r[0]]), *r[5:]) for r in arts])
    cols, mens = tables["mentions"]
    at = cols.index("sentence")
    tables["mentions"] = (cols, [(*r[:at], texts[r[1]][r[2]], *r[at + 1:]) for r in mens])
    return tables


def build(db: str, n: int, fresh: bool) -> None:
    with open_store(db) as s:
        have = s.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        if have == n and not fresh:
            print(f"reusing {have:,} events", flush=True)
            return
        if have:
            s.reset_extraction()
            s.conn.execute("DELETE FROM articles")
        t0 = time.perf_counter()
        load(s, with_texts(synthesize(n), sentence_pool(default_source())))
        rollups.rebuild(s)
        s.conn.execute("ANALYZE")
        print(f"loaded {n:,} events in {time.perf_counter() - t0:.0f}s", flush=True)


def timed(call, repeat: int) -> tuple[float, object]:
    runs, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = call()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs), out


@contextmanager
def index_scans_off(store):
    """The planner may not use any index (so not the search index) on `store`'s connection meanwhile."""
    store.conn.execute("SET enable_bitmapscan = off")
    store.conn.execute("SET enable_indexscan = off")
    try:
        yield
    finally:
        store.conn.execute("RESET enable_bitmapscan")
        store.conn.execute("RESET enable_indexscan")


def before(store, words: list[str]):
    """`match_any` as it was before migration 9 (same query words, same results)."""
    q = " | ".join(t for t in (re.sub(r"[\W_]", "", w.lower()) for w in words) if t)
    if not q:
        return [], []
    sents = [TextMatch(*r) for r in store.conn.raw.execute(BEFORE[0], (q, CANDIDATES))]
    return sents, [ArticleMatch(*r) for r in store.conn.raw.execute(BEFORE[1], (q, CANDIDATES // 4))]


def show_plans(store, words: list[str]) -> None:
    if not hasattr(store, "match_plans"):  # a newsledger from before migration 9
        return
    print("-- plans of match_any:\n" + "\n".join(store.match_plans(words, CANDIDATES)))
    with index_scans_off(store):
        print("-- the same without index scans:\n" + "\n".join(store.match_plans(words, CANDIDATES)))


def measure(db: str, repeat: int, args_before: bool) -> dict:
    rows = {}
    with open_store(db, readonly=True) as s:
        # every call planned afresh: psycopg prepares a statement run five times, and the plan of a prepared
        # statement would keep the index (or the scan) whatever the settings of the later calls
        s.conn.raw.prepare_threshold = None
        print(f"schema version {s.schema_version()}, {s.stats().events:,} events")
        show_plans(s, _words(QUESTIONS[0]))
        for q in QUESTIONS:
            words = _words(q)
            s.match_any(words, CANDIDATES)  # warm the cache: both runs read from memory
            fast, got = timed(lambda: s.match_any(words, CANDIDATES), repeat)
            with index_scans_off(s):
                slow, ref = timed(lambda: s.match_any(words, CANDIDATES), repeat)
            assert got == ref, f"different answers with and without the index for {q!r}"
            old = None
            if args_before:
                old, was = timed(lambda: before(s, words), repeat)
                assert was == got, f"different answers from the queries before migration 9 for {q!r}"
            rows[q] = {"indexed_ms": round(1000 * fast, 2), "scan_ms": round(1000 * slow, 2),
                       "ratio": round(slow / fast, 1), "before_ms": old and round(1000 * old, 2),
                       "answers": [[m.mention_id for m in got[0]], [a.source for a in got[1]]]}
            was = f"{1000 * old:9.1f} ms before 0009 x{old / fast:6.1f}" if old else ""
            print(f"{1000 * fast:8.2f} ms with the index {1000 * slow:8.2f} ms without x{slow / fast:5.1f} {was}  "
                  f"({len(got[0])} sentences, {len(got[1])} articles)  {q}", flush=True)
    fast = statistics.median(r["indexed_ms"] for r in rows.values())
    slow = statistics.median(r["scan_ms"] for r in rows.values())
    print(f"median over the questions: {fast:.2f} ms with the index, {slow:.2f} ms without, x{slow / fast:.1f}")
    if args_before:
        old = statistics.median(r["before_ms"] for r in rows.values())
        print(f"median of the queries before migration 9: {old:.1f} ms, x{old / fast:.1f} today's")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="a postgresql:// URL")
    ap.add_argument("--events", type=int, default=30_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--fresh", action="store_true", help="rebuild the synthetic ledger even when one is there")
    ap.add_argument("--no-before", action="store_true", help="do not time the queries of before migration 9")
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args()
    if not args.db.startswith(("postgresql://", "postgres://")):
        sys.exit("error: --db must be a postgresql:// URL (SQLite's FTS5 index is always there)")
    build(args.db, args.events, args.fresh)
    rows = measure(args.db, args.repeat, not args.no_before)
    if args.json:
        Path(args.json).write_text(json.dumps({"events": args.events, "results": rows}, indent=2))


if __name__ == "__main__":
    main()
