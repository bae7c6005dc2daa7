"""Event assembly: one trigger in a parsed sentence in, its mentions out, by named passes.

Each pass declares the draft fields it assigns (as spaCy components declare `assigns`) and may drop
the trigger by returning False; `build` runs them in the order of `PASSES`, and the last pass turns
the draft into mentions. A reader looks up which pass owns a field in `PASSES`;
tests/test_extract.py checks on real sentences that no pass writes a field it does not declare.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from spacy.tokens import Token

from ..model import DEPLOYMENT_TYPES, Entity, Mention, Place, Span, TimeValue
from .arguments import (
    BORDER_WORDS, DEST_PREPS, SentenceContext, actors_of_phrase, agent_of, asset_args, destinations, passive_subject, places_under,
    PRONOUNS, SAY_LEMMAS, phrase_tokens, possessor_actors, reason_tokens, subject_of, _dedupe,
)
from .deployments import Contingent, contingents, own_soil, stand_in, take_previous_place
from .lexicon import Trigger
from .speech import TOPIC_VERBS, _accused, _addressees, _governing_side, _governing_subjects, _objects, _partners, _span_tokens, _speaker, _under_lemma
from .status import JUDGE_LEMMAS, attribution_of, foretold_consequence, status_of
from .timex import Timex

SIDE_PREPS = frozenset({"for", "after", "before", "during", "following", "amid", "amidst", "despite", "since",
                        "against", "ahead"})
SPEECH_ACTS = frozenset({"REQUEST", "REJECT", "THREATEN", "ACCUSE", "PROTEST"})
KEEP_HYPOTHETICAL = frozenset({"MOBILIZE", "RETREAT", "SANCTION", "ASSAULT"})
SPECULATIVE = frozenset({"ASSAULT"})
TARGET_IS_PLACE = frozenset({"ASSAULT", "AID", "COERCE"})  # where it happens: in the target state
JOINT = frozenset({"AGREE", "COOPERATE"})  # their "with" party is a second actor, as in talks
MULTI_CONSULT = frozenset({"NATO-Russia Council", "Russia-NATO Council", "Permanent Council"})


@dataclass(slots=True)
class Candidate:
    token: Token
    trigger: Trigger


@dataclass(slots=True)
class Draft:
    """One trigger's event while the passes build it."""

    ctx: SentenceContext
    token: Token
    trigger: Trigger
    article_id: str
    published: dt.date | None
    timexes: list[Timex]
    kind: str
    assets: list = field(default_factory=list)
    standin: object | None = None
    actors: list[Entity] = field(default_factory=list)
    from_subject: bool = False
    discourse: bool = False
    said: object | None = None  # who the article says asserts it
    speaker: list[Entity] = field(default_factory=list)
    attribution: object | None = None
    status: str | None = None
    cue: Span | None = None
    claimed_against: list[Entity] = field(default_factory=list)
    denial: bool = False  # a REJECT read from a negated intent ("is not going to attack"): no recipient named
    mode: str | None = None
    parts: list[Contingent] = field(default_factory=list)
    recipients: list[Entity] = field(default_factory=list)
    location: Place | None = None
    time: TimeValue | None = None


@dataclass(frozen=True, slots=True)
class Pass:
    name: str
    assigns: tuple[str, ...]
    run: Callable[[Draft], bool]


def build(ctx: SentenceContext, cand: Candidate, article_id: str, published: dt.date | None,
          timexes: list[Timex]) -> list[Mention]:
    d = Draft(ctx, cand.token, cand.trigger, article_id, published, timexes, kind=cand.trigger.type,
              mode=cand.trigger.mode)
    for p in PASSES:
        if not p.run(d):
            return []
    return mentions_of(d)


# -- the passes, in order ------------------------------------------------------------------------
def assets_pass(d: Draft) -> bool:
    """What a deployment or aid trigger moves; an AID trigger whose assets are all aid becomes AID."""
    ctx, tok, trig, kind = d.ctx, d.token, d.trigger, d.kind
    assets = asset_args(ctx, tok) if kind in DEPLOYMENT_TYPES or trig.needs == "asset" or trig.aid else []
    if trig.moves_subject:
        subject = subject_of(tok)
        assets = [a for a in assets if subject is not None and a[0].i in {t.i for t in subject.subtree}]
    standin = stand_in(ctx, tok) if trig.needs == "asset" and not assets and kind in DEPLOYMENT_TYPES else None
    if trig.needs == "asset" and not assets and standin is None or _origin_only(ctx, tok, trig):
        return False
    if kind in DEPLOYMENT_TYPES and (_moved_by_civilians(ctx, tok) or _habitual(ctx, tok)):
        return False
    if kind in DEPLOYMENT_TYPES and tok.dep_ == "advcl" and any(
            c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in tok.children):
        return False  # "... will deploy forces if Russian troops cross the border": the condition is no event
    if assets and trig.aid and all(a[1].aid for a in assets):
        kind = trig.aid
    if kind in DEPLOYMENT_TYPES:
        # "will join the 1,700 troops that were already sent": those troops belong to "sent"
        owned = [a for a in assets if not a[1].aid and not _owned_elsewhere(ctx, a[0], tok)]
        if assets and not owned:
            return False  # "told 900 marines to be deployed to Norway", "bolstering a brigade sent there"
        assets = owned + _arms_beside(assets, owned)
    d.assets, d.standin, d.kind = assets, standin, kind
    return True


def actors_pass(d: Draft) -> bool:
    """Who acts: the subject or agent, else the speaker, a governing side or the article's last forces."""
    ctx, tok, kind = d.ctx, d.token, d.kind
    if d.standin is not None and d.standin.pronoun:
        actors, from_subject = list(ctx.deploy_last.actors), False  # "They were shipped there"
    else:
        actors, from_subject = _actors(ctx, tok, kind, d.assets)
    said = attribution_of(ctx, tok)
    speaker = _speaker(ctx, said)
    att = said if kind not in SPEECH_ACTS else None  # (a speech act's speaker is its actor, not its source)
    passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in tok.children)
    if not actors and kind in DEPLOYMENT_TYPES and passive and att is not None and att.code \
            and not _host_of_the_forces(ctx, tok, speaker):
        # "Four F-16 jets will be sent to Lithuania, Denmark said": the speaker is the sender
        actors = list(speaker)
    if not actors and kind == "CONSULT" and tok.pos_ == "NOUN" and _partners(ctx, tok):
        # "Blinken said talks with Lavrov were frank", "... on a call with Zelensky, the White House
        # said": the other side is the one who reports the talks, or the governing clause's subject
        actors = _governing_side(ctx, tok, att, speaker)
    if not actors and kind == "SANCTION" and tok.pos_ == "NOUN" and ctx.entities_in(
            t for c in tok.children if c.dep_ == "prep" and c.lower_ in ("on", "against") for t in c.subtree):
        # "The measures include sanctions on two Russian banks, Biden said": the one who announces them
        actors = _governing_side(ctx, tok, att, speaker)
    if not actors and kind == "CONSULT" and d.trigger.needs == "none":
        actors = _dedupe(ctx.entities_in(ctx.doc))
    if not actors and kind in SPEECH_ACTS and said is not None and said.code:
        actors = list(speaker)  # "The US has said these demands are a non-starter": the speaker makes it
    discourse = False
    if not actors and kind in DEPLOYMENT_TYPES:
        actors = _unreported_party(ctx, tok, att)
    if not actors and kind in DEPLOYMENT_TYPES and (d.assets or d.standin or tok.pos_ == "NOUN") \
            and ctx.deploy_fallback:
        # "The convoy entered the country on Wednesday": the forces of the article's last deployment
        actors, discourse = list(ctx.deploy_fallback), True
    d.actors, d.from_subject, d.discourse, d.said, d.speaker, d.attribution = \
        actors, from_subject, discourse, said, speaker, att
    return bool(actors)


def _unreported_party(ctx: SentenceContext, tok: Token, att) -> list[Entity]:
    """A party named in the sentence outside the destinations ("at NATO headquarters, ministers ..."),
    nor where the forces come from ("flying 30 bombers from Spain"), nor the one who reports it
    ("Stoltenberg said the buildup was happening"), nor the subject of another clause, nor a party of a
    clause the deployment governs (its purpose: "repositioned to reassure our NATO allies")."""
    dest_tokens = {t.i for p in ctx.doc if p.dep_ in ("prep", "dative")
                   and p.lower_ in ("to", "into", "in", "toward", "towards", "from") for t in p.subtree}
    if att is not None:
        dest_tokens |= _span_tokens(ctx, att.span)
    dest_tokens |= {t.i for s in ctx.doc if s.dep_ in ("nsubj", "nsubjpass") and s.head.i != tok.i
                    for t in s.subtree}
    dest_tokens |= {t.i for c in tok.subtree if c.i != tok.i and c.pos_ in ("VERB", "AUX")
                    and c.dep_ in ("advcl", "xcomp", "conj", "ccomp", "relcl", "acl") for t in c.subtree}
    named = [ctx.entity(h, c) for i, h in sorted(ctx.hit_of_token.items()) if i not in dest_tokens
             and h.entry.kind in ("org", "institution", "person", "state") for c in h.entry.codes]
    return _dedupe(named[:1])


_NEGATION = re.compile(r"\b(?:not|cannot|never|no)\b|n't")


def status_pass(d: Draft) -> bool:
    """Where the event stands (status and its cue); a negated acceptance is a REJECT that happened, a
    threatened sanction a THREATEN (docs/CONVENTIONS.md: SANCTION is for sanctions imposed, decided or
    drawn up)."""
    ctx, tok, trig = d.ctx, d.token, d.trigger
    kind = d.kind
    negation_rejects = trig.pos == "PHRASE" and kind == "REJECT" and _NEGATION.search(trig.key) is not None
    if kind == "AGREE" and any(c.dep_ == "neg" for c in tok.children):
        kind, negation_rejects = "REJECT", True  # "cannot accept his terms"
    fixed = None if trig.status == "previous" else trig.status
    # the negation that makes the rejection is not a second one: "cannot accept" happened
    status, cue = status_of(ctx, tok, fixed, kind in SPEECH_ACTS, kind, own_negation=negation_rejects)
    if trig.status == "previous" and ctx.deploy_last is not None and status not in ("negated", "hypothetical"):
        status = ctx.deploy_last.status  # "The redeployments include ...": where the deployment stands
    if kind in SPECULATIVE and status in ("announced", "considered") and foretold_consequence(tok, ctx.lexicon.status):
        status = "hypothetical"  # "a Russian invasion would be horrific": what it would bring, if it happens
    elif kind in SPECULATIVE and status == "announced":
        # "fears that Russia would invade", "Russia plans to attack, US officials said": an attack foretold is
        # weighed by those who warn of it, not announced by the attacker (docs/CONVENTIONS.md: considered)
        status = "considered"
    if kind == "SANCTION" and (status == "hypothetical" or _under_lemma(tok, ctx.lexicon.threat_words, 4)):
        # "sanctions if Russia invades", "warned it would impose sanctions": a threat, made once said
        kind, status, cue = "THREATEN", "completed", None
    d.kind, d.status, d.cue = kind, status, cue
    if kind in SPEECH_ACTS and status == "negated":
        return False  # "we do not want a war", "has not accused": a speech act not made is no event
    return not (status == "hypothetical" and kind not in KEEP_HYPOTHETICAL)


def speaker_pass(d: Draft) -> bool:
    """Who is acted on when the sentence says it of someone: passive targets, threats made by the
    speaker, warnings of attack reported as claims; speculation about an attack is no event, and an attack
    its actor says it will not make is that actor's denial (REJECT)."""
    ctx, tok = d.ctx, d.token
    generic = tok.tag_ == "VBG" and tok.dep_ in ("csubj", "compound", "nsubj") and not any(
        c.dep_ in ("nsubj", "nsubjpass") for c in tok.children)
    warded_off = tok.dep_ == "dobj" and tok.head.lemma_.lower() in ctx.lexicon.deterring_verbs
    if d.kind in SPECULATIVE and (generic or warded_off or d.status != "considered"
                                  and _under_lemma(tok, ctx.lexicon.accusing_verbs)):
        # "Invading Ukraine would be a wound", "sent to deter an attack": no attack; "accusing Kiev of an attack on Russia": the ACCUSE
        # is the event; "accuse Russia of planning to invade" is the attack weighed (ASSAULT considered)
        return False
    passive_subj = next((c for c in tok.children if c.dep_ == "nsubjpass"), None)
    if d.kind not in DEPLOYMENT_TYPES | {"CONSULT", "AGREE", "COOPERATE"} and passive_subj is not None \
            and agent_of(tok) is None and {a.code for a in d.actors} <= {
                e.code for e in ctx.entities_in(passive_subj.subtree)}:
        # "Two Russian banks were also sanctioned": the subject is the target; the actor is the one named
        # before (the sentence's speaker, else the previous sentence's first actor), if any; a speech act's
        # only its speaker ("Germany has been criticised": by nobody the text names)
        before = d.speaker or (ctx.fallback if d.kind not in SPEECH_ACTS else [])
        d.claimed_against = d.actors
        d.actors = [e for e in before if e.code not in {a.code for a in d.claimed_against}]
        if not d.actors:
            return False
    if d.trigger.by_speaker:  # "Russia would pay a heavy price, Biden said": USA warns RUS
        verb = tok if tok.pos_ in ("VERB", "AUX") else _clause_verb(tok)  # "will bear the consequences": its own verb
        if d.speaker:
            d.claimed_against = [a for a in d.actors if a.code not in {e.code for e in d.speaker}]
            d.actors = list(d.speaker)
            if d.kind == "REQUEST" and not d.claimed_against:
                return False  # "We must defend our allies, Stoltenberg said": no demand of anyone else
        elif verb is not None and verb.lemma_ in ctx.lexicon.cost_verbs:
            return False  # "Russia will pay a heavy price", said by nobody named: no one to code as threatening
    past = tok.tag_ in ("VBD", "VBN") or any(c.dep_ in ("aux", "auxpass") and c.tag_ == "VBD" for c in tok.children)
    if d.kind in SPECULATIVE and d.status == "negated" and not past \
            and not _under_lemma(tok, ctx.lexicon.rejecting_verbs, 6) \
            and {e.code for e in d.speaker} <= {a.code for a in d.actors}:
        # "Moscow is not going to attack anyone", "there will be no war", said by the attacker-to-be: its
        # denial (a REJECT that happened; the accuser is not named here)
        d.kind, d.status, d.cue, d.denial = "REJECT", "completed", None, True
        return True
    # "Russia could invade at any time, Sullivan said" is the attacker's ASSAULT, considered, attributed to
    # the speaker (docs/CONVENTIONS.md); "denies planning an invasion" is the denier's REJECT, no attack
    return not (d.status == "negated" and d.kind in SPECULATIVE)


def parties_pass(d: Draft) -> bool:
    """To whom and where: per contingent for deployments; the other side of talks; the target otherwise."""
    ctx, tok, kind = d.ctx, d.token, d.kind
    actor_codes = {a.code for a in d.actors}
    subject_tokens = {t.i for a in d.actors for t in ctx.doc if ctx.hit_of_token.get(t.i) and
                      ctx.hit_of_token[t.i].start == a.span.start}
    d.parts = [Contingent(None, None)]
    if kind in DEPLOYMENT_TYPES:
        parts = contingents(ctx, tok, d.assets, subject_tokens, d.actors, d.trigger.object_is_destination,
                            retreat=kind == "RETREAT")
        if d.standin is not None:
            part = d.standin.part
            part.recipients, part.location, part.somewhere = parts[0].recipients, parts[0].location, parts[0].somewhere
            parts = [part]
        for part in parts:  # "... deployed there": where the article's last deployment went
            take_previous_place(ctx, tok, part)
            if d.trigger.home and not (part.somewhere or part.recipients or part.location):
                part.location = own_soil(d.actors)  # "Russia has massed troops": on its own soil
        d.parts = parts
        return not (d.trigger.needs_place and not any(p.somewhere for p in parts))
    if kind == "CONSULT":
        if not _consult_sides(d, subject_tokens):
            return False
    elif d.denial:
        d.recipients = []
    elif d.claimed_against:
        d.recipients = [e for e in d.claimed_against if e.code not in actor_codes]
    elif kind in SPEECH_ACTS:
        d.recipients = [e for e in _addressees(ctx, tok, kind) if e.code not in actor_codes]
    else:
        d.recipients = [e for e in _objects(ctx, tok) if e.code not in actor_codes]
        if kind in SPECULATIVE and not d.recipients and any(c.dep_ == "auxpass" for c in tok.children):
            target = passive_subject(tok) or subject_of(tok)  # "Ukraine was attacked by Russia"
            d.recipients = [e for e in actors_of_phrase(ctx, target) if e.code not in actor_codes] if target else []
    if kind in JOINT:  # "Blinken agreed with Lavrov that ...": an agreement reached together
        joint = ctx.entities_in(t for c in tok.children if c.dep_ == "prep" and c.lower_ == "with" for t in c.subtree)
        d.actors = _dedupe(d.actors + [e for e in joint if e.kind != "region"])
        d.recipients = [e for e in d.recipients if e.code not in {a.code for a in d.actors}]
    places = places_under(ctx, tok)
    if places:
        entry, span, text = places[0]
        d.location = Place(text, entry.country, span, entry.name, entry.lat, entry.lon)
    elif kind in TARGET_IS_PLACE or kind == "CONSULT" and d.mode == "visit" and len(d.recipients) == 1:
        target = next((r for r in d.recipients if r.kind in ("state", "capital", "region")), None)
        if target is not None:  # "invaded Ukraine", "supplying arms to Ukraine"
            d.location = Place(target.text, target.code, target.span)
    return True


def _consult_sides(d: Draft, subject_tokens: set[int]) -> bool:
    """The host of a visit, the other party of talks; talks need two sides ("spoke to reporters" and
    "will be called" are not CONSULT events)."""
    ctx, tok = d.ctx, d.token
    actor_codes = {a.code for a in d.actors}
    if d.mode == "visit":
        # "visited troops near Poland's border with Ukraine": the state a border is shared with is no host
        beyond = {t.i for b in tok.subtree if b.dep_ == "prep" and b.lower_ == "with" and b.head.lower_ in BORDER_WORDS
                  for t in b.subtree}
        d.recipients = [e for e in _objects(ctx, tok, beyond) if e.code not in actor_codes]
        if not d.recipients:
            d.recipients = [e for e in destinations(ctx, tok, subject_tokens).entities if e.code not in actor_codes]
    else:
        audience = {t.i for n in tok.subtree if n.dep_ in ("pobj", "dobj") and n.lemma_.lower() in
                    ctx.lexicon.audience_nouns for t in n.subtree}  # "spoke to the people of Russia"
        others = _partners(ctx, tok) if tok.lemma_ in TOPIC_VERBS else _objects(ctx, tok, audience)
        d.actors = _dedupe(d.actors + [e for e in others if e.kind != "region"])
    if d.mode == "meeting" and _remote(ctx, tok):
        d.mode = "phone"  # "will talk to Putin by phone", "in a telephone conversation with"
    if any(p in ctx.doc.text for p in MULTI_CONSULT) or (
            tok.lemma_ in ("summit", "meeting") and any(a.kind == "org" for a in d.actors)) or _members_meet(ctx, tok):
        d.mode = "multilateral"  # "the NATO-Russia Council", "an emergency EU summit"
    return d.mode == "multilateral" or len({e.code for e in d.actors + d.recipients}) >= 2


def _members_meet(ctx: SentenceContext, tok: Token) -> bool:
    """"NATO defence chiefs will meet", "EU leaders met": an organisation's members meeting (the
    organisation named in the subject) is a multilateral session."""
    subj = subject_of(tok) if tok.lemma_ == "meet" and tok.pos_ in ("VERB", "AUX") else None
    return subj is not None and subj.lower_ not in PRONOUNS and any(
        e.kind == "org" for e in actors_of_phrase(ctx, subj))


def _remote(ctx: SentenceContext, tok: Token) -> bool:
    """Talks held by phone or video: a remote word modifies the trigger, or is the object of its
    by/over/via/on phrase (with its own modifiers: "by video link")."""
    words = ctx.lexicon.remote_words
    for child in tok.children:
        if child.dep_ in ("compound", "amod", "nmod") and child.lower_ in words:
            return True
        if child.dep_ == "prep" and child.lower_ in ("by", "over", "via", "on"):
            if any(t.lower_ in words for g in child.children if g.dep_ == "pobj" for t in g.subtree):
                return True
    return False


def time_pass(d: Draft) -> bool:
    """When: the date the trigger governs; a movement dated after publication is not yet under way."""
    ctx, tok, status, cue = d.ctx, d.token, d.status, d.cue
    # "will meet on Friday" looks ahead; "ordered on Friday" (announced, but done) does not
    cue_tok = next((t for t in ctx.doc if cue is not None and t.idx + ctx.offset == cue.start), None)
    future = status in ("announced", "considered", "hypothetical") and (any(
        c.dep_ in ("aux", "auxpass") and c.lower_ in ("will", "'ll", "shall", "would", "to", "wo") for c in tok.children)
        or cue_tok is not None and cue_tok.i != tok.i and cue_tok.tag_ in ("MD", "VBZ", "VBP"))  # "plans to hold"
    d.time = _time_for(ctx, tok, d.timexes, d.published, future)
    if status in ("underway", "completed") and d.time is not None and d.published is not None \
            and d.time.date > d.published:
        d.status = "announced"  # "the 250 troops arriving next week": not yet under way as reported
    if status in ("considered", "announced", "underway") and d.time is not None and d.published is not None \
            and d.time.date.year < d.published.year:
        d.status = "completed"  # "ready to repeat its 2014 invasion": what is dated in a past year happened
    return True


PASSES: tuple[Pass, ...] = (
    Pass("assets", ("assets", "standin", "kind"), assets_pass),
    Pass("actors", ("actors", "from_subject", "discourse", "said", "speaker", "attribution"), actors_pass),
    Pass("status", ("kind", "status", "cue"), status_pass),
    Pass("speaker", ("kind", "actors", "claimed_against", "status", "cue", "denial"), speaker_pass),
    Pass("parties", ("parts", "recipients", "location", "mode", "actors"), parties_pass),
    Pass("time", ("time", "status"), time_pass),
)


def mentions_of(d: Draft) -> list[Mention]:
    """The finished draft as mentions: one per contingent of a deployment, else one."""
    ctx, tok, kind = d.ctx, d.token, d.kind
    sentence = ctx.doc.text
    sent_span = Span(ctx.offset, ctx.offset + len(sentence))
    trig_span = Span(tok.idx + ctx.offset, tok.idx + len(tok.text) + ctx.offset)
    out = []
    for part in d.parts:
        recipients, location = (part.recipients, part.location) if kind in DEPLOYMENT_TYPES else (d.recipients, d.location)
        base_conf = 0.5 + 0.2 * d.from_subject + 0.1 * bool(recipients or location) - 0.2 * d.discourse
        out.append(Mention(
            article_id=d.article_id, type=kind, sentence=sentence, span=sent_span, trigger=trig_span,
            mode=part.mode if kind in DEPLOYMENT_TYPES else (d.mode if kind == "CONSULT" else None),
            actors=d.actors, recipients=_dedupe(recipients), location=location, time=d.time, quantity=part.quantity,
            status=d.status, status_cue=d.cue, attribution=d.attribution,
            confidence=min(1.0, base_conf + 0.1 * (part.quantity is not None)),
        ))
    return out


# -- helpers -------------------------------------------------------------------------------------
def _clause_verb(tok: Token) -> Token | None:
    cur = tok
    while cur.head.i != cur.i:
        cur = cur.head
        if cur.pos_ in ("VERB", "AUX"):
            return cur
    return None


def _actors(ctx: SentenceContext, tok: Token, kind: str, assets) -> tuple[list[Entity], bool]:
    """Actors from the subject (or agent), else possessors/modifiers, else the asset's modifiers."""
    if kind in SPECULATIVE:
        accused = _accused(ctx, tok)
        if accused:
            return accused, True
        if any(c.dep_ == "auxpass" for c in tok.children):  # "Ukraine was attacked (by Russia)": the subject
            agent = agent_of(tok)                           # is the target; only the agent attacks
            return (actors_of_phrase(ctx, agent), True) if agent is not None else ([], False)
    if tok.pos_ in ("VERB", "AUX") or tok.tag_ == "VBG":
        subj = subject_of(tok)
        if subj is None:
            subj = agent_of(tok)
        if subj is not None and _forces_predicated(tok, assets):
            subj = None  # "Minsk's worry is the presence of US troops": the copula's subject owns no forces
        if subj is not None and not _is_asset(ctx, subj):
            ents = actors_of_phrase(ctx, subj)
            if not ents and subj.lower_ not in PRONOUNS:
                # "One option the Biden administration is considering is moving ...": the actor is in
                # the subject's relative clause
                ents = ctx.entities_in(subj.subtree)
            if ents:
                return ents, True
        if subj is None:
            subj = _blamed_for(tok)
        # "Russian troops massed", "US troops arrived", "forces were put on standby"
        for head in (subj, passive_subject(tok)):
            if head is not None:
                ents = ctx.entities_in(t for t in phrase_tokens(head) if t.dep_ != "prep" or t.lower_ == "of")
                if ents:
                    return ents, True
        for asset_tok, _asset, first, last in assets:
            own = {t.i for t in asset_tok.subtree}  # "ordered to Latvia the 900 paratroopers": not Latvia's
            ents = ctx.entities_in(t for t in ctx.doc[max(0, first - 3): last + 1] if t.i in own)
            if ents:
                return ents, False
        # "Austin ... plan to weigh the possibility of stationing troops": the governing clause's subject
        for subj in _governing_subjects(tok):
            if kind in DEPLOYMENT_TYPES and subj.head.lemma_ in JUDGE_LEMMAS:
                break  # "Ukrainian officials estimate 50,000 troops are in place": the observer, not the sender
            ents = actors_of_phrase(ctx, subj) if not _is_asset(ctx, subj) else []
            if ents and kind in DEPLOYMENT_TYPES and _host_of_the_forces(ctx, tok, ents):
                break  # "Slovakia's minister said no troops would arrive in Slovakia": the host, not the sender
            if ents:
                return ents, False
        return [], False
    return _noun_actors(ctx, tok, kind)


def _noun_actors(ctx: SentenceContext, tok: Token, kind: str) -> tuple[list[Entity], bool]:
    """A noun trigger's actors: its possessor, its "of" / "by" phrase, its verb's subject (not a verb of
    stance), the parties "between" whom it is."""
    ents = possessor_actors(ctx, tok)
    if ents:
        return ents, True
    # "the build-up of 100,000 Russian troops", "the withdrawal by Russia": before the verb's subject
    # ("a general said the build-up of Russian troops was the largest")
    # (an attack "of Ukraine" is on Ukraine: its target, a recipient; only "by" names the attacker)
    by = ("by",) if kind in SPECULATIVE else ("of", "by")
    own = ctx.entities_in(t for c in tok.children if c.dep_ == "prep" and c.lower_ in by
                          for t in phrase_tokens(c))
    if own:
        return own, False
    head = tok.head
    if kind == "CONSULT" and tok.dep_ == "pobj" and head.lower_ == "for" and head.head.pos_ in ("VERB", "AUX"):
        subj = subject_of(head.head)  # "Diplomats from Russia and France gathered in Paris for talks"
        ents = actors_of_phrase(ctx, subj) if subj is not None else []
        if ents:
            return ents, True
    if head.i != tok.i and head.pos_ in ("VERB", "AUX") and tok.dep_ in ("dobj", "nsubjpass", "attr", "pobj") \
            and head.lemma_.lower() not in ctx.lexicon.stance_verbs:  # "we condemn the sanctions": not ours
        subj = subject_of(head) if tok.dep_ != "pobj" else subject_of(head.head) if head.head.pos_ == "VERB" else None
        if tok.dep_ == "pobj" and head.head.i != head.i:
            subj = subject_of(head.head) if head.head.pos_ in ("VERB", "AUX") else None
        if subj is not None and subj.i != tok.i:
            ents = actors_of_phrase(ctx, subj)
            if ents:
                return ents, True
    # "talks between Blinken and Lavrov", "the withdrawal of Russian troops"
    toks = [t for c in tok.children if c.dep_ == "prep" and c.lower_ in ("between", "among", *by)
            for t in phrase_tokens(c)]
    ents = ctx.entities_in(toks)
    return ents, False


def _host_of_the_forces(ctx: SentenceContext, tok: Token, ents: list[Entity]) -> bool:
    """The parties a deployment would take from a governing clause or a speaker are the state the forces
    are in or go to ("in Slovakia", "on Slovak soil"): they host the forces the sentence speaks of."""
    dest = {e.code for p in tok.children if p.dep_ == "prep" and p.lower_ in DEST_PREPS
            for e in ctx.entities_in(p.subtree)}
    return bool(dest) and {e.code for e in ents} <= dest


def _blamed_for(tok: Token) -> Token | None:
    """"Germany has been criticised for refusing to supply weapons": the one blamed or praised for doing
    something (the passive verb's subject) does it."""
    prep = tok.head
    if tok.tag_ != "VBG" or tok.dep_ != "pcomp" or prep.lower_ != "for":
        return None
    return next((c for c in prep.head.children if c.dep_ == "nsubjpass"), None)


def _forces_predicated(tok: Token, assets) -> bool:
    """A copula whose forces are all inside its predicate noun ("is the presence of troops")."""
    attrs = [c for c in tok.children if c.dep_ == "attr"]
    return tok.lemma_ == "be" and bool(assets) and bool(attrs) and all(
        any(a[0].i in {t.i for t in c.subtree} for c in attrs) for a in assets)


def _moves(ctx: SentenceContext, verb: Token) -> bool:
    return any(t.type in DEPLOYMENT_TYPES and not t.stative for t in ctx.lexicon.verbs.get(verb.lemma_.lower(), ()))


def _arms_beside(assets: list, owned: list) -> list:
    """Aid items named with the forces, no figure of their own ("returning some troops and weapons"): the
    forces' kit, so the contingent is of several kinds (mixed), not the forces alone."""
    own = {a[0].i for a in owned}
    return [a for a in assets if a[1].aid and a not in owned and (a[0].head.i in own and a[0].dep_ == "conj"
            or any(c.i in own and c.dep_ == "conj" for c in a[0].children))
            and not any(c.dep_ == "nummod" for c in a[0].children)]


def _owned_elsewhere(ctx: SentenceContext, asset: Token, trigger: Token) -> bool:
    for child in asset.children:
        if child.dep_ in ("relcl", "acl") and child != trigger and _moves(ctx, child):
            return True
    return False


def _origin_only(ctx: SentenceContext, tok: Token, trig: Trigger) -> bool:
    """'flew to Latvia 600 paratroopers based in Vicenza': 'based' says where they come from."""
    if not trig.stative or tok.dep_ not in ("acl", "relcl", "amod") or tok.head.i not in ctx.assets:
        return False
    verb = _clause_verb(tok.head)
    return verb is not None and verb.i != tok.i and _moves(ctx, verb)


def _is_asset(ctx: SentenceContext, tok: Token) -> bool:
    return tok.i in ctx.assets


def _moved_by_civilians(ctx: SentenceContext, tok: Token) -> bool:
    """'Embassies withdraw some personnel', 'prompted embassies to withdraw staff'."""
    movers = [subject_of(tok)]
    if tok.dep_ == "xcomp":
        movers += [c for c in tok.head.children if c.dep_ == "dobj"]
    return any(m is not None and m.lemma_.lower() in ctx.lexicon.civilian_movers for m in movers)


def _habitual(ctx: SentenceContext, tok: Token) -> bool:
    """'Joint drills are usually short-term', 'troops normally rotate every six months': the trigger's
    clause says what is done as a rule (an adverb of habit on the trigger or the verb it belongs to)."""
    verb = tok if tok.pos_ in ("VERB", "AUX") else _clause_verb(tok)
    return any(c.dep_ == "advmod" and c.lower_ in ctx.lexicon.habitual_words
               for v in {tok, verb} if v is not None for c in v.children)


def _said_when(tok: Token, trigger: Token) -> bool:
    """Whether a time expression belongs to a verb of saying (other than the trigger itself)."""
    cur = tok
    for _ in range(4):
        if cur.head.i == cur.i:
            return False
        cur = cur.head
        if cur.pos_ in ("VERB", "AUX"):
            return cur != trigger and cur.lemma_ in SAY_LEMMAS
    return False


def _time_for(ctx: SentenceContext, tok: Token, timexes: list[Timex], published, future: bool) -> TimeValue | None:
    if not timexes:
        return None
    subtree = {t.i for t in tok.subtree}
    if tok.pos_ == "NOUN" and tok.head.i != tok.i and tok.head.pos_ in ("VERB", "AUX"):
        subtree |= {t.i for t in tok.head.subtree if t.dep_ != "ccomp"}
    subtree -= reason_tokens(ctx, tok)  # "sent in reaction to the seizure of a port in 2008"
    for t in tok.subtree:  # "out of countries that joined after 1997": the clause dates its noun, not the event
        if t.dep_ == "relcl" and t.head.i != tok.i and t.i != tok.i:  # (not the trigger's own clause: "which
            # Russia seized in 2014" is dated by its 2014)
            subtree -= {x.i for x in t.subtree}
    for tx in timexes:
        if tx.date is None:
            continue  # "now", "recently", "the 1990s", "a year earlier" said of another sentence's date
        span = ctx.doc.char_span(tx.start - ctx.offset, tx.end - ctx.offset, alignment_mode="expand")
        if span is None or not any(t.i in subtree for t in span):
            continue
        if _said_when(span.root, tok):
            continue  # "..., the Pentagon announced on Wednesday": the date of the saying, not of the event
        value = tx
        if future and tx.date and published and tx.precision == "day" and tx.date < published and \
                any(w in tx.text.lower() for w in ("monday", "tuesday", "wednesday", "thursday", "friday",
                                                    "saturday", "sunday")) and "last" not in tx.text.lower():
            value = replace(tx, date=tx.date + dt.timedelta(days=7))
        return TimeValue(value.text, value.date, value.precision, Span(value.start, value.end), value.end_date)
    return None
