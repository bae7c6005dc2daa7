"""Quantity expressions: "5,000 troops", "between 1,000 to 5,000", "hundreds of soldiers",
"tens of thousands", "more than 100,000", "up to 350 more", "six landing ships", "$630bn".

`quantity_before(text, end)` reads the figure that modifies the noun starting at `end`.
Vague amounts follow docs/CONVENTIONS.md (hundreds -> 200-900, approximate).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..exceptions import InputError

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12, "a dozen": 12,
    "a hundred": 100, "hundred": 100, "a thousand": 1000, "thousand": 1000, "couple": 2, "a couple": 2,
}
_SCALE = {"thousand": 1_000, "k": 1_000, "million": 1_000_000, "m": 1_000_000, "mn": 1_000_000,
          "billion": 1_000_000_000, "bn": 1_000_000_000, "b": 1_000_000_000, "trillion": 10**12, "tn": 10**12}
_VAGUE = {  # (min, max)
    "dozens": (24, 96), "scores": (40, 90), "hundreds": (200, 900), "several hundred": (200, 900),
    "a few hundred": (200, 500), "thousands": (2000, 9000), "several thousand": (2000, 9000),
    "a few thousand": (2000, 5000), "tens of thousands": (20000, 90000),
    "hundreds of thousands": (200000, 900000), "millions": (2_000_000, 9_000_000),
}
_CMP_MIN = {"more than", "over", "at least", "upwards of", "in excess of", "no fewer than", "no less than"}
_CMP_MAX = {"up to", "as many as", "nearly", "almost", "fewer than", "less than", "under", "no more than",
            "just under", "close to"}
_CMP_APPROX = {"about", "around", "some", "roughly", "approximately", "an estimated", "estimated", "about some",
               "approx.", "circa", "or so"}

_WORDNUM = "|".join(sorted((re.escape(w) for w in _UNITS), key=len, reverse=True))
NUM = (rf"(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|\b(?:{_WORDNUM})\b)"
       rf"(?:\s*(?:thousand|million|billion|trillion|bn|mn|tn|k|m|b)(?![a-z]))?")
_VAGUE_RE = "|".join(sorted((re.escape(v) for v in _VAGUE), key=len, reverse=True))
_CMP_RE = "|".join(sorted((re.escape(c) for c in _CMP_MIN | _CMP_MAX | _CMP_APPROX), key=len, reverse=True))
# words that may stand between the figure and the noun: "3,000 more", "six Russian landing", "eight F-35"
_FILLER = r"(?:(?!(?:and|or|to|of|in|from|with|by|for|on|at|the)\b)[A-Za-z][\w'.\-]*\s+){0,4}"

_FIGURE = re.compile(
    rf"(?<![\w,.$€£\-])(?P<all>(?:(?P<cmp>{_CMP_RE})\s+)?(?P<cur>\$|US\$|€|£)?\s?"
    rf"(?:between\s+(?P<a>{NUM})\s+(?:and|to)\s+(?P<b>{NUM})"
    rf"|(?P<a2>{NUM})\s*(?:-|–|to|or)\s*(?P<b2>{NUM})"
    rf"|(?P<vague>{_VAGUE_RE})(?:\s+of)?"
    rf"|(?:another|an additional|additional)?\s*(?P<n>{NUM})(?:-strong)?)"
    rf"(?:\s+(?:more|additional|extra|further|other|new))?)"
    rf"\s+(?:of\s+)?{_FILLER}$",
    re.IGNORECASE,
)


_AHEAD = re.compile(rf"(?:(?:{_CMP_RE})\s+)?{NUM}\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Figure:
    start: int
    end: int
    text: str
    min: int | None
    max: int | None
    approx: bool
    currency: str | None = None


def parse_number(text: str) -> int:
    """'5,000' -> 5000, 'six' -> 6, '1.5 million' -> 1500000, '630bn' -> 630000000000."""
    s = text.strip().lower()
    m = re.fullmatch(rf"(?P<base>[\d.,]+|{_WORDNUM})\s*(?P<scale>thousand|million|billion|trillion|bn|mn|tn|k|m|b)?", s)
    if not m:
        raise InputError(f"not a number: {text!r}")
    base = m.group("base")
    if base in _UNITS:
        value = float(_UNITS[base])
    else:
        try:
            value = float(base.replace(",", ""))
        except ValueError as exc:
            raise InputError(f"not a number: {text!r}") from exc
    if m.group("scale"):
        value *= _SCALE[m.group("scale")]
    if value != value or value > 1e15:
        raise InputError(f"number out of range: {text!r}")
    return int(round(value))


def quantity_at(text: str, start: int) -> Figure | None:
    """The figure that starts at `start` in `text` with no noun after it ("... thought to number upwards
    of 100,000")."""
    m = _AHEAD.match(text, start)
    return quantity_before(text[:m.end()] + " ", m.end() + 1) if m else None


def quantity_before(text: str, end: int, window: int = 90) -> Figure | None:
    """The figure that directly modifies the noun starting at `end` in `text`, if any (none for a
    number that cannot be read, such as "1.2.3" or one beyond 10^15)."""
    try:
        return _quantity_before(text, end, window)
    except InputError:
        return None


def _quantity_before(text: str, end: int, window: int) -> Figure | None:
    start = max(0, end - window)
    chunk = text[start:end]
    m = _FIGURE.search(chunk)
    if not m or not m.group("all").strip():
        return None
    s = m.start("all")
    cmp_ = (m.group("cmp") or "").lower()
    cur = m.group("cur")
    currency = {"$": "usd", "us$": "usd", "€": "eur", "£": "gbp"}.get(cur.lower()) if cur else None
    approx = cmp_ in _CMP_APPROX or cmp_ in _CMP_MIN or cmp_ in _CMP_MAX
    if m.group("vague"):
        lo, hi = _VAGUE[m.group("vague").lower()]
        lo_v, hi_v, approx = lo, hi, True
        if cmp_ in _CMP_MIN:
            hi_v = None
        elif cmp_ in _CMP_MAX:
            lo_v = None
    elif m.group("a") or m.group("a2"):
        lo_v = parse_number(m.group("a") or m.group("a2"))
        hi_v = parse_number(m.group("b") or m.group("b2"))
        if hi_v < lo_v and hi_v < 1000 <= lo_v:
            pass
        if lo_v > hi_v:
            lo_v, hi_v = hi_v, lo_v
    else:
        n = parse_number(m.group("n"))
        lo_v = hi_v = n
        if cmp_ in _CMP_MIN:
            hi_v = None
        elif cmp_ in _CMP_MAX:
            lo_v = None
    text_all = m.group("all").strip()
    return Figure(start + s, start + s + len(text_all), text_all, lo_v, hi_v, approx, currency)
