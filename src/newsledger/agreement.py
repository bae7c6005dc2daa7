"""Inter-annotator agreement with the measure of `newsledger eval` (per-article events).

The first file is taken as gold, the second's events as predictions; events are matched one-to-one
per article by type, actors and places (evaluate_events.match), and slots are compared over the
matched pairs. Only texts both files label are counted.
"""

from __future__ import annotations

from pathlib import Path

from .evaluate import EvalReport, GoldEvent, GoldText
from .evaluate_events import ArticleEvent, score_article
from .labels import LabelEvent, load_labels


def _gold(e: LabelEvent) -> GoldEvent:
    return GoldEvent(anchor=f"@{e.anchors[0][0]}", type=e.type, mode=e.mode, actors=e.actors,
                     recipients=e.recipients, location=e.location, place=e.place, date=e.date,
                     date_precision=e.date_precision, qmin=e.qmin, qmax=e.qmax, has_quantity=e.has_quantity,
                     status=e.status)


def _pred(e: LabelEvent) -> ArticleEvent:
    return ArticleEvent(type=e.type, actors=frozenset(e.actors), recipients=frozenset(e.recipients),
                        location=e.location, mode=e.mode, status=e.status,
                        quantity=(e.qmin, e.qmax) if e.has_quantity else None,
                        date=(e.date, e.date_precision) if e.date else None,
                        sentence=f"@{e.anchors[0][0]}", first=e.anchors[0][0])


def agreement(first: Path, second: Path) -> EvalReport:
    a = {t.file: t for t in load_labels(first)}
    b = {t.file: t for t in load_labels(second)}
    report = EvalReport(level="events")
    for file in sorted(set(a) & set(b)):
        gold = GoldText(file, a[file].published, tuple(_gold(e) for e in a[file].events))
        score_article(report, gold, [_pred(e) for e in b[file].events])
        report.texts += 1
    return report
