"""TempEval-3 scoring of the date finder (extract/timex.py) on TimeML `.tml` files.

Each file's document creation time (the TIMEX3 with functionInDocument="CREATION_TIME") is the
anchor handed to the finder, as the publication date is in the ledger, and is not scored. Every
other TIMEX3 inside <TEXT> is gold. Extraction is scored strict (same span) and relaxed (spans
overlap; each gold and each found expression matched at most once); value accuracy is the share of
relaxed matches with the gold value, and value F1 = value accuracy x relaxed F1 (UzZaman et al.
2013). Measured over all TIMEX3 types and over DATE only (gold DATEs against the finder's DATEs);
and the share of the finder's DATEs that overlap a gold expression of any type (a DATE found where
TimeBank wrote a DURATION is spurious in the DATE row, not in TempEval-3's type-blind extraction).

The files are split by a hash of their name into a development part (about 2/3, for tuning) and a
held-out part (about 1/3, never tuned on); `part` picks one or both.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from .evaluate import f_measure
from .exceptions import InputError

PARTS = ("dev", "heldout", "all")


@dataclass(frozen=True, slots=True)
class Expression:
    """A time expression of a document, gold or found: character span, TimeML type and value."""

    start: int
    end: int
    text: str
    type: str
    value: str


@dataclass(frozen=True, slots=True)
class TimemlDoc:
    name: str
    text: str
    dct: dt.date
    gold: tuple[Expression, ...]


@dataclass(slots=True)
class ExtractionScore:
    gold: int = 0
    found: int = 0
    strict: int = 0  # matched pairs with the same span
    relaxed: int = 0  # matched pairs with overlapping spans
    value: int = 0  # relaxed pairs with the gold value

    def add(self, other: ExtractionScore) -> None:
        self.gold += other.gold
        self.found += other.found
        self.strict += other.strict
        self.relaxed += other.relaxed
        self.value += other.value

    def prf(self, matched: int) -> tuple[float, float, float]:
        p = matched / self.found if self.found else 0.0
        r = matched / self.gold if self.gold else 0.0
        return p, r, f_measure(p, r)

    @property
    def value_accuracy(self) -> float:
        return self.value / self.relaxed if self.relaxed else 0.0

    @property
    def value_f1(self) -> float:
        return self.value_accuracy * self.prf(self.relaxed)[2]

    def as_dict(self) -> dict:
        sp, sr, sf = self.prf(self.strict)
        rp, rr, rf = self.prf(self.relaxed)
        return {"gold": self.gold, "found": self.found,
                "strict": {"precision": round(sp, 3), "recall": round(sr, 3), "f1": round(sf, 3)},
                "relaxed": {"precision": round(rp, 3), "recall": round(rr, 3), "f1": round(rf, 3)},
                "value_accuracy": round(self.value_accuracy, 3), "value_f1": round(self.value_f1, 3)}


@dataclass(frozen=True, slots=True)
class TimexError:
    """One miss (gold not found), spurious find, or wrong value, for reading what to fix."""

    kind: str  # "missed" | "spurious" | "value"
    doc: str
    gold: Expression | None
    found: Expression | None


@dataclass(slots=True)
class TimexReport:
    part: str
    docs: int = 0
    all: ExtractionScore = field(default_factory=ExtractionScore)
    date: ExtractionScore = field(default_factory=ExtractionScore)
    date_over_gold: int = 0  # found DATEs that overlap a gold TIMEX3 of any type (TempEval-3 extraction ignores type)
    errors: list[TimexError] = field(default_factory=list)

    @property
    def date_overlap_precision(self) -> float:
        """Share of the finder's DATEs that overlap some gold time expression, whatever its type."""
        return self.date_over_gold / self.date.found if self.date.found else 0.0

    def as_dict(self) -> dict:
        return {"part": self.part, "docs": self.docs, "all": self.all.as_dict(), "date": self.date.as_dict(),
                "date_over_any_gold": {"found": self.date.found, "over_gold": self.date_over_gold,
                                       "precision": round(self.date_overlap_precision, 3)}}


def part_of(name: str) -> str:
    """'heldout' for about a third of the file names (by their SHA-1), 'dev' for the rest."""
    return "heldout" if int(hashlib.sha1(name.encode("utf-8")).hexdigest(), 16) % 3 == 0 else "dev"


def read_timeml(path: Path) -> TimemlDoc:
    """The text inside <TEXT>, its TIMEX3s (offsets into that text) and the creation date."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise InputError(f"not well-formed TimeML: {exc}", source=str(path),
                         hint="pass TimeML 1.2 .tml files (TempEval-3 layout)") from exc
    dct = next((t for t in root.iter("TIMEX3") if t.get("functionInDocument") == "CREATION_TIME"), None)
    body = root.find("TEXT")
    if dct is None or body is None:
        raise InputError("no creation time (TIMEX3 functionInDocument=\"CREATION_TIME\") or no <TEXT>",
                         source=str(path), hint="each .tml file needs a DCT and a TEXT element")
    try:
        anchor = dt.date.fromisoformat((dct.get("value") or "")[:10])
    except ValueError as exc:
        raise InputError(f"creation time {dct.get('value')!r} is not a date", source=str(path),
                         hint="the DCT value must start with YYYY-MM-DD") from exc
    parts: list[str] = []
    gold: list[Expression] = []
    _walk(body, parts, gold, top=True)
    return TimemlDoc(path.name, "".join(parts), anchor, tuple(gold))


def _walk(el: ET.Element, parts: list[str], gold: list[Expression], *, top: bool = False) -> None:
    start = sum(map(len, parts))
    parts.append(el.text or "")
    for child in el:
        _walk(child, parts, gold)
    if el.tag == "TIMEX3" and el.get("functionInDocument") != "CREATION_TIME":
        end = sum(map(len, parts))
        text = "".join(parts)[start:end]
        gold.append(Expression(start, end, text, el.get("type") or "", el.get("value") or ""))
    if not top:
        parts.append(el.tail or "")


def timeml_files(folder: str | Path, part: str = "all", names: list[str] | None = None) -> list[Path]:
    """The .tml files of `folder` in `part` (or just `names`), sorted by name."""
    if part not in PARTS:
        raise InputError(f"unknown part {part!r}", hint=f"use one of {', '.join(PARTS)}")
    root = Path(folder)
    if not root.is_dir():
        raise InputError(f"{folder} is not a folder", hint="pass the folder of TimeML .tml files")
    if names:
        files = [root / n for n in names]
        missing = [str(f) for f in files if not f.is_file()]
        if missing:
            raise InputError(f"not found: {', '.join(missing)}", hint="--files takes names inside DIR")
        return sorted(files)
    files = sorted(root.glob("*.tml"))
    if not files:
        raise InputError(f"no .tml files in {folder}", hint="pass the folder of TimeML .tml files")
    return [f for f in files if part == "all" or part_of(f.name) == part]


def find_expressions(doc: TimemlDoc, nlp=None) -> list[Expression]:
    """What the date finder reads in the document, anchored on its creation date (with the tense of
    the verbs from `nlp`'s parse, as in the pipeline, when given)."""
    from .extract.timex import find_timexes

    tense = None
    if nlp is not None:
        from .extract.tense import verb_tense

        tense = verb_tense(nlp(doc.text))
    return [Expression(t.start, t.end, t.text, t.type, t.value) for t in find_timexes(doc.text, doc.dct, tense=tense)]


def score_doc(doc: TimemlDoc, found: list[Expression], only: str | None = None) -> tuple[ExtractionScore, list[TimexError]]:
    """Strict/relaxed/value counts of `found` against the document's gold (of type `only`, if given)."""
    gold = [g for g in doc.gold if only is None or g.type == only]
    found = [f for f in found if only is None or f.type == only]
    sc = ExtractionScore(gold=len(gold), found=len(found))
    errors: list[TimexError] = []
    used: set[int] = set()
    for g in gold:
        cands = [i for i, f in enumerate(found) if i not in used and f.start < g.end and g.start < f.end]
        if not cands:
            errors.append(TimexError("missed", doc.name, g, None))
            continue
        i = next((i for i in cands if (found[i].start, found[i].end) == (g.start, g.end)), cands[0])
        used.add(i)
        f = found[i]
        sc.relaxed += 1
        sc.strict += (f.start, f.end) == (g.start, g.end)
        if f.value == g.value:
            sc.value += 1
        else:
            errors.append(TimexError("value", doc.name, g, f))
    errors += [TimexError("spurious", doc.name, None, f) for i, f in enumerate(found) if i not in used]
    return sc, errors


def evaluate_timex(folder: str | Path, *, part: str = "all", names: list[str] | None = None,
                   parse: bool = True) -> TimexReport:
    """TempEval-3 measures of the date finder over the .tml files of `folder` in `part`; `parse`:
    give the finder the tense of the verbs from the pipeline's spaCy model, as extraction does."""
    report = TimexReport(part if not names else "files")
    nlp = None
    if parse:
        import spacy

        from .extract.pipeline import MODEL

        nlp = spacy.load(MODEL, exclude=["ner"])
    for path in timeml_files(folder, part, names):
        doc = read_timeml(path)
        found = find_expressions(doc, nlp)
        report.docs += 1
        sc_all, errors = score_doc(doc, found)
        sc_date, _ = score_doc(doc, found, "DATE")
        report.all.add(sc_all)
        report.date.add(sc_date)
        report.date_over_gold += sum(any(g.start < f.end and f.start < g.end for g in doc.gold)
                                     for f in found if f.type == "DATE")
        report.errors += errors
    return report
