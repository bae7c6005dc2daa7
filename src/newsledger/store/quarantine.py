"""The store's quarantine: articles a stage (extract, merge) could not process, with the reason.

A quarantined article is skipped by extraction and its mentions by merging, so one bad article never
stops a batch or a later run; `release_quarantine` puts them back for another try (on request only).
"""

from __future__ import annotations

import datetime as dt

from ..model import Quarantined, date_bounds, implausible_date


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class QuarantineStore:
    """Mixed into `Store`: needs its `conn` and `transaction`."""

    def quarantine(self, items: list[Quarantined]) -> None:
        """Record (or update the reason of) each quarantined article, in one transaction."""
        if not items:
            return
        now = _now()
        with self.transaction() as c:
            for q in items:
                c.execute("INSERT INTO quarantine (article_id, stage, reason, quarantined_at) VALUES (?, ?, ?, ?) "
                          "ON CONFLICT (article_id) DO UPDATE SET stage = excluded.stage, reason = excluded.reason, "
                          "quarantined_at = excluded.quarantined_at", (q.article_id, q.stage, q.reason[:2000], now))

    def quarantined(self) -> list[Quarantined]:
        return [Quarantined(r[0], r[1], r[2], r[3], r[4]) for r in self.conn.execute(
            "SELECT q.article_id, a.source, q.stage, q.reason, q.quarantined_at FROM quarantine q "
            "JOIN articles a ON a.id = q.article_id ORDER BY q.quarantined_at, a.seq")]

    def release_quarantine(self) -> int:
        """Take every article out of quarantine and mark it for extraction again; how many."""
        with self.transaction() as c:
            ids = [r[0] for r in c.execute("SELECT article_id FROM quarantine")]
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                c.execute(f"UPDATE articles SET extracted_at = NULL WHERE id IN ({','.join('?' * len(chunk))})",
                          chunk)
            c.execute("DELETE FROM quarantine")
        return len(ids)

    def quarantine_implausible_dates(self) -> list[Quarantined]:
        """Quarantine (for merging) each article with unmerged mentions whose publication date or a
        mention's date is implausible (0001-01-01, 9999-12-31 ...): date arithmetic on them overflows."""
        lo, hi = (d.isoformat() for d in date_bounds())
        rows = self.conn.execute(
            "SELECT DISTINCT a.id, a.source, a.published, m.date, m.date_end FROM mentions m "
            "JOIN articles a ON a.id = m.article_id "
            "WHERE NOT EXISTS (SELECT 1 FROM event_mentions x WHERE x.mention_id = m.id) "
            "AND NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.article_id = a.id) "
            "AND (a.published < ? OR a.published > ? OR m.date < ? OR m.date > ? OR m.date_end < ? "
            "OR m.date_end > ?)", (lo, hi) * 3).fetchall()
        found: dict[str, Quarantined] = {}
        for aid, source, *days in rows:
            why = next(filter(None, (_why(d) for d in days)), "a date outside the plausible range")
            found.setdefault(aid, Quarantined(aid, source, "merge", why))
        self.quarantine(list(found.values()))
        return list(found.values())


def _why(day: str | None) -> str | None:
    if not day:
        return None
    try:
        return implausible_date(dt.date.fromisoformat(day))
    except ValueError:
        return f"date {day!r} is not a calendar date"
