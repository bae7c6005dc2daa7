"""A question in plain English parsed into a structured Query: shape, actors, targets, event type (from
the question's verb, data/question_verbs.yaml), asset, dates, the place named (a sea, region, island or
base, with its country) and the names the ledger does not know, which `ask` says plainly."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

from .exceptions import DataFileError
from .extract.gazetteer import load_actors, load_places
from .extract.lexicon import load_lexicon
from .extract.timex import find_timexes
from .model import PLOVER_TYPES


@dataclass(frozen=True, slots=True)
class QuestionVerb:
    type: str
    words: tuple[str, ...]
    cues: tuple[str, ...]
    mode: str | None = None


@dataclass(frozen=True, slots=True)
class NamedPlace:
    name: str
    country: str | None
    kind: str


@dataclass(slots=True)
class Query:
    text: str
    shape: str | None
    type: str | None = None
    actors: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    mode: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    person: str | None = None
    cues: tuple[str, ...] = ()  # the verb's stems: the event's sentences use one of them
    place: NamedPlace | None = None
    unknown: list[str] = field(default_factory=list)  # names in the question the ledger does not know
    actor_groups: list[tuple[str, ...]] = field(default_factory=list)  # per name: "the West" is USA or NATO ...
    modes: list[str] = field(default_factory=list)  # every asset named ("troops and helicopters")


_VERB_KEYS = {"type", "words", "cues", "mode"}


@lru_cache(maxsize=1)
def load_question_verbs() -> tuple[QuestionVerb, ...]:
    """data/question_verbs.yaml, strictly: unknown keys or types are rejected with their line."""
    source = "data/question_verbs.yaml"
    text = (resources.files("newsledger") / "data" / "question_verbs.yaml").read_text(encoding="utf-8")
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataFileError(f"malformed YAML: {getattr(exc, 'problem', exc)}", source=source,
                            line=mark.line + 1 if mark else None, hint="fix the file and run again") from exc
    if not isinstance(root, yaml.MappingNode) or [k.value for k, _ in root.value] != ["verbs"]:
        raise DataFileError("the file must hold one key, `verbs`", source=source, line=1,
                            hint="see the comment at the top of the file")
    out = []
    for node in root.value[0][1].value:
        line = node.start_mark.line + 1
        if not isinstance(node, yaml.MappingNode):
            raise DataFileError("an entry must be a mapping", source=source, line=line, hint="type: ..., words: [...]")
        entry = yaml.safe_load(yaml.serialize(node))
        bad = set(entry) - _VERB_KEYS
        if bad:
            raise DataFileError(f"unknown key(s) {sorted(bad)}", source=source, line=line,
                                hint=f"allowed keys: {', '.join(sorted(_VERB_KEYS))}")
        if entry.get("type") not in PLOVER_TYPES or not entry.get("words"):
            raise DataFileError(f"entry needs a PLOVER type and words (got {entry.get('type')!r})", source=source,
                                line=line, hint=f"types: {', '.join(PLOVER_TYPES)}")
        words = tuple(str(w).lower() for w in entry["words"])
        out.append(QuestionVerb(entry["type"], words, tuple(str(c).lower() for c in entry.get("cues") or words),
                                entry.get("mode")))
    return tuple(out)


@lru_cache(maxsize=1)
def _shapes() -> dict:
    return yaml.safe_load((resources.files("newsledger") / "data" / "questions.yaml").read_text(encoding="utf-8"))


def speech_verbs() -> tuple[str, ...]:
    """The reporting verbs of data/questions.yaml ("said", "told" ...)."""
    verbs = _shapes().get("speech_verbs")
    if not verbs or not all(isinstance(v, str) for v in verbs):
        raise DataFileError("`speech_verbs` must be a list of words", source="data/questions.yaml",
                            hint="speech_verbs: [said, told, ...]")
    return tuple(verbs)


def parse_question(text: str, reference: dt.date | None = None) -> Query:
    """Shape, actors, targets, type, asset, place and dates of a question (reference: the ledger's last day)."""
    cfg = _shapes()
    low = text.lower()
    q = Query(text=text, shape=None)
    for spec in cfg["shapes"]:
        if any(re.search(p, low) for p in spec["patterns"]):
            q.shape, q.type = spec["shape"], spec.get("type")
            break
    words = re.findall(r"[a-z][a-z\-]*", low)
    _type(q, words, low, cfg)
    for asset in _assets(words):
        if not asset.aid and asset.mode not in q.modes:
            q.modes.append(asset.mode)
    q.mode = q.modes[0] if q.modes else None
    known = _actors(q, text, reference, set(cfg["target_preps"]))
    known |= _place(q, text, known)
    q.unknown = _unknown_names(text, known, q.shape, set(cfg.get("not_names", ())))
    if q.shape == "talks" and len(q.actors) < 2 and q.targets:
        q.actors, q.targets = q.actors + q.targets, []
    _dates(q, text, reference)
    return q


def _assets(words: list[str]) -> list:
    """The asset nouns of a question, the longest first at each word ("air defence systems", "fighter jets")."""
    lex, out, i = load_lexicon(), [], 0
    generic = set(_shapes().get("generic_assets") or ())
    while i < len(words):
        for n in (3, 2, 1):
            phrase = " ".join(words[i:i + n])
            asset = lex.asset(phrase) if i + n <= len(words) else None
            if asset:
                if phrase not in generic:  # "forces": any asset
                    out.append(asset)
                i += n
                break
        else:
            i += 1
    return out


def _type(q: Query, words: list[str], low: str, cfg: dict) -> None:
    if q.shape == "when":
        for verb in load_question_verbs():
            used = [w for w in verb.words if w in words or (" " in w and w in low)]
            if used:  # each entry is one family of verbs ("invade": invad-, invasion, assault ...)
                phrases = tuple(u for u in used if " " in u)  # "martial law": the phrase itself
                q.type, q.cues = verb.type, phrases or verb.cues
                return
    for t, names in cfg["type_words"].items():
        if any(n in words or (" " in n and n in low) for n in names):
            if q.shape not in ("how_many", "who_sent", "where_sent", "talks") or t in ("RETREAT",):
                q.type = t
                return


def _actors(q: Query, text: str, reference: dt.date | None, preps: set[str]) -> set[int]:
    """Fill actors and targets; returns the character offsets the gazetteer recognised."""
    seen: set[int] = set()
    for hit in load_actors().find(text, reference):
        seen.update(range(hit.start, hit.end))
        before = [w for w in re.findall(r"[A-Za-z']+", text[:hit.start]) if w.lower() not in ("the", "a", "an")][-2:]
        is_target = bool(before) and before[-1].lower() in preps and not (
            q.shape == "talks" and before[-1].lower() in ("between", "and", "with"))
        if hit.entry.kind == "person" and q.shape == "said":
            q.person = hit.text
        bucket = q.targets if is_target else q.actors
        if not is_target:
            q.actor_groups.append(tuple(hit.entry.codes))
        for code in hit.entry.codes:
            if code not in q.actors + q.targets:
                bucket.append(code)
    return seen


_CAPITALISED = re.compile(r"\b(?:the )?([A-Z][\w\-']*(?: (?:of )?[A-Z][\w\-']*){0,3})")


def _place(q: Query, text: str, actors: set[int]) -> set[int]:
    """Capitalised names the place gazetteer knows (sea, region, island, base, city) that are no actor; the
    first is the question's place and its country a target. Returns the offsets of every place named."""
    index = load_places()
    seen: set[int] = set()
    for m in _CAPITALISED.finditer(text):
        parts = m.group(1).split()
        for n in range(len(parts), 0, -1):  # the longest known prefix: "Black Sea", "Donetsk region"
            cand = " ".join(parts[:n])
            if m.start(1) == 0 or m.start(1) in actors:
                break
            entry = index.lookup(cand)
            if not entry or (entry.kind == "city" and load_actors().lookup(cand)):
                continue  # a capital named as its government ("Moscow") is an actor
            seen.update(range(m.start(1), m.start(1) + len(cand)))
            if q.place is None:
                q.place = NamedPlace(entry.name, entry.country, entry.kind)
                if entry.country and entry.country not in q.targets + q.actors:
                    q.targets.append(entry.country)
            break
    return seen


_NAME_BEFORE = {"did", "does", "do", "has", "have", "had", "to", "into", "in", "from", "of", "by", "between",
                "and", "with", "against", "on", "toward", "towards", "near", "for", "at"}


def _unknown_names(text: str, known: set[int], shape: str | None, not_names: set[str]) -> list[str]:
    """Capitalised names (not the first word) after a preposition or auxiliary that neither gazetteer knows."""
    if shape in ("said", None):
        return []
    out = []
    for m in re.finditer(r"\b([A-Z][a-z][\w\-]*(?: [A-Z][\w\-]*)*)", text):
        if m.start() == 0 or any(i in known for i in range(m.start(), m.end())):
            continue
        before = re.findall(r"[A-Za-z']+", text[:m.start()])[-1:]
        if not before or before[0].lower() not in _NAME_BEFORE:
            continue
        name = m.group(1)
        if name.lower() in not_names or load_lexicon().asset(name.split()[-1].lower()):
            continue
        out.append(name)
    return out


def _dates(q: Query, text: str, reference: dt.date | None) -> None:
    spans = find_timexes(text, reference)
    low = text.lower()
    for tx in spans:
        if tx.date is None:
            continue
        end = tx.end_date or _period_end(tx.date, tx.precision)
        before = low[max(0, tx.start - 8):tx.start]
        if re.search(r"\b(by|before|until|as of)\s*$", before):
            q.date_to = end
        elif re.search(r"\b(since|after|from)\s*$", before):
            q.date_from = tx.date
        elif q.shape == "changes" and q.date_from is None:
            q.date_from = tx.date
        elif q.shape == "changes":
            q.date_to = end
        else:
            q.date_from, q.date_to = tx.date, end


def _period_end(d: dt.date, precision: str) -> dt.date:
    if precision == "week":
        return d + dt.timedelta(days=6)
    if precision == "month":
        nxt = dt.date(d.year + d.month // 12, d.month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    if precision == "year":
        return dt.date(d.year, 12, 31)
    return d
