"""Timeline summarisation metrics: date F1 and alignment-based ROUGE-1/2 (the "align, date costs,
many-to-one" variant of Martschat & Markert, as in tilse), implemented here without ROUGE's Perl.

A system date is aligned to the nearest reference date and counts with weight 1 / (1 + days apart);
ROUGE-n precision sums the weighted n-gram overlap of each system date's summary with its aligned
reference summary over the system's n-grams, recall does the same from the reference side.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

Timeline = dict[dt.date, list[str]]
_TOKEN = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class TLSScores:
    date_precision: float
    date_recall: float
    date_f1: float
    ar1_f1: float
    ar2_f1: float


def _ngrams(sentences: list[str], n: int) -> Counter:
    tokens = _TOKEN.findall(" ".join(sentences).lower())
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _aligned(source: Timeline, target: Timeline, n: int) -> tuple[float, float]:
    """Weighted n-gram overlap of each `source` date with its nearest `target` date, and the total."""
    if not target:
        return 0.0, float(sum(sum(_ngrams(s, n).values()) for s in source.values()))
    overlap = total = 0.0
    for day, sents in source.items():
        near = min(target, key=lambda t: (abs((t - day).days), t))
        weight = 1.0 / (1 + abs((near - day).days))
        mine, theirs = _ngrams(sents, n), _ngrams(target[near], n)
        overlap += weight * sum((mine & theirs).values())
        total += sum(mine.values())
    return overlap, total


def score_timeline(system: Timeline, reference: Timeline) -> TLSScores:
    sys_dates, ref_dates = set(system), set(reference)
    hit = len(sys_dates & ref_dates)
    dp = hit / len(sys_dates) if sys_dates else 0.0
    dr = hit / len(ref_dates) if ref_dates else 0.0
    ar = []
    for n in (1, 2):
        o_p, t_p = _aligned(system, reference, n)
        o_r, t_r = _aligned(reference, system, n)
        ar.append(_f1(o_p / t_p if t_p else 0.0, o_r / t_r if t_r else 0.0))
    return TLSScores(dp, dr, _f1(dp, dr), ar[0], ar[1])
