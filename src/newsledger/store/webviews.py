"""Read-only queries the web app needs beyond the Store interface: a cheap change stamp for its
response cache, and the events table (sort, facets, search, paging)."""

from __future__ import annotations

from .base import Store


def change_stamp(store: Store) -> tuple[int, int, int]:
    """Counts that change whenever the ledger is written (articles in, mentions extracted, events merged)."""
    row = store.conn.execute("SELECT (SELECT COUNT(*) FROM articles), (SELECT COUNT(*) FROM mentions), "
                             "(SELECT COUNT(*) FROM events)").fetchone()
    return tuple(int(x) for x in row)
