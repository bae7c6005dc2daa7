"""Run extraction over the store: every ingested, unique article not yet extracted."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..model import Article, Mention
from ..store import Store
from .base import DEFAULT_EXTRACTOR
from .pipeline import extract_articles

COMMIT_EVERY = 32


@dataclass(slots=True)
class ExtractReport:
    articles: int = 0
    mentions: int = 0


def pending(store: Store, *, redo: bool = False) -> list[Article]:
    """The articles to extract: every unique article with `redo` (after clearing the old mentions), else
    those not yet extracted."""
    if redo:
        store.reset_extraction()
    return store.pending_articles()


def commit_results(store: Store, results: Iterable[tuple[str, list[Mention]]],
                   progress: Callable[[int], None] | None = None) -> ExtractReport:
    """Save (article id, mentions) pairs COMMIT_EVERY articles per transaction, so an interrupted run
    resumes where it stopped; `progress` is told how many articles each commit covered."""
    report = ExtractReport()
    batch: list[tuple[str, list[Mention]]] = []

    def commit() -> None:
        nonlocal batch
        report.mentions += store.save_mentions(batch)
        report.articles += len(batch)
        if progress:
            progress(len(batch))
        batch = []

    for article_id, mentions in results:
        batch.append((article_id, mentions))
        if len(batch) >= COMMIT_EVERY:
            commit()
    if batch:
        commit()
    return report


def extract_pending(store: Store, *, workers: int = 1, redo: bool = False, extractor: str = DEFAULT_EXTRACTOR,
                    progress: Callable[[int], None] | None = None) -> ExtractReport:
    """Extract mentions for pending articles (all articles with `redo`), committing in batches,
    so an interrupted run resumes where it stopped. `extractor` names the implementation
    (`rules` or `learned`)."""
    articles = pending(store, redo=redo)
    if not articles:
        return ExtractReport()
    return commit_results(store, extract_articles(articles, workers=workers, extractor=extractor), progress)
