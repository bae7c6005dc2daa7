"""Counting like an analyst: for each (sender, host, asset) of a layer, the figure in force is the latest
reported total plus the increments reported after it; pledged, under way and arrived stay separate columns.

A line restates the total in force unless its evidence marks it as an increment ("3,000 more",
"an additional 350"); "bringing the total to 10,500" sets the total to that figure, and a total at a stage
absorbs what earlier reports had at that stage or before it when it is at least as large (the 1,700 and
3,000 that later arrived are in the 10,500). A figure reported at a later stage that an earlier stage holds
is that contingent moving on (pledged 3,000, then 3,000 under way); one at an earlier stage that a later
stage already holds is a restatement and adds nothing. A figure shared with other hosts ("5,000 to Poland and Romania") bounds the host's figure from
above: it counts from what was known for the host alone (or 0) up to the shared figure.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from .extract.quantities import NUM, parse_number
from .posture_rules import Cues

STAGES = {"announced": "pledged", "underway": "underway", "completed": "arrived"}
_ORDER = ("pledged", "underway", "arrived")


@dataclass(slots=True)
class Range:
    min: int = 0
    max: int | None = 0  # None: open-ended

    def add(self, other: Range) -> None:
        self.min += other.min
        self.max = None if self.max is None or other.max is None else self.max + other.max


@dataclass(slots=True)
class Total:
    mode: str
    min: int
    max: int | None  # None: open-ended ("more than 100,000")
    uncertain: bool
    layer: str = "reinforcement"
    pledged: Range = field(default_factory=Range)
    underway: Range = field(default_factory=Range)
    arrived: Range = field(default_factory=Range)


@dataclass(frozen=True, slots=True)
class Counting:
    """How a line's figure counts: restating the total in force, adding to it, or (total_after) setting it."""
    increment: bool = False
    total_after: int | None = None


def counting_of(evidence: str, cues: Cues) -> Counting:
    text = evidence.lower()
    for cue in cues.total_after:
        m = re.search(re.escape(cue) + rf"\s+(?:some |about |around |nearly )?({NUM})", text)
        if m:
            try:
                return Counting(False, parse_number(m.group(1)))
            except Exception:  # noqa: BLE001 - an unreadable number is no total
                pass
    if any(c in text for c in cues.includes):
        return Counting(False, None)
    plain = text.replace("more than", "")
    return Counting(any(re.search(rf"\b{re.escape(c)}\b", plain) for c in cues.increment), None)


def totals(lines) -> list[Total]:
    """Totals per layer and mode of the lines in force (announced, under way, completed). Each line needs
    senders, mode, layer, min, max, approx, status, shared_with, last_reported, event_id, increment and
    total_after."""
    chains: dict[tuple, list] = defaultdict(list)
    for l in lines:
        if l.status in STAGES and (l.min is not None or l.max is not None or l.total_after is not None):
            chains[(tuple(l.senders), l.mode, l.layer)].append(l)
    out: dict[tuple[str, str], Total] = {}
    for (_senders, mode, layer), chain in sorted(chains.items()):
        state, uncertain = _in_force(chain)
        t = out.setdefault((layer, mode), Total(mode, 0, 0, False, layer))
        for stage in _ORDER:
            getattr(t, stage).add(state[stage])
        t.uncertain = t.uncertain or uncertain
    for t in out.values():
        whole = Range()
        for stage in _ORDER:
            whole.add(getattr(t, stage))
        t.min, t.max = whole.min, whole.max
        t.uncertain = t.uncertain or t.min != t.max
    return [out[k] for k in sorted(out)]


def _in_force(chain) -> tuple[dict[str, Range], bool]:
    state = {s: Range() for s in _ORDER}
    uncertain = False
    for l in sorted(chain, key=lambda l: (l.last_reported or dt.date.min, l.event_id)):
        stage = STAGES[l.status]
        uncertain = uncertain or l.approx or bool(l.shared_with)
        if l.total_after is not None:  # "bringing the total to N": everything in force, at every stage
            state = {s: Range() for s in _ORDER}
            state[stage] = Range(l.total_after, l.total_after)
            continue
        fig = Range(0 if l.shared_with or l.min is None else l.min, l.max)
        later = _ORDER[_ORDER.index(stage) + 1:]
        if fig.min and any(state[s].min >= fig.min for s in later):
            continue  # a contingent already reported further along ("1,700 to be sent" after they arrived)
        _moved_on(state, stage, fig)
        if l.increment:
            state[stage].add(fig)
            continue
        if l.shared_with:
            known = state[stage]
            fig = Range(min(known.min, fig.max) if fig.max is not None else known.min, fig.max)
        upto = _ORDER[:_ORDER.index(stage) + 1]
        if fig.min >= sum(state[s].min for s in upto):
            for earlier in upto[:-1]:
                state[earlier] = Range()  # absorbed: they are in the total reported at a later stage
        state[stage] = fig
    return state, uncertain


def _moved_on(state: dict[str, Range], stage: str, fig: Range) -> None:
    """The same figure at an earlier stage is the contingent moving on (pledged 3,000, then 3,000 under way)."""
    if not fig.min:
        return
    for earlier in _ORDER[:_ORDER.index(stage)]:
        r = state[earlier]
        if r.min >= fig.min and r.max is not None and fig.max is not None and r.max >= fig.max:
            state[earlier] = Range(r.min - fig.min, r.max - fig.max)
            return


__all__ = ["Counting", "Range", "STAGES", "Total", "counting_of", "totals"]
