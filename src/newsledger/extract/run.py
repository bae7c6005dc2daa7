"""Run extraction over the store: every ingested, unique article not yet extracted."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..model import Article, Mention, Quarantined
from ..store import Store
from .base import DEFAULT_EXTRACTOR, available_cores
from .guard import Failure, Result
from .pipeline import extract_articles

COMMIT_EVERY = 32
WORKER_CHUNK = 16  # articles a worker process takes at a time


@dataclass(slots=True)
class ExtractReport:
    articles: int = 0
    mentions: int = 0
    quarantined: list[Quarantined] = field(default_factory=list)  # set aside by this run, with the reason


def pending(store: Store, *, redo: bool = False, retry_quarantined: bool = False) -> list[Article]:
    """The articles to extract: every unique article with `redo` (after clearing the old mentions), else
    those not yet extracted and not quarantined (quarantined ones too with `retry_quarantined`)."""
    if redo:
        store.reset_extraction()
    elif retry_quarantined:
        store.release_quarantine()
    return store.pending_articles()


def commit_results(store: Store, results: Iterable[Result],
                   progress: Callable[[int], None] | None = None) -> ExtractReport:
    """Save (article id, mentions) pairs COMMIT_EVERY articles per transaction, so an interrupted run
    resumes where it stopped, and quarantine the articles that failed (`Failure`s); `progress` is told
    how many articles each commit covered. Then quarantines, for merging, articles with an implausible
    date (stored before the readers rejected them)."""
    report = ExtractReport()
    batch: list[tuple[str, list[Mention]]] = []
    failed: list[Quarantined] = []

    def commit() -> None:
        nonlocal batch, failed
        store.quarantine(failed)
        report.quarantined += failed
        report.mentions += store.save_mentions(batch)
        report.articles += len(batch)
        if progress:
            progress(len(batch) + len(failed))
        batch, failed = [], []

    for result in results:
        if isinstance(result, Failure):
            failed.append(Quarantined(result.article_id, result.source, "extract", result.reason))
        else:
            batch.append(result)
        if len(batch) + len(failed) >= COMMIT_EVERY:
            commit()
    if batch or failed:
        commit()
    report.quarantined += store.quarantine_implausible_dates()
    return report


def extract_pending(store: Store, *, workers: int = 1, redo: bool = False, extractor: str = DEFAULT_EXTRACTOR,
                    progress: Callable[[int], None] | None = None, retry_quarantined: bool = False) -> ExtractReport:
    """Extract mentions for pending articles (all articles with `redo`), committing in batches,
    so an interrupted run resumes where it stopped. `extractor` names the implementation
    (`rules` or `learned`). An article that fails is quarantined with its reason and the run goes
    on; quarantined articles are tried again only with `retry_quarantined` (or `redo`). `workers`: processes,
    0 = one per core available, never more than there are chunks of work (each loads its own pipeline)."""
    articles = pending(store, redo=redo, retry_quarantined=retry_quarantined)
    if not articles:
        return ExtractReport(quarantined=store.quarantine_implausible_dates())
    return commit_results(store, extract_articles(articles, workers=worker_count(workers, len(articles)),
                                                  extractor=extractor, guard=True, chunk=WORKER_CHUNK), progress)


def worker_count(workers: int, articles: int) -> int:
    """The processes `extract_pending` starts for `articles` articles when asked for `workers` (0 = one per
    core available): never more than there are chunks of work."""
    return max(1, min(workers or available_cores(), -(-articles // WORKER_CHUNK)))
