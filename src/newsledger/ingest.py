"""Ingest: read inputs, drop what is already stored, mark duplicates, commit in batches.

A batch is one transaction, so a run killed at any point leaves only whole batches behind, and
running the same command again completes the work with no duplicate rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .dedup import DEFAULT_THRESHOLD, Deduplicator
from .model import Article, Rejection
from .readers import ReadOptions, read_paths
from .store import Store

DEFAULT_BATCH = 200


@dataclass(slots=True)
class Duplicate:
    article_id: str
    source: str
    duplicate_of: str
    similarity: float


@dataclass(slots=True)
class IngestReport:
    read: int = 0
    added: int = 0
    already: int = 0
    duplicates: list[Duplicate] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected


def ingest(store: Store, paths: list[str], options: ReadOptions = ReadOptions(), *,
           batch_size: int = DEFAULT_BATCH, threshold: float = DEFAULT_THRESHOLD,
           progress: Callable[[int], None] | None = None) -> IngestReport:
    """Read `paths` (files, folders, globs, '-') into `store`. Bad items are reported, never fatal."""
    report = IngestReport()
    dedup = Deduplicator(threshold)
    dedup.load(store.minhashes())
    batch: list[Article] = []
    rejections: list[Rejection] = []

    def flush() -> None:
        if not batch and not rejections:
            return
        known = store.existing_ids(a.id for a in batch)
        rows = []
        seen: set[str] = set()
        for art in batch:
            if art.id in known or art.id in seen:
                report.already += 1
                continue
            seen.add(art.id)
            verdict = dedup.judge(art.id, art.text, store.id_for_hash)
            if verdict.duplicate_of:
                report.duplicates.append(Duplicate(art.id, art.source, verdict.duplicate_of, verdict.similarity))
            rows.append((art, verdict.text_hash, verdict.minhash, verdict.duplicate_of, verdict.similarity))
        report.added += store.add_articles(rows, rejections)
        batch.clear()
        rejections.clear()

    for item in read_paths(paths, options):
        if isinstance(item, Rejection):
            report.rejected.append(item)
            rejections.append(item)
        else:
            report.read += 1
            batch.append(item)
        if progress:
            progress(1)
        if len(batch) >= batch_size:
            flush()
    flush()
    return report

