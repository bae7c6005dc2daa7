"""Read queries on the posture views (posture_lines, posture_totals, posture_hosts, posture_history, see
rollups.py) and the ingest-order date of an undated article; posture.py turns the rows into its dataclasses."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # store.base imports rollups, which imports this module
    from .base import Store

LINE_COLUMNS = ("host, event_id, senders, mode, min, max, approx, unit, status, last_reported, shared_with, "
                "summary, sources, layer, review, increment, total_after, undated")
HISTORY_COLUMNS = "known_from, known_until, " + LINE_COLUMNS
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


_KNOWN = "known_from <= ? AND (known_until = '' OR known_until > ?)"  # the rows that hold on a day


def history_hosts(store: Store, day: dt.date, host: str | None) -> list[tuple[str, int]]:
    """(host, number of lines, readiness apart) of every host with plausible lines known on `day`, or of `host`."""
    sql = (f"SELECT host, SUM(CASE WHEN layer <> 'readiness' THEN 1 ELSE 0 END) FROM posture_history "
           f"WHERE {_KNOWN} AND review = ''")
    args: list = [day.isoformat(), day.isoformat()]
    if host:
        sql += " AND host = ?"
        args.append(host.upper())
    return [(h, int(n)) for h, n in store.conn.execute(sql + " GROUP BY host", args)]


def history_totals(store: Store, day: dt.date) -> list[tuple]:
    """(host, TOTAL_COLUMNS...) rows of the totals known on `day` (posture_history_totals)."""
    return list(store.conn.execute(f"SELECT host, {TOTAL_COLUMNS} FROM posture_history_totals WHERE {_KNOWN} "
                                   "ORDER BY host, layer, mode", (day.isoformat(), day.isoformat())))


def history_lines(store: Store, day: dt.date, host: str | None, readiness: bool, limit: int | None = None
                  ) -> list[tuple]:
    """LINE_COLUMNS rows of the plausible lines known on `day` (the readiness layer, or the others), of every
    host or of `host`; with `limit`, each host's `limit` latest."""
    where = f"{_KNOWN} AND review = '' AND layer {'=' if readiness else '<>'} 'readiness'"
    args: list = [day.isoformat(), day.isoformat()]
    if host:
        where += " AND host = ?"
        args.append(host.upper())
    if limit is None:
        return list(store.conn.execute(f"SELECT {LINE_COLUMNS} FROM posture_history WHERE {where}", args))
    cols = ", ".join("h." + c.strip() for c in LINE_COLUMNS.split(","))
    return list(store.conn.execute(  # the latest keys from the covering index, then only their rows
        f"SELECT {cols} FROM (SELECT host, event_id, known_from, ROW_NUMBER() OVER (PARTITION BY host ORDER BY "
        f"last_reported DESC, event_id DESC) AS k FROM posture_history WHERE {where}) AS latest "
        "JOIN posture_history h ON h.host = latest.host AND h.event_id = latest.event_id "
        "AND h.known_from = latest.known_from WHERE latest.k <= ?", [*args, limit]))


def history_review(store: Store, day: dt.date, limit: int | None = None) -> list[tuple]:
    """LINE_COLUMNS rows of the lines under review known on `day`, latest first."""
    sql = (f"SELECT {LINE_COLUMNS} FROM posture_history WHERE {_KNOWN} AND review <> '' "
           "ORDER BY last_reported DESC, event_id DESC")
    args: list = [day.isoformat(), day.isoformat()]
    if limit is None:
        return list(store.conn.execute(sql, args))
    return list(store.conn.execute(sql + " LIMIT ?", [*args, limit]))


def ingest_date(conn, article_id: str) -> dt.date | None:
    """The date an undated article counts from: that of the last dated article ingested before it (the
    ledger's first date when none was)."""
    row = conn.execute("SELECT p.published FROM articles a JOIN articles p ON p.seq < a.seq "
                       "WHERE a.id = ? AND p.published IS NOT NULL ORDER BY p.seq DESC LIMIT 1", (article_id,)).fetchone()
    if not (row and row[0]):  # none before it: the ledger's first date
        row = conn.execute("SELECT MIN(published) FROM articles").fetchone()
    return dt.date.fromisoformat(str(row[0])[:10]) if row and row[0] else None
