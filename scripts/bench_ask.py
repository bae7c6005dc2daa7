"""Answer latencies of `newsledger ask` on a ledger (e.g. one made by scripts/bench_scale.py): each question
asked --repeat times in one process after a warm-up (the model loaded once), the median printed per
question, and as a ratio to a bare `store.stats()` round trip measured in the same run.

    python scripts/bench_ask.py --db BIG.db [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

from newsledger.ask import ask
from newsledger.store import open_store

QUESTIONS = ["How many US troops were sent to Poland by 2022-02-10?", "How many troops were sent to Lithuania by 2022-03-01?",
             "Who sent forces to Lithuania?",
             "Where is Germany sending troops?", "When did Russia invade Ukraine?", "What did Russia demand of NATO?",
             "Which talks took place between the United States and Russia?", "How many troops did Freedonia send?",
             "Patriot air defence batteries for Slovakia", "0" * 300]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", required=True)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    with open_store(args.db, readonly=True) as store:
        ask(store, QUESTIONS[-2])  # warm-up: gazetteers, lexicons and the semantic model load once
        t = time.perf_counter()
        for _ in range(20):
            store.stats()
        base = (time.perf_counter() - t) / 20
        print(f"baseline store.stats(): {base * 1000:.1f} ms")
        for q in QUESTIONS:
            runs = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                a = ask(store, q)
                runs.append(time.perf_counter() - t)
            med = statistics.median(runs)
            print(f"{med:7.3f} s  x{med / base:8.0f}  {a.query.shape or 'fallback':10} {q[:60]}")


if __name__ == "__main__":
    main()
