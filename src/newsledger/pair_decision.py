"""The learned half of the merge decision: how likely two mentions of different articles that pass
the hard rules (clusters.py) state one real-world event.

A logistic regression over a few features of the pair (`pair_features`), trained on the dev split of
the cluster gold by scripts/train_merge.py; its weights, bias and threshold are a data file
(data/merge_pairs.yaml) read by a strict loader. Symmetric and a function of the two mentions only,
so clustering on it stays a function of the set of mentions (batch by batch = all at once).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from .exceptions import DataFileError
from .model import DEPLOYMENT_TYPES, Mention
from .store import ArticleRecord

Row = tuple[Mention, ArticleRecord]

FEATURES: tuple[str, ...] = (
    "same_actors",         # the same set of actor codes
    "actor_jaccard",       # shared / all actor codes
    "same_destination",    # both name where the action goes, and the same
    "one_destination",     # only one of them names a destination
    "same_mode",           # both state the asset, the same
    "same_figure",         # both give a figure, the same one
    "one_figure",          # only one gives a figure
    "status_gap",          # stages apart (considered 0 .. completed 3), over 3
    "undated",             # either article has no publication date (no day to compare)
    "day_gap",             # days between their days, over a week (0 when either is undated)
    "same_stated_day",     # both state a day of their own, the same
    "word_overlap",        # Jaccard of the sentences' words of four letters or more
    "same_trigger",        # the same trigger word (its first five letters)
    "deployment",          # MOBILIZE or RETREAT
)

_STAGE = {"considered": 0, "hypothetical": 0, "announced": 1, "underway": 2, "completed": 3}
_WORD = re.compile(r"[a-z0-9][a-z0-9,.'-]{3,}")
_FILE = "data/merge_pairs.yaml"


@dataclass(frozen=True, slots=True)
class PairModel:
    """Weights of a logistic regression over FEATURES, and the probability a link needs."""

    weights: tuple[float, ...]
    bias: float
    threshold: float

    def probability(self, features: tuple[float, ...]) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, features))
        return 1.0 / (1.0 + math.exp(-z))


def _destination(m: Mention) -> frozenset[str]:
    if m.location and m.location.country:
        return frozenset({m.location.country})
    return frozenset(m.recipient_codes)


def _words(text: str) -> set[str]:
    return {w.strip(",.'-") for w in _WORD.findall(text.lower())}


def _trigger(m: Mention) -> str:
    start, end = m.trigger.start - m.span.start, m.trigger.end - m.span.start
    whole = start == 0 and end == len(m.sentence)  # a model-found event with no trigger word of its own
    return m.sentence[start:end].lower() if 0 <= start < end <= len(m.sentence) and not whole else ""


def _day(m: Mention, rec: ArticleRecord) -> dt.date | None:
    return m.time.date if m.time and m.time.precision == "day" else rec.article.published


def pair_features(a: Row, b: Row) -> tuple[float, ...]:
    """FEATURES of a pair, in order (symmetric in a and b)."""
    (ma, ra), (mb, rb) = a, b
    aa, ab = set(ma.actor_codes), set(mb.actor_codes)
    da, db = _destination(ma), _destination(mb)
    qa, qb = ma.quantity, mb.quantity
    ta, tb = _day(ma, ra), _day(mb, rb)
    wa, wb = _words(ma.sentence), _words(mb.sentence)
    stated = bool(ma.time and mb.time and ma.time.precision == mb.time.precision == "day")
    return (
        float(aa == ab),
        len(aa & ab) / max(len(aa | ab), 1),
        float(bool(da) and da == db),
        float(bool(da) != bool(db)),
        float(ma.mode is not None and ma.mode == mb.mode),
        float(qa is not None and qb is not None and (qa.min, qa.max) == (qb.min, qb.max)),
        float((qa is None) != (qb is None)),
        abs(_STAGE.get(ma.status or "", 1) - _STAGE.get(mb.status or "", 1)) / 3,
        float(ra.article.published is None or rb.article.published is None),
        abs((ta - tb).days) / 7 if ta and tb else 0.0,
        float(stated and ma.time.date == mb.time.date),
        len(wa & wb) / max(len(wa | wb), 1),
        float(_trigger(ma)[:5] == _trigger(mb)[:5] != ""),
        float(ma.type in DEPLOYMENT_TYPES),
    )


@lru_cache(maxsize=1)
def load_pair_model() -> PairModel:
    """The shipped weights (data/merge_pairs.yaml): every feature once, nothing else."""
    path = resources.files("newsledger") / _FILE
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DataFileError(f"malformed YAML: {exc}", source=_FILE, hint="rerun scripts/train_merge.py") from exc
    return parse_pair_model(doc, _FILE)


def parse_pair_model(doc: object, source: str) -> PairModel:
    if not isinstance(doc, dict) or set(doc) != {"bias", "threshold", "weights"}:
        raise DataFileError("expected exactly the keys bias, threshold, weights", source=source,
                            hint="rerun scripts/train_merge.py")
    weights = doc["weights"]
    if not isinstance(weights, dict) or set(weights) != set(FEATURES):
        known = set(weights) if isinstance(weights, dict) else set()
        raise DataFileError(f"weights must name every feature once; unknown: {sorted(known - set(FEATURES))}, "
                            f"missing: {sorted(set(FEATURES) - known)}", source=source,
                            hint="rerun scripts/train_merge.py")
    try:
        model = PairModel(tuple(float(weights[f]) for f in FEATURES), float(doc["bias"]), float(doc["threshold"]))
    except (TypeError, ValueError) as exc:
        raise DataFileError(f"a weight, the bias or the threshold is not a number: {exc}", source=source) from exc
    if not 0.0 < model.threshold < 1.0:
        raise DataFileError(f"threshold {model.threshold} is not a probability", source=source)
    return model


def dump_pair_model(model: PairModel, header: str) -> str:
    """The data file's text for `model` (used by scripts/train_merge.py)."""
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    lines += [f"bias: {model.bias:.4f}", f"threshold: {model.threshold:.3f}", "weights:"]
    lines += [f"  {f}: {w:.4f}" for f, w in zip(FEATURES, model.weights)]
    return "\n".join(lines) + "\n"
