"""The learned extractors: rules find the candidates, the trained model decides.

Stage by stage (each field has one owner):
- `learn.features` (rules): sentences, their context, candidate spans with normalised values —
  entity codes and places with coordinates (gazetteers), figures (quantities), dates (timex);
- `learn.model` (learned): per sentence the event types; per type the status and mode; per candidate
  its roles (actor, recipient, location, figure, date);
- `_mention` here: turns one decision into a Mention — the fields are copied from the candidates
  the model chose, never re-derived.

Two implementations share this:
- `model` (`LearnedExtractor(use_rules=False)`): every mention is built from the model's decisions;
- `learned` (the hybrid): the model decides which sentences hold which event types; where the rule
  extractor has a mention of a decided type in that sentence, its arguments (parsed from the
  dependency tree, split per contingent) are kept, and the model's decision confirms it and
  repairs two things (`_repair`: actors the model rejects, a deployment's missing destination);
  elsewhere the mention is built from the model's decisions as above (a claim, demand, threat or measure
  only with an actor the model reads in the sentence itself: `STATED`). A rule mention
  the model does not confirm (type probability under `confirm`) is dropped.

The hybrid's two settings live in the model's meta.json under `hybrid` (chosen on dev gold by
scripts/tune_hybrid.py, never on held-out): `confirm`, and `add`, the probability per type over
which the model adds a mention no rule found (a type missing from `add` is never added); `second`
(default `SECOND`) is the probability a type needs to be added beside a confirmed rule mention.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

import numpy as np

from ..model import DEPLOYMENT_TYPES, Article, Entity, Mention, Place, Quantity, Span, TimeValue
from ..learn.features import Candidate, Resources, SentenceInput, article_inputs
from ..learn.model import Decision, LearnedModel
from .assemble import TARGET_IS_PLACE
from .deployments import own_soil
from .pipeline import _chunks

MODEL_ENV = "NEWSLEDGER_MODEL"  # a trained model's folder to use instead of the shipped one
ROLE_THRESHOLD = 0.5
CONFIRM = 0.2  # a rule mention is kept when the model gives its type at least this probability
# in a sentence where the model confirms a rule mention, it adds a mention of another type only at this
# probability ("NATO said it cannot accept his terms": the REJECT found, not also a REQUEST); chosen on
# dev and dev2 (0.7-0.85 score alike; all-events F1 +0.012 / +0.014), never on held-out
SECOND = 0.8
# an actor the parse took from outside the sentence (a pronoun, a speaker before) gives way to actors the
# model is this sure of inside it (dev2 deployments F1 +0.04, dev all events -0.002; 0.7 and 0.8 score alike,
# 0.9 loses the dev2 gain)
SURE = 0.8
SPECULATIVE_TYPES = frozenset({"ASSAULT"})  # whose stage the parse reads better than the model (_stage_of_restated)
# the types the model adds only with an actor it reads in the sentence itself (no stand-in from the sentence
# before, no weak guess): unparsed sentences it reads as accusations, threats or demands with nobody named
# making them are descriptions and opinions ("the escalation has raised the spectre of a showdown"); dev and
# dev2 all-events F1 +0.009 / +0.007 (11 false events fewer, one missed); all types: +0.011 / +0.002
STATED = frozenset({"ACCUSE", "THREATEN", "REQUEST", "REJECT", "SANCTION", "SUPPORT"})
# a sentence whose speaker is "he" or "she" ("he said", "she also added"); a quoted first person was tried
# too and lost dev all-events F1 (-0.004)
_PRONOUN_SPEAKER = re.compile(r"\b(?:[Hh]e|[Ss]he)\s+(?:also\s+)?(?:said|says|added|told|noted|stressed|"
                              r"warned|argued|insisted|claimed|stated|accused|called)\b")
NEXT_TO = 12  # characters between a parsed actor and its trigger within which the model does not replace it
TYPE_MODES = {"MOBILIZE": ("troops", "aircraft", "naval", "air_defense", "armor", "equipment", "mixed"),
              "RETREAT": ("troops", "aircraft", "naval", "air_defense", "armor", "equipment", "mixed"),
              "CONSULT": ("meeting", "phone", "visit", "multilateral"),
              "AID": ("military", "economic", "humanitarian")}


class LearnedExtractor:
    """Article(s) in, mentions out — the same interface as the rule extractor."""

    def __init__(self, model_dir: str | Path | None = None, *, threads: int = 1, use_rules: bool = True):
        self.name = "learned" if use_rules else "model"
        self.res = Resources()
        self.model = LearnedModel(model_dir or os.environ.get(MODEL_ENV) or None, threads=threads)
        self.rules = None
        if use_rules:
            from .pipeline import RulesExtractor

            self.rules = RulesExtractor()

    @cached_property
    def _triggers(self) -> dict[str, re.Pattern]:
        """Per type, the lexicon's trigger words: the mention's trigger span points at one when present."""
        words: dict[str, set[str]] = {}
        lex = self.res.lexicon
        for table in (lex.verbs, lex.nouns):
            for lemma, triggers in table.items():
                for t in triggers:
                    stem = lemma.lower()[:-1] if lemma.lower().endswith("e") and len(lemma) >= 4 else lemma.lower()
                    words.setdefault(t.type, set()).add(stem)
        return {t: re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(w, key=len, reverse=True))) + r")\w*",
                              re.IGNORECASE) for t, w in words.items()}

    @cached_property
    def _home(self) -> re.Pattern:
        """The build-up words (triggers marked `home`): a build-up with no place named is on home soil. A word
        of the lemma, not one it begins ("formed", "massing"; not "former", "massive", "information")."""
        lex = self.res.lexicon
        stems = {lemma.lower()[:-1] if lemma.lower().endswith("e") and len(lemma) >= 4 else lemma.lower()
                 for table in (lex.verbs, lex.nouns) for lemma, ts in table.items() if any(t.home for t in ts)}
        return re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(stems, key=len, reverse=True)))
                          + r")(?:e|es|s|ed|d|ing)?\b", re.IGNORECASE)

    @cached_property
    def _second(self) -> float:
        return float((self.model.meta.get("hybrid") or {}).get("second", SECOND))

    @cached_property
    def _hybrid(self) -> tuple[float, dict[str, float]]:
        h = self.model.meta.get("hybrid") or {}
        return float(h.get("confirm", CONFIRM)), dict(h.get("add", self.model.thresholds))

    def extract(self, articles: Iterable[Article], batch_size: int = 32) -> Iterator[tuple[str, list[Mention]]]:
        # the lowest probability any decision is read at: a rule mention's confirmation or an addition
        floor = min([self._hybrid[0], *self._hybrid[1].values()]) if self.rules else None
        for chunk in _chunks(articles, 32):
            ruled = dict(self.rules.extract(chunk)) if self.rules else {}
            for article in chunk:
                # one call per article: int8 activations are quantised per batch, so an article's
                # decisions must not depend on which other articles share its batch
                ins, own = article_inputs(self.res, article), ruled.get(article.id, [])
                asked = [i for i in ins if _decidable(i, own)]
                got = dict(zip((i.index for i in asked),
                               self.model.decide(asked, batch_size=batch_size, floor=floor) if asked else []))
                decisions = [got.get(i.index, []) for i in ins]
                yield article.id, self._article(article, ins, decisions, own)

    def _article(self, article: Article, inputs: list[SentenceInput], decisions: list[list[Decision]],
                 ruled: list[Mention]) -> list[Mention]:
        out: list[Mention] = []
        made: list[Mention] = []  # built from the model's decisions alone (no parse of their own)
        for inp, ds in zip(inputs, decisions):
            here = [m for m in ruled if inp.span.start <= m.trigger.start < inp.span.end]
            held = {m.type for m in here}
            confirmed = any(d.type in held for d in ds)
            threatened = self._threatened_sanction(article, here)
            for d in ds:
                own = [m for m in here if m.type == d.type]
                if own:
                    for m in own:
                        m.confidence = round(max(m.confidence, d.probability), 3)
                    _repair(own, inp, d, self.res.owned_forces)
                    out.extend(own)
                elif d.type == "SANCTION" and threatened:
                    continue  # the sentence's sanction is the threat the rules read ("ready to impose sanctions")
                elif d.probability >= self._add_threshold(d.type) and not (confirmed and d.probability < self._second):
                    m = self._mention(article, inp, d)
                    if m is not None:
                        out.append(m)
                        made.append(m)
        return _stage_of_restated(_corefer(sorted(out, key=lambda m: (m.span.start, m.trigger.start))), made)

    def _threatened_sanction(self, article: Article, here: list[Mention]) -> bool:
        """A rule THREATEN of the sentence stands on a sanction word: the rules read the sanction as threatened
        (the status pass), so the model's SANCTION of that sentence is the same words, no second event."""
        words = self._triggers.get("SANCTION")
        return words is not None and any(
            m.type == "THREATEN" and words.fullmatch(article.text[m.trigger.start:m.trigger.end]) for m in here)

    def _add_threshold(self, kind: str) -> float:
        if self.rules is None:
            return self.model.thresholds.get(kind, 0.5)
        return self._hybrid[1].get(kind, 2.0)  # over 1: never added

    def _mention(self, article: Article, inp: SentenceInput, d: Decision) -> Mention | None:
        roles = _one_role_each(d.roles, inp)
        inside = [(i, c) for i, c in enumerate(inp.candidates) if c.kind == "entity" and inp.in_sentence[i]]
        before = [(i, c) for i, c in enumerate(inp.candidates) if c.kind == "entity" and not inp.in_sentence[i]]
        if d.type in STATED and not _entities(inside, d.roles, 0):
            return None  # nobody in the sentence makes the claim or the measure: a description, an opinion
        # the sentence's own words first; the sentence before only stands in ("They were sent there"), and
        # speaks a claim its pronoun speaker makes ("He said the US was ...": the US is no claimant)
        actors = _entities(inside, roles, 0) or (_entities(before, roles, 0) if d.type not in STATED else [])
        if d.type in STATED and _PRONOUN_SPEAKER.search(inp.text):
            speaker = _best(before, d.roles, 0, 0.3)
            actors = _to_entities(speaker[1]) if speaker else actors
        if not actors:  # the most likely actor, if the model leans that way at all
            best = _best(inside + (before if d.type not in STATED else []), d.roles, 0, 0.3)
            actors = _to_entities(best[1]) if best else []
        if not actors:
            return None
        codes = {e.code for e in actors}
        where = _destinations(inp, inside) if d.type in DEPLOYMENT_TYPES else inside
        ents = where + before
        recipients = [e for e in _entities(where, roles, 1) or _entities(before, roles, 1) if e.code not in codes]
        loc = _best(ents, roles, 2, ROLE_THRESHOLD)
        fig = _best([(i, c) for i, c in enumerate(inp.candidates) if c.kind == "figure"], roles, 3, ROLE_THRESHOLD)
        when = _best([(i, c) for i, c in enumerate(inp.candidates) if c.kind == "time"], roles, 4, ROLE_THRESHOLD)
        mode = None
        if d.type in TYPE_MODES:
            mode = max(TYPE_MODES[d.type], key=lambda m: d.mode_probs.get(m, 0.0))
        location = _place(loc[1]) if loc else None
        if d.type in DEPLOYMENT_TYPES and not recipients and location is None:
            location = _home_soil(where, d.roles, [e.code for e in actors])
        if d.type in TARGET_IS_PLACE and location is None:
            target = next((r for r in recipients if r.kind in ("state", "capital", "region")), None)
            location = Place(target.text, target.code, target.span) if target else None  # as the rules read it
        if d.type == "MOBILIZE" and not recipients and location is None and self._home.search(inp.text):
            location = own_soil(actors)
        trig = self._triggers.get(d.type)
        hit = trig.search(inp.text) if trig else None
        trigger = Span(inp.span.start + hit.start(), inp.span.start + hit.end()) if hit else inp.span
        return Mention(
            article_id=article.id, type=d.type, sentence=inp.text, span=inp.span, trigger=trigger, mode=mode,
            actors=actors, recipients=recipients, location=location,
            time=TimeValue(when[1].text, when[1].date, when[1].precision, when[1].span) if when else None,
            quantity=_quantity(fig[1]) if fig and d.type in DEPLOYMENT_TYPES | {"AID"} else None,
            status=d.status, confidence=round(d.probability, 3))


def _decidable(inp: SentenceInput, ruled: list[Mention]) -> bool:
    """Whether the model is asked about a sentence: it names an entity that could act (no mention is
    made without an actor), or a rule mention lies in it (the model confirms or drops it)."""
    return any(c.kind == "entity" for c in inp.candidates) or any(
        inp.span.start <= m.trigger.start < inp.span.end for m in ruled)


def _repair(ruled: list[Mention], inp: SentenceInput, d: Decision, owned: re.Pattern | None = None) -> None:
    """Each confirmed rule mention in `ruled` keeps its parsed arguments except where the model reads the
    sentence otherwise (measured on dev and dev2: deployments F1 +0.07 / +0.05):
    - actors: the model names actors in the sentence (or, naming none there, in the sentence before),
      none of the parsed ones, and gives the parsed ones no actor role (the reporter taken for the
      actor: "Ukrainian officials say Russian troops ..."); the model's actors replace them, and a
      home soil read from the parsed ones moves with them;
    - a deployment the parse found no destination for takes the recipients and location the model
      names in the sentence ("troops are on their way to Poland"), other events (talks aside: their
      parties are actors) the recipients (dev recipients slot 0.741 -> 0.778);
    An actor the parse took from outside the sentence (a pronoun, the sentence before) is kept unless
    the model is sure (`SURE`) of actors inside it; the model's actors never replace the parsed ones with
    the target the parse found ("Germany has been criticised": Germany is criticised, it criticises no one),
    nor a deployment's parsed actors that name the forces' owner on the forces' noun ("US troops")."""
    roles = _one_role_each(d.roles, inp)
    inside = [(i, c) for i, c in enumerate(inp.candidates) if c.kind == "entity" and inp.in_sentence[i]]
    before = [(i, c) for i, c in enumerate(inp.candidates) if c.kind == "entity" and not inp.in_sentence[i]]
    theirs = _entities(inside, roles, 0) or _entities(before, roles, 0)
    for m in ruled:
        parsed = set(m.actor_codes)
        target = set() if m.type in DEPLOYMENT_TYPES else set(m.recipient_codes)  # the parse's target acts not
        model = [e for e in theirs if e.code not in target]
        if model and not parsed & {e.code for e in model} and not _subject_next_to_trigger(m) \
                and not (m.type in DEPLOYMENT_TYPES and owned is not None and _owners_of_forces(m, owned)):
            said = [float(d.roles[i, 0]) for i, c in inside if parsed & set(c.codes) and not np.isnan(d.roles[i, 0])]
            sure = [e for e in _entities(inside, roles, 0, SURE) if e.code not in target]
            if said and max(said) < ROLE_THRESHOLD:
                _own_soil_follows(m, model)
                m.actors = model
            elif not said and sure:
                _own_soil_follows(m, sure)
                m.actors = sure
        if m.type not in DEPLOYMENT_TYPES and not m.recipients and m.type != "CONSULT":
            codes = set(m.actor_codes)
            m.recipients = [e for e in _entities(inside, roles, 1) if e.code not in codes]
        if m.type in DEPLOYMENT_TYPES and not m.recipients and m.location is None:
            codes = set(m.actor_codes)
            where = _destinations(inp, inside)
            m.recipients = [e for e in _entities(where, roles, 1) if e.code not in codes]
            loc = _best(where, roles, 2, ROLE_THRESHOLD)
            m.location = _place(loc[1]) if loc else None
            if not m.recipients and m.location is None:
                m.location = _home_soil(where, d.roles, m.actor_codes)


ORIGIN = re.compile(r"\b(?:from|out of)\s+(?:the\s+)?$", re.IGNORECASE)  # "20 helicopters from Germany"
BASED = re.compile(r"\b(?:stationed|based|garrisoned)\s+(?:in|at)\s+(?:the\s+)?$", re.IGNORECASE)
# "amid a standoff with the West over Ukraine": the state a dispute is about is no destination
DISPUTED = re.compile(r"\b(?:stand-?off|tensions?|crisis|conflict|dispute|row|showdown|confrontation)\b[^.;:]{0,40}?"
                      r"\b(?:over|about|around)\s+(?:the\s+)?$", re.IGNORECASE)
ONWARD = re.compile(r"\b(?:to|into)\s+(?:the\s+)?$", re.IGNORECASE)


def _subject_next_to_trigger(m: Mention) -> bool:
    """The parsed actor stands right before the trigger ("as Russia has massed troops"): the parse is
    surest there, and the model's roles, one set per type and sentence, may belong to another event of
    the sentence ("the administration wants to send units, as Russia has massed troops")."""
    start = m.trigger.start - m.span.start
    return any(0 <= start - (a.span.end - m.span.start) <= NEXT_TO for a in m.actors if m.span.start <= a.span.start)


def _owners_of_forces(m: Mention, owned: re.Pattern) -> bool:
    """A parsed actor is the owner named on the forces' noun ("the presence of US and NATO troops",
    "Russian units"; `owned`: `Resources.owned_forces`): the forces say whose they are, whoever else the
    sentence names (the one worried by them, the ministry that reports them)."""
    for a in m.actors:
        end = a.span.end - m.span.start
        if 0 < end <= len(m.sentence) and owned.match(m.sentence, end):
            return True
    return False


def _destinations(inp: SentenceInput, inside: list[tuple[int, Candidate]]) -> list[tuple[int, Candidate]]:
    """The sentence's entities that may be where forces go: not the place they come from, nor what a
    dispute is about ("a standoff over Ukraine"), nor, when they go somewhere ("to the Baltics"), where
    they are based ("800 troops stationed in Italy")."""
    def before(c: Candidate, n: int = 20) -> str:
        return inp.text[max(0, c.span.start - inp.span.start - n):c.span.start - inp.span.start]

    out = [(i, c) for i, c in inside if not ORIGIN.search(before(c)) and not DISPUTED.search(before(c, 70))]
    if any(ONWARD.search(before(c)) for _, c in out):
        out = [(i, c) for i, c in out if not BASED.search(before(c))]
    return out


def _home_soil(inside: list[tuple[int, Candidate]], roles: np.ndarray, actors: list[str]) -> Place | None:
    """A deployment with no destination whose actor the model also reads as its location (before one
    role each is kept): the forces are on the actor's own soil ("Bulgaria is forming a battlegroup"). `inside`
    are the sentence's possible destinations: not where the forces come from ("travelling from Russia")."""
    own = [(float(roles[i, 2]), i, c) for i, c in inside if set(c.codes) & set(actors) and len(c.codes) == 1
           and len(c.codes[0]) == 3 and c.codes[0].isupper() and not np.isnan(roles[i, 2])]
    best = max(own, key=lambda s: (s[0], -s[1]), default=None)
    return Place(best[2].text, best[2].codes[0], best[2].span, None, None, None) if best and best[0] >= ROLE_THRESHOLD else None


def _own_soil_follows(m: Mention, actors: list[Entity]) -> None:
    """A build-up "near the border" is placed on its actor's own soil (`deployment_location`): when the
    actors are repaired, a location read from the old actors moves to the new ones' country."""
    if m.location is None or m.location.span not in {a.span for a in m.actors}:
        return
    own = [a for a in actors if len(a.code) == 3 and a.code.isupper()]
    m.location = Place(own[0].text, own[0].code, own[0].span, None, None, None) if own else None


@contextmanager
def set_model_dir(path: str | Path):
    """Use the model in `path` (for this process and the workers it starts) while inside."""
    before = os.environ.get(MODEL_ENV)
    os.environ[MODEL_ENV] = str(path)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(MODEL_ENV, None)
        else:
            os.environ[MODEL_ENV] = before


def _corefer(mentions: list[Mention]) -> list[Mention]:
    """Within one article, a mention that restates an earlier one (same type and mode, actors that
    overlap, places of which one set holds the other, no other figure) takes that mention's parties and place,
    so that the merge stage makes them one event; the article states it once, in more words."""
    for k, m in enumerate(mentions):
        for prev in reversed(mentions[:k]):
            if _restates(m, prev):
                m.actors, m.recipients = list(prev.actors), list(prev.recipients) or m.recipients
                m.location = prev.location or m.location
                break
    return mentions


def _stage_of_restated(mentions: list[Mention], made: list[Mention]) -> list[Mention]:
    """A mention the model made alone that restates one the rules parsed in the article (same type, actors,
    places) takes that mention's status: the parse reads the stage from the sentence's own cues ("could",
    "if", "fears of"), the model's status head from the sentence as a whole; one event, one stage (the
    most confident parsed restatement's)."""
    own = {id(m) for m in made}
    for m in made:
        if m.type not in SPECULATIVE_TYPES:
            continue
        parsed = [p for p in mentions if id(p) not in own and (_restates(m, p) or _restates(p, m))]
        if parsed:
            m.status = max(parsed, key=lambda p: p.confidence).status
    for m in mentions:
        # "fears of invasion ... if Russia invades": the article weighs the attack (considered); the condition
        # restates it (one event, its most specific stage); an article that only says "if" keeps hypothetical
        if m.type in SPECULATIVE_TYPES and m.status == "hypothetical" and any(
                p.status == "considered" and p is not m and (_restates(m, p) or _restates(p, m)) for p in mentions):
            m.status = "considered"
    return mentions


def _restates(m: Mention, prev: Mention) -> bool:
    if m.type != prev.type or (m.mode and prev.mode and m.mode != prev.mode):
        return False
    if m.span == prev.span:
        return False  # two mentions of one sentence are two events (docs/CONVENTIONS.md, Merge)
    if not set(m.actor_codes) & set(prev.actor_codes):
        return False
    here = set(m.recipient_codes) | ({m.location.country} if m.location else set())
    there = set(prev.recipient_codes) | ({prev.location.country} if prev.location else set())
    if here and there and not (here <= there or there <= here):
        return False  # "5,000 to Poland and Romania" does not restate "5,000 in the Baltics and Poland"
    if m.quantity and prev.quantity and (m.quantity.min, m.quantity.max) != (prev.quantity.min, prev.quantity.max):
        return False
    return True


def _one_role_each(roles: np.ndarray, inp: SentenceInput) -> np.ndarray:
    """An entity plays one part: keep only its likeliest of actor, recipient and location (a host
    named as both recipient and location keeps both)."""
    out = roles.copy()
    for i, c in enumerate(inp.candidates):
        if c.kind != "entity" or np.isnan(roles[i, 0]):
            continue
        if roles[i, 0] >= max(roles[i, 1], roles[i, 2]):
            out[i, 1:3] = 0.0
        else:
            out[i, 0] = 0.0
    return out


def _best(items: list[tuple[int, Candidate]], roles: np.ndarray, k: int, th: float):
    scored = [(float(roles[i, k]), i, c) for i, c in items if not np.isnan(roles[i, k]) and roles[i, k] >= th]
    if not scored:
        return None
    p, i, c = max(scored, key=lambda s: (s[0], -s[1]))
    return i, c


def _entities(items: list[tuple[int, Candidate]], roles: np.ndarray, k: int, th: float = ROLE_THRESHOLD) -> list[Entity]:
    out: list[Entity] = []
    for i, c in items:
        if not np.isnan(roles[i, k]) and roles[i, k] >= th:
            out.extend(e for e in _to_entities(c) if e.code not in {o.code for o in out})
    return out


def _to_entities(c: Candidate) -> list[Entity]:
    kind = "state" if c.entity_kind == "place" else (c.entity_kind or "state")
    return [Entity(c.text, code, c.span, kind) for code in c.codes]


def _place(c: Candidate) -> Place:
    if c.place is not None and c.entity_kind == "place":
        return Place(c.text, c.place.country, c.span, c.place.name, c.place.lat, c.place.lon)
    return Place(c.text, c.codes[0] if c.codes else None, c.span)


def _quantity(c: Candidate) -> Quantity:
    return Quantity(c.text, c.qmin, c.qmax, c.approx, c.unit, c.span)

