"""The extractor seam: Article(s) in, mentions out, with named implementations.

- `rules`: the hand-written pipeline (`pipeline.RulesExtractor`: parse, triggers, arguments);
- `learned`: a trained model decides which sentences hold which events; rule mentions it confirms keep
  their parsed arguments, the others are built from the model's roles (`learned.LearnedExtractor`);
- `model`: the trained model alone decides types, status, mode and roles (for comparison).
Chosen by name (`--extractor` on ingest, extract, eval and bench; `extractor=` in the Python API).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Protocol

from ..exceptions import QueryError
from ..model import Article, Mention

EXTRACTORS: tuple[str, ...] = ("rules", "learned", "model")
DEFAULT_EXTRACTOR = "learned"  # the one that scores higher on held-out (docs/EVALUATION.md)


def available_cores() -> int:
    """The CPU cores this process may run on (its affinity mask, e.g. a container's CPU set), else the
    machine's count: what `workers=0`, the default of ingest, extract, watch and bench, means."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # no sched_getaffinity (macOS, Windows)
        return os.cpu_count() or 1


class Extractor(Protocol):
    name: str

    def extract(self, articles: Iterable[Article], batch_size: int = ...) -> Iterator[tuple[str, list[Mention]]]:
        """(article id, mentions) for each article, in input order; a pure function of the article."""
        ...


def make_extractor(name: str = DEFAULT_EXTRACTOR) -> Extractor:
    """A new extractor of the named implementation (loads its model and knowledge files)."""
    if name == "rules":
        from .pipeline import RulesExtractor

        return RulesExtractor()
    if name == "learned":
        from .learned import LearnedExtractor

        return LearnedExtractor()
    if name == "model":
        from .learned import LearnedExtractor

        return LearnedExtractor(use_rules=False)
    raise QueryError(f"unknown extractor {name!r}", hint=f"choose one of: {', '.join(EXTRACTORS)}")
