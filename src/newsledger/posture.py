"""The force-posture ledger: for each host country, who has sent or pledged what, how many, with what
status, when last reported, and from which sources; totals with ranges where figures are uncertain.

`at` gives the picture as it was known on that day: only articles published by then count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .ledger import events_with_detail
from .merge import build_event
from .model import Event, Quantity, Span
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
class Total:
    mode: str
    min: int
    max: int | None  # None: open-ended ("more than 100,000")
    uncertain: bool


@dataclass(slots=True)
class HostPosture:
    host: str
    lines: list[PostureLine] = field(default_factory=list)
    totals: list[Total] = field(default_factory=list)


def _is_state(code: str) -> bool:
    return len(code) == 3 and code.isalpha() and code.isupper() and code not in ("DPR", "LPR")  # ISO alpha-3


def hosts_of(ev: Event) -> list[str]:
    if ev.location and ev.location.country and ev.location.country not in ev.actors:
        return [ev.location.country]
    return [c for c in ev.recipients if _is_state(c) and c not in ev.actors]


def build_posture(store: Store, at: dt.date | None = None, host: str | None = None) -> list[HostPosture]:
    f = MentionFilter(type="MOBILIZE")
    out: dict[str, HostPosture] = {}
    for detail in events_with_detail(store, f):
        ev = detail.event
        if at is not None:
            known = [(m, r) for m, r in detail.mentions if r.article.published and r.article.published <= at]
            if not known:
                continue
            ev = build_event(ev.id, known)
        hosts = hosts_of(ev)
        if host:
            hosts = [h for h in hosts if h == host.upper()]
        if not hosts or ev.status in ("negated",):
            continue
        q = ev.quantity
        for h in hosts:
            line = PostureLine(
                host=h, senders=[a for a in ev.actors if a != h], mode=ev.mode or "forces",
                min=q.min if q else None, max=q.max if q else None, approx=q.approx if q else False,
                unit=q.unit if q else None, status=ev.status, last_reported=ev.last_reported,
                shared_with=[o for o in hosts if o != h], event_id=ev.id, summary=ev.summary, sources=ev.sources)
            out.setdefault(h, HostPosture(h)).lines.append(line)
    for hp in out.values():
        hp.lines.sort(key=lambda l: (l.senders, l.mode, l.last_reported or dt.date.min))
        hp.totals = _totals(hp.lines)
    return sorted(out.values(), key=lambda hp: (-len(hp.lines), hp.host))


def _totals(lines: list[PostureLine]) -> list[Total]:
    """Sum per mode of the figures in force (announced, under way, completed); an unsplit figure shared
    with other hosts counts from 0 up to its maximum here."""
    totals: dict[str, Total] = {}
    for l in lines:
        if l.status not in ("announced", "underway", "completed") or (l.min is None and l.max is None):
            continue
        t = totals.setdefault(l.mode, Total(l.mode, 0, 0, False))
        lo = 0 if l.shared_with else (l.min or 0)
        hi = l.max
        t.min += lo
        t.max = None if t.max is None or hi is None else t.max + hi
        t.uncertain = t.uncertain or l.approx or bool(l.shared_with) or l.min != l.max
    return [totals[k] for k in sorted(totals)]
