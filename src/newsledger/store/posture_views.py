"""Read queries on the posture views (posture_lines, posture_totals, posture_hosts, see rollups.py) and the
ingest-order date of an undated article; posture.py turns the rows into its dataclasses."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # store.base imports rollups, which imports this module
    from .base import Store

LINE_COLUMNS = ("host, event_id, senders, mode, min, max, approx, unit, status, last_reported, shared_with, "
                "summary, sources, layer, review, increment, total_after, undated")
TOTAL_COLUMNS = ("layer, mode, min, max, uncertain, pledged_min, pledged_max, underway_min, underway_max, "
                 "arrived_min, arrived_max")


def posture_hosts(store: Store, host: str | None) -> list[tuple[str, int]]:
    """(host, number of lines) of every host with plausible lines, or of `host`."""
    if host:
        return list(store.conn.execute("SELECT host, n_lines FROM posture_hosts WHERE host = ?", (host.upper(),)))
    return list(store.conn.execute("SELECT host, n_lines FROM posture_hosts"))


def posture_totals(store: Store, host: str) -> list[tuple]:
    """TOTAL_COLUMNS rows of `host`'s totals, readiness apart."""
    return list(store.conn.execute(f"SELECT {TOTAL_COLUMNS} FROM posture_totals WHERE host = ? "
                                   "AND layer <> 'readiness' ORDER BY layer, mode", (host,)))


def posture_lines(store: Store, host: str, readiness: bool, limit: int | None = None) -> list[tuple]:
    """LINE_COLUMNS rows of `host`'s plausible lines (the readiness layer, or the others), latest first."""
    sql = (f"SELECT {LINE_COLUMNS} FROM posture_lines WHERE host = ? AND review = '' AND "
           f"layer {'=' if readiness else '<>'} 'readiness' ORDER BY last_reported DESC, event_id DESC")
    if limit is None:
        return list(store.conn.execute(sql, (host,)))
    return list(store.conn.execute(sql + " LIMIT ?", (host, limit)))


def review_lines(store: Store, limit: int | None = None) -> list[tuple]:
    """LINE_COLUMNS rows of the lines under review, latest first."""
    sql = f"SELECT {LINE_COLUMNS} FROM posture_lines WHERE review <> '' ORDER BY last_reported DESC, event_id"
    if limit is None:
        return list(store.conn.execute(sql))
    return list(store.conn.execute(sql + " LIMIT ?", (limit,)))


def line_rows(store: Store, host: str | None) -> list[tuple]:
    """LINE_COLUMNS rows of every line of `host` (of every host without it): plausible, under review and readiness."""
    if host:
        return list(store.conn.execute(f"SELECT {LINE_COLUMNS} FROM posture_lines WHERE host = ?", (host.upper(),)))
    return list(store.conn.execute(f"SELECT {LINE_COLUMNS} FROM posture_lines"))


def event_articles(store: Store, type_: str) -> list[tuple[str, str]]:
    """(event id, article id) of every article reporting an event of `type_`."""
    return list(store.conn.execute("SELECT DISTINCT x.event_id, m.article_id FROM event_mentions x "
                                   "JOIN mentions m ON m.id = x.mention_id JOIN events e ON e.id = x.event_id "
                                   "WHERE e.type = ?", (type_,)))


class ArticleDay(NamedTuple):
    day: dt.date | None  # the publication date, or the ingest-order date of an undated article
    undated: bool


def article_days(store: Store) -> dict[str, ArticleDay]:
    """Every article's day as the posture counts it, in one pass over the ingest order: an undated article
    takes the date `ingest_date` gives it."""
    rows = store.conn.execute("SELECT id, published FROM articles ORDER BY seq").fetchall()
    dated = [str(p)[:10] for _i, p in rows if p]
    first = dt.date.fromisoformat(min(dated)) if dated else None
    out: dict[str, ArticleDay] = {}
    last = None
    for aid, published in rows:
        if published:
            last = dt.date.fromisoformat(str(published)[:10])
            out[aid] = ArticleDay(last, False)
        else:
            out[aid] = ArticleDay(last or first, True)
    return out


def ingest_date(conn, article_id: str) -> dt.date | None:
    """The date an undated article counts from: that of the last dated article ingested before it (the
    ledger's first date when none was)."""
    row = conn.execute("SELECT p.published FROM articles a JOIN articles p ON p.seq < a.seq "
                       "WHERE a.id = ? AND p.published IS NOT NULL ORDER BY p.seq DESC LIMIT 1", (article_id,)).fetchone()
    if not (row and row[0]):  # none before it: the ledger's first date
        row = conn.execute("SELECT MIN(published) FROM articles").fetchone()
    return dt.date.fromisoformat(str(row[0])[:10]) if row and row[0] else None
