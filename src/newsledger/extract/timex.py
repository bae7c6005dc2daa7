"""Time expressions, resolved against the publication date.

"on Monday" -> that day (the last one on or before publication; the next one for future
events), "last week" -> that week (its Monday, precision week), "this month" -> month, "later this
year" -> year, "Feb. 14" / "January 10, 2022" -> day, "over the last four months" -> an interval
ending on the publication date. Relative expressions need a publication date; without one they
resolve to nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..exceptions import InputError
from .quantities import parse_number

MONTHS = {m: i for i, names in enumerate([
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
    ("november", "nov"), ("december", "dec")], start=1) for m in names}
WEEKDAYS = {d: i for i, d in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}

_MON = r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WD = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_UNIT = r"(?P<unit>day|week|month|year)s?"
_N = r"(?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|several|a couple of)"

_PATTERNS: list[tuple[str, re.Pattern]] = [(name, re.compile(p, re.IGNORECASE)) for name, p in [
    ("iso", r"\b(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d)\b"),
    ("mdy", rf"\b{_MON}\s+{_DAY}(?:,?\s+{_YEAR})?\b"),
    ("dmy", rf"\b{_DAY}\s+{_MON}(?:,?\s+{_YEAR})?\b"),
    ("span", rf"\b(?:over|in|during|for)\s+the\s+(?:last|past)\s+{_N}\s+{_UNIT}\b"),
    ("recent", r"\b(?:in\s+)?recent\s+(?P<unit>day|week|month)s\b"),
    ("wd", rf"\b(?:(?P<rel>last|this|next|on|since|by|from|until)\s+)?{_WD}(?:\s+(?P<part>morning|afternoon|evening|night))?\b"),
    ("rel", r"\b(?P<when>(?:earlier|later|late|early)\s+)?(?P<rel>last|this|next|past|coming)\s+(?P<unit>week|month|year|weekend)\b"),
    ("monthyear", rf"\b(?:(?:in|since|by|during|until|from|early|late|mid|mid-)\s*)?{_MON}(?:\s+{_YEAR})?\b"),
    ("year", rf"\b(?:in|since|by|during|until|from)\s+{_YEAR}\b"),
    ("day", r"\b(?P<rel>today|tonight|yesterday|tomorrow)\b"),
]]


@dataclass(frozen=True, slots=True)
class Timex:
    start: int
    end: int
    text: str
    date: dt.date
    precision: str
    end_date: dt.date | None = None


def find_timexes(text: str, published: dt.date | None, *, offset: int = 0, future: bool = False) -> list[Timex]:
    """Every resolvable time expression in `text` (no overlaps, earliest first)."""
    taken: list[tuple[int, int]] = []
    out: list[Timex] = []
    for name, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            if name == "monthyear" and not _plausible_month(m, text):
                continue
            try:
                value = _resolve(name, m, published, future)
            except (ValueError, OverflowError, InputError):
                value = None
            taken.append((m.start(), m.end()))
            if value is None:
                continue
            date, precision, end = value
            out.append(Timex(m.start() + offset, m.end() + offset, m.group(0), date, precision, end))
    return sorted(out, key=lambda t: t.start)


def _plausible_month(m: re.Match, text: str) -> bool:
    """'May' and 'March' are also words: require a year, a preposition or a capital in mid-sentence."""
    word = m.group("mon").lower().rstrip(".")
    if word in ("may", "march", "mar", "jun", "jan", "dec", "oct", "aug", "sep", "apr", "nov", "feb", "jul"):
        return bool(m.group("year")) or m.group(0).lower() != m.group("mon").lower() and m.group(0)[0].islower() \
            or (m.group("mon")[0].isupper() and word not in ("may", "mar"))
    return m.group("mon")[0].isupper()


def _monday(d: dt.date) -> dt.date:
    return d - dt.timedelta(days=d.weekday())


def _add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    return dt.date(d.year + y, m + 1, 1)


def _year_for(month: int, published: dt.date | None) -> int | None:
    if published is None:
        return None
    # "Dec. 30" in a January article is last December; "Feb. 14" in a December article is next February
    if month - published.month > 6:
        return published.year - 1
    if published.month - month > 6:
        return published.year + 1
    return published.year


def _resolve(name: str, m: re.Match, pub: dt.date | None, future: bool):
    g = m.groupdict()
    if name == "iso":
        return dt.date.fromisoformat(g["iso"]), "day", None
    if name in ("mdy", "dmy"):
        month = MONTHS[g["mon"].lower().rstrip(".")]
        year = int(g["year"]) if g.get("year") else _year_for(month, pub)
        if year is None:
            return None
        return dt.date(year, month, int(g["day"])), "day", None
    if name == "monthyear":
        month = MONTHS[g["mon"].lower().rstrip(".")]
        year = int(g["year"]) if g.get("year") else _year_for(month, pub)
        return (dt.date(year, month, 1), "month", None) if year else None
    if name == "year":
        return dt.date(int(g["year"]), 1, 1), "year", None
    if pub is None:
        return None
    if name == "span":
        n = 3 if g["n"].lower() in ("a few", "several") else 2 if g["n"].lower() == "a couple of" else parse_number(g["n"])
        unit = g["unit"].lower()
        start = {"day": lambda: pub - dt.timedelta(days=n), "week": lambda: pub - dt.timedelta(weeks=n),
                 "month": lambda: _add_months(pub.replace(day=1), -n), "year": lambda: dt.date(pub.year - n, pub.month, 1)}[unit]()
        return start, unit, pub
    if name == "recent":
        unit = g["unit"].lower()
        start = {"day": pub - dt.timedelta(days=7), "week": pub - dt.timedelta(weeks=4),
                 "month": _add_months(pub.replace(day=1), -4)}[unit]
        return start, unit, pub
    if name == "wd":
        wd = WEEKDAYS[g["wd"].lower()]
        rel = (g.get("rel") or "").lower()
        if rel == "next" or (future and rel not in ("last", "since")):
            delta = (wd - pub.weekday()) % 7
            if rel == "next" and delta == 0:
                delta = 7
            return pub + dt.timedelta(days=delta), "day", None
        delta = (pub.weekday() - wd) % 7
        if rel == "last" and delta == 0:
            delta = 7
        return pub - dt.timedelta(days=delta), "day", None
    if name == "rel":
        rel, unit = g["rel"].lower(), g["unit"].lower()
        step = {"last": -1, "past": -1, "this": 0, "next": 1, "coming": 1}[rel]
        if unit in ("week", "weekend"):
            return _monday(pub) + dt.timedelta(weeks=step), "week", None
        if unit == "month":
            return _add_months(pub.replace(day=1), step), "month", None
        return dt.date(pub.year + step, 1, 1), "year", None
    if name == "day":
        rel = g["rel"].lower()
        delta = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[rel]
        return pub + dt.timedelta(days=delta), "day", None
    return None
