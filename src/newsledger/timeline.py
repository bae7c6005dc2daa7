"""Timelines from the ledger: dated entries, each summed up by the best sentence of that date's events.

When there are more dates than asked for, the most important dates are kept, as timeline
summarisation systems do: a date's salience is the number of distinct articles that report on it
(publication date, for events without a day of their own) or refer to it (an event dated that day).

Timelines of everything, of one type or of one actor (with a date range) are read from the
`timeline_days` view that each merge keeps in step (rollups.py); other filters are computed from
the events, with the same result. An entry keeps the first CAP event ids and sources with their totals.
With a number of sentences per date, days and sentences are chosen by timeline_select instead, from
the texts' date references as well as the events (the news-tls task; scored by evaluate_tls).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .ledger import events_with_detail
from .rollups import CAP, event_day, newsworthiness
from .store import MentionFilter, Store
from .store.codec import listing


@dataclass(slots=True)
class TimelineEntry:
    date: dt.date
    summary: str
    salience: int
    n_events: int = 0
    type_counts: dict[str, int] = field(default_factory=dict)
    event_ids: list[str] = field(default_factory=list)  # the first CAP, most newsworthy first
    sources: list[str] = field(default_factory=list)    # the first CAP, in order
    n_sources: int = 0
    best_event: str = ""
    sentences: list[str] = field(default_factory=list)  # with --sentences K: up to K, the first is `summary`

    @property
    def types(self) -> list[str]:
        return sorted(self.type_counts)


def _key(f: MentionFilter) -> str | None:
    """The pre-aggregated view that answers `f`, if one does: no filter, one type, or one actor
    (with a date range); other filters are answered from the events themselves."""
    if f.recipient or f.location or f.status or f.event_id or f.ids is not None or f.article_id:
        return None
    if f.type and f.actor:
        return None
    if f.type:
        return "T:" + f.type.upper()
    if f.actor:
        return "A:" + f.actor.upper()
    return "*"


def build_timeline(store: Store, f: MentionFilter = MentionFilter(), dates: int | None = None,
                   sentences: int | None = None) -> list[TimelineEntry]:
    """One entry per day with events matching `f` (days in its date range), or the `dates` most
    salient days. Answered from the `timeline_days` view when it covers the filter. With `sentences`,
    the days and their `sentences` sentences are chosen from the texts as well (timeline_select)."""
    if sentences is not None:
        from .timeline_select import select_timeline

        return select_timeline(store, f, dates=dates, sentences=sentences)
    key = _key(f)
    if key is not None:
        return _from_view(store, key, f, dates)
    return _from_events(store, f, dates)


def _from_view(store: Store, key: str, f: MentionFilter, dates: int | None) -> list[TimelineEntry]:
    where, args = ["key = ?"], [key]
    if f.date_from:
        where.append("day >= ?")
        args.append(f.date_from.isoformat())
    if f.date_to:
        where.append("day <= ?")
        args.append(f.date_to.isoformat())
    sql = ("SELECT day, summary, salience, n_events, types, event_ids, sources, n_sources, best_event "
           f"FROM timeline_days WHERE {' AND '.join(where)}")
    if dates is not None:
        sql += " ORDER BY salience DESC, day LIMIT ?"
        args.append(dates)
    rows = [TimelineEntry(dt.date.fromisoformat(r[0]), r[1], r[2], r[3], json.loads(r[4]), json.loads(r[5]),
                          json.loads(r[6]), r[7], r[8]) for r in store.conn.execute(sql, args)]
    return sorted(rows, key=lambda e: e.date)


def _from_events(store: Store, f: MentionFilter, dates: int | None) -> list[TimelineEntry]:
    by_day: dict[dt.date, list] = defaultdict(list)
    salience: dict[dt.date, set[str]] = defaultdict(set)
    for detail in events_with_detail(store, dataclasses.replace(f, date_from=None, date_to=None, limit=None)):
        day = event_day(detail.event)
        if day is not None and not (f.date_from and day < f.date_from or f.date_to and day > f.date_to):
            by_day[day].append(detail)
        for m, rec in detail.mentions:
            referred = m.time.date if m.time and m.time.precision == "day" else rec.article.published
            if referred is not None:
                salience[referred].add(rec.article.id)
    chosen = sorted(by_day, key=lambda d: (-len(salience[d]), d))
    if dates is not None:
        chosen = chosen[:dates]
    entries = []
    for day in sorted(chosen):
        details = sorted(by_day[day], key=lambda d: (-newsworthiness(d.event), listing(d.event), d.event.id))
        sources = sorted({rec.article.source for d in details for _, rec in d.mentions})
        entries.append(TimelineEntry(
            day, " ".join(details[0].event.summary.split()), len(salience[day]), len(details),
            dict(sorted(Counter(d.event.type for d in details).items())), [d.event.id for d in details[:CAP]],
            sources[:CAP], len(sources), details[0].event.id))
    return entries


def write_news_tls(entries: list[TimelineEntry], path: str | Path) -> None:
    """One timeline in the news-tls `timelines.jsonl` format: a JSON list of [date, [sentences]]."""
    items = [[dt.datetime(e.date.year, e.date.month, e.date.day).isoformat(), e.sentences or [e.summary]] for e in entries]
    Path(path).write_text(json.dumps(items, ensure_ascii=False) + "\n", encoding="utf-8")


def read_news_tls(path: str | Path) -> list[dict[dt.date, list[str]]]:
    """Every timeline of a news-tls `timelines.jsonl` file, as date -> sentences."""
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            tl: dict[dt.date, list[str]] = {}
            for t, sents in json.loads(line):
                day = dt.date.fromisoformat(str(t)[:10])
                tl.setdefault(day, []).extend([sents] if isinstance(sents, str) else sents)
            out.append(tl)
    return out
