"""Timelines from the ledger: dated entries, each summed up by the best sentence of that date's events.

When there are more dates than asked for, the most important dates are kept, as timeline
summarisation systems do: a date's salience is the number of distinct articles that report on it
(publication date, for events without a day of their own) or refer to it (an event dated that day).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .ledger import events_with_detail
from .model import Event
from .store import MentionFilter, Store


@dataclass(slots=True)
class TimelineEntry:
    date: dt.date
    summary: str
    salience: int
    events: list[Event] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    @property
    def types(self) -> list[str]:
        return sorted({e.type for e in self.events})


def event_day(ev: Event) -> dt.date | None:
    """The day an event goes on the timeline: its own date when known to the day, else the first report."""
    if ev.date and ev.date_precision == "day":
        return ev.date
    return ev.first_reported


def build_timeline(store: Store, f: MentionFilter = MentionFilter(), dates: int | None = None) -> list[TimelineEntry]:
    by_day: dict[dt.date, list] = defaultdict(list)
    salience: dict[dt.date, set[str]] = defaultdict(set)
    for detail in events_with_detail(store, f):
        day = event_day(detail.event)
        if day is None:
            continue
        if f.date_from and day < f.date_from or f.date_to and day > f.date_to:
            continue
        by_day[day].append(detail)
        for m, rec in detail.mentions:
            referred = m.time.date if m.time and m.time.precision == "day" else rec.article.published
            if referred is not None:
                salience[referred].add(rec.article.id)
    chosen = sorted(by_day, key=lambda d: (-len(salience[d] or ()), d))
    if dates is not None:
        chosen = chosen[:dates]
    entries = []
    for day in sorted(chosen):
        details = by_day[day]
        best = max(details, key=_newsworthiness)
        sources = sorted({rec.article.source for d in details for _, rec in d.mentions})
        entries.append(TimelineEntry(day, " ".join(best.event.summary.split()), len(salience[day]),
                                     [d.event for d in details], sources))
    return entries


_PRIORITY = {"ASSAULT": 3, "MOBILIZE": 2, "RETREAT": 2, "SANCTION": 2, "CONSULT": 1, "AID": 1, "SUPPORT": 1,
             "COERCE": 1}


def _newsworthiness(detail) -> float:
    """Which event of a day sums it up: reported widely, stated plainly (a full sentence that names
    its actors, not a quote or a pronoun), with figures and places, of a consequential type."""
    ev = detail.event
    words = ev.summary.split()
    plain = 8 <= len(words) <= 45 and words[0].lower() not in ("he", "she", "it", "they", "this", "that", "you", "we",
                                                                 "i", "but", "and") and not ev.summary.lstrip().startswith(("\"", "“"))
    return (2.0 * min(ev.n_sources, 5) + 3.0 * ev.confidence + 2.0 * plain + (ev.quantity is not None)
            + (ev.location is not None) + _PRIORITY.get(ev.type, 0))


def write_news_tls(entries: list[TimelineEntry], path: str | Path) -> None:
    """One timeline in the news-tls `timelines.jsonl` format: a JSON list of [date, [sentences]]."""
    items = [[dt.datetime(e.date.year, e.date.month, e.date.day).isoformat(), [e.summary]] for e in entries]
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
