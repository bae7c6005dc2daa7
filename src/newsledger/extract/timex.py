"""Time expressions, resolved against the publication date, with their TimeML values.

"Monday" -> that day (the last one on or before publication, the next one when the verb it belongs
to is in the future), "last week" -> that week, "this month" -> month, "Feb. 14" / "January 10,
2022" -> day, "the third quarter" -> 2022-Q3, "this summer" -> 2022-SU, "the 1990s" -> 199,
"nineteen ninety-one" -> 1991, "each July" -> the SET XXXX-07, "now" -> PRESENT_REF, "a year
earlier" -> a year before the last date named in the same text, "over the last four months" -> an
interval ending on the publication date. Spans are TimeML's: no leading preposition ("on Monday"
-> "Monday"). Relative expressions need a publication date; without one they resolve to nothing.

Each Timex carries the ledger's reading (a date and a precision of day, week, month or year, or no
date at all) and TimeML's (type and value). Quarters, halves and seasons give the ledger their year;
decades, sets, PRESENT_REF / PAST_REF / FUTURE_REF and expressions that refer back to a date not
named in the same text give it no date. Names ("VOA Today") are not time expressions. Words live
in data/timex.yaml; the readings in timex_values.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from ..exceptions import InputError
from .timex_words import TimexWords, load_timex_words, read_timex_words

__all__ = ["MONTHS", "WEEKDAYS", "Timex", "TimexWords", "find_timexes", "load_timex_words", "read_timex_words"]

MONTHS = {m: i for i, names in enumerate([
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
    ("november", "nov"), ("december", "dec")], start=1) for m in names}
WEEKDAYS = {d: i for i, d in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}

TenseOf = Callable[[int, int], "str | None"]  # (start, end) in the text -> "past" | "future" | None


@dataclass(frozen=True, slots=True)
class Timex:
    start: int
    end: int
    text: str
    date: dt.date | None  # start of the period of `precision`; None: no date of its own
    precision: str | None  # day, week, month, year (None when date is None)
    end_date: dt.date | None = None  # last day of an interval ("over the last four months")
    value: str = ""  # TimeML value: 2022-02-14, 2022-W07, 2022-Q3, 2022-SU, 199, PRESENT_REF, P4M ...
    type: str = "DATE"  # TimeML type: DATE, TIME (a part of a day), DURATION, SET ("every Monday")


_MON = (r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December|"
        r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)")
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WD = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_UNIT = r"(?P<unit>day|week|month|year|quarter)s?"
_TENS = r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_ONES = r"one|two|three|four|five|six|seven|eight|nine"


def _pattern_specs(words: TimexWords) -> list[tuple[str, str]]:
    seasons = "|".join(sorted(words.seasons, key=len, reverse=True))
    decades = "|".join(words.decades)
    yearmods = "|".join(re.escape(m) for m in sorted(words.year_modifiers, key=len, reverse=True))
    refs = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p, _ in words.refs)
    num = rf"\d+|{words.alternation('counts')}"
    n = rf"(?P<n>{num})"
    qmods = f"(?:{words.alternation('quarter_modifiers')})"
    ords = "|".join(re.escape(o) if o != "last" else "last(?=[- ]half)" for o in words.ordinals)  # "the last half"
    ordinal, part = f"(?P<ord>{ords or '(?!)'})", f"(?P<part>{'|'.join(words.day_parts) or '(?!)'})"
    return [
        ("iso", r"\b(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d)\b"),
        ("mdy", rf"\b(?:{_WD},?\s+)?{_MON}\s+{_DAY}(?:,?\s+{_YEAR})?\b"),
        ("dmy", rf"\b(?:{_WD},?\s+)?{_DAY}\s+(?:of\s+)?{_MON}(?:,?\s+{_YEAR})?\b"),
        ("span", rf"\b(?:the\s+)?(?:last|past)\s+{n}\s+{_UNIT}\b"),
        ("recent", r"\brecent\s+(?P<unit>day|week|month)s\b"),
        ("ago", rf"\b(?:(?:{words.alternation('approximators')})\s+)?"
                rf"(?P<n>{num}|an?)\s+{_UNIT}\s+(?:or so\s+)?ago\b"),
        ("shift", rf"\b(?P<n>{num}|an?)\s+{_UNIT}\s+(?P<dir>earlier|later)\b"),  # "two months after X" is a duration
        ("other", r"\bthe\s+(?P<dir>following|previous|prior|preceding|same)\s+(?P<unit>day|week|month|year|quarter)\b"),
        ("that", r"\b(?:(?P<when>later|earlier)\s+(?:in\s+)?)?that\s+(?P<unit>day|week|month|year|quarter)\b"),
        ("quarter", rf"\b(?:(?P<det>the|its|this|that|last|next)\s+)?(?:(?P<yref>this|last|next)\s+year's\s+)?"
                    rf"(?P<mods>(?:{qmods}\s+)*)(?:(?P<qyear>(?:19|20)\d\d)\s+)?(?:fiscal\s+)?{ordinal}[- ](?P<unit>quarter|half)"
                    rf"(?:\s+of\s+(?:(?:{yearmods})\s+)?(?:(?P<year2>(?:19|20)\d\d)|(?P<yref2>this|last|next)\s+year))?\b"),
        ("quarter_ref", rf"\b(?:(?P<det>the|its|this|that|last|next)|(?P<yref>this|last|next)\s+year's)\s+(?P<mods>(?:{qmods}\s+)*)(?P<unit>quarter|period)\b"
                        r"(?P<back>\s+(?:a year (?:ago|earlier|before)|(?:of\s+)?last year))?"),
        ("yearago", rf"\b(?:the\s+)?year-(?:earlier|ago)\b(?!\s+(?:{num})\s+(?:month|week|day)s?\b)"),  # not "the year-earlier nine months"
        ("decade", r"(?<![\w'])(?:(?:the\s+)?(?:first|second|last|latter)\s+half\s+of\s+)?(?:the\s+)?(?:(?:early|mid|late)[- ]?)?"
                   r"(?:(?P<dec>(?:1[89]|20)\d)0|'(?P<dec2>\d)0)'?s\b"),
        ("decade_word", rf"\bthe\s+(?:(?:early|mid|late)[- ]?)?(?P<decw>{decades})\b"),
        ("spelled_year", rf"\b(?:(?P<cent>nineteen|eighteen)[- ](?P<tens>{_TENS})(?:[- ](?P<ones>{_ONES}))?"
                         rf"|the\s+year\s+two\s+thousand(?:\s+and)?(?:[- ](?P<ones2>{_ONES}))?)\b"),
        ("century", r"\bthe\s+(?P<cent>1[5-9]|2[01])(?:st|nd|rd|th)\s+century\b"),
        ("season", rf"\b(?:(?P<rel>this past|this coming|this|last|next|the|early|late|mid)\s+)?(?:(?:early|late|mid)[- ])?"
                   rf"(?P<season>{seasons})(?:\s+(?:of\s+)?(?:{_YEAR}|(?P<yrel>last|this|next)\s+year))?\b"),
        ("yearpart", rf"\b(?:(?:early|late|mid)[- ]?|(?:the\s+)?(?:end|beginning|start|middle|rest|remainder)\s+of\s+)"
                     rf"(?:(?:{yearmods})\s+)?{_YEAR}\b"),
        ("fiscal", rf"\b(?:{yearmods})\s+{_YEAR}\b"),
        ("theyear", r"\b(?:(?P<when>later|earlier)\s+in\s+|(?:the\s+)?(?:end|beginning|start|rest)\s+of\s+)?"
                    rf"the\s+(?:(?P<mod>{words.alternation('year_determiners')})\s+)?year\b(?!-|\s+(?:earlier|before|ago|ended|ending|later|after)\b)"),
        ("yearend", r"\b(?:the\s+)?year[- ]end\b"),
        ("every", rf"\b(?:each|every)\s+(?:(?P<unit>day|week|month|quarter|year)|{_WD}|{_MON})\b"),
        ("wd", rf"\b(?:(?P<rel>last|this|next|this past|this coming)\s+)?{_WD}(?:\s+{part})?\b"),
        ("partday", rf"\b(?P<rel>this|yesterday|tomorrow|last)\s+{part}\b"),
        ("weekend", r"\bthe\s+weekend\b"),
        ("oneday", r"\bone\s+day\b"),
        ("duration", rf"\b(?:the\s+(?:(?:{words.alternation('duration_determiners')})\s+)?)?(?P<n>{num})[- ]"
                     r"(?P<unit>year|month|week|day|hour|minute)s?\b(?!-old|\s+old\b)"),  # not ages
        ("rel", r"\b(?:the\s+)?(?P<when>(?:earlier|later|late|early)\s+)?(?P<rel>last|this|next|past|coming)\s+(?P<unit>week|month|year|weekend)\b"),
        ("monthrel", rf"\b(?P<rel>last|next|this|this past|this coming)\s+{_MON}(?!\s+[0-3]?\d\b)"),
        ("monthyear_rel", rf"\b{_MON}\s+(?:of\s+)?(?P<rel>last|this|next)\s+year\b"),
        ("monthyear", rf"\b(?:(?P<mod>early|late|mid)[- ]?)?{_MON}(?:\s+(?:of\s+)?{_YEAR})?\b"),
        ("year", rf"(?<![\w$.,/-]){_YEAR}(?![\w%]|[.,/-]\d)"),
        ("day", r"\b(?P<rel>today|tonight|yesterday|tomorrow)\b"),
        ("ref", rf"\b(?P<ref>{refs})\b"),
    ]


@dataclass(frozen=True, slots=True)
class _Cues:
    """The compiled patterns and the context tests, built once from the words file."""

    patterns: tuple[tuple[str, re.Pattern], ...]
    clock_before: re.Pattern  # "10 p.m. Wednesday", "noon Friday"
    season_before: re.Pattern  # "in spring"
    modal_before: re.Pattern  # "will one day"
    month_before: re.Pattern  # "in May"
    soon_relation: re.Pattern  # "soon after"
    period_modifiers: frozenset[str]


def _words_before(alternation: str, space: str = r"\s+") -> re.Pattern:
    return re.compile(rf"\b(?:{alternation}){space}$", re.IGNORECASE)


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    words = load_timex_words()
    clock = re.compile(r"(?:\b(?P<h>[01]?\d)(?::(?P<mi>[0-5]\d))?\s*(?P<ap>a\.m\.|p\.m\.|am\b|pm\b)|\b(?P<word>noon|midnight)"
                       r"|\b(?:early|late|mid)[- ]?(?P<part>morning|afternoon|evening))"
                       rf"(?:\s+(?:{words.alternation('time_zones')}))?,?\s+$", re.IGNORECASE)
    return _Cues(tuple((name, re.compile(p, re.IGNORECASE)) for name, p in _pattern_specs(words)), clock,
                 _words_before(words.alternation("season_prepositions"), r"\s*"),
                 re.compile(rf"\b(?:{words.alternation('modals')})\s+(?:\w+\s+)?$", re.IGNORECASE),
                 _words_before(words.alternation("month_prepositions")),
                 re.compile(rf"\s+(?:{words.alternation('event_relations')})\b", re.IGNORECASE), words.period_modifiers)


def find_timexes(text: str, published: dt.date | None, *, offset: int = 0, future: bool = False,
                 tense: TenseOf | None = None) -> list[Timex]:
    """Every resolvable time expression in `text` (no overlaps, earliest first).

    `future`: read expressions as about the future when nothing else says (weekdays go forward);
    `tense`: the tense of the verb each span (offsets in `text`) belongs to, when the caller has
    parsed the text ("said Monday" -> past, "will meet Monday" -> future).
    """
    from .timex_values import Reader

    reader = Reader(published, "future" if future else None, load_timex_words())
    cues = _cues()
    out: list[Timex] = []
    for name, m in _select(text, cues):
        when = "past" if _SINCE.search(text[max(0, m.start() - 8):m.start()]) else tense(m.start(), m.end()) if tense else None
        try:
            reading = reader.read(name, m, when)
        except (ValueError, OverflowError, InputError):
            reading = None
        if reading is None:
            continue
        start, value, kind = m.start(), reading.value, reading.type
        before = text[max(0, start - 24):start]
        clock = cues.clock_before.search(before) if name in ("wd", "mdy", "dmy", "day") and kind == "DATE" else None
        if clock is not None:  # "10 p.m. Wednesday", "noon Friday": a time of that day
            start, value, kind = start - len(before) + clock.start(), f"{value}T{_clock(clock, reader.words)}", "TIME"
        out.append(Timex(start + offset, m.end() + offset, text[start:m.end()], reading.date,
                         reading.precision if reading.date else None, reading.end_date, value, kind))
    return out


_SINCE = re.compile(r"\bsince\s+$", re.IGNORECASE)  # "since Jan. 13": before publication, whatever the verb


def _clock(m: re.Match, words: TimexWords) -> str:
    if m.group("part"):  # "mid-afternoon Tuesday"
        return words.day_parts[m.group("part").lower()]
    if m.group("word"):
        return "12:00" if m.group("word").lower() == "noon" else "24:00"
    h = int(m.group("h")) % 12 + (12 if m.group("ap").lower().startswith("p") else 0)
    return f"{h:02d}:{m.group('mi') or '00'}"


def _select(text: str, cues: _Cues) -> list[tuple[str, re.Match]]:
    """The leftmost-longest plausible matches of all patterns, without overlaps, in text order."""
    found = []
    for order, (name, pattern) in enumerate(cues.patterns):
        for m in pattern.finditer(text):
            if _plausible(name, m, text, cues):
                found.append((m.start(), -(m.end() - m.start()), order, name, m))
    found.sort(key=lambda f: f[:3])
    taken: list[tuple[str, re.Match]] = []
    end = -1
    for start, _, _, name, m in found:
        if start >= end:
            taken.append((name, m))
            end = m.end()
    return taken


def _plausible(name: str, m: re.Match, text: str, cues: _Cues) -> bool:
    g = m.groupdict()
    if name in _NAMEABLE and _is_name(m, text):
        return False  # "USA Today", the programme "This Week"
    if name == "oneday":
        return bool(cues.modal_before.search(text[max(0, m.start() - 24):m.start()]))  # "will one day", not "for one day"
    if name == "day" and g["rel"].lower() in ("today", "tomorrow"):
        return not (re.search(r"\w\s+of\s+$", text[max(0, m.start() - 8):m.start()]) and text[m.end():m.end() + 1] != "'")
    if name == "monthyear":
        return _plausible_month(m, text, cues)
    if name == "season":
        if g["season"].lower() == "fall" and not (g["year"] or (g["rel"] or "").lower() in ("this", "last", "next", "this past", "this coming")):
            return False  # "the fall of the wall", "a fall in prices"
        return bool(g["year"] or g["rel"] or cues.season_before.search(text[:m.start()]))
    if name == "quarter_ref":
        mods = (g["mods"] or "").split()
        if g["unit"].lower() == "period":
            return bool(cues.period_modifiers.intersection(mods))
        return m.group("unit")[0].islower()  # not "the French Quarter"
    if name == "ref":
        after = text[m.end():]
        if g["ref"].lower() == "now":
            return not re.match(r"\s*[-,]|\s+that\b", after)  # "now-defunct", "now that", "Now, ..."
        if g["ref"].lower() == "soon" and cues.soon_relation.match(after):
            return False  # "soon after the vote": a relation to an event, not a time
        if g["ref"].lower().startswith("the ") and re.match(r"\s+of\b", after):
            return False  # "the future of the alliance": a topic, not a time
        return not (g["ref"].lower().startswith("the ") and _UNIT_AFTER.match(after))  # "the past three summers"
    return True


_NAMEABLE = frozenset({"day", "rel", "ref", "theyear", "quarter_ref", "that", "other"})


def _is_name(m: re.Match, text: str) -> bool:
    """A relative expression written as (part of) a name: every word capitalised ("This Week With ..."),
    or capitalised right after a capitalised word of the same sentence ("VOA Today")."""
    words = m.group().split()
    if not words[0][0].isupper():
        return False
    if len(words) > 1 and all(w[0].isupper() for w in words):
        return True
    before = text[max(0, m.start() - 40):m.start()]
    toks = before.split()
    return (before.endswith(" ") and len(toks) >= 2 and toks[-1][0].isupper() and toks[-1][-1].isalnum()
            and toks[-2][-1] not in ".!?:;\"'")


_UNIT_AFTER = re.compile(r"\s+(?:[\w-]+\s+){0,2}?(?:day|week|month|year|quarter|decade|century|spring|summer|fall|"
                         r"autumn|winter|weekend|hour|minute)s?\b", re.IGNORECASE)


def _plausible_month(m: re.Match, text: str, cues: _Cues) -> bool:
    """'May' and 'March' are also words: require a year, a modifier, a preposition or a capital."""
    word = m.group("mon").lower().rstrip(".")
    if not m.group("mon")[0].isupper():
        return False
    if word in ("may", "mar", "march") and not (m.group("year") or m.group("mod")):
        return bool(cues.month_before.search(text[:m.start()]))
    return True
