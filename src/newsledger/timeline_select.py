"""Timeline summarisation from the ledger: pick the l most salient days of a window, then k sentences a day.

Date salience (after DATEWISE, Ghalandari & Ifrim 2020) adds, per day of the window:
- the articles published that day;
- the articles whose text refers to that day with a day-precise date expression (extract/timex.py,
  run over every sentence of every article of the window: "on March 19", "yesterday"), other than
  their own publication day;
- the ledger's events on that day, each counted by its reporting articles: fully for an event with
  a day-precise date of its own, less for one placed on its first report's day for want of a date;
  history (an event dated more than `history_days` before its first report) counts less again.
Every day with an article or a reference is a candidate, so l days are returned when the window has them.

Sentences of a day are the sentences that refer to it, those of articles published that day, and the
lead sentences of articles published the day after. Each is scored by its word overlap with all of
them (the day's centroid), with the day's most reported event (its mention sentences) and by being a
lead; the k best distinct ones are kept (a near-repeat of a kept sentence is skipped).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .extract.timex import find_timexes
from .ledger import events_with_detail
from .rollups import CAP, event_day
from .store import ArticleFilter, MentionFilter, Store
from .timeline import TimelineEntry

_SENTENCE = re.compile(r"\n+|(?<=[.!?])\s+(?=[A-Z\"“])")
_WORD = re.compile(r"[a-z0-9]+")
# Only these sentences can name another day to the day ("March 19", "19/3", "Monday", "yesterday",
# "tomorrow"): the date finder is run on them alone, which makes reading every sentence affordable.
_MAY_NAME_A_DAY = re.compile(r"\d|day\b|tomorrow", re.IGNORECASE)
_STOP = frozenset("""a an the of to in on at for from by with and or but is are was were be been has have had
it its this that these those as he she they we you i his her their our not no s said says will would
could can may after before over into than then there which who what when where while also about""".split())


@dataclass(frozen=True, slots=True)
class Weights:
    """How much each signal adds to a day's salience and to a sentence's score (tuned on the tuning
    topics only; see docs/EVALUATION.md)."""

    published: float = 1.0      # an article published that day
    referred: float = 0.5       # an article referring to that day
    dated_event: float = 0.5    # an article reporting an event with its own date that day
    undated_event: float = 0.1  # the same, for an event placed on its first report's day
    history: float = 0.2        # multiplier for an event dated long before its first report
    history_days: int = 30
    centroid: float = 1.0
    event: float = 0.5
    lead: float = 0.15
    min_words: int = 6
    max_words: int = 50
    repeat: float = 0.5         # word-set overlap above which a sentence repeats a kept one


@dataclass(slots=True)
class _Sentence:
    text: str
    words: frozenset[str]
    lead: bool
    source: str


@dataclass(slots=True)
class _Day:
    published: set[str] = field(default_factory=set)
    referring: set[str] = field(default_factory=set)
    events: float = 0.0
    sentences: dict[str, _Sentence] = field(default_factory=dict)


def words_of(text: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(text.lower()) if w not in _STOP)


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def select_timeline(store: Store, f: MentionFilter = MentionFilter(), *, date_from: dt.date | None = None,
                    date_to: dt.date | None = None, dates: int | None = None, sentences: int = 1,
                    weights: Weights = Weights()) -> list[TimelineEntry]:
    """The `dates` most salient days between `date_from` and `date_to` (all candidate days when None),
    each with up to `sentences` distinct sentences, from the articles and events matching `f`."""
    date_from, date_to = date_from or f.date_from, date_to or f.date_to
    details = events_with_detail(store, dataclasses.replace(f, date_from=None, date_to=None, limit=None))
    inside = lambda d: d is not None and not (date_from and d < date_from or date_to and d > date_to)  # noqa: E731
    filtered = any((f.type, f.actor, f.recipient, f.location, f.status, f.event_id, f.ids is not None, f.article_id))
    wanted = {rec.article.id for d in details for _, rec in d.mentions} if filtered else None
    days: dict[dt.date, _Day] = defaultdict(_Day)
    for rec in store.articles(ArticleFilter(date_from=date_from, date_to=date_to)):
        if rec.article.published is not None and (wanted is None or rec.article.id in wanted):
            _read_article(rec.article, days, inside, weights)
    by_day = _events_by_day(details, days, inside, weights)
    score = {d: (weights.published * len(v.published) + weights.referred * len(v.referring) + v.events)
             for d, v in days.items() if (v.published or v.referring) and any(s.words for s in v.sentences.values())}
    chosen = sorted(score, key=lambda d: (-score[d], d))[:dates] if dates is not None else list(score)
    entries = []
    for day in sorted(chosen):
        evs = sorted(by_day.get(day, []), key=lambda d: (-len({r.article.id for _, r in d.mentions}), d.event.id))
        picked = _pick_sentences(days[day], evs[0] if evs else None, max(1, sentences), weights)
        sources = sorted({rec.article.source for d in evs for _, rec in d.mentions} or {s.source for s in picked})
        texts = [s.text for s in picked]
        entries.append(TimelineEntry(
            day, texts[0], round(score[day]), len(evs), dict(sorted(Counter(d.event.type for d in evs).items())),
            [d.event.id for d in evs[:CAP]], sources[:CAP], len(sources), evs[0].event.id if evs else "", texts))
    return entries


def _read_article(article, days: dict[dt.date, _Day], inside, w: Weights) -> None:
    """Add an article's publication, its day-precise date references and its candidate sentences."""
    pub = article.published
    sents = split_sentences(article.text)
    days[pub].published.add(article.id)
    for i, s in enumerate(sents):
        n = len(s.split())
        ok = w.min_words <= n <= w.max_words
        if ok:
            days[pub].sentences.setdefault(s, _Sentence(s, words_of(s), i < 3, article.source))
            if i < 2 and inside(pub - dt.timedelta(days=1)):
                days[pub - dt.timedelta(days=1)].sentences.setdefault(s, _Sentence(s, words_of(s), True, article.source))
        for t in (find_timexes(s, pub) if _MAY_NAME_A_DAY.search(s) else ()):
            if t.precision != "day" or t.date is None or not inside(t.date) or t.date == pub:
                continue
            days[t.date].referring.add(article.id)
            if ok:
                days[t.date].sentences.setdefault(s, _Sentence(s, words_of(s), False, article.source))


def _events_by_day(details, days: dict[dt.date, _Day], inside, w: Weights) -> dict[dt.date, list]:
    by_day: dict[dt.date, list] = defaultdict(list)
    for d in details:
        day = event_day(d.event)
        if not inside(day):
            continue
        by_day[day].append(d)
        reports = len({rec.article.id for _, rec in d.mentions})
        own = d.event.date_precision == "day" and d.event.date is not None
        weight = w.dated_event if own else w.undated_event
        first = d.event.first_reported
        if own and first and (first - day).days > w.history_days:
            weight *= w.history
        days[day].events += weight * reports
    return by_day


def _pick_sentences(day: _Day, top_event, k: int, w: Weights) -> list[_Sentence]:
    cands = list(day.sentences.values())
    df: Counter = Counter(x for s in cands for x in s.words)
    n = len(cands)
    idf = {x: math.log(1 + n / c) for x, c in df.items()}
    centroid = {x: c * idf[x] for x, c in df.items()}
    norm_c = math.sqrt(sum(v * v for v in centroid.values())) or 1.0
    ev_words: Counter = Counter()
    if top_event is not None:
        for m, _ in top_event.mentions:
            ev_words.update(words_of(m.sentence))
    norm_e = math.sqrt(sum(v * v for v in ev_words.values())) or 1.0

    def score(s: _Sentence) -> float:
        if not s.words:
            return -1.0
        norm_s = math.sqrt(sum(idf[x] ** 2 for x in s.words))
        c = sum(centroid[x] * idf[x] for x in s.words) / (norm_c * norm_s)
        e = sum(ev_words[x] * idf[x] for x in s.words) / (norm_e * norm_s) if ev_words else 0.0
        return w.centroid * c + w.event * e + w.lead * s.lead

    kept: list[_Sentence] = []
    for s in sorted(cands, key=lambda s: (-score(s), s.text)):
        if all(len(s.words & o.words) / (len(s.words | o.words) or 1) <= w.repeat for o in kept):
            kept.append(s)
        if len(kept) == k:
            break
    return kept
