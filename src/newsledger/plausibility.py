"""Plausibility and layer of a deployment line: the posture stage's judgement of one (event, host).

A line is plausible when it has a sender, a host that is plausible for every sender (the sender itself,
an ally on the day it was reported, a theatre where the sender operates, or one the evidence names) and
a figure within what its senders could move (data/plausibility.yaml). What fails goes to the review list
with the reason. A plausible line is in one layer: `readiness` (forces put on alert or standby: not
received anywhere), `buildup` (forces massed on a border or in a staging ally: Russia in Belarus, near
Ukraine) or `reinforcement` (forces a host receives).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .posture_rules import Rules, load_rules

LAYERS = ("reinforcement", "buildup", "readiness")


@dataclass(frozen=True, slots=True)
class Verdict:
    layer: str
    review: str  # '' when plausible, else why not ("no sender", "host implausible: ...", "figure over ceiling: ...")


def judge(host: str, senders: list[str], figure: int | None, unit: str | None, on: dt.date | None,
          evidence: str, rules: Rules | None = None, figure_text: tuple[str, ...] = ()) -> Verdict:
    """The layer of a deployment line from `senders` to `host` of `figure` `unit` reported `on`, and why
    it goes to review (if it does), read from the evidence sentence. With `figure_text` (the ways the figure
    may be written: figure_words), readiness cues count only near it ("8,500 troops on alert", not "... and French
    troops on standby" later in the sentence)."""
    rules = rules or load_rules()
    text = evidence.lower()
    on = on or dt.date.today()
    layer = _layer(rules, host, senders, on, text, _near(text, figure_text))
    if not senders:
        return Verdict(layer, "no sender")
    odd = [s for s in senders if not _host_plausible(rules, s, host, on, text)]
    if odd:
        return Verdict(layer, f"host implausible: {', '.join(odd)} has no alliance with, base or theatre in {host}")
    ceilings = [rules.ceiling(s, unit) for s in senders]
    if figure is not None and None not in ceilings and figure > sum(ceilings):
        return Verdict(layer, f"figure over ceiling: {figure:,} {unit or 'troops'} is more than "
                              f"{', '.join(senders)} could move ({sum(ceilings):,})")
    return Verdict(layer, "")


_CLAUSE_ENDS = ("; ", " while ", ", and ", ", with ", ", but ", " and is ", " and are ")


def figure_words(n: int | None) -> tuple[str, ...]:
    """How a figure may be written in the evidence: '8,500', '8500', 'two'."""
    if n is None:
        return ()
    from .extract.quantities import _UNITS

    words = tuple(w for w, v in _UNITS.items() if v == n and " " not in w)
    return (f"{n:,}", str(n), *words)


def _near(text: str, figures: tuple[str, ...]) -> str:
    """The clause of the sentence around the first of `figures` found (the first clause if none is)."""
    for fig in figures:
        m = re.search(rf"(?<![\w,]){re.escape(fig.lower())}(?![\w,])", text)
        if m:
            start = max([text.rfind(e, 0, m.start()) for e in _CLAUSE_ENDS] + [0])
            ends = [i for e in _CLAUSE_ENDS if (i := text.find(e, m.end())) >= 0]
            return text[start: min(ends, default=len(text))]
    ends = [i for e in _CLAUSE_ENDS if (i := text.find(e)) >= 0]
    return text[: min(ends, default=len(text))]


def _layer(rules: Rules, host: str, senders: list[str], on: dt.date, text: str, near: str) -> str:
    if any(c in near for c in rules.cues.readiness):
        return "readiness"
    if not senders:
        return "reinforcement"
    if all(s == host or _staging(rules, s, host, on) for s in senders):
        return "buildup"
    if any(c in text for c in rules.cues.border) and not any(_allied(rules, s, host, on) for s in senders):
        return "buildup"  # massed on another state's border: not received by it
    return "reinforcement"


def _allied(rules: Rules, sender: str, host: str, on: dt.date) -> bool:
    """Allies on `on`; an alliance as sender (NATO, EU) is 'allied' with its members."""
    for a in rules.alliances:
        if a.member(host, on) and (sender == a.name or a.member(sender, on)):
            return True
    return False


def _staging(rules: Rules, sender: str, host: str, on: dt.date) -> bool:
    return any(a.border_staging and a.member(sender, on) and a.member(host, on) for a in rules.alliances)


def _host_plausible(rules: Rules, sender: str, host: str, on: dt.date, text: str) -> bool:
    if sender == host or _allied(rules, sender, host, on):
        return True
    return any(host in t.hosts and ("*" in t.senders or sender in t.senders)
               and (not t.named or any(w in text for w in t.named)) for t in rules.theatres)


__all__ = ["LAYERS", "Verdict", "figure_words", "judge"]
