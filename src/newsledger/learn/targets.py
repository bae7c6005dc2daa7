"""Training targets: what the model should say about each sentence input, from our labels.

A sentence holds an event of type T when one of the event's anchors (the main one or a
restatement) lies in it. Its status and mode come from that event; each candidate's roles from the
event's codes (an entity naming an actor's code is an actor, …), figures and dates from equal
values. PLOVER sentences give types and actor/target spans only (no status, mode or location).
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass

import numpy as np

from ..labels import LabelEvent, LabelText
from ..model import PLOVER_TYPES, STATUSES, Article, Span
from .features import ROLE_MASK, ROLES, Candidate, Resources, SentenceInput, article_inputs

MODES: tuple[str, ...] = ("troops", "aircraft", "naval", "air_defense", "armor", "equipment", "mixed",
                          "meeting", "phone", "visit", "multilateral", "military", "economic", "humanitarian")
TYPE_INDEX = {t: i for i, t in enumerate(PLOVER_TYPES)}
STATUS_INDEX = {s: i for i, s in enumerate(STATUSES)}
MODE_INDEX = {m: i for i, m in enumerate(MODES)}
_LOCATED = {"state", "place", "capital", "region"}


@dataclass(slots=True)
class Example:
    inp: SentenceInput
    types: np.ndarray  # (16,) 0/1
    type_known: bool  # False: only `types` positives are known (PLOVER sentences: one type each)
    status: np.ndarray  # (16,) index or -1
    mode: np.ndarray  # (16,) index or -1
    roles: np.ndarray  # (C, 16, 5) 0/1
    role_mask: np.ndarray  # (C, 16, 5) 0/1: which role targets count
    weight: float = 1.0


def _inside(span: Span, pos: tuple[int, int]) -> bool:
    return span.start <= pos[0] < span.end


def _roles(c: Candidate, ev: LabelEvent) -> tuple[list[int], list[int]]:
    mask = list(ROLE_MASK[c.kind])
    if c.kind == "entity":
        codes = set(c.codes)
        loc = int(ev.location is not None and ev.location in codes and (c.entity_kind in _LOCATED))
        return [int(bool(codes & set(ev.actors))), int(bool(codes & set(ev.recipients))), loc, 0, 0], mask
    if c.kind == "figure":
        return [0, 0, 0, int(ev.has_quantity and (c.qmin, c.qmax) == (ev.qmin, ev.qmax)), 0], mask
    ok = ev.date is not None and c.date == dt.date.fromisoformat(ev.date) and c.precision == ev.date_precision
    return [0, 0, 0, 0, int(ok)], mask


def label_examples(res: Resources, article: Article, label: LabelText, keep_negatives: int = 100) -> list[Example]:
    """One example per sentence input of a labelled article (`keep_negatives` percent of the sentences
    that hold no event and no labelled non-event)."""
    inputs = article_inputs(res, article, limit=label.chars, every_sentence=True)
    nonevent_spans = label.nonevents
    out = []
    for inp in inputs:
        events: dict[str, LabelEvent] = {}
        for ev in label.events:
            if any(_inside(inp.span, a) for a in ev.anchors):
                events.setdefault(ev.type, ev)  # the first event of a type in the sentence
        hard = any(_inside(inp.span, n) for n in nonevent_spans)
        if not events and not hard and not _plausible(res, inp):
            continue  # an easy negative (no party, no forces): the model never sees these either
        if not events and not hard and zlib.crc32(f"{label.file}:{inp.index}".encode()) % 100 >= keep_negatives:
            continue  # a seeded share of the plain negatives keeps training time in bounds
        out.append(_example(inp, events, weight=2.0 if hard and not events else 1.0))
    return out


def _plausible(res: Resources, inp: SentenceInput) -> bool:
    from .features import worth_reading

    return worth_reading(res, inp.text, [c for c, s in zip(inp.candidates, inp.in_sentence) if s])


def _example(inp: SentenceInput, events: dict[str, LabelEvent], weight: float = 1.0) -> Example:
    n_types, n_c = len(PLOVER_TYPES), len(inp.candidates)
    types = np.zeros(n_types, dtype=np.float32)
    status = np.full(n_types, -1, dtype=np.int64)
    mode = np.full(n_types, -1, dtype=np.int64)
    roles = np.zeros((n_c, n_types, len(ROLES)), dtype=np.float32)
    mask = np.zeros((n_c, n_types, len(ROLES)), dtype=np.float32)
    for t, ev in events.items():
        ti = TYPE_INDEX[t]
        types[ti] = 1
        status[ti] = STATUS_INDEX.get(ev.status or "", -1)
        mode[ti] = MODE_INDEX.get(ev.mode or "", -1)
        for ci, c in enumerate(inp.candidates):
            r, m = _roles(c, ev)
            roles[ci, ti], mask[ci, ti] = r, m
    return Example(inp, types, True, status, mode, roles, mask, weight)


def plover_example(res: Resources, sid: str, sentence: str, ptype: str, source: str, target: str) -> Example | None:
    """A PLOVER sentence: its one type, and its source/target spans as actor/recipient roles."""
    if ptype not in TYPE_INDEX:
        return None
    art = Article(id=f"plover:{sid}", source="plover", text=sentence)
    inputs = article_inputs(res, art, every_sentence=True)
    if not inputs:
        return None
    inp = max(inputs, key=lambda i: i.span.end - i.span.start)
    ex = _example(inp, {})
    ti = TYPE_INDEX[ptype]
    ex.types[ti] = 1
    ex.type_known = False
    for ci, c in enumerate(inp.candidates):
        if c.kind != "entity":
            continue
        words = sentence[c.span.start:c.span.end]
        ex.roles[ci, ti, 0] = float(bool(source) and words in source)
        ex.roles[ci, ti, 1] = float(bool(target) and words in target)
        ex.role_mask[ci, ti, :2] = 1
    return ex
