"""Per-article extraction cost by article length: generated news-like text in ONE paragraph, with
full stops ("sentences") or with commas only ("one sentence"), at 5k/20k/100k/1M characters.
Ratios are of CPU time (the process's own, so other work on a shared machine does not inflate them).

    PYTHONPATH=src python scripts/extract_cost.py [--sizes 5000,20000,100000,1000000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import time

from newsledger.extract.pipeline import RulesExtractor
from newsledger.model import Article

SENDERS = ["The United States", "Germany", "Britain", "France", "Canada", "Spain"]
HOSTS = ["Poland", "Romania", "Lithuania", "Estonia", "Latvia", "Bulgaria"]
ASSETS = ["troops", "soldiers", "fighter jets", "warships"]


def text(n: int, end: str, seed: int = 3) -> str:
    rng = random.Random(seed)
    parts, size = [], 0
    while size < n:
        s = (f"{rng.choice(SENDERS)} will send {rng.choice([300, 800, 1000, 2000]):,} {rng.choice(ASSETS)} "
             f"to {rng.choice(HOSTS)}, officials said on Monday, while talks went on in Geneva about the border{end}")
        parts.append(s)
        size += len(s) + 1
    return " ".join(parts)[:n]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="5000,20000,100000,1000000")
    sizes = [int(x) for x in ap.parse_args().sizes.split(",")]
    ex = RulesExtractor()
    list(ex.extract([Article("warm", "warm", text(2000, "."), dt.date(2022, 2, 1))]))
    for label, end in (("sentences", "."), ("one sentence", ",")):
        base = None
        for n in sizes:
            art = Article(f"a{n}", "gen", text(n, end), dt.date(2022, 2, 1))
            t0, c0 = time.perf_counter(), time.process_time()
            (_, mentions), = ex.extract([art])
            wall, secs = time.perf_counter() - t0, time.process_time() - c0
            base = base or secs
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"{label:13} {n:>9,} chars: {secs:7.2f} s CPU ({wall:.2f} s wall)  x{secs / base:6.1f} of 5k  "
                  f"(per char x{secs / base * sizes[0] / n:4.2f})  {len(mentions):5} mentions  max RSS {rss:.0f} MB",
                  flush=True)


if __name__ == "__main__":
    main()
