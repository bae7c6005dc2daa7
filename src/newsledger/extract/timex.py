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
from importlib import resources

import yaml

from ..exceptions import DataFileError, InputError

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


@dataclass(frozen=True, slots=True)
class TimexWords:
    refs: tuple[tuple[str, str], ...]  # (lower-case phrase, PRESENT_REF | PAST_REF | FUTURE_REF), longest first
    seasons: dict[str, tuple[str, int]]  # name -> (TimeML code, first month)
    decades: dict[str, int]  # "nineties" -> 9
    year_modifiers: tuple[str, ...]  # "fiscal", "calendar year", ...


_TIMEX_KEYS = {"refs", "seasons", "decades", "year_modifiers"}
_REF_VALUES = {"PRESENT_REF", "PAST_REF", "FUTURE_REF"}


@lru_cache(maxsize=1)
def load_timex_words() -> TimexWords:
    path = resources.files("newsledger") / "data" / "timex.yaml"
    return read_timex_words(path.read_text(encoding="utf-8"), "data/timex.yaml")


def read_timex_words(text: str, source: str) -> TimexWords:
    """The words of a timex.yaml text, checked: an unknown key is an error naming `source` and the line."""
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataFileError(f"malformed YAML: {getattr(exc, 'problem', exc)}", source=source,
                            line=mark.line + 1 if mark else None, hint="fix the file and run again") from exc
    if not isinstance(data, dict):
        raise DataFileError("expected a mapping of sections", source=source, hint=f"use {', '.join(sorted(_TIMEX_KEYS))}")
    for key, value in node.value:
        _check_key(key, _TIMEX_KEYS, source)
        if key.value == "refs":
            for ref, _ in getattr(value, "value", []):
                _check_key(ref, _REF_VALUES, source)
    refs = sorted(((str(p).lower(), kind) for kind, phrases in (data.get("refs") or {}).items() for p in phrases),
                  key=lambda r: -len(r[0]))
    seasons = {str(k).lower(): (str(v[0]), int(v[1])) for k, v in (data.get("seasons") or {}).items()}
    return TimexWords(tuple(refs), seasons, {str(k).lower(): int(v) for k, v in (data.get("decades") or {}).items()},
                      tuple(str(m).lower() for m in data.get("year_modifiers") or []))


def _check_key(key: yaml.Node, allowed: set[str], source: str) -> None:
    if key.value not in allowed:
        raise DataFileError(f"unknown key {key.value!r}", source=source, line=key.start_mark.line + 1,
                            hint=f"use one of {', '.join(sorted(allowed))}")


_MON = (r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December|"
        r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)")
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WD = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_UNIT = r"(?P<unit>day|week|month|year|quarter)s?"
_NUM = r"\d+|a few|few|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|several|a couple of"
_N = rf"(?P<n>{_NUM})"
_ORD = r"(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th|last(?=[- ]half))"
_QMODS = r"(?:latest|current|comparable|corresponding|same|year-earlier|year-ago|previous|prior|recent|most recent|just-ended|fiscal|calendar)"
_PART = r"(?P<part>morning|afternoon|evening|night)"
_TENS = r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_ONES = r"one|two|three|four|five|six|seven|eight|nine"


def _pattern_specs(words: TimexWords) -> list[tuple[str, str]]:
    seasons = "|".join(sorted(words.seasons, key=len, reverse=True))
    decades = "|".join(words.decades)
    yearmods = "|".join(re.escape(m) for m in sorted(words.year_modifiers, key=len, reverse=True))
    refs = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p, _ in words.refs)
    return [
        ("iso", r"\b(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d)\b"),
        ("mdy", rf"\b(?:{_WD},?\s+)?{_MON}\s+{_DAY}(?:,?\s+{_YEAR})?\b"),
        ("dmy", rf"\b(?:{_WD},?\s+)?{_DAY}\s+(?:of\s+)?{_MON}(?:,?\s+{_YEAR})?\b"),
        ("span", rf"\b(?:the\s+)?(?:last|past)\s+{_N}\s+{_UNIT}\b"),
        ("recent", r"\brecent\s+(?P<unit>day|week|month)s\b"),
        ("ago", rf"\b(?:(?:about|nearly|almost|some|roughly|more than|less than|just|only|over)\s+)?"
                rf"(?P<n>{_NUM}|an?)\s+{_UNIT}\s+(?:or so\s+)?ago\b"),
        ("shift", rf"\b(?P<n>{_NUM}|an?)\s+{_UNIT}\s+(?P<dir>earlier|later)\b"),  # "two months after X" is a duration
        ("other", r"\bthe\s+(?P<dir>following|previous|prior|preceding|same)\s+(?P<unit>day|week|month|year|quarter)\b"),
        ("that", r"\b(?:(?P<when>later|earlier)\s+(?:in\s+)?)?that\s+(?P<unit>day|week|month|year|quarter)\b"),
        ("quarter", rf"\b(?:(?P<det>the|its|this|that|last|next)\s+)?(?:(?P<yref>this|last|next)\s+year's\s+)?"
                    rf"(?P<mods>(?:{_QMODS}\s+)*)(?:(?P<qyear>(?:19|20)\d\d)\s+)?(?:fiscal\s+)?{_ORD}[- ](?P<unit>quarter|half)"
                    rf"(?:\s+of\s+(?:(?:{yearmods})\s+)?(?:(?P<year2>(?:19|20)\d\d)|(?P<yref2>this|last|next)\s+year))?\b"),
        ("quarter_ref", rf"\b(?:(?P<det>the|its|this|that|last|next)|(?P<yref>this|last|next)\s+year's)\s+(?P<mods>(?:{_QMODS}\s+)*)(?P<unit>quarter|period)\b"
                        r"(?P<back>\s+(?:a year (?:ago|earlier|before)|(?:of\s+)?last year))?"),
        ("yearago", rf"\b(?:the\s+)?year-(?:earlier|ago)\b(?!\s+(?:{_NUM})\s+(?:month|week|day)s?\b)"),  # not "the year-earlier nine months"
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
                    r"the\s+(?:(?P<mod>current|full|whole|entire|current fiscal|fiscal|calendar)\s+)?year\b(?!-|\s+(?:earlier|before|ago|ended|ending|later|after)\b)"),
        ("yearend", r"\b(?:the\s+)?year[- ]end\b"),
        ("every", rf"\b(?:each|every)\s+(?:(?P<unit>day|week|month|quarter|year)|{_WD}|{_MON})\b"),
        ("wd", rf"\b(?:(?P<rel>last|this|next|this past|this coming)\s+)?{_WD}(?:\s+{_PART})?\b"),
        ("partday", rf"\b(?P<rel>this|yesterday|tomorrow|last)\s+{_PART}\b"),
        ("weekend", r"\bthe\s+weekend\b"),
        ("oneday", r"\bone\s+day\b"),
        ("duration", rf"\b(?:the\s+(?:(?:first|latest|past|last|next|coming|previous|full|same)\s+)?)?(?P<n>{_NUM})[- ]"
                     r"(?P<unit>year|month|week|day|hour|minute)s?\b(?!-old|\s+old\b)"),  # not ages
        ("rel", r"\b(?:the\s+)?(?P<when>(?:earlier|later|late|early)\s+)?(?P<rel>last|this|next|past|coming)\s+(?P<unit>week|month|year|weekend)\b"),
        ("monthrel", rf"\b(?P<rel>last|next|this|this past|this coming)\s+{_MON}(?!\s+[0-3]?\d\b)"),
        ("monthyear_rel", rf"\b{_MON}\s+(?:of\s+)?(?P<rel>last|this|next)\s+year\b"),
        ("monthyear", rf"\b(?:(?P<mod>early|late|mid)[- ]?)?{_MON}(?:\s+(?:of\s+)?{_YEAR})?\b"),
        ("year", rf"(?<![\w$.,/-]){_YEAR}(?![\w%]|[.,/-]\d)"),
        ("day", r"\b(?P<rel>today|tonight|yesterday|tomorrow)\b"),
        ("ref", rf"\b(?P<ref>{refs})\b"),
    ]


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[str, re.Pattern], ...]:
    return tuple((name, re.compile(p, re.IGNORECASE)) for name, p in _pattern_specs(load_timex_words()))


def find_timexes(text: str, published: dt.date | None, *, offset: int = 0, future: bool = False,
                 tense: TenseOf | None = None) -> list[Timex]:
    """Every resolvable time expression in `text` (no overlaps, earliest first).

    `future`: read expressions as about the future when nothing else says (weekdays go forward);
    `tense`: the tense of the verb each span (offsets in `text`) belongs to, when the caller has
    parsed the text ("said Monday" -> past, "will meet Monday" -> future).
    """
    from .timex_values import Reader

    reader = Reader(published, "future" if future else None, load_timex_words())
    out: list[Timex] = []
    for name, m in _select(text):
        when = "past" if _SINCE.search(text[max(0, m.start() - 8):m.start()]) else tense(m.start(), m.end()) if tense else None
        try:
            reading = reader.read(name, m, when)
        except (ValueError, OverflowError, InputError):
            reading = None
        if reading is None:
            continue
        start, value, kind = m.start(), reading.value, reading.type
        before = text[max(0, start - 24):start]
        clock = _CLOCK_BEFORE.search(before) if name in ("wd", "mdy", "dmy", "day") and kind == "DATE" else None
        if clock is not None:  # "10 p.m. Wednesday", "noon Friday": a time of that day
            start, value, kind = start - len(before) + clock.start(), f"{value}T{_clock(clock)}", "TIME"
        out.append(Timex(start + offset, m.end() + offset, text[start:m.end()], reading.date,
                         reading.precision if reading.date else None, reading.end_date, value, kind))
    return out


_SINCE = re.compile(r"\bsince\s+$", re.IGNORECASE)  # "since Jan. 13": before publication, whatever the verb
_CLOCK_BEFORE = re.compile(r"(?:\b(?P<h>[01]?\d)(?::(?P<mi>[0-5]\d))?\s*(?P<ap>a\.m\.|p\.m\.|am\b|pm\b)|\b(?P<word>noon|midnight)"
                           r"|\b(?:early|late|mid)[- ]?(?P<part>morning|afternoon|evening))"
                           r"(?:\s+(?:EST|EDT|CST|CDT|PST|PDT|GMT|local time))?,?\s+$", re.IGNORECASE)


def _clock(m: re.Match) -> str:
    if m.group("part"):  # "mid-afternoon Tuesday"
        return {"morning": "MO", "afternoon": "AF", "evening": "EV"}[m.group("part").lower()]
    if m.group("word"):
        return "12:00" if m.group("word").lower() == "noon" else "24:00"
    h = int(m.group("h")) % 12 + (12 if m.group("ap").lower().startswith("p") else 0)
    return f"{h:02d}:{m.group('mi') or '00'}"


def _select(text: str) -> list[tuple[str, re.Match]]:
    """The leftmost-longest plausible matches of all patterns, without overlaps, in text order."""
    found = []
    for order, (name, pattern) in enumerate(_patterns()):
        for m in pattern.finditer(text):
            if _plausible(name, m, text):
                found.append((m.start(), -(m.end() - m.start()), order, name, m))
    found.sort(key=lambda f: f[:3])
    taken: list[tuple[str, re.Match]] = []
    end = -1
    for start, _, _, name, m in found:
        if start >= end:
            taken.append((name, m))
            end = m.end()
    return taken


_BEFORE_SEASON = re.compile(r"\b(?:in|during|by|until|since|over|through|throughout|for|early|late|mid)\s*$", re.IGNORECASE)


def _plausible(name: str, m: re.Match, text: str) -> bool:
    g = m.groupdict()
    if name in _NAMEABLE and _is_name(m, text):
        return False  # "USA Today", the programme "This Week"
    if name == "oneday":
        return bool(_MODAL_BEFORE.search(text[max(0, m.start() - 24):m.start()]))  # "will one day", not "for one day"
    if name == "day" and g["rel"].lower() in ("today", "tomorrow"):
        return not (re.search(r"\w\s+of\s+$", text[max(0, m.start() - 8):m.start()]) and text[m.end():m.end() + 1] != "'")
    if name == "monthyear":
        return _plausible_month(m, text)
    if name == "season":
        if g["season"].lower() == "fall" and not (g["year"] or (g["rel"] or "").lower() in ("this", "last", "next", "this past", "this coming")):
            return False  # "the fall of the wall", "a fall in prices"
        return bool(g["year"] or g["rel"] or _BEFORE_SEASON.search(text[:m.start()]))
    if name == "quarter_ref":
        mods = (g["mods"] or "").split()
        if g["unit"].lower() == "period":
            return bool(set(mods) & {"latest", "comparable", "corresponding", "same", "year-earlier", "year-ago", "most", "just-ended"})
        return m.group("unit")[0].islower()  # not "the French Quarter"
    if name == "ref":
        after = text[m.end():]
        if g["ref"].lower() == "now":
            return not re.match(r"\s*[-,]|\s+that\b", after)  # "now-defunct", "now that", "Now, ..."
        if g["ref"].lower() == "soon" and re.match(r"\s+(?:after|afterwards?|thereafter|before)\b", after, re.IGNORECASE):
            return False  # "soon after the vote": a relation to an event, not a time
        if g["ref"].lower().startswith("the ") and re.match(r"\s+of\b", after):
            return False  # "the future of the alliance": a topic, not a time
        return not (g["ref"].lower().startswith("the ") and _UNIT_AFTER.match(after))  # "the past three summers"
    return True


_NAMEABLE = frozenset({"day", "rel", "ref", "theyear", "quarter_ref", "that", "other"})
_MODAL_BEFORE = re.compile(r"\b(?:will|would|could|might|may|can|should|shall|must|'ll)\s+(?:\w+\s+)?$", re.IGNORECASE)


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


def _plausible_month(m: re.Match, text: str) -> bool:
    """'May' and 'March' are also words: require a year, a modifier, a preposition or a capital."""
    word = m.group("mon").lower().rstrip(".")
    if not m.group("mon")[0].isupper():
        return False
    if word in ("may", "mar", "march") and not (m.group("year") or m.group("mod")):
        return bool(re.search(r"\b(?:in|since|by|during|until|from|through|last|early|late|mid|of|before|after)\s+$",
                              text[:m.start()], re.IGNORECASE))
    return True
