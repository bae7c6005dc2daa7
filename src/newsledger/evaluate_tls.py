"""The news-tls protocol (Ghalandari & Ifrim 2020) over topic folders in the news-tls layout.

A topic folder holds `articles.jsonl` (`id`, `time`, `text`, one sentence a line) and
`timelines.jsonl` (reference timelines, one a line: a list of `[date, [sentences]]`). For each
(topic, reference) pair the articles are restricted to the reference's first..last date, the system
is asked for l dates (as many as the reference has) and k sentences per date (the reference's mean,
rounded), and the result is scored with `tilse`: date F1 (set overlap of dates) and the alignment
ROUGE-1/2 "align, date-content costs, many-to-one" (AR1, AR2). Averaging is news-tls': precision and
recall are averaged over all pairs, then F is taken of the averages.

Systems scored in one run, on the same inputs:
- `newsledger`: the ledger's timeline (timeline_select.select_timeline) on a ledger of the topic;
- `top-articles`: the l days with most articles, each summed up by the lead sentence of its latest
  article (the trivial baseline of issue 13);
- `top-articles-k`: the same days, summed up by the lead sentences of its k latest articles.

The ledger of a topic (ingest, rules extraction, merge) is cached under `cache_dir`, keyed by a hash
of the topic's articles.jsonl and a ledger version, so a second run only selects and scores.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .evaluate import f_measure
from .exceptions import InputError, SystemFailure
from .timeline import read_news_tls

Timeline = dict[dt.date, list[str]]
SYSTEMS = ("newsledger", "top-articles", "top-articles-k")
DEFAULT_CACHE = ".cache/tls"
_LEDGER_VERSION = "1"  # bump when ingest/extract/merge change what a cached ledger holds


@dataclass(frozen=True, slots=True)
class TopicArticle:
    id: str
    day: dt.date
    sentences: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PRF:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return f_measure(p, r)


@dataclass(frozen=True, slots=True)
class PairScore:
    """One system on one (topic, reference timeline) pair."""

    topic: str
    reference: int
    system: str
    l: int
    k: int
    date: PRF
    ar1: PRF
    ar2: PRF


@dataclass(slots=True)
class TLSReport:
    pairs: list[PairScore] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # per topic: selection of the ledger system

    def average(self, system: str, topics: set[str] | None = None) -> tuple[PRF, PRF, PRF]:
        rows = [p for p in self.pairs if p.system == system and (topics is None or p.topic in topics)]
        if not rows:
            return PRF(0, 0), PRF(0, 0), PRF(0, 0)
        mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
        return tuple(PRF(mean([getattr(p, m).precision for p in rows]), mean([getattr(p, m).recall for p in rows]))
                     for m in ("date", "ar1", "ar2"))  # type: ignore[return-value]

    def as_dict(self) -> dict:
        def prf(x: PRF) -> dict:
            return {"precision": round(x.precision, 4), "recall": round(x.recall, 4), "f1": round(x.f1, 4)}
        topics = sorted({p.topic for p in self.pairs})
        return {
            "pairs": [{"topic": p.topic, "reference": p.reference, "system": p.system, "l": p.l, "k": p.k,
                       "date": prf(p.date), "ar1": prf(p.ar1), "ar2": prf(p.ar2)} for p in self.pairs],
            "average": {s: dict(zip(("date", "ar1", "ar2"), map(prf, self.average(s)))) for s in SYSTEMS},
            "topics": topics, "seconds": {t: round(s, 2) for t, s in self.seconds.items()},
        }


def read_topic_articles(folder: Path) -> list[TopicArticle]:
    path = folder / "articles.jsonl"
    if not path.is_file():
        raise InputError(f"no articles.jsonl in {folder}", source=str(folder),
                         hint="a news-tls topic folder holds articles.jsonl and timelines.jsonl")
    out = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                day = dt.date.fromisoformat(str(row["time"])[:10])
                sents = tuple(s.strip() for s in str(row["text"]).split("\n") if s.strip())
            except (ValueError, KeyError, TypeError) as e:
                raise InputError(f"not a news-tls article ({e})", source=str(path), line=n,
                                 hint="each line is a JSON object with id, time (YYYY-MM-DD) and text") from e
            out.append(TopicArticle(str(row.get("id", n)), day, sents))
    return out


def read_references(folder: Path) -> list[Timeline]:
    path = folder / "timelines.jsonl"
    if not path.is_file():
        raise InputError(f"no timelines.jsonl in {folder}", source=str(folder),
                         hint="a news-tls topic folder holds the reference timelines in timelines.jsonl")
    refs = [tl for tl in read_news_tls(path) if tl]
    if not refs:
        raise InputError("no reference timeline", source=str(path), hint="one JSON list of [date, [sentences]] a line")
    return refs


def lead_sentence(sentences: tuple[str, ...]) -> str:
    """The lead: the first line of 6..50 tokens (news-tls' first line often runs headline, captions
    and lead together)."""
    for s in sentences:
        if 6 <= len(s.split()) <= 50:
            return s
    return sentences[0] if sentences else ""


def top_articles_baseline(articles: list[TopicArticle], l: int, k: int) -> Timeline:
    """The l days with most articles; each summed up by the leads of its k latest articles (k = 1: the
    latest article's lead). The latest is the last in the file among those of that day."""
    by_day: dict[dt.date, list[TopicArticle]] = defaultdict(list)
    for a in articles:
        by_day[a.day].append(a)
    days = sorted(by_day, key=lambda d: (-len(by_day[d]), d))[:l]
    out: Timeline = {}
    for d in days:
        leads: list[str] = []
        for a in reversed(by_day[d]):
            s = lead_sentence(a.sentences)
            if s and s not in leads:
                leads.append(s)
            if len(leads) == k:
                break
        out[d] = leads
    return out


def score_pair(system: Timeline, reference: Timeline) -> tuple[PRF, PRF, PRF]:
    """Date P/R and tilse's AR1, AR2 (align, date-content costs, many-to-one) of one system timeline."""
    try:
        from tilse.data.timelines import GroundTruth, Timeline as TilseTimeline
        from tilse.evaluation.rouge import TimelineRougeEvaluator
    except ImportError as e:
        raise SystemFailure(f"eval-tls scores with tilse, which is not installed ({e})",
                            hint="pip install 'newsledger[tls]' (tilse's ROUGE also needs perl and libxml-parser-perl)") from e

    sys_dates, ref_dates = set(system), set(reference)
    hit = len(sys_dates & ref_dates)
    date = PRF(hit / len(sys_dates) if sys_dates else 0.0, hit / len(ref_dates) if ref_dates else 0.0)
    if not system:
        return date, PRF(0, 0), PRF(0, 0)
    to_tilse = lambda tl: TilseTimeline({d: list(s) for d, s in tl.items()})  # noqa: E731
    ev = TimelineRougeEvaluator(measures=["rouge_1", "rouge_2"])
    r = ev.evaluate_align_date_content_costs_many_to_one(to_tilse(system), GroundTruth([to_tilse(reference)]))
    return date, PRF(r["rouge_1"]["precision"], r["rouge_1"]["recall"]), PRF(r["rouge_2"]["precision"],
                                                                           r["rouge_2"]["recall"])


def cached_ledger(folder: Path, cache_dir: Path) -> Path:
    """The SQLite ledger of a topic (ingested, extracted with the rules extractor, merged), built once
    and cached under `cache_dir` by a hash of articles.jsonl."""
    from .extract.run import extract_pending
    from .ingest import ingest
    from .merge import merge_pending
    from .store import open_store

    articles = folder / "articles.jsonl"
    h = hashlib.sha256(articles.read_bytes())
    h.update(_LEDGER_VERSION.encode())
    path = cache_dir / f"{folder.name}-{h.hexdigest()[:16]}.db"
    if path.exists():
        return path
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with open_store(str(tmp)) as store:
        ingest(store, [str(articles)])
        extract_pending(store, workers=0)
        merge_pending(store)
    os.replace(tmp, path)
    Path(f"{tmp}-clean").unlink(missing_ok=True)  # the store's clean-close stamp of the temporary name
    return path


def window(articles: list[TopicArticle], reference: Timeline) -> list[TopicArticle]:
    lo, hi = min(reference), max(reference)
    return [a for a in articles if lo <= a.day <= hi]


def ledger_timeline(store, date_from: dt.date, date_to: dt.date, l: int, k: int) -> Timeline:
    """The system scored as `newsledger`: the ledger's timeline of the window, l dates, k sentences."""
    from .timeline_select import select_timeline

    entries = select_timeline(store, date_from=date_from, date_to=date_to, dates=l, sentences=k)
    return {e.date: e.sentences for e in entries}


def evaluate_tls(folders: list[str | Path], *, cache_dir: str | Path = DEFAULT_CACHE,
                 system: Callable[..., Timeline] = ledger_timeline, progress=None) -> TLSReport:
    """Score `system` (store, first day, last day, l, k -> timeline) and the baselines on every
    (topic, reference) pair of `folders`."""
    from .store import open_reader

    report = TLSReport()
    for folder in map(Path, folders):
        articles, refs = read_topic_articles(folder), read_references(folder)
        ledger = cached_ledger(folder, Path(cache_dir))
        for i, ref in enumerate(refs, start=1):
            l = len(ref)
            k = max(1, round(sum(len(s) for s in ref.values()) / l))
            lo, hi = min(ref), max(ref)
            inside = window(articles, ref)
            start = time.perf_counter()
            with open_reader(str(ledger)) as store:
                mine = system(store, lo, hi, l, k)
            report.seconds[folder.name] = report.seconds.get(folder.name, 0.0) + time.perf_counter() - start
            systems = {"newsledger": mine,
                       "top-articles": top_articles_baseline(inside, l, 1),
                       "top-articles-k": top_articles_baseline(inside, l, k)}
            for name, tl in systems.items():
                report.pairs.append(PairScore(folder.name, i, name, l, k, *score_pair(tl, ref)))
            if progress:
                progress(folder.name)
    return report
