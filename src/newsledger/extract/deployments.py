"""Deployments split into contingents: one per asset class with its own figure, and one per destination
with its own figure ("three of the tankers to Latvia, three to Poland"), each with its destination
(docs/CONVENTIONS.md: separate destinations with their own figures are separate mentions)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Token

from ..model import Entity, Place, Quantity, Span
from .arguments import (
    DEST_PREPS,
    QUANTIFIERS,
    Destination,
    SentenceContext,
    clause_of,
    destinations,
    refers_back,
)
from .gazetteer import PlaceIndex
from .lexicon import Asset
from .quantities import Figure, quantity_at, quantity_before

_PLACE_KINDS = ("state", "capital", "region", "group")


@dataclass(slots=True)
class Contingent:
    mode: str | None
    quantity: Quantity | None
    own: set[int] = field(default_factory=set)  # tokens of its own phrase (where its own destination is)
    recipients: list[Entity] = field(default_factory=list)
    location: Place | None = None
    somewhere: bool = False  # it has a destination, named or not ("in Europe", "near the border")
    formation: bool = False  # its figure counts formations (units, battalions), not soldiers


def contingents(ctx: SentenceContext, trigger: Token, assets, skip: set[int], actors: list[Entity],
                object_is_destination: bool, retreat: bool) -> list[Contingent]:
    """The contingents a deployment trigger moves, each with its recipients and location."""
    groups = _asset_groups(ctx, assets)
    shares = _shares(ctx, trigger, assets, groups)
    actor_codes = {a.code for a in actors}

    def place(g: Contingent, dest: Destination) -> None:
        g.recipients = [e for e in dest.entities if e.code not in actor_codes]
        g.location = deployment_location(dest, actors, ctx.places)
        g.recipients = g.recipients or host_of(g.location, actor_codes)
        g.somewhere = bool(dest.entities or dest.places or dest.border or dest.named)

    whole = destinations(ctx, trigger, skip, object_is_destination, retreat)
    if len(groups) + len(shares) <= 1:
        for g in groups:
            place(g, whole)
        return groups
    taken = set().union(*(g.own for g in groups + shares))
    shared = destinations(ctx, trigger, skip, object_is_destination, retreat, outside=taken)
    for g in groups + shares:
        own = destinations(ctx, trigger, skip, False, retreat, inside=g.own) if g.own else None
        place(g, own if own is not None and (own.entities or own.places) else shared)
    return groups + shares


def deployment_location(dest: Destination, actors: list[Entity], places: PlaceIndex) -> Place | None:
    states = [e for e in dest.entities if e.kind in ("state", "capital", "region")]
    senders = {a.code for a in actors}
    if any(e.code not in senders for e in dest.entities):  # "US troop levels in the Baltics": the host is not the US
        states = [e for e in states if e.code not in senders]
    named = {e.code for e in states} | {e.code for e in dest.entities if e.kind == "group"}
    for entry, span, text in dest.places:
        # a base in a named host ("Rzeszow, in Poland"), not a place elsewhere ("troops in the Baltics,
        # discussed at Camp David")
        if not named or entry.country in named:
            return Place(text, entry.country, span, entry.name, entry.lat, entry.lon)
    if len(states) == 1 and not dest.from_:
        e = states[0]
        return Place(e.text, e.code, e.span, None, None, None)
    if dest.border and not states:
        return _border_side(dest.border_states, actors, places)
    return None


def _border_side(named: list[Entity], actors: list[Entity], places: PlaceIndex) -> Place | None:
    """Which side of a border forces "near the border" are on: their own state's when it is one of the
    states the border phrase names or borders one of them ("Russian troops near Ukraine's border"),
    else the state whose border it is when the phrase says so ("US troops near Poland's border with
    Ukraine": in Poland); a far state's forces near a border of one state named alone stay unplaced."""
    home = own_soil(actors)
    codes = [e.code for e in named]
    if home is None or not codes or home.country in codes or any(places.borders(home.country, c) for c in codes):
        return home
    if len(set(codes)) >= 2:
        e = named[0]
        return Place(e.text, e.code, e.span, None, None, None)
    return None


def host_of(location: Place | None, senders: set[str]) -> list[Entity]:
    """The recipient a deployment's place gives when the text names none: the state it lies in, when that
    is not the sender's ("stationed in Crimea" -> UKR; docs/CONVENTIONS.md: the host state)."""
    if location is None or not location.country or location.country in senders:
        return []
    return [Entity(location.text, location.country, location.span, "region")]


def own_soil(actors: list[Entity]) -> Place | None:
    """Where a state's build-up is when no other place is named: its own territory (its first actor
    that is a state or speaks for one)."""
    own = [a for a in actors if a.kind in ("state", "demonym", "capital", "person", "institution")
           and len(a.code) == 3 and a.code.isupper() and a.code not in ("DPR", "LPR")]
    return Place(own[0].text, own[0].code, own[0].span, None, None, None) if own else None


def _figure(ctx: SentenceContext, asset: Asset, tok: Token, first: int) -> Figure | None:
    if not asset.countable:
        return None
    text = ctx.doc.text
    fig = quantity_before(text, ctx.doc[first].idx)
    if fig is None:  # a partitive: "three of the tankers"
        prep = tok.head
        if prep.dep_ == "prep" and prep.lower_ == "of" and prep.head.pos_ == "NUM" and prep.head.dep_ != "nummod":
            fig = _number_at(ctx, prep.head)
            if fig is not None and fig.max == 1:
                fig = None  # "one of the brigades" names a unit, not a count
    if fig is None:
        fig = _estimated_after(text, tok.idx + len(tok.text))
    if fig and fig.min is not None and fig.min == fig.max and 1900 <= fig.min <= 2100 and "," not in fig.text:
        return None  # a year, not a count
    return fig


# "forces, thought to be more than 100,000", "troops estimated at 90,000", "a force numbering 30,000"
_ESTIMATE = re.compile(r"\s*,?\s*(?:(?:(?:thought|estimated|believed|said|reported|put)\s+(?:to\s+(?:be|number|total)"
                       r"|at))|numbering|totalling|totaling)\s+")


def _estimated_after(text: str, end: int) -> Figure | None:
    """A figure an estimate gives right after the forces' noun (the noun has none before it)."""
    est = _ESTIMATE.match(text, end)
    return quantity_at(text, est.end()) if est else None


def _number_at(ctx: SentenceContext, num: Token) -> Figure | None:
    """The figure a bare number token states ('about 200', 'two')."""
    end = num.idx + len(num.text)
    return quantity_before(ctx.doc.text[:end] + " ", end + 1)


def _quantity(ctx: SentenceContext, fig: Figure, unit: str) -> Quantity:
    return Quantity(fig.text, fig.min, fig.max, fig.approx, unit, Span(fig.start + ctx.offset, fig.end + ctx.offset))


def _asset_groups(ctx: SentenceContext, assets) -> list[Contingent]:
    """One contingent per asset class with its own figure; classes without figures merge."""
    if not assets:
        return [Contingent(None, None)]
    groups: list[Contingent] = []
    unfigured: list[tuple[Token, Asset]] = []
    for tok, asset, first, _last in assets:
        fig = _figure(ctx, asset, tok, first)
        if fig:
            groups.append(Contingent(asset.mode, _quantity(ctx, fig, asset.unit), {t.i for t in tok.subtree},
                                     formation=asset.formation))
        else:
            unfigured.append((tok, asset))
    if len(groups) > 1:
        groups = _personnel_over_formations(groups)
    if len(groups) > 1:
        # nested phrases ("a squadron of 12 bombers"): a contingent's own tokens are not another's
        for g in groups:
            inner = set().union(*(h.own for h in groups if h is not g and h.own < g.own))
            g.own -= inner
        return groups
    modes = {a.mode for _, a in unfigured} | {g.mode for g in groups}
    if not groups:
        return [Contingent(unfigured[0][1].mode if len(modes) == 1 else "mixed", None)]
    for g in groups:
        g.own = set()  # a single contingent goes wherever the sentence sends it
    return groups


def _personnel_over_formations(groups: list[Contingent]) -> list[Contingent]:
    """'four units with some 5,000 troops', 'a battalion of 800 soldiers': beside a count of formations,
    a figure of soldiers (the same class) is the contingent; the count of formations goes."""
    return [g for g in groups if not (g.formation and any(
        not h.formation and h.mode == g.mode for h in groups))]


def _shares(ctx: SentenceContext, trigger: Token, assets, groups: list[Contingent]) -> list[Contingent]:
    """Further shares named by a bare number with its own destination: '..., three to Poland, and two to
    Slovakia'. They take the class of the only figured contingent."""
    figured = [g for g in groups if g.quantity is not None]
    if len(figured) != 1:
        return []
    asset_tokens = {t for _tok, _a, first, last in assets for t in range(first, last + 1)}
    out = []
    for num in trigger.subtree:
        if num.pos_ != "NUM" or num.dep_ in ("nummod", "quantmod", "compound") or num.i in asset_tokens \
                or clause_of(num, trigger) != trigger:
            continue
        preps = [c for c in num.children if c.dep_ == "prep" and c.lower_ in DEST_PREPS]
        if not preps or not any(ctx.entities_in(p.subtree) for p in preps):
            continue
        fig = _number_at(ctx, num)
        if fig is None or fig.min is None and fig.max is None:
            continue
        own = {t.i for p in preps for t in p.subtree} | {num.i}
        out.append(Contingent(figured[0].mode, _quantity(ctx, fig, figured[0].quantity.unit), own))
    if out and not figured[0].own:
        figured[0].own = set()
    return out


_FORCES_PRONOUNS = frozenset({"they", "them", "these", "those"})
_VAGUE_WORDS = frozenset({"tens", "dozens", "hundreds", "thousands", "hundred", "thousand", "dozen"})


@dataclass(slots=True)
class StandIn:
    """Words that stand for forces named before: 'flying in hundreds more', 'they were shipped there'."""
    token: Token
    pronoun: bool  # 'they': the same forces (and sender) as the last deployment
    part: Contingent


def stand_in(ctx: SentenceContext, trigger: Token) -> StandIn | None:
    """A deployment verb without an asset noun whose subject or object stands for the forces of the
    article's last deployment: a bare figure ('900 already gathering there', within a few sentences)
    or, right after it, a pronoun that moves or is moved ('They were shipped there', 'they head to')."""
    last = ctx.deploy_last
    if last is None or last.mode is None:
        return None
    args = [c for c in trigger.children if c.dep_ in ("nsubj", "nsubjpass", "dobj")]
    if trigger.dep_ in ("acl", "relcl"):
        args.append(trigger.head)
    has_object = any(c.dep_ == "dobj" for c in trigger.children)
    for arg in args:
        fig = _bare_figure(ctx, arg)
        if fig is not None:
            unit = last.quantity.unit if last.quantity else _unit_of(ctx, last.mode)
            return StandIn(arg, False, Contingent(last.mode, _quantity(ctx, fig, unit)))
        moved = arg.dep_ == "nsubjpass" or arg.dep_ == "nsubj" and not has_object
        if moved and ctx.deploy_gap == 1 and (arg.lower_ in _FORCES_PRONOUNS or
                                              arg.lower_ in QUANTIFIERS and refers_back(arg)):
            return StandIn(arg, True, Contingent(last.mode, None))
    return None


def take_previous_place(ctx: SentenceContext, trigger: Token, part: Contingent) -> None:
    """'... were shipped there': the destination of the last deployment."""
    last = ctx.deploy_last
    if last is not None and not (part.recipients or part.location) and any(
            c.lower_ == "there" and c.dep_ == "advmod" for c in trigger.children):
        part.recipients, part.location, part.somewhere = list(last.recipients), last.location, True


def _bare_figure(ctx: SentenceContext, tok: Token) -> Figure | None:
    if tok.i in ctx.assets or any(c.dep_ == "prep" and c.lower_ == "of" and any(g.i in ctx.assets for g in c.subtree)
                                  for c in tok.children):
        return None
    words = [t for t in tok.subtree if t.pos_ == "NUM" or t.lower_ in _VAGUE_WORDS]
    if not words or not (tok.pos_ == "NUM" or tok.lower_ in _VAGUE_WORDS or tok.lower_ in ("more", "others")):
        return None
    fig = _number_at(ctx, max(words, key=lambda t: t.i))
    if fig is None or fig.min is not None and fig.min == fig.max and 1900 <= fig.min <= 2100:
        return None
    return fig


def _unit_of(ctx: SentenceContext, mode: str) -> str:
    return next((a.unit for a in ctx.lexicon.assets.values() if a.mode == mode and not a.aid), "troops")
