#!/usr/bin/env python3
"""Generate a synthetic news corpus of any size from the shared full-text corpus, for scale benchmarks.

Each article is a fresh mix of sentences from different source articles, with countries, numbers
and dates rewritten, so near-duplicate detection does not hide the cost of processing it.

    python scripts/gen_corpus.py N OUT.jsonl [--source PATH]

The default source is ukraine-news-2022 in the shared folder beside the repository ($NEWSLEDGER_SHARED,
else ../shared from the repository root, wherever the script is run from). OUT gets a `.jsonl` suffix
if it has none (what `newsledger ingest` reads as JSON Lines). A bad source line is reported with its reason and
skipped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import sys
from pathlib import Path

COUNTRIES = ["Poland", "Romania", "Lithuania", "Latvia", "Estonia", "Bulgaria", "Slovakia", "Hungary", "Germany",
             "France", "Britain", "Spain", "Italy", "Norway", "Denmark", "the Netherlands", "Canada", "Turkey",
             "Finland", "Sweden", "Greece", "Czech Republic", "Belarus", "Moldova", "Georgia", "Ukraine", "Russia",
             "the United States"]
_COUNTRY = re.compile(r"\b(" + "|".join(re.escape(c) for c in COUNTRIES) + r")\b")
_NUMBER = re.compile(r"\b\d{1,3}(?:,\d{3})+\b|\b\d{2,6}\b")
ROOT = Path(__file__).resolve().parent.parent


def default_source() -> Path:
    shared = Path(os.environ.get("NEWSLEDGER_SHARED", ROOT.parent / "shared"))
    return shared / "corpus" / "ukraine-news-2022" / "articles.jsonl"


def jsonl_path(out: str) -> Path:
    """OUT, with `.jsonl` added unless it ends so already."""
    path = Path(out)
    return path if path.suffix.lower() == ".jsonl" else path.with_name(path.name + ".jsonl")


def sentence_pool(source: Path) -> list[str]:
    """The sentences of 40 to 400 characters of every article in `source`; a bad line is reported
    (with its line and column) and skipped."""
    if not source.is_file():
        sys.exit(f"error: {source}: no such file; pass --source PATH (a JSON Lines corpus with 'text' fields)")
    pool = []
    with open(source, encoding="utf-8", errors="replace") as fh:
        for lineno, line in enumerate(fh, start=1):
            text, problem = _text_of(line)
            if problem:
                print(f"skipped {source}:{lineno}: {problem}", file=sys.stderr)
            pool += [s for s in re.split(r"(?<=[.!?])\s+", text) if 40 <= len(s) <= 400]
    return pool


def _text_of(line: str) -> tuple[str, str | None]:
    """The 'text' of one JSON Lines record, or "" and what is wrong with it."""
    if not line.strip():
        return "", None
    try:
        obj = json.loads(line.rstrip("\r\n"))  # an unterminated string is not a "control character"
    except json.JSONDecodeError as exc:
        at = "" if exc.msg.endswith(" at") else " at"  # "Unterminated string starting at"
        return "", f"bad JSON: {exc.msg}{at} column {exc.colno}"
    text = obj.get("text") if isinstance(obj, dict) else None
    if text is not None and not isinstance(text, str):
        kind = {bool: "boolean", int: "number", float: "number", list: "array", dict: "object"}[type(text)]
        return "", f"'text' is not a string (a JSON {kind})"
    if not text:
        return "", "no 'text' field (or it is empty)"
    return text, None


def generate(pool: list[str], n: int, out: Path, *, seed: int, sentences: int) -> None:
    rng = random.Random(seed)
    start = dt.date(2021, 11, 1)
    with open(out, "w", encoding="utf-8") as fh:
        for i in range(n):
            text = " ".join(rng.sample(pool, sentences))
            text = _COUNTRY.sub(lambda m: rng.choice(COUNTRIES), text)
            text = _NUMBER.sub(lambda m: f"{rng.choice([1, 2, 3, 5, 8, 12, 30, 150, 350, 800, 1000, 3000, 8500]):,}",
                               text)
            day = start + dt.timedelta(days=rng.randrange(0, 150))
            fh.write(json.dumps({"id": f"gen{seed}-{i}", "time": day.isoformat() + "T12:00:00Z", "text": text}) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out", help="output file (.jsonl is added if missing)")
    ap.add_argument("--source", type=Path, default=None,
                    help=f"JSON Lines corpus to draw from (default: {default_source()})")
    ap.add_argument("--seed", type=int, default=2022)
    ap.add_argument("--sentences", type=int, default=14, help="sentences per article")
    args = ap.parse_args()
    pool = sentence_pool(args.source or default_source())
    if len(pool) < args.sentences:
        sys.exit(f"error: the source has {len(pool)} usable sentences, fewer than --sentences {args.sentences}")
    out = jsonl_path(args.out)
    if str(out) != args.out:
        print(f"writing {out} (JSON Lines need the .jsonl suffix to be read as such)", file=sys.stderr)
    generate(pool, args.n, out, seed=args.seed, sentences=args.sentences)


if __name__ == "__main__":
    main()
