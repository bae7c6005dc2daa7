"""The force-posture ledger: for each host country, who has sent or pledged what, how many, with what
status, when last reported, and from which sources; totals per layer (reinforcements received, build-ups)
counted like an analyst (tally.py), with pledged / under way / arrived apart. Readiness lines (forces on
alert) are listed apart and never received; implausible lines go to the review list (plausibility.py).

`at` gives the picture as it was known on that day: only articles published by then count; an undated
article counts from its ingest order (the date of the last dated article ingested before it), flagged.
It is read from the posture_history views, which each merge keeps in step (rollups.history_rows).
This is the one function behind `newsledger posture`, `/api/posture`, the web map and `ask`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from .model import Quantity, Span
from .store import Store
from .store import posture_views as views
from .tally import Range, Total, totals


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
    layer: str = "reinforcement"  # reinforcement, buildup, readiness
    review: str = ""  # why the line is under review ('' when plausible)
    increment: bool = False  # its figure adds to what is in force ("3,000 more")
    total_after: int | None = None  # the total in force the evidence states ("bringing the total to 10,500")
    undated: bool = False  # last_reported comes from the ingest order

    @property
    def quantity(self) -> Quantity | None:
        if self.min is None and self.max is None:
            return None
        return Quantity("", self.min, self.max, self.approx, self.unit, Span(0, 0))


@dataclass(slots=True)
class HostPosture:
    host: str
    lines: list[PostureLine] = field(default_factory=list)  # reinforcements and build-ups (the map's arrows)
    totals: list[Total] = field(default_factory=list)  # per layer and mode
    n_lines: int = 0  # all of the host's lines (readiness apart), also when only the most recent are listed
    readiness: list[PostureLine] = field(default_factory=list)  # forces put on alert for it: not received

    def __post_init__(self):
        self.n_lines = self.n_lines or len(self.lines)


def build_posture(store: Store, at: dt.date | None = None, host: str | None = None,
                  lines: int | None = None) -> list[HostPosture]:
    """Per host country, the deployments it receives and their totals. The picture as known now comes
    from the `posture_lines` view; `at` reads the picture as known on that day (each event as rebuilt
    from the articles published by then) from the `posture_history` views.
    `lines` keeps each host's most recently reported lines (totals still count them all)."""
    if at is None:
        return _from_view(store, host, lines)
    hosts = sorted(views.history_hosts(store, at, host), key=lambda h: (-h[1], h[0]))
    found: dict[str, HostPosture] = {code: HostPosture(code, n_lines=n) for code, n in hosts}
    for code, layer, m, lo, hi, u, p0, p1, u0, u1, a0, a1 in views.history_totals(store, at):
        if code in found:
            found[code].totals.append(Total(m, lo, hi, bool(u), layer, Range(p0, p1), Range(u0, u1), Range(a0, a1)))
    for readiness in (False, True):
        for line in _lines(views.history_lines(store, at, host, readiness, None if readiness else lines)):
            (found[line.host].readiness if readiness else found[line.host].lines).append(line)
    for hp in found.values():
        hp.lines, hp.readiness = _recent(hp.lines, None), _recent(hp.readiness, None)
    return list(found.values())


def build_review(store: Store, at: dt.date | None = None, limit: int | None = None) -> list[PostureLine]:
    """The deployment lines kept off the map and the totals, most recently reported first, each with why."""
    if at is None:
        return _lines(views.review_lines(store, limit))
    return _lines(views.history_review(store, at, limit))


def _from_view(store: Store, host: str | None, lines: int | None) -> list[HostPosture]:
    out = []
    for code, n in sorted(views.posture_hosts(store, host), key=lambda h: (-h[1], h[0])):
        hp = HostPosture(code, n_lines=n)
        hp.totals = [Total(m, lo, hi, bool(u), layer, Range(p0, p1), Range(u0, u1), Range(a0, a1))
                     for layer, m, lo, hi, u, p0, p1, u0, u1, a0, a1 in views.posture_totals(store, code)]
        hp.lines = _recent(_lines(views.posture_lines(store, code, False, lines)), None)
        hp.readiness = _recent(_lines(views.posture_lines(store, code, True)), None)
        out.append(hp)
    return out


def _lines(rows: list[tuple]) -> list[PostureLine]:
    """PostureLines of view rows (LINE_COLUMNS). The short JSON lists and dates repeat from row to row
    (tens of thousands of rows at scale): each distinct text is decoded once."""
    lists: dict[str, list[str]] = {}
    days: dict[str, dt.date | None] = {}

    def codes(text: str) -> list[str]:
        if text not in lists:
            lists[text] = json.loads(text)
        return list(lists[text])

    def day(text: str) -> dt.date | None:
        if text not in days:
            days[text] = dt.date.fromisoformat(text) if text else None
        return days[text]

    return [PostureLine(host=r[0], event_id=r[1], senders=codes(r[2]), mode=r[3], min=r[4], max=r[5],
                        approx=bool(r[6]), unit=r[7], status=r[8], last_reported=day(r[9]),
                        shared_with=codes(r[10]), summary=r[11], sources=json.loads(r[12]),
                        layer=r[13], review=r[14], increment=bool(r[15]), total_after=r[16], undated=bool(r[17]))
            for r in rows]


def _recent(lines: list[PostureLine], n: int | None) -> list[PostureLine]:
    """The `n` most recently reported lines (all without `n`), listed by sender, mode and date."""
    if n is not None:
        lines = sorted(lines, key=lambda l: (l.last_reported or dt.date.min, l.event_id), reverse=True)[:n]
    return sorted(lines, key=lambda l: (l.senders, l.mode, l.last_reported or dt.date.min, l.event_id))
