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

from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class Partials:
    """A batch's share of the status, mode and role layers, computed once: each layer is linear in the
    concatenation it reads, so W [a; b; e_t] = W_a a + W_b b + W_e e_t, and the per-type part W_e e_t is
    the same for every batch. A decision for (row, type) then only adds rows (no matrix product per
    decision)."""

    status: np.ndarray  # (N, statuses): W_status [pool_s; pool_a] + b
    mode: np.ndarray  # (N, modes)
    role_cand: np.ndarray  # (C, hidden): W_role1 (candidate token mean)
    role_row: np.ndarray  # (N, hidden): W_role1 pool_s + b


class Heads:
    def __init__(self, weights: dict[str, np.ndarray]):
        missing = [k for k in HEAD_WEIGHTS if k not in weights]
        if missing:
            raise ValueError(f"head weights missing: {missing}")
        self.w = {k: np.asarray(weights[k], dtype=np.float32) for k in HEAD_WEIGHTS}
        d = self.w["type_w"].shape[1] // 2  # the encoder's width
        emb = self.w["type_emb"]
        self._status_type = emb @ self.w["status_w"][:, 2 * d:].T  # (types, statuses)
        self._mode_type = emb @ self.w["mode_w"][:, 2 * d:].T
        self._role_type = emb @ self.w["role1_w"][:, 2 * d:].T  # (types, hidden)

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

    def partials(self, pool_s: np.ndarray, pool_a: np.ndarray, cand_vec: np.ndarray | None) -> Partials:
        d = pool_s.shape[1]
        x = np.concatenate([pool_s, pool_a], axis=-1)
        w1 = self.w["role1_w"]
        cand = cand_vec @ w1[:, :d].T if cand_vec is not None and len(cand_vec) else np.zeros((0, w1.shape[0]),
                                                                                                np.float32)
        return Partials(x @ self.w["status_w"][:, :2 * d].T + self.w["status_b"],
                        x @ self.w["mode_w"][:, :2 * d].T + self.w["mode_b"],
                        cand, pool_s @ w1[:, d:2 * d].T + self.w["role1_b"])

    def status_mode_at(self, p: Partials, row: int, type_index: int) -> tuple[np.ndarray, np.ndarray]:
        """(statuses,), (modes,) probabilities of one row for one type."""
        return (softmax(p.status[row] + self._status_type[type_index]),
                softmax(p.mode[row] + self._mode_type[type_index]))

    def roles_at(self, p: Partials, cands: list[int], row: int, type_index: int) -> np.ndarray:
        """(len(cands), 5) role probabilities of candidates (indices into the batch's) of one row."""
        hidden = _gelu(p.role_cand[cands] + p.role_row[row] + self._role_type[type_index])
        return sigmoid(hidden @ self.w["role2_w"].T + self.w["role2_b"])

    def status_mode(self, pool_s: np.ndarray, pool_a: np.ndarray, type_index: int) -> tuple[np.ndarray, np.ndarray]:
        p = self.partials(pool_s, pool_a, None)
        st, mo = zip(*(self.status_mode_at(p, r, type_index) for r in range(len(pool_s))))
        return np.stack(st), np.stack(mo)

    def roles(self, cand_vec: np.ndarray, pool_s_rows: np.ndarray, type_index: int) -> np.ndarray:
        """(C, 5) role probabilities for candidates (their token means and their rows' pool_s)."""
        p = self.partials(pool_s_rows, pool_s_rows, cand_vec)
        return np.concatenate([self.roles_at(p, [c], c, type_index) for c in range(len(cand_vec))]) \
            if len(cand_vec) else np.zeros((0, 5), np.float32)
