"""The words the date finder (timex.py) reads, from data/timex.yaml, checked by a strict loader.

Calendar names, numbers written as digits and the shape of each pattern stay in timex.py; every
cue word (what counts as a number, which words may stand before a quarter, which prepositions make
"May" a month, how far "last" moves ...) is a list or a mapping in the data file. An unknown key, or a section that is not what its
key needs, is an error naming the file and the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

from ..exceptions import DataFileError


@dataclass(frozen=True, slots=True)
class TimexWords:
    refs: tuple[tuple[str, str], ...]  # (lower-case phrase, PRESENT_REF | PAST_REF | FUTURE_REF), longest first
    seasons: dict[str, tuple[str, int]]  # name -> (TimeML code, first month)
    decades: dict[str, int]  # "nineties" -> 9
    year_modifiers: tuple[str, ...]  # "fiscal", "calendar year", ...
    counts: tuple[str, ...] = ()  # number words: "one", "a few", "several" ...
    vague_counts: tuple[str, ...] = ()  # those with no number: "a few" -> PXY
    approximators: tuple[str, ...] = ()  # "about two years ago"
    quarter_modifiers: tuple[str, ...] = ()  # "the latest quarter", "the year-ago quarter"
    period_modifiers: frozenset[str] = frozenset()  # words that make "the ... period" a quarter
    year_determiners: tuple[str, ...] = ()  # "the full year", "the current fiscal year"
    duration_determiners: tuple[str, ...] = ()  # "the next 14 months"
    modals: tuple[str, ...] = ()  # "will one day"
    season_prepositions: tuple[str, ...] = ()  # "in spring": a season, not the verb
    month_prepositions: tuple[str, ...] = ()  # "in May": a month, not the verb
    time_zones: tuple[str, ...] = ()  # "10 p.m. EST Wednesday"
    event_relations: tuple[str, ...] = ()  # "soon after": a relation to an event, not a time
    day_parts: dict[str, str] = field(default_factory=dict)  # "night" -> NI
    ordinals: dict[str, int] = field(default_factory=dict)  # "third" -> 3 (quarters and halves)
    steps: dict[str, int] = field(default_factory=dict)  # "last" -> -1, "following" -> 1

    def alternation(self, field: str) -> str:
        """The words of a list field as a regex alternation, in the file's order (spaces as spaces);
        one that matches nothing when the list is empty or missing."""
        return "|".join(re.escape(w).replace(r"\ ", " ") for w in getattr(self, field)) or "(?!)"


_LISTS = ("year_modifiers", "counts", "vague_counts", "approximators", "quarter_modifiers", "period_modifiers",
          "year_determiners", "duration_determiners", "modals", "season_prepositions", "month_prepositions",
          "time_zones", "event_relations")
_MAPPINGS = ("refs", "seasons", "decades", "day_parts", "ordinals", "steps")
_TIMEX_KEYS = set(_LISTS) | set(_MAPPINGS)
_REF_VALUES = {"PRESENT_REF", "PAST_REF", "FUTURE_REF"}
_CASED = {"time_zones"}  # kept as written; every other word is lower-cased


@lru_cache(maxsize=1)
def load_timex_words() -> TimexWords:
    path = resources.files("newsledger") / "data" / "timex.yaml"
    return read_timex_words(path.read_text(encoding="utf-8"), "data/timex.yaml")


def read_timex_words(text: str, source: str) -> TimexWords:
    """The words of a timex.yaml text, checked: an unknown key, or a list key that does not hold a
    list of words, is an error naming `source` and the line."""
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataFileError(f"malformed YAML: {getattr(exc, 'problem', exc)}", source=source,
                            line=mark.line + 1 if mark else None, hint="fix the file and run again") from exc
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise DataFileError("expected a mapping of sections", source=source, hint=f"use {', '.join(sorted(_TIMEX_KEYS))}")
    for key, value in node.value:
        _check_key(key, _TIMEX_KEYS, source)
        if key.value == "refs":
            for ref, _ in getattr(value, "value", []):
                _check_key(ref, _REF_VALUES, source)
        elif key.value in _MAPPINGS and not isinstance(value, yaml.MappingNode):
            raise DataFileError(f"{key.value!r} must be a mapping", source=source, line=value.start_mark.line + 1,
                                hint="write it as {word: value, ...}")
        elif key.value in _LISTS and not (isinstance(value, yaml.SequenceNode)
                                          and all(isinstance(v, yaml.ScalarNode) for v in value.value)):
            raise DataFileError(f"{key.value!r} must be a list of words", source=source,
                                line=value.start_mark.line + 1, hint="write it as [word, \"two words\", ...]")
    refs = sorted(((str(p).lower(), kind) for kind, phrases in (data.get("refs") or {}).items() for p in phrases),
                  key=lambda r: -len(r[0]))
    seasons = {str(k).lower(): (str(v[0]), int(v[1])) for k, v in (data.get("seasons") or {}).items()}
    decades = {str(k).lower(): int(v) for k, v in (data.get("decades") or {}).items()}
    lists = {k: tuple(str(w) if k in _CASED else str(w).lower() for w in data.get(k) or []) for k in _LISTS}
    lists["period_modifiers"] = frozenset(lists["period_modifiers"])
    try:
        maps = {"day_parts": {str(k).lower(): str(v) for k, v in (data.get("day_parts") or {}).items()},
                "ordinals": {str(k).lower(): int(v) for k, v in (data.get("ordinals") or {}).items()},
                "steps": {str(k).lower(): int(v) for k, v in (data.get("steps") or {}).items()}}
    except (TypeError, ValueError) as exc:
        raise DataFileError(f"ordinals and steps take whole numbers: {exc}", source=source,
                            hint="write them as {word: 1, ...}") from exc
    return TimexWords(tuple(refs), seasons, decades, **lists, **maps)


def _check_key(key: yaml.Node, allowed: set[str], source: str) -> None:
    if key.value not in allowed:
        raise DataFileError(f"unknown key {key.value!r}", source=source, line=key.start_mark.line + 1,
                            hint=f"use one of {', '.join(sorted(allowed))}")
