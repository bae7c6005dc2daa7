"""The force-posture ledger: for each host country, who has sent or pledged what, how many, with what
status, when last reported, and from which sources; totals with ranges where figures are uncertain.

`at` gives the picture as it was known on that day: only articles published by then count.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from .ledger import events_with_detail
from .merge import build_event
from .model import Quantity, Span
from .rollups import POSTURE_COLUMNS, Total, posture_rows, totals
from .store import MentionFilter, Store

@dataclass(slots=True)
class PostureLine:
    host: str
    senders: list[str]
    mode: str
    min: int | None
    max: int | None
    approx: bool
    unit: str | None
    status: str | None
    last_reported: dt.date | None
    shared_with: list[str]  # other hosts of an unsplit figure ("5,000 to Poland and Romania")
    event_id: str
    summary: str
    sources: list[str]

    @property
    def quantity(self) -> Quantity | None:
        if self.min is None and self.max is None:
            return None
        return Quantity("", self.min, self.max, self.approx, self.unit, Span(0, 0))


@dataclass(slots=True)
class HostPosture:
    host: str
    lines: list[PostureLine] = field(default_factory=list)
    totals: list[Total] = field(default_factory=list)
    n_lines: int = 0  # all of the host's lines, also when only the most recent are listed

    def __post_init__(self):
        self.n_lines = self.n_lines or len(self.lines)


def build_posture(store: Store, at: dt.date | None = None, host: str | None = None,
                  lines: int | None = None) -> list[HostPosture]:
    """Per host country, the deployments it receives and their totals. The picture as known now comes
    from the `posture_lines` view; `at` rebuilds each event from the articles published by then.
    `lines` keeps each host's most recently reported lines (totals still count them all)."""
    if at is None:
        return _from_view(store, host, lines)
    f = MentionFilter(type="MOBILIZE")
    out: dict[str, HostPosture] = {}
    for detail in events_with_detail(store, f):
        known = [(m, r) for m, r in detail.mentions if r.article.published and r.article.published <= at]
        if not known:
            continue
        ev = build_event(detail.event.id, known)
        for row in posture_rows(ev):
            if host is None or row[0] == host.upper():
                out.setdefault(row[0], HostPosture(row[0])).lines.append(_line(row))
    for hp in out.values():
        hp.totals = totals(hp.lines)
        hp.n_lines = len(hp.lines)
        hp.lines = _recent(hp.lines, lines)
    return sorted(out.values(), key=lambda hp: (-hp.n_lines, hp.host))


def _from_view(store: Store, host: str | None, lines: int | None) -> list[HostPosture]:
    if host:
        hosts = list(store.conn.execute("SELECT host, n_lines FROM posture_hosts WHERE host = ?", (host.upper(),)))
    else:
        hosts = list(store.conn.execute("SELECT host, n_lines FROM posture_hosts"))
    out = []
    for code, n in sorted(hosts, key=lambda h: (-h[1], h[0])):
        hp = HostPosture(code, n_lines=n)
        hp.totals = [Total(m, lo, hi, bool(u)) for m, lo, hi, u in store.conn.execute(
            "SELECT mode, min, max, uncertain FROM posture_totals WHERE host = ? ORDER BY mode", (code,))]
        sql = (f"SELECT {POSTURE_COLUMNS} FROM posture_lines WHERE host = ? "
               "ORDER BY last_reported DESC, event_id DESC")
        args: tuple = (code,)
        if lines is not None:
            sql += " LIMIT ?"
            args = (code, lines)
        hp.lines = _recent([_line(r) for r in store.conn.execute(sql, args)], None)
        out.append(hp)
    return out


def _line(r) -> PostureLine:
    return PostureLine(host=r[0], event_id=r[1], senders=json.loads(r[2]), mode=r[3], min=r[4], max=r[5],
                       approx=bool(r[6]), unit=r[7], status=r[8],
                       last_reported=dt.date.fromisoformat(r[9]) if r[9] else None, shared_with=json.loads(r[10]),
                       summary=r[11], sources=json.loads(r[12]))


def _recent(lines: list[PostureLine], n: int | None) -> list[PostureLine]:
    """The `n` most recently reported lines (all without `n`), listed by sender, mode and date."""
    if n is not None:
        lines = sorted(lines, key=lambda l: (l.last_reported or dt.date.min, l.event_id), reverse=True)[:n]
    return sorted(lines, key=lambda l: (l.senders, l.mode, l.last_reported or dt.date.min, l.event_id))
