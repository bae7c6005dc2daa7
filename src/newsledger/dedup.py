"""Exact and near-duplicate detection (MinHash LSH over word 5-shingles).

datasketch (and numpy and scipy with it) is imported when a signature is first made, not with this
module: the CLI imports `ingest` to build its options, and `newsledger --help` must stay light.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datasketch import MinHash

NUM_PERM = 64
SHINGLE = 5
SCHEME = "affine32"  # stored signatures depend on it: changing it needs a migration
DEFAULT_THRESHOLD = 0.7
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Verdict:
    text_hash: str
    minhash: bytes
    duplicate_of: str | None
    similarity: float | None


def normalise(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def minhash_of(words: list[str]) -> MinHash:
    from datasketch import MinHash

    mh = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME)
    if len(words) < SHINGLE:
        shingles = {" ".join(words)}
    else:
        shingles = {" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
    mh.update_batch([s.encode() for s in shingles])
    return mh


def text_hash(words: list[str]) -> str:
    """The exact-duplicate key of a text's `normalise`d words: equal for texts that differ only in
    case, spacing or punctuation."""
    return _hash_words(words)


def _hash_words(words: list[str]) -> str:
    return hashlib.sha256(" ".join(words).encode()).hexdigest()


class Deduplicator:
    """Remembers every unique article seen (stored or in this run) and judges new ones.

    `exact(hash)` is asked of the store first, so the first copy ever stored stays the original.
    `loaded` is the highest store seq loaded: `load` again with what was stored after it (by other
    writers, too) brings it up to date.
    """

    def __init__(self, threshold: float = DEFAULT_THRESHOLD):
        from datasketch import MinHashLSH

        self.threshold = threshold
        self.lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self.signatures: dict[str, MinHash] = {}
        self.hashes: dict[str, str] = {}
        self.loaded = 0

    def load(self, rows: Iterable[tuple[int, str, bytes]]) -> None:
        """Rows of (seq, article id, minhash bytes) of unique stored articles, in seq order."""
        for seq, aid, blob in rows:
            self._remember(aid, _from_bytes(blob))
            self.loaded = max(self.loaded, seq)

    def judge(self, article_id: str, text: str, stored: Callable[[str], str | None] | None = None,
              words: list[str] | None = None) -> Verdict:
        """`stored(text_hash)` names the first stored copy of an exact duplicate, if any; `words`:
        `normalise(text)` when the caller has it already."""
        words = normalise(text) if words is None else words
        h = _hash_words(words)
        mh = minhash_of(words)
        blob = mh.hashvalues.astype("<u8").tobytes()
        original = self.hashes.get(h) or (stored(h) if stored else None)
        if original and original != article_id:
            return Verdict(h, blob, original, 1.0)
        best, best_sim = None, 0.0
        for cand in self.lsh.query(mh):
            if cand == article_id:
                continue
            sim = self.signatures[cand].jaccard(mh)
            if sim >= self.threshold and (sim > best_sim or (sim == best_sim and cand < (best or "~"))):
                best, best_sim = cand, sim
        if best:
            return Verdict(h, blob, best, round(best_sim, 3))
        if article_id not in self.signatures:
            self._remember(article_id, mh)
            self.hashes.setdefault(h, article_id)
        return Verdict(h, blob, None, None)

    def _remember(self, aid: str, mh: MinHash) -> None:
        if aid not in self.signatures:
            self.signatures[aid] = mh
            self.lsh.insert(aid, mh)


def _from_bytes(blob: bytes) -> MinHash:
    import numpy as np
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME, hashvalues=np.frombuffer(blob, dtype="<u8").astype(np.uint64))
