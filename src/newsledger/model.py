"""Typed records shared by every stage: articles in, mentions out.

Every extracted field carries the character span (in the article text) it came from, so each
value of an event can be traced to its sentence and characters.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

PLOVER_TYPES: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)
DEPLOYMENT_TYPES: frozenset[str] = frozenset({"MOBILIZE", "RETREAT"})
STATUSES: tuple[str, ...] = ("considered", "announced", "underway", "completed", "negated", "hypothetical")
PRECISIONS: tuple[str, ...] = ("day", "week", "month", "year")


@dataclass(frozen=True, slots=True)
class Article:
    """One ingested news article."""

    id: str
    source: str
    text: str
    published: dt.date | None = None
    title: str | None = None
    lang: str = "en"


@dataclass(frozen=True, slots=True)
class Rejection:
    """An input item that could not become an article, and why."""

    source: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Notice:
    """Something a reader repaired in an input it still read (lines not in UTF-8), to tell the user."""

    source: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


@dataclass(frozen=True, slots=True)
class Quarantined:
    """An article set aside because a stage (extract, merge) failed on it, and why; retried on request."""

    article_id: str
    source: str
    stage: str
    reason: str
    at: str = ""

    def __str__(self) -> str:
        return f"{self.source} (article {self.article_id}): {self.stage}: {self.reason}"


EARLIEST_DATE = dt.date(1900, 1, 1)


def date_bounds(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The plausible range of a publication or event date: 1900-01-01 to a year after today."""
    today = today or dt.date.today()
    return EARLIEST_DATE, today + dt.timedelta(days=366)


def implausible_date(day: dt.date | None) -> str | None:
    """Why `day` cannot be a news date (Go's zero time 0001-01-01, 9999-12-31 ...), or None if it can."""
    if day is None:
        return None
    lo, hi = date_bounds()
    if lo <= day <= hi:
        return None
    return f"date {day.isoformat()} is outside the plausible range {lo.isoformat()} .. {hi.isoformat()}"


@dataclass(frozen=True, slots=True)
class Span:
    """Character offsets [start, end) in an article's text."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Entity:
    """An actor or recipient: the words in the text and the code they resolve to."""

    text: str
    code: str
    span: Span
    kind: str = "state"  # state, org, person, institution, capital, demonym, group, region
    sector: str | None = None  # GOV, MIL


@dataclass(frozen=True, slots=True)
class Place:
    text: str
    country: str | None
    span: Span
    name: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True)
class TimeValue:
    """A resolved time expression. `date` is the start of the period of `precision`."""

    text: str
    date: dt.date
    precision: str
    span: Span
    end: dt.date | None = None  # last day of an interval, when the text gives one


@dataclass(frozen=True, slots=True)
class Quantity:
    text: str
    min: int | None
    max: int | None
    approx: bool
    unit: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class Attribution:
    text: str
    code: str | None
    span: Span


@dataclass(slots=True)
class Mention:
    """One event as one sentence of one article states it."""

    article_id: str
    type: str
    sentence: str
    span: Span  # the sentence
    trigger: Span
    mode: str | None = None
    actors: list[Entity] = field(default_factory=list)
    recipients: list[Entity] = field(default_factory=list)
    location: Place | None = None
    time: TimeValue | None = None
    quantity: Quantity | None = None
    status: str | None = None
    status_cue: Span | None = None
    attribution: Attribution | None = None
    confidence: float = 0.5
    id: str | None = None  # "<article id>:<n>", set once stored

    @property
    def actor_codes(self) -> list[str]:
        return _unique(e.code for e in self.actors)

    @property
    def recipient_codes(self) -> list[str]:
        return _unique(e.code for e in self.recipients)


def _unique(items) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)


@dataclass(frozen=True, slots=True)
class StatusChange:
    """The status an event had in the reports of one day (the first mention that said so)."""

    reported: dt.date | None
    status: str
    mention_id: str


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure for the event as reported on one day by one source."""

    reported: dt.date | None
    min: int | None
    max: int | None
    approx: bool
    unit: str | None
    status: str | None
    mention_id: str
    source: str


@dataclass(frozen=True, slots=True)
class Conflict:
    """Sources disagreeing on the figure for the same moment (reported within a day of each other)."""

    reported: dt.date | None
    unit: str | None
    figures: tuple[Figure, ...]


@dataclass(slots=True)
class Event:
    """One real-world event: all the mentions of it across articles, with how it evolved."""

    id: str
    type: str
    mode: str | None
    actors: list[str]
    recipients: list[str]
    location: Place | None
    date: dt.date | None
    date_precision: str | None
    first_reported: dt.date | None
    last_reported: dt.date | None
    status: str | None
    quantity: Quantity | None
    summary: str
    summary_mention: str
    confidence: float
    n_mentions: int
    n_sources: int
    n_conflicts: int
    mention_ids: list[str] = field(default_factory=list)
    history: list[StatusChange] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
