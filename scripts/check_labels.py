"""Check a file of text-anchored training labels (the annotators' working format) against the texts.

    python scripts/check_labels.py LABELS.jsonl [--texts ../shared]

Prints one line per problem (label line, file, what is wrong) and exits 1 when any is found.
The working format is docs/GOLD-FORMAT.md plus, on each event, `also` (anchors of restatements)
and `spans` (the words naming actors, recipients and location), and per text `nonevents`.
`newsledger labels convert` turns it into offsets (no text) for the project's label files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsledger.labels import check_raw_file


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("labels")
    ap.add_argument("--texts", default=str(Path(__file__).resolve().parents[2] / "shared"))
    args = ap.parse_args()
    problems, texts, events = check_raw_file(Path(args.labels), Path(args.texts))
    for p in problems:
        print(p)
    print(f"{texts} texts, {events} events, {len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
