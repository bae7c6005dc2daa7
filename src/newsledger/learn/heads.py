"""The decision heads on top of the encoder, in numpy (inference never needs torch).

Given the encoder's token states H (B, T, 384) for a batch:
- `pool_s` = mean of the sentence's tokens, `pool_a` = mean of all tokens (sentence + context);
- types: sigmoid(W_type [pool_s; pool_a]) — one probability per PLOVER type;
- per type t, with its embedding e_t: status = softmax(W_status [pool_s; pool_a; e_t]), mode likewise;
- per candidate c and type t: roles = sigmoid(MLP([mean of c's tokens; pool_s; e_t])) — actor,
  recipient, location, figure, date.
`train.py` builds the same heads in torch and saves their weights under these names.
"""

from __future__ import annotations

import numpy as np

HEAD_WEIGHTS = ("type_w", "type_b", "type_emb", "status_w", "status_b", "mode_w", "mode_b",
                "role1_w", "role1_b", "role2_w", "role2_b")


def _gelu(x: np.ndarray) -> np.ndarray:  # the tanh form, as torch's GELU(approximate="tanh")
    return 0.5 * x * (1.0 + np.tanh(0.7978845608028654 * (x + 0.044715 * x ** 3)))


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


class Heads:
    def __init__(self, weights: dict[str, np.ndarray]):
        missing = [k for k in HEAD_WEIGHTS if k not in weights]
        if missing:
            raise ValueError(f"head weights missing: {missing}")
        self.w = {k: np.asarray(weights[k], dtype=np.float32) for k in HEAD_WEIGHTS}

    @staticmethod
    def pools(h: np.ndarray, mask: np.ndarray, type_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        m_all = mask.astype(np.float32)[..., None]
        m_s = (mask * (type_ids == 0)).astype(np.float32)[..., None]
        pool_a = (h * m_all).sum(1) / np.maximum(m_all.sum(1), 1.0)
        pool_s = (h * m_s).sum(1) / np.maximum(m_s.sum(1), 1.0)
        return pool_s, pool_a

    def types(self, pool_s: np.ndarray, pool_a: np.ndarray) -> np.ndarray:
        x = np.concatenate([pool_s, pool_a], axis=-1)
        return sigmoid(x @ self.w["type_w"].T + self.w["type_b"])

    def status_mode(self, pool_s: np.ndarray, pool_a: np.ndarray, type_index: int) -> tuple[np.ndarray, np.ndarray]:
        e = np.broadcast_to(self.w["type_emb"][type_index], (pool_s.shape[0], self.w["type_emb"].shape[1]))
        x = np.concatenate([pool_s, pool_a, e], axis=-1)
        return (softmax(x @ self.w["status_w"].T + self.w["status_b"]),
                softmax(x @ self.w["mode_w"].T + self.w["mode_b"]))

    def roles(self, cand_vec: np.ndarray, pool_s_rows: np.ndarray, type_index: int) -> np.ndarray:
        """(C, 5) role probabilities for candidates (their token means and their rows' pool_s)."""
        e = np.broadcast_to(self.w["type_emb"][type_index], (cand_vec.shape[0], self.w["type_emb"].shape[1]))
        x = np.concatenate([cand_vec, pool_s_rows, e], axis=-1)
        hidden = _gelu(x @ self.w["role1_w"].T + self.w["role1_b"])
        return sigmoid(hidden @ self.w["role2_w"].T + self.w["role2_b"])
