"""Score extraction against a gold set (format: docs/GOLD-FORMAT.md).

Two levels: `events` (default; per-article events through a fresh ledger, evaluate_events.py) and
`mentions` (the earlier measure: a mention matches a gold anchor of the same type in its sentence;
every anchor of a gold event, restatements included, is a gold mention). Precision, recall and F1
per type, for deployments (MOBILIZE + RETREAT) and for all events; slot accuracy over matched pairs.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from .exceptions import DataFileError
from .model import DEPLOYMENT_TYPES, PLOVER_TYPES, STATUSES, Article, Mention
from .store import ArticleFilter

SLOTS = ("quantity", "status", "date", "location")  # mention level
LEVELS = ("events", "mentions")


def f_measure(precision: float, recall: float) -> float:
    """F1: the harmonic mean of precision and recall (0 when both are 0)."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


@dataclass(frozen=True, slots=True)
class GoldEvent:
    anchor: str
    type: str
    nth: int = 1
    mode: str | None = None
    actors: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    location: str | None = None
    place: str | None = None
    date: str | None = None
    date_precision: str | None = None
    qmin: int | None = None
    qmax: int | None = None
    has_quantity: bool = False
    status: str | None = None
    also: tuple[str, ...] = ()  # anchors of the restatements of this event in other sentences


@dataclass(frozen=True, slots=True)
class GoldText:
    file: str
    published: str | None
    events: tuple[GoldEvent, ...]
    chars: int | None = None  # only the first `chars` characters are annotated


@dataclass(slots=True)
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return f_measure(p, r)


@dataclass(slots=True)
class SlotScore:
    correct: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


@dataclass(slots=True)
class Miss:
    file: str
    kind: str  # fn, fp, slot:<name>
    detail: str


@dataclass(slots=True)
class EvalReport:
    level: str = "mentions"
    texts: int = 0
    skipped: list[str] = field(default_factory=list)
    per_type: dict[str, Score] = field(default_factory=dict)
    deployments: Score = field(default_factory=Score)
    all: Score = field(default_factory=Score)
    slots: dict[str, SlotScore] = field(default_factory=dict)
    deployment_slots: dict[str, SlotScore] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)

    def __post_init__(self) -> None:
        from .evaluate_events import EVENT_SLOTS

        names = EVENT_SLOTS if self.level == "events" else SLOTS
        self.slots = self.slots or {s: SlotScore() for s in names}
        self.deployment_slots = self.deployment_slots or {s: SlotScore() for s in names}

    def as_dict(self) -> dict:
        def sc(s: Score) -> dict:
            return {"tp": s.tp, "fp": s.fp, "fn": s.fn, "precision": round(s.precision, 3),
                    "recall": round(s.recall, 3), "f1": round(s.f1, 3)}
        return {"level": self.level, "texts": self.texts, "skipped": self.skipped,
                "all": sc(self.all), "deployments": sc(self.deployments),
                "per_type": {t: sc(s) for t, s in sorted(self.per_type.items())},
                "slots": {k: round(v.accuracy, 3) for k, v in self.slots.items()},
                "deployment_slots": {k: round(v.accuracy, 3) for k, v in self.deployment_slots.items()}}


def load_gold(path: str | Path) -> list[GoldText]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                events = tuple(_gold_event(e) for e in obj["events"])
                chars = obj.get("chars")
                out.append(GoldText(obj["file"], obj.get("published"), events,
                                    int(chars) if chars is not None else None))
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                raise DataFileError(f"bad gold line: {exc}", source=str(path), line=lineno,
                                    hint="see docs/GOLD-FORMAT.md") from exc
    return out


def _gold_event(e: dict) -> GoldEvent:
    if e["type"] not in PLOVER_TYPES:
        raise ValueError(f"unknown type {e['type']!r}")
    if e.get("status") is not None and e["status"] not in STATUSES:
        raise ValueError(f"unknown status {e['status']!r}")
    q = e.get("quantity")
    return GoldEvent(anchor=e["anchor"], type=e["type"], nth=int(e.get("nth", 1)), mode=e.get("mode"),
                     actors=tuple(e.get("actors") or ()), recipients=tuple(e.get("recipients") or ()),
                     location=e.get("location"), place=e.get("place"), date=e.get("date"),
                     date_precision=e.get("date_precision"), qmin=q.get("min") if q else None,
                     qmax=q.get("max") if q else None, has_quantity=q is not None, status=e.get("status"),
                     also=tuple(e.get("also") or ()))


def _anchor_pos(text: str, ev: GoldEvent) -> int:
    pos = -1
    for _ in range(ev.nth):
        pos = text.find(ev.anchor, pos + 1)
        if pos < 0:
            return -1
    return pos


def _slot_ok(slot: str, g: GoldEvent, m: Mention) -> bool:
    if slot == "quantity":
        if not g.has_quantity:
            return m.quantity is None
        return m.quantity is not None and (m.quantity.min, m.quantity.max) == (g.qmin, g.qmax)
    if slot == "status":
        return m.status == g.status
    if slot == "date":
        if g.date is None:
            return m.time is None
        return m.time is not None and m.time.date == dt.date.fromisoformat(g.date) and m.time.precision == g.date_precision
    if slot == "location":
        return (m.location.country if m.location else None) == g.location
    raise ValueError(slot)


def score_text(report: EvalReport, gold: GoldText, article: Article, mentions: list[Mention]) -> dict[int, Mention]:
    """Match gold events to mentions one-to-one: same type, the mention's sentence holds the anchor;
    pairs that share more actor codes (then mode, then figures) are matched first."""
    text = article.text
    if gold.chars is not None:
        mentions = [m for m in mentions if m.trigger.start < gold.chars]
    positions = [_anchor_pos(text, g) for g in gold.events]
    pairs = []
    for gi, (g, pos) in enumerate(zip(gold.events, positions)):
        for mi, m in enumerate(mentions):
            if m.type == g.type and pos >= 0 and m.span.start <= pos < m.span.end:
                score = (len(set(m.actor_codes) & set(g.actors)), m.mode == g.mode,
                         m.quantity is not None and (m.quantity.min, m.quantity.max) == (g.qmin, g.qmax),
                         -abs(m.trigger.start - pos))
                pairs.append((score, gi, mi))
    match: dict[int, int] = {}
    used: set[int] = set()
    for _score, gi, mi in sorted(pairs, reverse=True):
        if gi not in match and mi not in used:
            match[gi] = mi
            used.add(mi)
    for gi, g in enumerate(gold.events):
        ts = report.per_type.setdefault(g.type, Score())
        groups = [ts, report.all] + ([report.deployments] if g.type in DEPLOYMENT_TYPES else [])
        if gi not in match:
            for s in groups:
                s.fn += 1
            report.misses.append(Miss(gold.file, "fn", f"{g.type} {list(g.actors)} @ {g.anchor!r}"
                                      + ("" if positions[gi] >= 0 else " (anchor not found)")))
            continue
        best = mentions[match[gi]]
        for s in groups:
            s.tp += 1
        for slot in SLOTS:
            ok = _slot_ok(slot, g, best)
            for bucket in ([report.slots] + ([report.deployment_slots] if g.type in DEPLOYMENT_TYPES else [])):
                bucket[slot].total += 1
                bucket[slot].correct += ok
            if not ok:
                report.misses.append(Miss(gold.file, f"slot:{slot}", f"{g.type} @ {g.anchor!r}: gold "
                                          f"{_gold_slot(slot, g)} / got {_pred_slot(slot, best)}"))
    for mi, m in enumerate(mentions):
        if mi in used:
            continue
        ts = report.per_type.setdefault(m.type, Score())
        for s in [ts, report.all] + ([report.deployments] if m.type in DEPLOYMENT_TYPES else []):
            s.fp += 1
        report.misses.append(Miss(gold.file, "fp", f"{m.type} {m.actor_codes}->{m.recipient_codes} @ "
                                  f"{text[m.trigger.start:m.trigger.end]!r}: {m.sentence[:90]!r}"))
    return {gi: mentions[mi] for gi, mi in match.items()}


def _gold_slot(slot: str, g: GoldEvent):
    return {"quantity": (g.qmin, g.qmax) if g.has_quantity else None, "status": g.status,
            "date": (g.date, g.date_precision), "location": g.location}[slot]


def _pred_slot(slot: str, m: Mention):
    return {"quantity": (m.quantity.min, m.quantity.max) if m.quantity else None, "status": m.status,
            "date": (m.time.date.isoformat(), m.time.precision) if m.time else (None, None),
            "location": m.location.country if m.location else None}[slot]


def evaluate(gold_path: str | Path, texts_dir: str | Path, *, workers: int = 1, level: str = "events",
             extractor: str | None = None) -> EvalReport:
    """Extract every gold text found under `texts_dir` and score it at `level` (`events`: per-article
    events through a fresh ledger; `mentions`: per mention). Missing texts are skipped."""
    from .extract.base import DEFAULT_EXTRACTOR
    from .extract.pipeline import extract_articles
    from .labels import text_of

    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    extractor = extractor or DEFAULT_EXTRACTOR
    report = EvalReport(level=level)
    pairs: list[tuple[GoldText, Article]] = []
    corpora: dict[Path, dict[str, Article]] = {}
    for gold in load_gold(gold_path):
        art = text_of(Path(texts_dir), gold.file, corpora)
        if art is None:
            report.skipped.append(gold.file)
            continue
        pairs.append((gold, art))
    if level == "events":
        from .evaluate_events import ledger_article_events, score_article

        preds = ledger_article_events(pairs, workers=workers, extractor=extractor)
        for gold, _art in pairs:
            score_article(report, gold, preds[gold.file])
            report.texts += 1
        return report
    results = dict(extract_articles([a for _, a in pairs], workers=workers, extractor=extractor))
    for gold, art in pairs:
        score_text(report, _as_mentions(gold), art, results.get(art.id, []))
        report.texts += 1
    return report


def _as_mentions(gold: GoldText) -> GoldText:
    """Every anchor of every gold event (its restatements too) as a gold mention of that event."""
    from dataclasses import replace

    events = []
    for g in gold.events:
        events.append(g)
        events += [replace(g, anchor=a, nth=1, also=()) for a in g.also]
    return replace(gold, events=tuple(events))


@dataclass(slots=True)
class QuestionResult:
    question: str
    corpus: str
    ok: bool
    why: str
    answer: str


SHARED_NEWS = ("corpus/crisis-openings-2021-22", "corpus/conflict-openings-2014-25", "corpus/excerpts-2022",
               "corpus/ukraine-news-2022", "seeds")


def evaluate_questions(path: str | Path, texts_dir: str | Path, *, workers: int = 1) -> list[QuestionResult]:
    """Answer every question of a question set (docs/GOLD-FORMAT.md) over fresh ledgers of the bundled
    sample ("sample") and of ../shared ("shared", skipped when absent); check shape, answered, and
    that every expected string appears in the answer."""
    import tempfile
    from importlib import resources

    from .ask import ask
    from .extract.run import extract_pending
    from .ingest import ingest
    from .merge import merge_pending
    from .store import open_store

    items = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    items.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise DataFileError(f"bad question line: {exc.msg}", source=str(path), line=lineno) from exc
    sources = {"sample": [str(resources.files("newsledger") / "sample")],
               # the news the questions were written from (not the benchmark folders beside them)
               "shared": [str(Path(texts_dir) / d) for d in SHARED_NEWS]}
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for corpus in sorted({i["corpus"] for i in items}):
            paths = [p for p in sources.get(corpus, []) if Path(p).exists()]
            if not paths:
                continue
            with open_store(str(Path(tmp) / f"{corpus}.db")) as store:
                ingest(store, paths)
                extract_pending(store, workers=workers)
                merge_pending(store)
                for item in (i for i in items if i["corpus"] == corpus):
                    a = ask(store, item["question"])
                    said = " ".join([a.text, *a.items])
                    expect_answered = item.get("answered", True)
                    why = []
                    if "shape" in item and a.query.shape != item["shape"]:
                        why.append(f"shape {a.query.shape} != {item['shape']}")
                    if a.answered != expect_answered:
                        why.append("answered" if a.answered else "not answered")
                    why += [f"missing {m!r}" for m in item.get("must", []) if m not in said]
                    why += [f"wrongly says {m!r}" for m in item.get("must_not", []) if m in said]
                    results.append(QuestionResult(item["question"], corpus, not why, "; ".join(why), said[:300]))
    return results
