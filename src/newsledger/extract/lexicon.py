"""Load the knowledge files (triggers, assets, status cues) into typed, read-only structures."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

from ..exceptions import DataFileError
from ..model import PLOVER_TYPES, STATUSES


@dataclass(frozen=True, slots=True)
class Trigger:
    key: str  # lemma, or lower-case phrase
    type: str
    pos: str  # VERB, NOUN, PHRASE
    needs: str = "party"  # asset, party, none
    aid: str | None = None
    mode: str | None = None
    status: str | None = None
    with_word: frozenset[str] = frozenset()
    not_with_word: frozenset[str] = frozenset()
    not_with_dep: frozenset[str] = frozenset()  # no event when the word has a child with this relation
    with_subject: frozenset[str] = frozenset()  # only an event when its subject's lemma is one of these
    with_dep: frozenset[str] = frozenset()  # only an event when the word has a child with this relation
    by_speaker: bool = False  # the speaker acts; the clause's subject is the target ("will pay a heavy price")
    object_is_destination: bool = False
    stative: bool = False  # where forces are kept ("based", "stationed"): describes, does not move them
    needs_place: bool = False  # an event only with a destination ("marines are in Norway", "has ships in")
    home: bool = False  # a build-up: with no destination named, the forces are on the actor's own soil
    demand_only: bool = False  # a verb that also asserts ("insist"): an event only when it demands
    moves_subject: bool = False  # the forces are its subject ("troops left Kyiv"), never its object ("left troops there")


@dataclass(frozen=True, slots=True)
class Asset:
    noun: str
    group: str  # key in assets.yaml: troops, aircraft, helicopters, naval, ...
    mode: str  # troops, aircraft, naval, air_defense, armor, equipment
    unit: str
    aid: bool = False
    countable: bool = True
    formation: bool = False  # a count of formations (units, battalions): a figure of its class inside it wins


@dataclass(frozen=True, slots=True)
class StatusCues:
    lemmas: dict[str, str]  # lemma of governing verb or auxiliary -> status
    aux: dict[str, str]
    markers: dict[str, str]
    phrases: tuple[tuple[str, str], ...]  # (lower-case phrase, status), longest first
    sentence_wide: tuple[tuple[str, frozenset[str], tuple[str, ...]], ...] = ()  # (status, types, phrases)
    # verbs (and predicates of 'be') by which a foretold attack takes place; any other modal verb an attack
    # noun is the subject of says what it would bring (hypothetical: `status.foretold_consequence`)
    said_objects: dict[str, str] = field(default_factory=dict)  # verb of saying -> status of the event it has as object
    next_sentence: tuple[tuple[str, frozenset[str], tuple[str, ...]], ...] = ()  # as sentence_wide, the sentence after
    occurring: frozenset[str] = frozenset()
    occurring_states: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Lexicon:
    verbs: dict[str, tuple[Trigger, ...]]
    nouns: dict[str, tuple[Trigger, ...]]
    phrases: tuple[Trigger, ...]
    assets: dict[str, Asset]  # lower-case noun (single or multiword) -> asset
    status: StatusCues
    irregular: dict[str, tuple[str, ...]] = field(default_factory=dict)
    speculative_modifiers: frozenset[str] = frozenset()
    max_asset_words: int = 1
    reason_nouns: frozenset[str] = frozenset()  # "in response to X": X is neither destination nor date
    not_triggers: tuple[str, ...] = ()  # lower-case phrases whose words are never triggers ("occupied crimea")
    civilian_movers: frozenset[str] = frozenset()  # "embassies withdraw personnel": no military move
    accusing_verbs: frozenset[str] = frozenset()  # "accuse X of planning to invade": the attack is alleged
    cost_verbs: frozenset[str] = frozenset()  # "Russia will pay a heavy price": the one warned pays
    remote_words: frozenset[str] = frozenset()  # "talks by phone", "a video call": talks held at a distance
    audience_nouns: frozenset[str] = frozenset()  # "spoke to the people of Russia": an audience is no party
    threat_words: frozenset[str] = frozenset()  # "warned it would impose sanctions": the sanction is threatened
    event_nouns: frozenset[str] = frozenset()  # "an invasion of Ukraine": a noun naming an action of its own
    rejecting_verbs: frozenset[str] = frozenset()  # the verbs' REJECT lemmas ("denies that it would attack")
    exercise_words: frozenset[str] = frozenset()  # "drills", "manoeuvres": an exercise is an event of its own
    relation_nouns: frozenset[str] = frozenset()  # "Kyiv's allies": the possessor is not the allies
    stance_verbs: frozenset[str] = frozenset()  # "condemned the sanctions": the subject is not the sanctioner
    deterring_verbs: frozenset[str] = frozenset()  # "to deter an attack": an attack warded off is no event
    habitual_words: frozenset[str] = frozenset()  # "drills are usually short": what is done as a rule, no event
    force_modifiers: frozenset[str] = frozenset()  # "Russian military units": words between an owner and its forces

    def asset(self, words: str) -> Asset | None:
        return self.assets.get(words.lower())

    def prefilter_stems(self, needs_asset: bool, needs_place: bool = False) -> set[str]:
        """Word beginnings that any inflected form of a trigger starts with, for the cheap prefilter:
        those of triggers that need an asset noun (`needs_asset`), or of all the others; with
        `needs_place`, those of the triggers that need a destination ("are in", "has ... in")."""
        stems = {p.key.split()[-1] for p in self.phrases if (p.needs == "asset") == needs_asset and not needs_place}
        for table in (self.verbs, self.nouns):
            for lemma, triggers in table.items():
                if any((t.needs == "asset") == needs_asset and t.needs_place == needs_place for t in triggers):
                    lemma = lemma.lower()
                    stems.add(lemma[:-1] if lemma.endswith("e") and len(lemma) >= 4 else lemma)
                    if len(lemma) >= 3 and lemma[-1] == "y" and lemma[-2] not in "aeiou":
                        stems.add(lemma[:-1] + "ie")  # "denied", "supplies": the y turns into ie
                    stems.update(self.irregular.get(lemma, ()))
        return stems


def _read_yaml(name: str) -> object:
    path = resources.files("newsledger") / "data" / name
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataFileError(f"malformed YAML: {getattr(exc, 'problem', exc)}", source=f"data/{name}",
                            line=mark.line + 1 if mark else None, hint="fix the file and run again") from exc


TRIGGER_KEYS = frozenset({"lemma", "text", "type", "needs", "aid", "mode", "status", "with_word", "not_with_word",
                          "not_with_dep", "with_subject", "with_dep", "by", "dest", "stative", "where", "home",
                          "demand", "moves"})


TOP_KEYS = frozenset({"verbs", "nouns", "phrases", "irregular", "speculative_modifiers", "not_triggers",
                      "civilian_movers", "accusing_verbs", "threat_words", "event_nouns", "cost_verbs", "reason_nouns",
                      "remote_words", "audience_nouns", "exercise_words", "relation_nouns", "stance_verbs",
                      "deterring_verbs", "habitual_words", "force_modifiers"})


def check_sections(trig: dict, source: str) -> dict:
    """The trigger file's sections, every one known (a misspelt section would be silently ignored)."""
    unknown = sorted(set(trig) - TOP_KEYS)
    if unknown:
        raise DataFileError(f"unknown section(s) {unknown}", source=source,
                            hint=f"the sections the file may have: {', '.join(sorted(TOP_KEYS))}")
    return trig


ASSET_KEYS = frozenset({"class", "unit", "nouns", "aid", "countable", "formation"})


def asset_nouns(groups: dict) -> dict[str, Asset]:
    """data/assets.yaml's groups as noun -> Asset (a noun in two groups keeps the first)."""
    assets: dict[str, Asset] = {}
    for group, spec in groups.items():
        unknown = sorted(set(spec) - ASSET_KEYS)
        if unknown:
            raise DataFileError(f"unknown key(s) {unknown} in asset group {group!r}", source="data/assets.yaml",
                                hint=f"the keys an asset group may have: {', '.join(sorted(ASSET_KEYS))}")
        for noun in spec.get("nouns", []):
            noun = str(noun).lower()
            assets.setdefault(noun, Asset(noun, group, spec["class"], spec.get("unit", group),
                                          bool(spec.get("aid", False)), bool(spec.get("countable", True)),
                                          bool(spec.get("formation", False))))
    return assets


def _trigger(entry: dict, pos: str, source: str) -> Trigger:
    unknown = sorted(set(entry) - TRIGGER_KEYS)
    if unknown:
        raise DataFileError(f"unknown key(s) {unknown} in {entry}", source=source,
                            hint=f"the keys a trigger may have: {', '.join(sorted(TRIGGER_KEYS))}")
    kind = entry.get("type")
    if kind not in PLOVER_TYPES:
        raise DataFileError(f"unknown PLOVER type {kind!r} in {entry}", source=source)
    status = entry.get("status")
    if status is not None and status not in STATUSES and status != "previous":
        raise DataFileError(f"unknown status {status!r} in {entry}", source=source)
    key = entry.get("lemma") or entry.get("text")
    if not key:
        raise DataFileError(f"entry without lemma/text: {entry}", source=source)
    return Trigger(key=str(key).lower() if pos == "PHRASE" else str(key), type=kind, pos=pos,
                   needs=entry.get("needs", "party"), aid=entry.get("aid"), mode=entry.get("mode"), status=status,
                   with_word=frozenset(str(w).lower() for w in entry.get("with_word", [])),
                   not_with_word=frozenset(str(w).lower() for w in entry.get("not_with_word", [])),
                   not_with_dep=frozenset(str(w) for w in entry.get("not_with_dep", [])),
                   with_subject=frozenset(str(w).lower() for w in entry.get("with_subject", [])),
                   with_dep=frozenset(str(w) for w in entry.get("with_dep", [])),
                   by_speaker=entry.get("by") == "speaker",
                   object_is_destination=entry.get("dest") == "object", stative=bool(entry.get("stative", False)),
                   needs_place=entry.get("where") == "required", home=bool(entry.get("home", False)),
                   demand_only=entry.get("demand") == "only", moves_subject=entry.get("moves") == "subject")


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    trig = check_sections(_read_yaml("triggers.yaml"), "data/triggers.yaml")
    verbs: dict[str, list[Trigger]] = {}
    nouns: dict[str, list[Trigger]] = {}
    for entry in trig.get("verbs", []):
        t = _trigger(entry, "VERB", "data/triggers.yaml")
        verbs.setdefault(t.key, []).append(t)
    for entry in trig.get("nouns", []):
        t = _trigger(entry, "NOUN", "data/triggers.yaml")
        nouns.setdefault(t.key, []).append(t)
    phrases = tuple(sorted((_trigger(e, "PHRASE", "data/triggers.yaml") for e in trig.get("phrases", [])),
                           key=lambda t: -len(t.key)))

    assets = asset_nouns(_read_yaml("assets.yaml") or {})
    max_words = max(len(n.split()) for n in assets)

    st = _read_yaml("status.yaml") or {}
    lemmas, aux, markers, phrases_st, said = {}, {}, {}, [], {}
    wide, after = (tuple((status, frozenset(spec.get("types", ())), tuple(p.lower() for p in spec.get("phrases", ())))
                         for status, spec in (st.pop(key, None) or {}).items())
                   for key in ("sentence_wide", "next_sentence"))
    occ = st.pop("occurring", None) or {}
    for status, spec in st.items():
        if status not in STATUSES:
            raise DataFileError(f"unknown status section {status!r}", source="data/status.yaml")
        for w in spec.get("lemmas", []):
            lemmas.setdefault(w, status)
        for w in spec.get("aux", []):
            aux.setdefault(w, status)
        for w in spec.get("markers", []):
            markers.setdefault(w, status)
        for w in spec.get("said_objects", []):
            said.setdefault(w, status)
        for p in spec.get("phrases", []):
            phrases_st.append((p.lower(), status))
    cues = StatusCues(lemmas, aux, markers, tuple(sorted(phrases_st, key=lambda x: -len(x[0]))), wide, said, after,
                      frozenset(str(w).lower() for w in occ.get("lemmas", [])),
                      frozenset(str(w).lower() for w in occ.get("states", [])))
    rejecting = frozenset(lemma for lemma, ts in verbs.items() if any(t.type == "REJECT" for t in ts))
    return Lexicon({k: tuple(v) for k, v in verbs.items()}, {k: tuple(v) for k, v in nouns.items()},
                   phrases, assets, cues, {k: tuple(v) for k, v in (trig.get("irregular") or {}).items()},
                   frozenset(str(w).lower() for w in trig.get("speculative_modifiers", [])), max_words,
                   frozenset(str(w).lower() for w in trig.get("reason_nouns", [])),
                   tuple(str(p).lower() for p in trig.get("not_triggers", [])),
                   frozenset(str(w).lower() for w in trig.get("civilian_movers", [])),
                   frozenset(str(w).lower() for w in trig.get("accusing_verbs", [])),
                   frozenset(str(w).lower() for w in trig.get("cost_verbs", [])),
                   frozenset(str(w).lower() for w in trig.get("remote_words", [])),
                   frozenset(str(w).lower() for w in trig.get("audience_nouns", [])),
                   frozenset(str(w).lower() for w in trig.get("threat_words", [])),
                   frozenset(str(w).lower() for w in trig.get("event_nouns", [])), rejecting,
                   frozenset(str(w).lower() for w in trig.get("exercise_words", [])),
                   frozenset(str(w).lower() for w in trig.get("relation_nouns", [])),
                   frozenset(str(w).lower() for w in trig.get("stance_verbs", [])),
                   frozenset(str(w).lower() for w in trig.get("deterring_verbs", [])),
                   frozenset(str(w).lower() for w in trig.get("habitual_words", [])),
                   frozenset(str(w).lower() for w in trig.get("force_modifiers", [])))
