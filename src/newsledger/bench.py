"""Throughput benchmark: full ingest + extract, as a ratio to bare spaCy over the same texts.

Both runs happen in the same process run on the same machine, so the ratio is meaningful where
absolute times are noisy. Each side is timed from loading its models to its last article: newsledger's
time includes starting its worker processes and loading its pipelines there, so the baseline's includes
spacy.load (its pipe-only time is kept as `baseline_pipe_seconds`, and `pipe_speedup` the ratio to it). Peak memory is the largest resident set of this process plus that of
the largest worker process (each worker holds its own model).
"""

from __future__ import annotations

import resource
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .model import Article
from .readers import read_paths


@dataclass(frozen=True, slots=True)
class BenchResult:
    articles: int
    chars: int
    baseline_seconds: float  # spacy.load + nlp.pipe
    newsledger_seconds: float
    workers: int
    mentions: int
    peak_rss_mb: float
    worker_peak_rss_mb: float
    baseline_load_seconds: float = 0.0

    @property
    def baseline_pipe_seconds(self) -> float:
        return self.baseline_seconds - self.baseline_load_seconds

    @property
    def pipe_speedup(self) -> float:
        """The ratio to nlp.pipe alone (the baseline's model load not counted; newsledger's is)."""
        return self.baseline_pipe_seconds / self.newsledger_seconds if self.newsledger_seconds else 0.0

    @property
    def speedup(self) -> float:
        return self.baseline_seconds / self.newsledger_seconds if self.newsledger_seconds else 0.0

    @property
    def articles_per_second(self) -> float:
        return self.articles / self.newsledger_seconds if self.newsledger_seconds else 0.0

    @property
    def baseline_articles_per_second(self) -> float:
        return self.articles / self.baseline_seconds if self.baseline_seconds else 0.0


def _rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def run_benchmark(paths: list[str], *, limit: int | None = None, workers: int = 0,
                  extractor: str | None = None) -> BenchResult:
    """Ingest + extract `paths` into a fresh temporary ledger, then load bare en_core_web_sm and run it over
    the same texts with nlp.pipe (one process, default settings). `extractor` names the implementation;
    `workers` 0 = one extraction process per core available."""
    from .extract.pipeline import MODEL
    from .extract.run import extract_pending, worker_count
    from .ingest import ingest
    from .store import open_store

    texts = [a.text for a in read_paths(paths) if isinstance(a, Article)]
    if limit:
        texts = texts[:limit]
    workers = worker_count(workers, len(texts))  # what extract_pending will start
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "bench.jsonl"
        import json

        with corpus.open("w", encoding="utf-8") as fh:
            for i, t in enumerate(texts):
                fh.write(json.dumps({"id": f"b{i}", "time": "2022-02-01", "text": t}) + "\n")
        t0 = time.perf_counter()
        with open_store(str(Path(tmp) / "bench.db")) as store:
            ingest(store, [str(corpus)])
            report = extract_pending(store, workers=workers, **({"extractor": extractor} if extractor else {}))
        ours = time.perf_counter() - t0
    peak_self = _rss_mb(resource.RUSAGE_SELF)
    peak_child = _rss_mb(resource.RUSAGE_CHILDREN)

    import spacy

    t0 = time.perf_counter()
    nlp = spacy.load(MODEL)
    loaded = time.perf_counter()
    for _ in nlp.pipe(texts):
        pass
    base = time.perf_counter() - t0
    return BenchResult(len(texts), sum(map(len, texts)), base, ours, workers, report.mentions, peak_self, peak_child,
                       loaded - t0)
