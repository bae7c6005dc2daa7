"""Ingest: read inputs, drop what is already stored, mark duplicates, commit in batches.

A batch is one transaction, so a run killed at any point leaves only whole batches behind, and
running the same command again completes the work with no duplicate rows. What is already stored
and what is a duplicate are decided inside that transaction, under the store's write lock, so
ingests running at the same time (processes, machines sharing a PostgreSQL ledger) see each other's
articles and record the second copy of a text as a duplicate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import dataclasses

from .dedup import DEFAULT_THRESHOLD, Deduplicator, normalise, text_hash
from .model import Article, Notice, Rejection
from .readers import ReadOptions, read_paths
from .store import ArticleRow, Store

DEFAULT_BATCH = 200


@dataclass(slots=True)
class Duplicate:
    article_id: str
    source: str
    duplicate_of: str
    similarity: float


@dataclass(slots=True)
class Renamed:
    """An input whose id was already taken by a different text: it is stored under `new_id`."""

    article_id: str
    source: str
    new_id: str


@dataclass(slots=True)
class IngestReport:
    read: int = 0
    added: int = 0
    already: int = 0
    duplicates: list[Duplicate] = field(default_factory=list)
    renamed: list[Renamed] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)  # inputs read with a repair (lines not in UTF-8)

    @property
    def ok(self) -> bool:
        return not self.rejected


def ingest(store: Store, paths: list[str], options: ReadOptions = ReadOptions(), *,
           batch_size: int = DEFAULT_BATCH, threshold: float = DEFAULT_THRESHOLD,
           progress: Callable[[int], None] | None = None,
           on_rejection: Callable[[Rejection], None] | None = None,
           on_notice: Callable[[Notice], None] | None = None) -> IngestReport:
    """Read `paths` (files, folders, globs, '-') into `store`. Bad items are reported, never fatal; each
    is also given to `on_rejection` as it is read (so it is shown even if a later write fails), and
    each repair of an input (lines not in UTF-8) to `on_notice`."""
    report = IngestReport()

    def notice(n: Notice) -> None:
        report.notices.append(n)
        if on_notice:
            on_notice(n)

    dedup = Deduplicator(threshold)
    dedup.load(store.minhashes())
    batch: list[Article] = []
    rejections: list[Rejection] = []

    def decide() -> list[ArticleRow]:
        # under the write lock: first learn what other ingests stored since, then judge against it
        dedup.load(store.minhashes(after=dedup.loaded))
        rows = []
        for art, words in _own_ids(store, batch, report):
            verdict = dedup.judge(art.id, art.text, store.id_for_hash, words)
            if verdict.duplicate_of:
                report.duplicates.append(Duplicate(art.id, art.source, verdict.duplicate_of, verdict.similarity))
            rows.append(ArticleRow(art, verdict.text_hash, verdict.minhash, verdict.duplicate_of, verdict.similarity))
        return rows

    def flush() -> None:
        if not batch and not rejections:
            return
        report.added += store.add_decided(decide, rejections)
        batch.clear()
        rejections.clear()

    for item in read_paths(paths, options, notice):
        if isinstance(item, Rejection):
            report.rejected.append(item)
            rejections.append(item)
            if on_rejection:
                on_rejection(item)
        else:
            report.read += 1
            batch.append(item)
        if progress:
            progress(1)
        if len(batch) >= batch_size:
            flush()
    flush()
    return report


def _own_ids(store: Store, batch: list[Article], report: IngestReport) -> list[tuple[Article, list[str]]]:
    """Drop what is already stored (same id, same text); give a new id to a different text under a taken id.

    Ids in JSON Lines are only unique within their file (news-tls numbers each topic from 1), so a
    clash with another text is no reason to lose the article: it is stored as `<id>~<text hash>`,
    which a re-run derives again and so finds already stored.
    """
    words = [normalise(a.text) for a in batch]
    hashes = [text_hash(w) for w in words]
    alt = [_alt_id(a.id, h) for a, h in zip(batch, hashes)]
    known = store.stored_hashes([a.id for a in batch] + alt)
    seen: dict[str, str] = {}
    fresh = []
    for art, w, h, other in zip(batch, words, hashes, alt):
        aid = art.id if known.get(art.id, seen.get(art.id, h)) == h else other
        if aid in known or aid in seen:
            report.already += 1
            continue
        if aid != art.id:
            report.renamed.append(Renamed(art.id, art.source, aid))
            art = dataclasses.replace(art, id=aid)
        seen[aid] = h
        fresh.append((art, w))
    return fresh


def _alt_id(article_id: str, text_hash: str) -> str:
    return f"{article_id}~{text_hash[:12]}"
