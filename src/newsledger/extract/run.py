"""Run extraction over the store: every ingested, unique article not yet extracted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..store import SQLiteStore
from .pipeline import MODEL, extract_articles

COMMIT_EVERY = 32


@dataclass(slots=True)
class ExtractReport:
    articles: int = 0
    mentions: int = 0


def extract_pending(store: SQLiteStore, *, workers: int = 1, redo: bool = False, model: str = MODEL,
                    progress: Callable[[int], None] | None = None) -> ExtractReport:
    """Extract mentions for pending articles (all articles with `redo`), committing in batches,
    so an interrupted run resumes where it stopped."""
    if redo:
        store.reset_extraction()
    report = ExtractReport()
    articles = store.pending_articles()
    if not articles:
        return report
    batch: list = []
    for article_id, mentions in extract_articles(articles, workers=workers, model=model):
        batch.append((article_id, mentions))
        if len(batch) >= COMMIT_EVERY:
            report.mentions += store.save_mentions(batch)
            report.articles += len(batch)
            if progress:
                progress(len(batch))
            batch = []
    if batch:
        report.mentions += store.save_mentions(batch)
        report.articles += len(batch)
        if progress:
            progress(len(batch))
    return report
