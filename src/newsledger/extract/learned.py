"""The learned extractor: rules find the candidates, the trained model decides.

Stage by stage (each field has one owner):
- `learn.features` (rules): sentences, their context, candidate spans with normalised values —
  entity codes and places with coordinates (gazetteers), figures (quantities), dates (timex);
- `learn.model` (learned): per sentence the event types; per type the status and mode; per candidate
  its roles (actor, recipient, location, figure, date);
- `_mention` here: turns one decision into a Mention — the fields are copied from the candidates
  the model chose, never re-derived.
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

MODEL_ENV = "NEWSLEDGER_MODEL"  # a trained model's folder to use instead of the shipped one
ROLE_THRESHOLD = 0.5
TYPE_MODES = {"MOBILIZE": ("troops", "aircraft", "naval", "air_defense", "armor", "equipment", "mixed"),
              "RETREAT": ("troops", "aircraft", "naval", "air_defense", "armor", "equipment", "mixed"),
              "CONSULT": ("meeting", "phone", "visit", "multilateral"),
              "AID": ("military", "economic", "humanitarian")}


class LearnedExtractor:
    """Article(s) in, mentions out — the same interface as the rule extractor."""

    name = "learned"

    def __init__(self, model_dir: str | Path | None = None, *, threads: int = 1):
        self.res = Resources()
        self.model = LearnedModel(model_dir or os.environ.get(MODEL_ENV) or None, threads=threads)

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

    def extract(self, articles: Iterable[Article], batch_size: int = 32) -> Iterator[tuple[str, list[Mention]]]:
        for article in articles:
            inputs = article_inputs(self.res, article)
            decisions = self.model.decide(inputs, batch_size=batch_size) if inputs else []
            mentions = [m for inp, ds in zip(inputs, decisions) for d in ds
                        if (m := self._mention(article, inp, d)) is not None]
            yield article.id, mentions

    def _mention(self, article: Article, inp: SentenceInput, d: Decision) -> Mention | None:
        roles = d.roles
        ents = [(i, c) for i, c in enumerate(inp.candidates) if c.kind == "entity"]
        actors = _entities(ents, roles, 0)
        if not actors:  # the most likely actor, if the model leans that way at all
            best = _best(ents, roles, 0, 0.25)
            actors = _to_entities(best[1]) if best else []
        if not actors:
            return None
        codes = {e.code for e in actors}
        recipients = [e for e in _entities(ents, roles, 1) if e.code not in codes]
        loc = _best(ents, roles, 2, ROLE_THRESHOLD)
        fig = _best([(i, c) for i, c in enumerate(inp.candidates) if c.kind == "figure"], roles, 3, ROLE_THRESHOLD)
        when = _best([(i, c) for i, c in enumerate(inp.candidates) if c.kind == "time"], roles, 4, ROLE_THRESHOLD)
        mode = None
        if d.type in TYPE_MODES:
            mode = max(TYPE_MODES[d.type], key=lambda m: d.mode_probs.get(m, 0.0))
        trig = self._triggers.get(d.type)
        hit = trig.search(inp.text) if trig else None
        trigger = Span(inp.span.start + hit.start(), inp.span.start + hit.end()) if hit else inp.span
        return Mention(
            article_id=article.id, type=d.type, sentence=inp.text, span=inp.span, trigger=trigger, mode=mode,
            actors=actors, recipients=recipients, location=_place(loc[1]) if loc else None,
            time=TimeValue(when[1].text, when[1].date, when[1].precision, when[1].span) if when else None,
            quantity=_quantity(fig[1]) if fig and d.type in DEPLOYMENT_TYPES | {"AID"} else None,
            status=d.status, confidence=round(d.probability, 3))


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


def _best(items: list[tuple[int, Candidate]], roles: np.ndarray, k: int, th: float):
    scored = [(float(roles[i, k]), i, c) for i, c in items if not np.isnan(roles[i, k]) and roles[i, k] >= th]
    if not scored:
        return None
    p, i, c = max(scored, key=lambda s: (s[0], -s[1]))
    return i, c


def _entities(items: list[tuple[int, Candidate]], roles: np.ndarray, k: int) -> list[Entity]:
    out: list[Entity] = []
    for i, c in items:
        if not np.isnan(roles[i, k]) and roles[i, k] >= ROLE_THRESHOLD:
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
