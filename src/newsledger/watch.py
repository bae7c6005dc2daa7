"""Streaming: ingest article files as they arrive in a folder.

Polls the folder; a file is taken once its size and modification time have stayed the same for one
whole interval, so a file still being written is left for a later round. Each round is an ordinary
ingest (idempotent, transactional) followed by extraction and merging.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .extract.run import extract_pending
from .ingest import IngestReport, ingest
from .merge import merge_pending
from .readers import ARTICLE_SUFFIXES, ReadOptions
from .store import open_store


@dataclass(slots=True)
class WatchRound:
    files: list[str] = field(default_factory=list)
    report: IngestReport | None = None
    mentions: int = 0


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for f in folder.rglob("*"):
        if f.is_file() and f.suffix.lower() in ARTICLE_SUFFIXES and not f.name.startswith("."):
            try:
                st = f.stat()
            except OSError:
                continue  # removed between listing and stat
            out[str(f)] = (st.st_size, st.st_mtime_ns)
    return out


def watch(db: str, folder: str, *, interval: float = 2.0, options: ReadOptions = ReadOptions(),
          rounds: int | None = None, on_round: Callable[[WatchRound], None] | None = None,
          workers: int = 0) -> None:
    """Ingest new or changed files of `folder` into the ledger at `db` until interrupted (or `rounds`);
    `workers`: extraction processes, 0 = one per core available."""
    root = Path(folder)
    done: dict[str, tuple[int, int]] = {}
    previous = _snapshot(root)
    n = 0
    while rounds is None or n < rounds:
        time.sleep(interval)
        n += 1
        current = _snapshot(root)
        ready = sorted(p for p, sig in current.items() if previous.get(p) == sig and done.get(p) != sig)
        previous = current
        if not ready:
            continue
        rnd = WatchRound(files=ready)
        with open_store(db) as store:
            rnd.report = ingest(store, ready, options)
            rnd.mentions = extract_pending(store, workers=workers).mentions
            merge_pending(store)
        for p in ready:
            done[p] = current[p]
        if on_round:
            on_round(rnd)
