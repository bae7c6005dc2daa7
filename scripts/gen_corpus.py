#!/usr/bin/env python3
"""Generate a synthetic news corpus of any size from the shared full-text corpus, for scale benchmarks.

Each article is a fresh mix of sentences from different source articles, with countries, numbers
and dates rewritten, so near-duplicate detection does not hide the cost of processing it.

    python scripts/gen_corpus.py N OUT.jsonl [--source ../shared/corpus/ukraine-news-2022/articles.jsonl]
"""

import argparse
import datetime as dt
import json
import random
import re

COUNTRIES = ["Poland", "Romania", "Lithuania", "Latvia", "Estonia", "Bulgaria", "Slovakia", "Hungary", "Germany",
             "France", "Britain", "Spain", "Italy", "Norway", "Denmark", "the Netherlands", "Canada", "Turkey",
             "Finland", "Sweden", "Greece", "Czech Republic", "Belarus", "Moldova", "Georgia", "Ukraine", "Russia",
             "the United States"]
_COUNTRY = re.compile(r"\b(" + "|".join(re.escape(c) for c in COUNTRIES) + r")\b")
_NUMBER = re.compile(r"\b\d{1,3}(?:,\d{3})+\b|\b\d{2,6}\b")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--source", default="../shared/corpus/ukraine-news-2022/articles.jsonl")
    ap.add_argument("--seed", type=int, default=2022)
    ap.add_argument("--sentences", type=int, default=14, help="sentences per article")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    pool = []
    with open(args.source, encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line).get("text", "")
            pool += [s for s in re.split(r"(?<=[.!?])\s+", text) if 40 <= len(s) <= 400]
    start = dt.date(2021, 11, 1)
    with open(args.out, "w", encoding="utf-8") as out:
        for i in range(args.n):
            sents = rng.sample(pool, args.sentences)
            text = " ".join(sents)
            text = _COUNTRY.sub(lambda m: rng.choice(COUNTRIES), text)
            text = _NUMBER.sub(lambda m: f"{rng.choice([1, 2, 3, 5, 8, 12, 30, 150, 350, 800, 1000, 3000, 8500]):,}",
                               text)
            day = start + dt.timedelta(days=rng.randrange(0, 150))
            out.write(json.dumps({"id": f"gen{args.seed}-{i}", "time": day.isoformat() + "T12:00:00Z",
                                  "text": text}) + "\n")


if __name__ == "__main__":
    main()
