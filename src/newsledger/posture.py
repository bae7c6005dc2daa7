"""The force-posture ledger: for each host country, who has sent or pledged what, how many, with what
status, when last reported, and from which sources; totals per layer (reinforcements received, build-ups)
counted like an analyst (tally.py), with pledged / under way / arrived apart. Readiness lines (forces on
alert) are listed apart and never received; implausible lines go to the review list (plausibility.py).

`at` gives the picture as it was known on that day: only articles published by then count; an undated
article counts from its ingest order (the date of the last dated article ingested before it), flagged.
This is the one function behind `newsledger posture`, `/api/posture`, the web map and `ask`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from .merge import build_event
from .model import Quantity, Span
from .rollups import posture_rows
from .store import MentionFilter, Store
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
    from the `posture_lines` view; `at` rebuilds each event from the articles published by then.
    `lines` keeps each host's most recently reported lines (totals still count them all)."""
    if at is None:
        return _from_view(store, host, lines)
    by_host: dict[str, list[PostureLine]] = {}
    for line in _lines_at(store, at, host):
        by_host.setdefault(line.host, []).append(line)
    return _assemble(by_host, lines)


def build_review(store: Store, at: dt.date | None = None, limit: int | None = None) -> list[PostureLine]:
    """The deployment lines kept off the map and the totals, most recently reported first, each with why."""
    if at is None:
        return [_line(r) for r in views.review_lines(store, limit)]
    found = sorted((l for l in _lines_at(store, at) if l.review),
                   key=lambda l: (l.last_reported or dt.date.min, l.event_id), reverse=True)
    return found[:limit] if limit is not None else found


def _lines_at(store: Store, at: dt.date, host: str | None = None) -> list[PostureLine]:
    """The lines (of `host`, or all) as known on `at`. An event all of whose articles count by then is as the
    posture view holds it; one none of whose articles do is left out; only the others (reported before and
    after `at`) are rebuilt from the mentions known by then."""
    days = views.article_days(store)
    spans: dict[str, list[views.ArticleDay]] = {}
    for event_id, article_id in views.event_articles(store, "MOBILIZE"):
        spans.setdefault(event_id, []).append(days.get(article_id, views.ArticleDay(None, True)))
    whole = {e for e, ds in spans.items() if all(d.day is not None and d.day <= at for d in ds)}
    partial = sorted(e for e, ds in spans.items()
                     if e not in whole and any(d.day is not None and d.day <= at for d in ds))
    out = [_line(r) for r in views.line_rows(store, host) if r[1] in whole]
    rebuilt = [l for l in _rebuilt_at(store, partial, at, days) if host is None or l.host == host.upper()]
    return out + rebuilt


def _rebuilt_at(store: Store, event_ids: list[str], at: dt.date,
                days: dict[str, views.ArticleDay]) -> list[PostureLine]:
    """The lines of `event_ids`, each event rebuilt from its mentions in articles that count by `at`."""
    if not event_ids:
        return []
    members = store.event_member_ids(event_ids)
    wanted = tuple(sorted({m for ids in members.values() for m in ids}))
    rows = {m.id: (m, r) for m, r in store.mentions(MentionFilter(ids=wanted))}
    out = []
    for event_id in event_ids:
        known = sorted(((m, r) for mid in members.get(event_id, []) if (mr := rows.get(mid))
                        for m, r in [mr] if (d := days.get(r.article.id)) and d.day is not None and d.day <= at),
                       key=lambda mr: (mr[1].seq, mr[0].id))
        if not known:
            continue
        ev = build_event(event_id, known)
        undated = [days[r.article.id].day for _m, r in known if days[r.article.id].undated]
        out += [_line(row) for row in posture_rows(ev, max(undated) if undated else None)]
    return out


def _assemble(by_host: dict[str, list[PostureLine]], n: int | None) -> list[HostPosture]:
    out = []
    for code, found in by_host.items():
        ok = [l for l in found if not l.review]
        if not ok:
            continue
        hp = HostPosture(code, totals=[t for t in totals(ok) if t.layer != "readiness"], n_lines=sum(l.layer != "readiness" for l in ok))
        hp.lines = _recent([l for l in ok if l.layer != "readiness"], n)
        hp.readiness = _recent([l for l in ok if l.layer == "readiness"], None)
        out.append(hp)
    return sorted(out, key=lambda hp: (-hp.n_lines, hp.host))


def _from_view(store: Store, host: str | None, lines: int | None) -> list[HostPosture]:
    out = []
    for code, n in sorted(views.posture_hosts(store, host), key=lambda h: (-h[1], h[0])):
        hp = HostPosture(code, n_lines=n)
        hp.totals = [Total(m, lo, hi, bool(u), layer, Range(p0, p1), Range(u0, u1), Range(a0, a1))
                     for layer, m, lo, hi, u, p0, p1, u0, u1, a0, a1 in views.posture_totals(store, code)]
        hp.lines = _recent([_line(r) for r in views.posture_lines(store, code, False, lines)], None)
        hp.readiness = _recent([_line(r) for r in views.posture_lines(store, code, True)], None)
        out.append(hp)
    return out


def _line(r) -> PostureLine:
    return PostureLine(host=r[0], event_id=r[1], senders=json.loads(r[2]), mode=r[3], min=r[4], max=r[5],
                       approx=bool(r[6]), unit=r[7], status=r[8],
                       last_reported=dt.date.fromisoformat(r[9]) if r[9] else None, shared_with=json.loads(r[10]),
                       summary=r[11], sources=json.loads(r[12]), layer=r[13], review=r[14], increment=bool(r[15]),
                       total_after=r[16], undated=bool(r[17]))


def _recent(lines: list[PostureLine], n: int | None) -> list[PostureLine]:
    """The `n` most recently reported lines (all without `n`), listed by sender, mode and date."""
    if n is not None:
        lines = sorted(lines, key=lambda l: (l.last_reported or dt.date.min, l.event_id), reverse=True)[:n]
    return sorted(lines, key=lambda l: (l.senders, l.mode, l.last_reported or dt.date.min, l.event_id))
