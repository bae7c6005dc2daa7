"""Merge: mentions of the same real-world event, across articles, become one Event.

Events are clusters (clusters.py): a mention joins an event only when it is compatible with every
member. The ledger is a function of the set of mentions: merging batch by batch gives the same events
as merging everything at once (each event's id is the smallest id of its mentions). A new batch
re-clusters only the connected components of the compatibility relation that its mentions touch:
the new mentions, every merged mention linked to them (transitively), and the events those are in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from .clusters import MergeRules, Row, cluster, compatible, day_of
from .model import DEPLOYMENT_TYPES, Conflict, Event, Figure, Mention, Quantity, Span, StatusChange
from .store import MentionFilter, Store

_STAGE = {"considered": 0, "hypothetical": 0, "announced": 1, "underway": 2, "completed": 3, "negated": -1}


@dataclass(slots=True)
class MergeReport:
    mentions: int = 0
    events_touched: int = 0
    events_total: int = 0


def _neighbours(store: Store, row: Row, rules: MergeRules) -> list[tuple[str, str]]:
    """(mention id, event id) of the merged mentions that could be compatible with `row`."""
    m, rec = row
    day = day_of(m, rec)
    if day is None:
        return store.merge_neighbours(m.type, m.actor_codes, None, None)
    span = dt.timedelta(days=rules.span)
    return store.merge_neighbours(m.type, m.actor_codes, (day - span).isoformat(), (day + span).isoformat())


def _scope(store: Store, new: dict[str, Row], rules: MergeRules) -> tuple[dict[str, Row], set[str]]:
    """The new mentions with every merged mention connected to them by `compatible` and every member
    of the events those are in (a union of whole components), and the ids of those events."""
    rows, events = dict(new), set()
    frontier = list(new) if store.stats().events else []  # a first merge has nothing to look up
    while frontier:
        links = {mid: _neighbours(store, rows[mid], rules) for mid in frontier}
        found = {cid: eid for ls in links.values() for cid, eid in ls if cid not in rows}
        pool = _load(store, found)
        joined = {cid for mid, ls in links.items() for cid, _ in ls
                  if cid in pool and compatible(rows[mid], pool[cid], rules)}
        new_events = {found[c] for c in joined} - events
        events |= new_events
        members = {x for ids in store.event_member_ids(sorted(new_events)).values() for x in ids} - rows.keys()
        pool |= _load(store, {x: "" for x in members - pool.keys()})
        frontier = sorted((joined | members) - rows.keys())
        rows |= {x: pool[x] for x in frontier}
    return rows, events


def _load(store: Store, ids: dict[str, str]) -> dict[str, Row]:
    if not ids:
        return {}
    return {row[0].id: row for row in store.mentions(MentionFilter(ids=tuple(sorted(ids))))}


def merge_pending(store: Store, *, rules: MergeRules = MergeRules(),
                  progress: Callable[[int], None] | None = None) -> MergeReport:
    """Merge every mention not yet in an event into the ledger."""
    report = MergeReport()
    new = {m.id: (m, rec) for m, rec in store.mentions(MentionFilter(unmerged=True))}
    if not new:
        report.events_total = store.stats().events
        return report
    rows, old_events = _scope(store, new, rules)
    members = {ids[0]: ids for ids in cluster(rows.values(), rules)}
    events = [build_event(eid, [rows[x] for x in ids]) for eid, ids in sorted(members.items())]
    retired = sorted(old_events - set(members))
    store.write_merge(members, events, retired, rows)
    report.mentions = len(new)
    report.events_touched = len(events)
    report.events_total = store.stats().events
    if progress:
        progress(len(new))
    return report


def _order(row: Row):
    m, rec = row
    pub = rec.article.published  # not the ingest order: an event must not depend on which batch came first
    n = m.id.rpartition(":")[2]
    return (pub or dt.date.max, rec.article.id, int(n) if n.isdigit() else 0)


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
    recipients = sorted({c for m in ms for c in m.recipient_codes}
                        - (set(actors) if ms[0].type in DEPLOYMENT_TYPES else set()))  # a sender is not its host
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


def reading(mentions: list[Mention]) -> Mention | None:
    """One article's reading of an event's status: of its mentions that state one, those that give the
    event's figure first (the contingent's own sentence: "the 1,700 troops that were already sent",
    not "as the US continues to bolster its presence"), then those whose status the parse read from a cue in
    the sentence (`status_cue`: "hit Russia with a wave of sanctions", not the model's guess for a headline
    as a whole), then the most confident (the first of equals). An article's headline 'build-up' does not
    outrank the 'have been deployed' of its lead; `newsledger eval` scores the same reading (dev deployment
    status 0.795 -> 0.830, dev2 unchanged; the cue first: dev status 0.871 -> 0.876, dev2 0.779 -> 0.789)."""
    stated = [m for m in mentions if m.status]
    return min(stated, key=lambda m: (m.quantity is None, m.status_cue is None, -m.confidence,
                                      m.trigger.start)) if stated else None


def article_reading(rows: list[Row]) -> list[Row]:
    """Each article's reading (`reading`) of an event, with its article."""
    by_article: dict[str, list[Row]] = {}
    for row in rows:
        by_article.setdefault(row[1].article.id, []).append(row)
    out = []
    for group in by_article.values():
        m = reading([m for m, _ in group])
        if m is not None:
            out.append(next(r for r in group if r[0] is m))
    return out


def status_history(rows: list[Row]) -> list[StatusChange]:
    """Status as reported day by day: on each report date the most advanced status its articles state
    (each article's reading, `article_reading`); an entry only when it changes (considered 01-24,
    announced 02-02, underway 02-05, completed 02-09)."""
    by_day: dict[dt.date | None, tuple[str, str]] = {}
    for m, rec in article_reading(rows):
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
