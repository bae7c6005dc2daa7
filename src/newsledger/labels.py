"""Training labels: per-article events with character anchors (offsets), never the texts.

Two forms:
- the annotators' working form (`raw`): docs/GOLD-FORMAT.md lines whose events also carry `also`
  (anchors of restatements in other sentences) and `spans` (the words naming actors, recipients
  and the location), plus `nonevents` (anchors of sentences that look like events and are not).
  It quotes the text, so it stays outside the project;
- the project's form (`labels/*.jsonl`, docs/LABELS-FORMAT.md): the same events with every anchor
  turned into `[start, end]` offsets in the article text as newsledger reads it.

`check_raw_file` finds every problem of a working file; `convert_raw_file` writes the project form;
`gold_lines` turns project-form labels back into gold lines (anchors as words) for `newsledger eval`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .exceptions import DataFileError
from .model import DEPLOYMENT_TYPES, PLOVER_TYPES, PRECISIONS, STATUSES, Article

MODES = {
    "MOBILIZE": {"troops", "aircraft", "naval", "air_defense", "armor", "equipment", "mixed"},
    "RETREAT": {"troops", "aircraft", "naval", "air_defense", "armor", "equipment", "mixed"},
    "CONSULT": {"meeting", "phone", "visit", "multilateral"},
    "AID": {"military", "economic", "humanitarian"},
}
ORG_CODES = {"NATO", "EU", "UN", "OSCE", "CSTO", "G7", "G20", "AU", "ASEAN", "ECOWAS", "IAEA", "ICC",
             "WHO", "IMF", "OPEC", "DPR", "LPR", "HAMAS", "HEZBOLLAH", "ISIS", "TALIBAN", "HOUTHI",
             "WAGNER", "ARAB_LEAGUE", "GCC", "SCO", "BRICS", "CIS", "PLO", "ICJ", "RED_CROSS", "AUKUS",
             "QUAD", "SDF", "PKK", "AL_SHABAAB", "JNIM", "IS", "RSF", "M23"}
NONEVENT_REASONS = {"background", "capability", "exercise-general", "hypothetical", "history-comparison",
                    "everyday", "report-only", "denied-claim", "opinion", "other"}
EVENT_KEYS = {"anchor", "nth", "also", "spans", "type", "mode", "actors", "recipients", "location",
              "place", "date", "date_precision", "quantity", "status"}
SPAN_KEYS = {"actors", "recipients", "location"}
LINE_KEYS = {"file", "published", "chars", "events", "nonevents", "annotator"}
_CODE = re.compile(r"^[A-Z]{3}$")


WRITTEN = "written/"
WRITTEN_DIR = Path(__file__).resolve().parents[2] / "labels" / "written"  # the project's own texts (a checkout)


def valid_code(code: object) -> bool:
    return isinstance(code, str) and (bool(_CODE.match(code)) or code in ORG_CODES)


def find_anchor(text: str, anchor: str, nth: int = 1, start: int = 0) -> int:
    """Offset of the `nth` occurrence of `anchor` at or after `start`, or -1."""
    pos = start - 1
    for _ in range(max(nth, 1)):
        pos = text.find(anchor, pos + 1)
        if pos < 0:
            return -1
    return pos


def nearest(text: str, needle: str, around: int) -> int:
    """Offset of the occurrence of `needle` nearest to `around`, or -1."""
    best, pos = -1, text.find(needle)
    while pos >= 0:
        if best < 0 or abs(pos - around) < abs(best - around):
            best = pos
        pos = text.find(needle, pos + 1)
    return best


def text_of(texts_dir: Path, ref: str, corpora: dict | None = None) -> Article | None:
    """The article a label or gold line names: a file, or `FILE.jsonl#ID` for one record of a JSON
    Lines corpus (`corpora` keeps each corpus's records by id, so it is read once). A name that
    starts with `written/` is a text written for the project, kept in the project's labels/written/."""
    from .readers import read_file

    name, _, record_id = ref.partition("#")
    path = WRITTEN_DIR / name.removeprefix(WRITTEN) if name.startswith(WRITTEN) else texts_dir / name
    if not path.is_file():
        return None
    if not record_id:
        item = next(iter(read_file(str(path))), None)
        return item if isinstance(item, Article) else None
    corpora = {} if corpora is None else corpora
    if path not in corpora:
        corpora[path] = _sentence_table(path) if path.suffix == ".tsv" else {
            a.id: a for a in read_file(str(path)) if isinstance(a, Article)}
    return corpora[path].get(record_id)


def _sentence_table(path: Path) -> dict[str, Article]:
    """A TSV of labelled sentences (corpus/plover-sentences): each row's sentence is a text of its own."""
    import csv

    with open(path, encoding="utf-8", newline="") as fh:
        return {r["id"]: Article(r["id"], f"{path}#{r['id']}", r["sentence"]) for r in csv.DictReader(fh, delimiter="\t")}


def _check_event(e: object, text: str, limit: int) -> list[str]:
    if not isinstance(e, dict):
        return ["event is not an object"]
    out = [f"unknown key {k!r}" for k in e if k not in EVENT_KEYS]
    t = e.get("type")
    if t not in PLOVER_TYPES:
        out.append(f"unknown type {t!r}")
    mode = e.get("mode")
    if mode is not None and mode not in MODES.get(t, set()):
        out.append(f"mode {mode!r} not allowed for {t}")
    if t in DEPLOYMENT_TYPES and mode is None:
        out.append(f"{t} needs a mode")
    if e.get("status") not in STATUSES:
        out.append(f"unknown status {e.get('status')!r}")
    for key in ("actors", "recipients"):
        codes = e.get(key) or []
        if not isinstance(codes, list) or not all(valid_code(c) for c in codes):
            out.append(f"{key} must be a list of codes: {codes!r}")
    if e.get("location") is not None and not valid_code(e["location"]):
        out.append(f"bad location code {e['location']!r}")
    if e.get("date") is not None:
        if not re.match(r"^\d{4}-\d\d-\d\d$", str(e["date"])) or e.get("date_precision") not in PRECISIONS:
            out.append(f"date {e['date']!r} needs YYYY-MM-DD and a precision of {PRECISIONS}")
    q = e.get("quantity")
    if q is not None and (not isinstance(q, dict) or set(q) - {"min", "max", "approx", "unit"}
                          or (q.get("min") is None and q.get("max") is None)):
        out.append(f"bad quantity {q!r}")
    anchor = e.get("anchor")
    pos = find_anchor(text, anchor, int(e.get("nth", 1))) if isinstance(anchor, str) and anchor else -1
    if pos < 0:
        out.append(f"anchor {anchor!r} (nth {e.get('nth', 1)}) not in the text")
    elif pos >= limit:
        out.append(f"anchor {anchor!r} lies after chars={limit}")
    for a in e.get("also") or []:
        if not isinstance(a, str) or text.find(a) < 0:
            out.append(f"also-anchor {a!r} not in the text")
    spans = e.get("spans") or {}
    if not isinstance(spans, dict) or set(spans) - SPAN_KEYS:
        out.append(f"spans must be an object with keys {sorted(SPAN_KEYS)}")
    else:
        for key, words in spans.items():
            for w in ([words] if isinstance(words, str) else words or []):
                if not isinstance(w, str) or text.find(w) < 0:
                    out.append(f"{key} span {w!r} not in the text")
    return out


def check_raw_line(obj: object, article: Article | None) -> list[str]:
    if not isinstance(obj, dict):
        return ["line is not an object"]
    out = [f"unknown key {k!r}" for k in obj if k not in LINE_KEYS]
    if article is None:
        return out + [f"text {obj.get('file')!r} not found"]
    published = article.published.isoformat() if article.published else None
    if obj.get("published") != published:
        out.append(f"published {obj.get('published')!r} but the text says {published!r}")
    limit = int(obj.get("chars") or len(article.text))
    for i, e in enumerate(obj.get("events") or [], start=1):
        out += [f"event {i}: {p}" for p in _check_event(e, article.text, limit)]
    for i, n in enumerate(obj.get("nonevents") or [], start=1):
        if not isinstance(n, dict) or not isinstance(n.get("anchor"), str) or article.text.find(n["anchor"]) < 0:
            out.append(f"nonevent {i}: anchor not in the text")
        elif n.get("why") not in NONEVENT_REASONS:
            out.append(f"nonevent {i}: why must be one of {sorted(NONEVENT_REASONS)}")
    return out


def _read_lines(path: Path) -> list[tuple[int, dict]]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    out.append((lineno, json.loads(line)))
                except json.JSONDecodeError as exc:
                    raise DataFileError(f"bad JSON: {exc.msg}", source=str(path), line=lineno) from exc
    return out


def check_raw_file(path: Path, texts_dir: Path) -> tuple[list[str], int, int]:
    """Every problem of a working label file, as 'LINE: FILE: problem' strings; texts and events seen."""
    corpora: dict = {}
    problems, texts, events = [], 0, 0
    seen: dict[str, int] = {}
    for lineno, obj in _read_lines(path):
        ref = obj.get("file") if isinstance(obj, dict) else None
        art = text_of(texts_dir, ref, corpora) if isinstance(ref, str) else None
        if ref in seen:
            problems.append(f"{lineno}: {ref}: already labelled on line {seen[ref]}")
        seen[ref] = lineno
        problems += [f"{lineno}: {ref}: {p}" for p in check_raw_line(obj, art)]
        texts += 1
        events += len(obj.get("events") or []) if isinstance(obj, dict) else 0
    return problems, texts, events


def _show(argv: list[str]) -> int:
    """`python -m newsledger.labels show REF [--texts DIR]`: the text as newsledger reads it;
    `list FILE.jsonl`: the record ids of a JSONL corpus."""
    import sys

    from .readers import read_file

    texts = Path(argv[argv.index("--texts") + 1]) if "--texts" in argv else Path(__file__).resolve().parents[3] / "shared"
    if len(argv) < 2 or argv[0] not in {"show", "list"}:
        print("usage: python -m newsledger.labels show REF | list FILE.jsonl [--texts DIR]", file=sys.stderr)
        return 2
    if argv[0] == "list":
        for a in read_file(str(texts / argv[1])):
            if isinstance(a, Article):
                print(f"{argv[1]}#{a.id}\t{a.published}\t{len(a.text)} chars")
        return 0
    art = text_of(texts, argv[1])
    if art is None:
        print(f"not found: {argv[1]}", file=sys.stderr)
        return 1
    print(f"file: {argv[1]}\npublished: {art.published.isoformat() if art.published else None}\n"
          f"chars: {len(art.text)}\n---")
    print(art.text)
    return 0



# -- the project's form: offsets only -----------------------------------------------------------
@dataclass(frozen=True, slots=True)
class LabelEvent:
    type: str
    status: str | None
    mode: str | None
    anchors: tuple[tuple[int, int], ...]  # the main anchor first, then restatements
    actors: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    location: str | None = None
    place: str | None = None
    date: str | None = None
    date_precision: str | None = None
    qmin: int | None = None
    qmax: int | None = None
    has_quantity: bool = False
    args: dict = field(default_factory=dict)  # role -> ((start, end), ...)


@dataclass(frozen=True, slots=True)
class LabelText:
    file: str
    published: str | None
    events: tuple[LabelEvent, ...]
    nonevents: tuple[tuple[int, int], ...] = ()
    chars: int | None = None
    annotator: str | None = None


def _offsets_event(e: dict, text: str) -> dict:
    pos = find_anchor(text, e["anchor"], int(e.get("nth", 1)))
    anchors = [[pos, pos + len(e["anchor"])]]
    for a in e.get("also") or []:
        p = text.find(a)
        if p >= 0 and [p, p + len(a)] not in anchors:
            anchors.append([p, p + len(a)])
    args = {}
    for key, words in (e.get("spans") or {}).items():
        found = []
        for w in ([words] if isinstance(words, str) else words or []):
            p = nearest(text, w, pos)
            if p >= 0:
                found.append([p, p + len(w)])
        if found:
            args[key] = found
    keep = {k: e.get(k) for k in ("type", "mode", "status", "actors", "recipients", "location", "place",
                                  "date", "date_precision", "quantity")}
    return {**keep, "anchors": anchors, "args": args}


def convert_raw_file(path: Path, texts_dir: Path) -> list[dict]:
    """The project-form lines of a working label file (lines with problems are left out)."""
    corpora: dict = {}
    out = []
    for _lineno, obj in _read_lines(path):
        art = text_of(texts_dir, obj.get("file", ""), corpora)
        if art is None or check_raw_line(obj, art):
            continue
        text = art.text
        line = {"file": obj["file"], "published": obj.get("published"), "annotator": obj.get("annotator"),
                "events": [_offsets_event(e, text) for e in obj.get("events") or []],
                "nonevents": [[p, p + len(n["anchor"]), n["why"]] for n in obj.get("nonevents") or []
                              if (p := text.find(n["anchor"])) >= 0]}
        if obj.get("chars"):
            line["chars"] = int(obj["chars"])
        out.append(line)
    return out


def load_labels(path: str | Path) -> list[LabelText]:
    """Read a project-form label file (docs/LABELS-FORMAT.md); a bad line names file and line."""
    out = []
    for lineno, obj in _read_lines(Path(path)):
        try:
            events = []
            for e in obj["events"]:
                if e["type"] not in PLOVER_TYPES:
                    raise ValueError(f"unknown type {e['type']!r}")
                q = e.get("quantity")
                events.append(LabelEvent(
                    type=e["type"], status=e.get("status"), mode=e.get("mode"),
                    anchors=tuple((int(a), int(b)) for a, b in e["anchors"]),
                    actors=tuple(e.get("actors") or ()), recipients=tuple(e.get("recipients") or ()),
                    location=e.get("location"), place=e.get("place"), date=e.get("date"),
                    date_precision=e.get("date_precision"), qmin=q.get("min") if q else None,
                    qmax=q.get("max") if q else None, has_quantity=q is not None,
                    args={k: tuple((int(a), int(b)) for a, b in v) for k, v in (e.get("args") or {}).items()}))
            out.append(LabelText(obj["file"], obj.get("published"), tuple(events),
                                 tuple((int(n[0]), int(n[1])) for n in obj.get("nonevents") or ()),
                                 obj.get("chars"), obj.get("annotator")))
        except (KeyError, TypeError, ValueError) as exc:
            raise DataFileError(f"bad label line: {exc}", source=str(path), line=lineno,
                                hint="see docs/LABELS-FORMAT.md") from exc
    return out


def _anchor_nth(text: str, start: int, end: int) -> tuple[str, int]:
    """The words of an offset anchor and which occurrence of them it is (how gold anchors are written)."""
    words, nth, pos = text[start:end], 0, -1
    while (pos := text.find(words, pos + 1)) >= 0 and pos <= start:
        nth += 1
    return words, max(nth, 1)


def gold_lines(labelled: list[LabelText], texts_dir: Path, files: set[str] | None = None) -> list[dict]:
    """Labels as gold lines (docs/GOLD-FORMAT.md: anchors as words, as `newsledger eval` reads them),
    one per text (the first label file's, where a text is labelled twice), only `files` when given.
    The lines quote the texts' words: write them outside the project."""
    corpora: dict = {}
    out: list[dict] = []
    seen: set[str] = set()
    for t in labelled:
        if t.file in seen or (files is not None and t.file not in files):
            continue
        art = text_of(texts_dir, t.file, corpora)
        if art is None:
            continue
        seen.add(t.file)
        events = []
        for e in t.events:
            anchor, nth = _anchor_nth(art.text, *e.anchors[0])
            events.append({"anchor": anchor, "nth": nth, "also": [art.text[a:b] for a, b in e.anchors[1:]],
                           "type": e.type, "mode": e.mode, "actors": list(e.actors),
                           "recipients": list(e.recipients), "location": e.location, "place": e.place,
                           "date": e.date, "date_precision": e.date_precision, "status": e.status,
                           "quantity": {"min": e.qmin, "max": e.qmax} if e.has_quantity else None})
        line = {"file": t.file, "published": t.published, "events": events}
        if t.chars is not None:
            line["chars"] = t.chars
        out.append(line)
    return out


if __name__ == "__main__":
    import sys

    sys.exit(_show(sys.argv[1:]))
