"""Sentence inputs to encoder inputs: word-piece ids, and each candidate's token range.

The same code serves training (torch) and inference (onnxruntime): it uses only the `tokenizers`
library and numpy.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .features import SentenceInput

MAX_TOKENS = 80


@dataclass(slots=True)
class Batch:
    ids: np.ndarray  # (B, T) int64
    mask: np.ndarray  # (B, T) int64
    type_ids: np.ndarray  # (B, T) int64
    cand_rows: np.ndarray  # (C,) which row each candidate belongs to
    cand_tokens: np.ndarray  # (C, T) float32: 1 on the candidate's tokens (normalised to sum 1)
    cand_index: list[tuple[int, int]]  # (row, candidate number in that input)


def load_tokenizer(path: str | Path):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(path))
    tok.enable_truncation(max_length=MAX_TOKENS, strategy="longest_first")
    tok.no_padding()
    return tok


def _token_range(offsets, seq_ids, seq: int, start: int, end: int) -> list[int]:
    return [k for k, ((a, b), s) in enumerate(zip(offsets, seq_ids)) if s == seq and a < end and start < b and b > a]


def encode(tok, inputs: list[SentenceInput]) -> Batch:
    """One padded batch for `inputs`; candidates cut off by truncation get no tokens and are left out."""
    encs = tok.encode_batch([(i.text, i.context or ".") for i in inputs])
    width = max(len(e.ids) for e in encs)
    n = len(encs)
    ids = np.zeros((n, width), dtype=np.int64)
    mask = np.zeros((n, width), dtype=np.int64)
    type_ids = np.zeros((n, width), dtype=np.int64)
    rows, toks, index = [], [], []
    for r, (inp, e) in enumerate(zip(inputs, encs)):
        k = len(e.ids)
        ids[r, :k], mask[r, :k], type_ids[r, :k] = e.ids, e.attention_mask, e.type_ids
        seq_ids = e.sequence_ids
        for ci, (c, inside) in enumerate(zip(inp.candidates, inp.in_sentence)):
            if inside:
                rng = _token_range(e.offsets, seq_ids, 0, c.span.start - inp.span.start, c.span.end - inp.span.start)
            else:
                a = c.span.start - inp.context_start
                rng = _token_range(e.offsets, seq_ids, 1, a, c.span.end - inp.context_start) \
                    if c.span.end - inp.context_start <= inp.context_len else []
            if not rng:
                continue
            vec = np.zeros(width, dtype=np.float32)
            vec[rng] = 1.0 / len(rng)
            rows.append(r)
            toks.append(vec)
            index.append((r, ci))
    cand_tokens = np.stack(toks) if toks else np.zeros((0, width), dtype=np.float32)
    return Batch(ids, mask, type_ids, np.array(rows, dtype=np.int64), cand_tokens, index)
