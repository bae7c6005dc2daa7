"""Merge: mentions of the same real-world event, across articles, become one Event.

Two mentions are *compatible* when they have the same type, compatible modes, overlapping actors,
the same destination or target, and dates (the event's, else the publication date) within a
window. Events are the connected components of that relation, so the ledger is a function of the
set of mentions: merging batch by batch gives the same events as merging everything at once
(each event's id is the smallest id of its mentions). A new batch only touches the events its
mentions join.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from .model import DEPLOYMENT_TYPES, Conflict, Event, Figure, Mention, Quantity, Span, StatusChange
from .store import ArticleRecord, MentionFilter, Store

WINDOW_DAYS = 3
_STAGE = {"considered": 0, "hypothetical": 0, "announced": 1, "underway": 2, "completed": 3, "negated": -1}

Row = tuple[Mention, ArticleRecord]


@dataclass(slots=True)
class MergeReport:
    mentions: int = 0
    events_touched: int = 0
    events_total: int = 0


def ref_date(m: Mention, rec: ArticleRecord) -> dt.date | None:
    return m.time.date if m.time else rec.article.published


def _destination(m: Mention) -> frozenset[str]:
    if m.location and m.location.country:
        return frozenset({m.location.country})
    return frozenset(m.recipient_codes)


def compatible(a: Row, b: Row, window: int = WINDOW_DAYS) -> bool:
    """Whether two mentions can state the same real-world event (symmetric)."""
    (ma, ra), (mb, rb) = a, b
    if ma.type != mb.type:
        return False
    if ma.mode and mb.mode and ma.mode != mb.mode and "mixed" not in (ma.mode, mb.mode):
        return False
    aa, ab = set(ma.actor_codes), set(mb.actor_codes)
    if not aa & ab:
        return False
    if ma.type == "CONSULT" and not (aa <= ab or ab <= aa):
        return False  # a Macron-Putin call is not the Biden-Putin call: the parties must agree
    da, db = _destination(ma), _destination(mb)
    if ma.type in DEPLOYMENT_TYPES or da or db:
        if da != db and not (da & db):
            return False
    ta, tb = ref_date(ma, ra), ref_date(mb, rb)
    if ta is None or tb is None:
        return ra.article.id == rb.article.id
    if ma.type == "CONSULT":
        exact = ma.time and mb.time and ma.time.precision == mb.time.precision == "day"
        return abs((ta - tb).days) <= (1 if exact else 3)  # meetings on different days are different meetings
    return abs((ta - tb).days) <= window


class _UnionFind:
    """Components of mentions; a component may not hold two contingents an article keeps apart."""

    def __init__(self):
        self.parent: dict[str, str] = {}
        self.contingents: dict[str, list[tuple[str, frozenset[str]]]] = {}  # root -> (article, destination)

    def add_contingent(self, node: str, m: Mention, article_id: str) -> None:
        """A deployment with its own figure and destination ("1,700 to Poland ... 300 to Germany")."""
        dest = _destination(m)
        if m.type in DEPLOYMENT_TYPES and m.quantity is not None and dest:
            self.contingents.setdefault(self.find(node), []).append((article_id, dest))

    def can_union(self, a: str, b: str) -> bool:
        ca, cb = self.contingents.get(self.find(a), ()), self.contingents.get(self.find(b), ())
        return not any(art_a == art_b and not (da & db) for art_a, da in ca for art_b, db in cb)

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)
            moved = self.contingents.pop(max(ra, rb), [])
            if moved:
                self.contingents.setdefault(min(ra, rb), []).extend(moved)


def merge_pending(store: Store, *, window: int = WINDOW_DAYS,
                  progress: Callable[[int], None] | None = None) -> MergeReport:
    """Merge every mention not yet in an event into the ledger."""
    report = MergeReport()
    new = store.mentions(MentionFilter(unmerged=True))
    if not new:
        report.events_total = store.stats().events
        return report
    uf = _UnionFind()
    rows: dict[str, Row] = {}
    for m, rec in new:
        rows[m.id] = (m, rec)
        uf.find("m:" + m.id)
        uf.add_contingent("m:" + m.id, m, rec.article.id)
    # new against new: block by (type, actor code)
    blocks: dict[tuple[str, str], list[str]] = {}
    for mid, (m, _rec) in rows.items():
        for code in m.actor_codes:
            blocks.setdefault((m.type, code), []).append(mid)
    for ids in blocks.values():
        # compatible mentions are at most `window` days apart (undated ones only pair within their
        # article): compare each with the dated ones that follow it inside the window
        dated = sorted((ref_date(*rows[i]), i) for i in ids if ref_date(*rows[i]) is not None)
        for k, (day, a) in enumerate(dated):
            for day_b, b in dated[k + 1:]:
                if (day_b - day).days > window:
                    break
                if uf.find("m:" + a) != uf.find("m:" + b) and compatible(rows[a], rows[b], window) \
                        and uf.can_union("m:" + a, "m:" + b):
                    uf.union("m:" + a, "m:" + b)
        undated: dict[str, list[str]] = {}
        for i in ids:
            if ref_date(*rows[i]) is None:
                undated.setdefault(rows[i][1].article.id, []).append(i)
        for i in ids:
            for j in undated.get(rows[i][1].article.id, []):
                if i != j and compatible(rows[i], rows[j], window) and uf.can_union("m:" + i, "m:" + j):
                    uf.union("m:" + i, "m:" + j)
    # new against already merged mentions (only of the types merged ones have in the batch's date span:
    # a first merge of a large batch asks nothing per mention)
    existing: dict[str, tuple[Row, str]] = {}
    refs = [r for r in (ref_date(m, rec) for m, rec in rows.values()) if r is not None]
    merged_types = store.merged_types_between((min(refs) - dt.timedelta(days=window)).isoformat(),
                                              (max(refs) + dt.timedelta(days=window)).isoformat()) if refs else set()
    for mid, (m, rec) in rows.items():
        ref = ref_date(m, rec)
        if ref is None:
            cands = store.merged_in_article(rec.article.id, m.type)
        elif m.type not in merged_types:
            cands = []
        else:
            lo, hi = (ref - dt.timedelta(days=window)).isoformat(), (ref + dt.timedelta(days=window)).isoformat()
            cands = store.merge_candidates(m.type, m.actor_codes, lo, hi)
        missing = [cid for cid, _ in cands if cid not in existing]
        if missing:
            for row in store.mentions(MentionFilter(ids=tuple(missing))):
                eid = dict(cands)[row[0].id]
                existing[row[0].id] = (row, eid)
                uf.add_contingent("e:" + eid, row[0], row[1].article.id)
        for cid, eid in cands:
            if cid in existing and compatible((m, rec), existing[cid][0], window) \
                    and uf.can_union("m:" + mid, "e:" + eid):
                uf.union("m:" + mid, "e:" + eid)
    # components: new mentions plus the existing events they join
    comps: dict[str, tuple[list[str], set[str]]] = {}
    for node in list(uf.parent):
        root = uf.find(node)
        mids, eids = comps.setdefault(root, ([], set()))
        (mids.append(node[2:]) if node.startswith("m:") else eids.add(node[2:]))
    old_members = store.event_member_ids(sorted({e for _, eids in comps.values() for e in eids}))
    members: dict[str, list[str]] = {}
    for mids, eids in comps.values():
        all_ids = set(mids) | {x for e in eids for x in old_members.get(e, [])}
        members[min(all_ids)] = sorted(all_ids)
    need = sorted({x for ids in members.values() for x in ids} - set(rows))
    for row in store.mentions(MentionFilter(ids=tuple(need))) if need else []:
        rows[row[0].id] = row
    events = [build_event(eid, [rows[x] for x in ids]) for eid, ids in sorted(members.items())]
    retired = sorted({e for _, eids in comps.values() for e in eids} - set(members))
    store.write_merge(members, events, retired)
    report.mentions = len(new)
    report.events_touched = len(events)
    report.events_total = store.stats().events
    if progress:
        progress(len(new))
    return report


def _order(row: Row):
    m, rec = row
    pub = rec.article.published
    return (pub or dt.date.max, rec.seq, m.id)


def _best(rows: list[Row]) -> Row:
    """The mention that says the most: confidence, filled slots, then latest report."""
    def score(row: Row):
        m, rec = row
        filled = sum(x is not None for x in (m.quantity, m.location, m.time, m.attribution)) + bool(m.recipients)
        return (round(m.confidence, 2), filled, rec.article.published or dt.date.min)
    return max(rows, key=score)


def build_event(event_id: str, rows: list[Row]) -> Event:
    """An Event from its mentions: merged fields, status history, figures, conflicts, sources."""
    rows = sorted(rows, key=_order)
    ms = [m for m, _ in rows]
    actors = sorted({c for m in ms for c in m.actor_codes})
    recipients = sorted({c for m in ms for c in m.recipient_codes})
    best_m, _best_rec = _best(rows)
    located = [m for m in ms if m.location]
    location = (max(located, key=lambda m: (m.location.name is not None, m.confidence)).location
                if located else None)
    timed = [m.time for m in ms if m.time]
    finest = {"day": 0, "week": 1, "month": 2, "year": 3}
    time = min(timed, key=lambda t: (finest.get(t.precision, 9), t.date)) if timed else None
    reported = [rec.article.published for _, rec in rows if rec.article.published]
    history = status_history(rows)
    figures = [Figure(rec.article.published, m.quantity.min, m.quantity.max, m.quantity.approx, m.quantity.unit,
                      m.status, m.id, rec.article.source) for m, rec in rows if m.quantity]
    conflicts = find_conflicts(figures)
    latest_q = figures[-1] if figures else None
    quantity = (Quantity("", latest_q.min, latest_q.max, latest_q.approx, latest_q.unit, Span(0, 0))
                if latest_q else None)
    modes = {m.mode for m in ms if m.mode}
    sources = sorted({rec.article.source for _, rec in rows})
    return Event(
        id=event_id, type=ms[0].type, mode=(modes.pop() if len(modes) == 1 else ("mixed" if modes else None)),
        actors=actors, recipients=recipients, location=location,
        date=time.date if time else None, date_precision=time.precision if time else None,
        first_reported=min(reported) if reported else None, last_reported=max(reported) if reported else None,
        status=history[-1].status if history else None, quantity=quantity, summary=best_m.sentence,
        summary_mention=best_m.id, confidence=round(max(m.confidence for m in ms), 3), n_mentions=len(ms),
        n_sources=len(sources), n_conflicts=len(conflicts), mention_ids=[m.id for m in ms], history=history,
        figures=figures, conflicts=conflicts, sources=sources,
    )


def status_history(rows: list[Row]) -> list[StatusChange]:
    """Status as reported day by day: on each report date the most advanced status stated; an entry
    only when it changes (considered 01-24, announced 02-02, underway 02-05, completed 02-09)."""
    by_day: dict[dt.date | None, tuple[str, str]] = {}
    for m, rec in rows:
        if not m.status:
            continue
        day = rec.article.published
        cur = by_day.get(day)
        if cur is None or _STAGE.get(m.status, 0) > _STAGE.get(cur[0], 0):
            by_day[day] = (m.status, m.id)
    out: list[StatusChange] = []
    for day in sorted(by_day, key=lambda d: d or dt.date.max):
        status, mid = by_day[day]
        if not out or out[-1].status != status:
            out.append(StatusChange(day, status, mid))
    return out


def find_conflicts(figures: list[Figure]) -> list[Conflict]:
    """Different figures for the same unit and status, from different sources, reported within a day."""
    out: list[Conflict] = []
    seen: set[tuple] = set()
    for i, a in enumerate(figures):
        group = [a]
        for b in figures[i + 1:]:
            if (b.unit == a.unit and b.source != a.source and b.status == a.status and a.reported and b.reported
                    and abs((a.reported - b.reported).days) <= 1 and (b.min, b.max) != (a.min, a.max)):
                group.append(b)
        key = tuple(sorted(f.mention_id for f in group))
        if len(group) > 1 and key not in seen:
            seen.add(key)
            out.append(Conflict(a.reported, a.unit, tuple(group)))
    return out


def event_detail(store: Store, event_id: str) -> Event | None:
    """The event with its mentions, history, figures, conflicts and sources."""
    rows = store.mentions(MentionFilter(event_id=event_id))
    return build_event(event_id, rows) if rows else None
