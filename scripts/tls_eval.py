#!/usr/bin/env python3
"""Score a timeline against reference timelines (both in the news-tls timelines.jsonl format).

    python scripts/tls_eval.py SYSTEM.jsonl REFERENCE.jsonl

Prints date F1 and alignment-based ROUGE-1/2 F1 (see newsledger.tls_metrics) against each reference
timeline and their mean. Example: newsledger timeline --topic TOPIC --dates 10 -o system.jsonl, then
python scripts/tls_eval.py system.jsonl TOPIC/timelines.jsonl
"""

import sys

from newsledger.timeline import read_news_tls
from newsledger.tls_metrics import score_timeline


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    (system,) = read_news_tls(argv[1])[:1] or [{}]
    refs = read_news_tls(argv[2])
    if not refs:
        print(f"no timeline in {argv[2]}", file=sys.stderr)
        return 2
    rows = [score_timeline(system, ref) for ref in refs]
    print("reference  date-P  date-R  date-F1  AR-1-F1  AR-2-F1")
    for i, s in enumerate(rows, start=1):
        print(f"{i:9d}  {s.date_precision:6.3f}  {s.date_recall:6.3f}  {s.date_f1:7.3f}  {s.ar1_f1:7.3f}  {s.ar2_f1:7.3f}")
    mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
    print(f"{'mean':>9}  {mean([s.date_precision for s in rows]):6.3f}  {mean([s.date_recall for s in rows]):6.3f}  "
          f"{mean([s.date_f1 for s in rows]):7.3f}  {mean([s.ar1_f1 for s in rows]):7.3f}  {mean([s.ar2_f1 for s in rows]):7.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
