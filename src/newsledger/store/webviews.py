"""Read-only queries the web app needs beyond the Store interface: a cheap change stamp for its
response cache, and the events table (sort, facets, search, paging)."""

from __future__ import annotations

from dataclasses import dataclass

from .base import Store


def change_stamp(store: Store) -> tuple[int, int, int]:
    """Counts that change whenever the ledger is written (articles in, mentions extracted, events merged)."""
    row = store.conn.execute("SELECT (SELECT COUNT(*) FROM articles), (SELECT COUNT(*) FROM mentions), "
                             "(SELECT COUNT(*) FROM events)").fetchone()
    return tuple(int(x) for x in row)


@dataclass(frozen=True, slots=True)
class EventQuery:
    """The events table's view: filters (each facet's chosen value), text search, sort and page."""

    q: str | None = None
    type: str | None = None
    status: str | None = None
    actor: str | None = None
    host: str | None = None
    month: str | None = None  # YYYY-MM
    date_from: str | None = None  # YYYY-MM-DD, the timeline's brushed range
    date_to: str | None = None
    sort: str = "day"
    desc: bool = True
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, slots=True)
class EventRow:
    id: str
    day: str | None
    type: str
    mode: str | None
    actors: list[str]
    recipients: list[str]
    host: str | None
    status: str | None
    qty_min: int | None
    qty_max: int | None
    n_sources: int
    n_mentions: int
    summary: str


@dataclass(frozen=True, slots=True)
class FacetCount:
    value: str
    count: int


@dataclass(frozen=True, slots=True)
class EventTable:
    rows: list[EventRow]
    total: int
    facets: dict[str, list[FacetCount]]


# the day an event is placed on: its own date when known to the day or month, else when first reported
DAY = "(CASE WHEN date_precision IN ('day', 'month') THEN date ELSE first_reported END)"
SORTS = {"day": DAY, "type": "type", "actors": "actors", "host": "loc_country", "status": "status",
         "quantity": "COALESCE(qty_max, qty_min)", "sources": "n_sources", "mentions": "n_mentions"}
FACETS = {"type": "type", "status": "status", "host": "loc_country", "month": f"substr({DAY}, 1, 7)"}
FACET_LIMIT = 30


def _where(q: EventQuery) -> tuple[str, list]:
    where, args = ["1 = 1"], []
    for column, value in (("type", q.type), ("status", q.status), ("loc_country", q.host)):
        if value:
            where.append(f"{column} = ?")
            args.append(value)
    if q.month:
        where.append(f"substr({DAY}, 1, 7) = ?")
        args.append(q.month)
    if q.date_from:
        where.append(f"{DAY} >= ?")
        args.append(q.date_from)
    if q.date_to:
        where.append(f"{DAY} <= ?")
        args.append(q.date_to)
    if q.actor:
        where.append("(' ' || actors || ' ') LIKE ?")
        args.append(f"% {q.actor} %")
    if q.q:
        where.append("LOWER(summary) LIKE ?")
        args.append("%" + q.q.lower().replace("\\", "").replace("%", "").replace("_", "") + "%")
    return " AND ".join(where), args


def event_table(store: Store, q: EventQuery) -> EventTable:
    """One page of events matching `q`, sorted, with the total and the facet counts of the whole match."""
    where, args = _where(q)
    order = f"{SORTS.get(q.sort, DAY)} {'DESC' if q.desc else 'ASC'}, id"
    sql = ("SELECT id, " + DAY + ", type, mode, actors, recipients, loc_country, status, qty_min, qty_max, "
           f"n_sources, n_mentions, summary FROM events WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?")
    rows = [EventRow(r[0], r[1], r[2], r[3], r[4].split(), r[5].split(), r[6], r[7], r[8], r[9], r[10], r[11], r[12])
            for r in store.conn.execute(sql, [*args, q.limit, q.offset])]
    total = store.conn.execute(f"SELECT COUNT(*) FROM events WHERE {where}", args).fetchone()[0]
    facets = {}
    for name, expr in FACETS.items():
        got = store.conn.execute(f"SELECT {expr}, COUNT(*) FROM events WHERE {where} AND {expr} IS NOT NULL "
                                 f"GROUP BY {expr} ORDER BY 2 DESC, 1 LIMIT {FACET_LIMIT}", args)
        facets[name] = [FacetCount(str(v), int(n)) for v, n in got]
    actors: dict[str, int] = {}
    for joined, n in store.conn.execute(f"SELECT actors, COUNT(*) FROM events WHERE {where} GROUP BY actors", args):
        for code in joined.split():
            actors[code] = actors.get(code, 0) + int(n)
    facets["actor"] = [FacetCount(c, n) for c, n in sorted(actors.items(), key=lambda x: (-x[1], x[0]))[:FACET_LIMIT]]
    return EventTable(rows, int(total), facets)
