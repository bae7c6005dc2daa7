"""The trained model at inference: int8 ONNX encoder (onnxruntime) + numpy heads. No torch.

`LearnedModel(path).decide(inputs)` gives, for each sentence input, the event types it holds
(probability over the type's threshold) and, per type, the status, the mode and each candidate's
role probabilities.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from ..exceptions import NewsledgerError
from .encode import Batch, encode, load_tokenizer
from .features import SentenceInput
from .heads import Heads

FILES = ("encoder.onnx", "heads.npz", "tokenizer.json", "meta.json")
# how the encoder is called (meta.json `encode`): "batch", one padded call per batch (what the shipped model's
# thresholds were chosen with), or "sentence", one call per sentence on its own tokens: no work on padding
# (0.73x the encoder's CPU time on news), and (the int8 activations being quantised per call) a sentence's
# states depend on it and its context alone; other numbers, so its thresholds must be chosen again
ENCODE_MODES = ("batch", "sentence")


def shipped_model_dir() -> Path:
    return Path(str(resources.files("newsledger") / "models" / "extractor"))


@dataclass(frozen=True, slots=True)
class Decision:
    type: str
    probability: float
    status: str
    status_probability: float
    mode_probs: dict[str, float]
    roles: np.ndarray  # (candidates, 5): actor, recipient, location, figure, date; NaN where not read


class LearnedModel:
    def __init__(self, path: str | Path | None = None, *, threads: int = 1):
        import onnxruntime as ort

        self.path = Path(path) if path else shipped_model_dir()
        missing = [f for f in FILES if not (self.path / f).is_file()]
        if missing:
            raise NewsledgerError(f"no trained extractor in {self.path} (missing {', '.join(missing)})",
                                  hint="train one with `newsledger train`, or use --extractor rules")
        self.meta = json.loads((self.path / "meta.json").read_text(encoding="utf-8"))
        self.types: list[str] = self.meta["types"]
        self.statuses: list[str] = self.meta["statuses"]
        self.modes: list[str] = self.meta["modes"]
        self.thresholds: dict[str, float] = self.meta["thresholds"]
        self.encode_mode: str = self.meta.get("encode", "batch")
        if self.encode_mode not in ENCODE_MODES:
            raise NewsledgerError(f"{self.path / 'meta.json'}: unknown encode {self.encode_mode!r}",
                                  hint=f"one of: {', '.join(ENCODE_MODES)}")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(self.path / "encoder.onnx"), opts,
                                            providers=["CPUExecutionProvider"])
        with np.load(self.path / "heads.npz") as weights:
            self.heads = Heads(dict(weights))
        self.tok = load_tokenizer(self.path / "tokenizer.json")
        from threadpoolctl import ThreadpoolController

        # the heads' products are small: a multi-threaded BLAS only spins against the encoder and the other
        # workers (measured: a third of the extractor's CPU time), so they run on `threads` threads too
        self._blas = ThreadpoolController()
        self._threads = threads

    def type_probs(self, inputs: list[SentenceInput], batch_size: int = 32) -> np.ndarray:
        """(N, 16) type probabilities (for evaluation on single sentences)."""
        out = [self._run(inputs[k:k + batch_size])[0] for k in range(0, len(inputs), batch_size)]
        return np.concatenate(out) if out else np.zeros((0, len(self.types)))

    def _run(self, inputs: list[SentenceInput]):
        b = encode(self.tok, inputs)
        h = self._hidden(b)
        pool_s, pool_a = Heads.pools(h, b.mask, b.type_ids)
        cand_vec = np.einsum("ct,ctd->cd", b.cand_tokens, h[b.cand_rows]) if len(b.cand_index) else None
        return self.heads.types(pool_s, pool_a), pool_s, pool_a, b, cand_vec

    def _hidden(self, b: Batch) -> np.ndarray:
        """(B, T, d) token states of a padded batch (zero on padding with `encode` "sentence")."""
        if self.encode_mode == "batch":
            return self.session.run(["hidden"], {"ids": b.ids, "mask": b.mask, "type_ids": b.type_ids})[0]
        lengths = b.mask.sum(axis=1).tolist()
        rows = [self.session.run(["hidden"], {"ids": b.ids[r:r + 1, :k], "mask": b.mask[r:r + 1, :k],
                                              "type_ids": b.type_ids[r:r + 1, :k]})[0][0]
                for r, k in enumerate(lengths)]
        h = np.zeros((*b.ids.shape, rows[0].shape[-1]), dtype=np.float32)
        for r, (k, hr) in enumerate(zip(lengths, rows)):
            h[r, :k] = hr
        return h

    def decide(self, inputs: list[SentenceInput], batch_size: int = 32, floor: float | None = None) -> list[list[Decision]]:
        """Per input, a decision for every type whose probability reaches its threshold (or `floor`,
        when lower: the caller then tells confirmed from decided by `probability`)."""
        with self._blas.limit(limits=self._threads, user_api="blas"):
            return self._decide(inputs, batch_size, floor)

    def _decide(self, inputs: list[SentenceInput], batch_size: int, floor: float | None) -> list[list[Decision]]:
        out: list[list[Decision]] = []
        for k in range(0, len(inputs), batch_size):
            chunk = inputs[k:k + batch_size]
            probs, pool_s, pool_a, b, cand_vec = self._run(chunk)
            part = self.heads.partials(pool_s, pool_a, cand_vec)
            rows_of: dict[int, list[int]] = {}
            for j, (row, _ci) in enumerate(b.cand_index):
                rows_of.setdefault(row, []).append(j)
            for r, inp in enumerate(chunk):
                found = []
                idx = rows_of.get(r, [])
                for ti, t in enumerate(self.types):
                    p = float(probs[r, ti])
                    th = self.thresholds.get(t, 0.5)
                    if p < (min(th, floor) if floor is not None else th):
                        continue
                    st, mo = self.heads.status_mode_at(part, r, ti)
                    roles = np.full((len(inp.candidates), 5), np.nan, dtype=np.float32)
                    if idx:
                        for j, p_roles in zip(idx, self.heads.roles_at(part, idx, r, ti)):
                            roles[b.cand_index[j][1]] = p_roles
                    si = int(st.argmax())
                    found.append(Decision(t, p, self.statuses[si], float(st[si]),
                                          dict(zip(self.modes, map(float, mo))), roles))
                out.append(found)
        return out
