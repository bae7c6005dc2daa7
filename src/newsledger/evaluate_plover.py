"""Type accuracy on PLOVER's own labelled sentences (corpus/plover-sentences, their codebook).

Each sentence has one gold type. The learned extractor's answer is the type with the highest
probability among its decisions; the rule extractor's is the type of its most confident mention
(no mention: no answer, counted wrong). Sentences are read alone, without title or context.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .model import Article


@dataclass(slots=True)
class PloverReport:
    sentences: int = 0
    correct: int = 0
    no_event: int = 0
    confusions: Counter = field(default_factory=Counter)  # (gold, predicted) -> count

    @property
    def accuracy(self) -> float:
        return self.correct / self.sentences if self.sentences else 0.0

    def as_dict(self) -> dict:
        return {"sentences": self.sentences, "correct": self.correct, "accuracy": round(self.accuracy, 3),
                "no_event": self.no_event,
                "top_confusions": [[g, p, n] for (g, p), n in self.confusions.most_common(10)]}


def read_plover(path: Path, split: str) -> list[tuple[str, str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [(r["id"], r["sentence"], r["type"]) for r in csv.DictReader(fh, delimiter="\t") if r["split"] == split]


def evaluate_plover(path: str | Path, *, split: str = "test", extractor: str | None = None) -> PloverReport:
    from .extract.base import DEFAULT_EXTRACTOR
    from .extract.pipeline import shared_extractor

    rows = read_plover(Path(path), split)
    name = extractor or DEFAULT_EXTRACTOR
    report = PloverReport()
    if name in ("learned", "model"):
        ex = shared_extractor(name)
        from .learn.features import article_inputs

        for sid, sentence, gold in rows:
            inputs = article_inputs(ex.res, Article(f"plover:{sid}", "plover", sentence), every_sentence=True)
            probs = ex.model.type_probs(inputs).max(axis=0) if inputs else None
            pred = ex.model.types[int(probs.argmax())] if probs is not None else None
            _count(report, gold, pred)
        return report
    arts = [Article(f"plover:{sid}", "plover", sentence) for sid, sentence, _ in rows]
    results = dict(shared_extractor(name).extract(arts))
    for (sid, _sentence, gold) in rows:
        ms = results.get(f"plover:{sid}", [])
        pred = max(ms, key=lambda m: m.confidence).type if ms else None
        _count(report, gold, pred)
    return report


def _count(report: PloverReport, gold: str, pred: str | None) -> None:
    report.sentences += 1
    report.correct += pred == gold
    report.no_event += pred is None
    if pred != gold:
        report.confusions[(gold, pred or "-")] += 1
