"""Triggers and event assembly: one parsed sentence in, its event mentions out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from spacy.tokens import Token

from ..model import DEPLOYMENT_TYPES, Entity, Mention, Place, Span, TimeValue
from .arguments import (
    SentenceContext, actors_of_phrase, agent_of, asset_args, clause_heads, destinations, passive_subject, places_under,
    PRONOUNS, phrase_tokens, possessor_actors, reason_tokens, subject_of, _dedupe,
)
from .deployments import Contingent, contingents, stand_in, take_previous_place
from .lexicon import Trigger
from .status import attribution_of, status_of
from .timex import Timex

SIDE_PREPS = frozenset({"for", "after", "before", "during", "following", "amid", "amidst", "despite", "since",
                        "against", "ahead"})
SPEECH_ACTS = frozenset({"REQUEST", "REJECT", "THREATEN", "ACCUSE", "PROTEST"})
KEEP_HYPOTHETICAL = frozenset({"MOBILIZE", "RETREAT", "SANCTION"})
SPECULATIVE = frozenset({"ASSAULT"})
TARGET_IS_PLACE = frozenset({"ASSAULT", "AID", "COERCE"})  # where it happens: in the target state  # only coded when the text states it happens
MULTI_CONSULT = frozenset({"NATO-Russia Council", "Russia-NATO Council", "Permanent Council"})


@dataclass(slots=True)
class Candidate:
    token: Token
    trigger: Trigger


def find_triggers(ctx: SentenceContext) -> list[Candidate]:
    lex = ctx.lexicon
    out: list[Candidate] = []
    doc = ctx.doc
    low = doc.text.lower()
    blocked = {t.i for phrase in lex.not_triggers for start in _finds(low, phrase)
               for t in (doc.char_span(start, start + len(phrase), alignment_mode="expand") or ())}
    for tok in doc:
        if tok.i in blocked:
            continue
        lemma = tok.lemma_.lower()
        if tok.pos_ in ("VERB", "AUX") or (tok.pos_ == "NOUN" and tok.tag_ == "VBG"):
            entries = lex.verbs.get(lemma, ())
        elif tok.pos_ in ("NOUN", "PROPN") and not _predicative_or_speculative(tok, lex.speculative_modifiers):
            entries = lex.nouns.get(lemma, ()) or lex.nouns.get(tok.lower_, ()) or lex.nouns.get(_hyphenated(tok), ())
            if tok.dep_ == "pobj" and tok.head.lower_ in SIDE_PREPS:
                # "amid Russia's build-up" is background; "after his meeting with Lavrov" still happened
                # ("amid US warnings", too, is background)
                entries = tuple(t for t in entries if t.type not in DEPLOYMENT_TYPES | SPECULATIVE | {"THREATEN"})
        else:
            entries = ()
        if tok.dep_ == "amod" and tok.i < tok.head.i:
            # "occupied Crimea", "the annexed peninsula": a state named in passing, not an event
            entries = tuple(t for t in entries if t.type in DEPLOYMENT_TYPES)
        for trig in entries:
            if _word_ok(tok, trig):
                out.append(Candidate(tok, trig))
    for trig in lex.phrases:
        start = low.find(trig.key)
        while start >= 0:
            span = doc.char_span(start, start + len(trig.key), alignment_mode="expand")
            if span is not None and len(span):
                head = span.root
                # attach "on standby" to the verb or noun it modifies
                while head.dep_ in ("prep", "pobj", "amod", "compound") and head.head.i != head.i:
                    head = head.head
                out.append(Candidate(head, trig))
            start = low.find(trig.key, start + 1)
    # "marines are en route": the phrase says more than the verb it attaches to
    phrased = {(c.token.i, c.trigger.type) for c in out if c.trigger.pos == "PHRASE"}
    return [c for c in out if c.trigger.pos == "PHRASE" or (c.token.i, c.trigger.type) not in phrased]


def _hyphenated(tok: Token) -> str:
    """'build-up' is split by the tokenizer into build / - / up: the compound's lemma, read at 'up'."""
    doc = tok.doc
    if tok.i >= 2 and doc[tok.i - 1].text == "-" and not doc[tok.i - 1].whitespace_ and not doc[tok.i - 2].whitespace_:
        return f"{doc[tok.i - 2].lower_}-{tok.lemma_.lower()}"
    return ""


def _finds(text: str, phrase: str):
    start = text.find(phrase)
    while start >= 0:
        yield start
        start = text.find(phrase, start + 1)


def _predicative_or_speculative(tok: Token, speculative: frozenset[str]) -> bool:
    """'it is not a drill' (a predicate, not an event) and 'potential deployments' are no events."""
    if tok.dep_ in ("attr", "acomp") and tok.head.lemma_ == "be":
        return True
    return any(c.dep_ in ("amod", "det") and c.lower_ in speculative for c in tok.children)


def _word_ok(tok: Token, trig: Trigger) -> bool:
    if trig.not_with_dep and any(c.dep_ in trig.not_with_dep for c in tok.children):
        return False
    if trig.with_dep and not any(c.dep_ in trig.with_dep for c in tok.children):
        return False
    if trig.with_subject and not any(c.dep_ in ("nsubj", "nsubjpass") and c.lemma_.lower() in trig.with_subject
                                     for c in tok.children):
        return False
    if not trig.with_word and not trig.not_with_word:
        return True
    near = {t.lower_ for t in tok.subtree} | {t.lower_ for t in tok.doc[tok.i + 1: tok.i + 4]}
    if trig.with_word and not (near & trig.with_word):
        return False
    if trig.not_with_word and any(c.lower_ in trig.not_with_word for c in tok.children):
        return False
    return True


def sentence_mentions(ctx: SentenceContext, article_id: str, published: dt.date | None,
                      timexes: list[Timex]) -> list[Mention]:
    mentions: list[Mention] = []
    seen: set[tuple] = set()
    for cand in find_triggers(ctx):
        for m in _build(ctx, cand, article_id, published, timexes):
            key = (m.type, m.trigger.start, m.mode, m.quantity.min if m.quantity else None, tuple(m.recipient_codes))
            if key in seen:
                continue
            seen.add(key)
            mentions.append(m)
    return _merge_same_event(ctx, _drop_embedded(ctx, _prefer_verbs(ctx, mentions)))


def _prefer_verbs(ctx: SentenceContext, mentions: list[Mention]) -> list[Mention]:
    """'Russian troops began to arrive for drills': the verb states the event; a noun of the same type
    and the same actors in the sentence ('drills', 'presence', 'reinforcements') repeats it. A noun
    naming another party's action ('NATO reinforces ... in reaction to Russia's build-up') stays."""
    tokens = {t.idx + ctx.offset: t for t in ctx.doc}
    verbs = [m for m in mentions if tokens[m.trigger.start].pos_ in ("VERB", "AUX")]
    out = []
    for m in mentions:
        tok = tokens[m.trigger.start]
        if tok.pos_ in ("NOUN", "PROPN") and any(
                v.type == m.type and (set(v.actor_codes) & set(m.actor_codes) or not _own_actors(ctx, tok))
                or {v.type, m.type} <= DEPLOYMENT_TYPES and not _own_actors(ctx, tok)
                and _clause_verb(tok) in clause_heads(tokens[v.trigger.start]) for v in verbs):
            continue
        out.append(m)
    return out


def _clause_verb(tok: Token) -> Token | None:
    cur = tok
    while cur.head.i != cur.i:
        cur = cur.head
        if cur.pos_ in ("VERB", "AUX"):
            return cur
    return None


def _own_actors(ctx: SentenceContext, noun: Token) -> list[Entity]:
    """Actors a noun names itself: 'Russia's build-up', 'the withdrawal of Russian units'."""
    of = [t for c in noun.children if c.dep_ == "prep" and c.lower_ in ("of", "by") for t in phrase_tokens(c)]
    return possessor_actors(ctx, noun) or ctx.entities_in(of)


def _drop_embedded(ctx: SentenceContext, mentions: list[Mention]) -> list[Mention]:
    """What a demand asks for ("demands that NATO pull its troops out") is part of the REQUEST, and
    "agreed to provide a Stryker company" is the deployment, announced, not an AGREE."""
    by_token = {m.trigger.start - ctx.offset: m for m in mentions}
    tokens = {t.idx: t for t in ctx.doc}
    drop: set[int] = set()
    for m in mentions:
        tok = tokens.get(m.trigger.start - ctx.offset)
        if tok is None:
            continue
        cur = tok
        steps = []
        if tok.pos_ in ("NOUN", "PROPN") and tok.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj"):
            verb = _clause_verb(tok)  # "demanded that missile deployments be limited"
            while verb is not None and verb.dep_ == "prep":  # "seeking guarantees, including no deployments"
                verb = _clause_verb(verb)
            if verb is not None:
                steps.append(verb)
                cur = verb
        for _ in range(3):
            if cur.head.i == cur.i or cur.dep_ not in ("ccomp", "xcomp", "advcl", "acl", "conj"):
                break
            cur = cur.head
            steps.append(cur)
        for cur in steps:
            outer = by_token.get(cur.idx)
            if outer is None or outer is m:
                continue
            if outer.type == "REQUEST" and m.type in ("MOBILIZE", "RETREAT", "CONCEDE", "AGREE"):
                drop.add(id(m))
            elif outer.type == "AGREE" and m.type not in ("AGREE", "CONSULT", "COOPERATE"):
                drop.add(id(outer))  # ("agreed to continue talks" stays an AGREE, beside the talks)
            elif outer.type == "THREATEN" and m.type == "RETREAT":
                drop.add(id(m))
    return [m for m in mentions if id(m) not in drop]


def _merge_same_event(ctx: SentenceContext, mentions: list[Mention]) -> list[Mention]:
    """Two triggers of one type sharing actors in a sentence ('put on standby' + 'put') are one event;
    keep the one with more information. Two clauses with subjects of their own ('the first ships docked ...
    while three more frigates will sail') are two."""
    def subject(start: int) -> str | None:  # by its word: "we will fly jets ... and we will add ships": one
        tok = tokens[start]
        subj = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is None and tok.pos_ == "VERB" and tok.dep_ == "acl" and tok.head.pos_ in ("NOUN", "PROPN"):
            subj = tok.head  # "the 250 troops arriving next week": the forces it describes
        if subj is None and tok.pos_ == "VERB" and tok.dep_ in ("xcomp", "relcl", "acl"):
            subj = subject_of(tok)  # "... while Canada keeps boosting its forces"
        return subj.lower_ if subj is not None else None

    tokens = {t.idx + ctx.offset: t for t in ctx.doc}
    out: list[Mention] = []
    for m in sorted(mentions, key=lambda m: -_richness(m)):
        dup = next((o for o in out if o.type == m.type and o.mode == m.mode and set(o.actor_codes) == set(m.actor_codes)
                    and _same_quantity(o, m) and _same_place(o, m)
                    and (None in (subject(o.trigger.start), subject(m.trigger.start))
                         or subject(o.trigger.start) == subject(m.trigger.start))), None)
        if dup is None:
            out.append(m)
    return sorted(out, key=lambda m: m.trigger.start)


def _same_quantity(a: Mention, b: Mention) -> bool:
    if a.quantity is None or b.quantity is None:
        return True
    return (a.quantity.min, a.quantity.max) == (b.quantity.min, b.quantity.max)


def _same_place(a: Mention, b: Mention) -> bool:
    """'three to Latvia, three to Poland' are two contingents; a mention without a destination may be either."""
    return not a.recipients or not b.recipients or set(a.recipient_codes) == set(b.recipient_codes)


def _richness(m: Mention) -> float:
    return (len(m.actors) > 0) * 2 + (m.quantity is not None) + (m.location is not None) + \
        len(m.recipients) * 0.5 + (m.time is not None) * 0.5 + m.confidence


def _build(ctx: SentenceContext, cand: Candidate, article_id: str, published: dt.date | None,
           timexes: list[Timex]) -> list[Mention]:
    tok, trig = cand.token, cand.trigger
    kind = trig.type
    assets = asset_args(ctx, tok) if kind in DEPLOYMENT_TYPES or trig.needs == "asset" or trig.aid else []
    standin = stand_in(ctx, tok) if trig.needs == "asset" and not assets and kind in DEPLOYMENT_TYPES else None
    if trig.needs == "asset" and not assets and standin is None or _origin_only(ctx, tok, trig):
        return []
    if kind in DEPLOYMENT_TYPES and _moved_by_civilians(ctx, tok):
        return []
    if kind in DEPLOYMENT_TYPES and tok.dep_ == "advcl" and any(
            c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in tok.children):
        return []  # "... will deploy forces if Russian troops cross the border": the condition is no event
    if assets and trig.aid and all(a[1].aid for a in assets):
        kind = trig.aid
    if kind in DEPLOYMENT_TYPES:
        # "will join the 1,700 troops that were already sent": those troops belong to "sent"
        owned = [a for a in assets if not a[1].aid and not _owned_elsewhere(ctx, a[0], tok)]
        if assets and not owned:
            return []  # "told 900 marines to be deployed to Norway", "bolstering a brigade sent there"
        assets = owned
    if standin is not None and standin.pronoun:
        actors, from_subject = list(ctx.deploy_last.actors), False  # "They were shipped there"
    else:
        actors, from_subject = _actors(ctx, tok, kind, assets)
    said = attribution_of(ctx, tok)  # who the article says asserts it
    speaker = _speaker(ctx, said)
    att = said if kind not in SPEECH_ACTS else None  # (a speech act's speaker is its actor, not its source)
    passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in tok.children)
    if not actors and kind in DEPLOYMENT_TYPES and passive and att is not None and att.code:
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
    if not actors and kind == "CONSULT" and trig.needs == "none":
        actors = _dedupe(ctx.entities_in(ctx.doc))
    if not actors and kind in SPEECH_ACTS:
        # "The US has said these demands are a non-starter": the speaker makes the speech act
        if said is not None and said.code:
            actors = list(speaker)
    discourse = False
    if not actors and kind in DEPLOYMENT_TYPES:
        # a party named in the sentence outside the destinations ("at NATO headquarters, ministers ...")
        # nor where the forces come from ("flying 30 bombers from Spain")
        # nor the one who reports it ("Stoltenberg said the buildup was happening")
        dest_tokens = {t.i for p in ctx.doc if p.dep_ in ("prep", "dative")
                       and p.lower_ in ("to", "into", "in", "toward", "towards", "from") for t in p.subtree}
        if att is not None:
            dest_tokens |= _span_tokens(ctx, att.span)
        # nor the subject of another clause ("... and that NATO would monitor it")
        dest_tokens |= {t.i for s in ctx.doc if s.dep_ in ("nsubj", "nsubjpass") and s.head.i != tok.i
                        for t in s.subtree}
        named = [ctx.entity(h, c) for i, h in sorted(ctx.hit_of_token.items()) if i not in dest_tokens
                 and h.entry.kind in ("org", "institution", "person", "state") for c in h.entry.codes]
        actors = _dedupe(named[:1])
    if not actors and kind in DEPLOYMENT_TYPES and (assets or standin or tok.pos_ == "NOUN") and ctx.deploy_fallback:
        # "The convoy entered the country on Wednesday": the forces of the article's last deployment
        actors, discourse = list(ctx.deploy_fallback), True
    if not actors:
        return []
    if kind == "AGREE" and any(c.dep_ == "neg" for c in tok.children):
        kind = "REJECT"  # "cannot accept his terms"
    fixed = None if trig.status == "previous" else trig.status
    status, cue = status_of(ctx, tok, fixed, kind in SPEECH_ACTS, kind)
    if trig.status == "previous" and ctx.deploy_last is not None and status not in ("negated", "hypothetical"):
        status = ctx.deploy_last.status  # "The redeployments include ...": where the deployment stands
    if status == "hypothetical" and kind not in KEEP_HYPOTHETICAL:
        return []
    generic = tok.tag_ == "VBG" and tok.dep_ in ("csubj", "compound", "nsubj") and not any(
        c.dep_ in ("nsubj", "nsubjpass") for c in tok.children)
    if kind in SPECULATIVE and (generic or _under_lemma(tok, ctx.lexicon.accusing_verbs)):
        return []  # "Invading Ukraine would be a wound", "accuse Russia of planning to invade": no attack
    claimed_against: list[Entity] = []
    passive_subj = next((c for c in tok.children if c.dep_ == "nsubjpass"), None)
    if kind not in DEPLOYMENT_TYPES | {"CONSULT", "AGREE", "COOPERATE"} and passive_subj is not None \
            and agent_of(tok) is None and {a.code for a in actors} <= {
                e.code for e in ctx.entities_in(passive_subj.subtree)}:
        # "Two Russian banks were also sanctioned": the subject is the target; the actor is the one named
        # before (the sentence's speaker, else the previous sentence's first actor), if any
        before = speaker or ctx.fallback
        claimed_against = actors
        actors = [e for e in before if e.code not in {a.code for a in claimed_against}]
        if not actors:
            return []
    if trig.by_speaker:  # "Russia would pay a heavy price, Biden said": USA warns RUS
        verb = _clause_verb(tok)
        if speaker:
            claimed_against, actors = [a for a in actors if a.code not in {e.code for e in speaker}], list(speaker)
        elif verb is not None and verb.lemma_ in ctx.lexicon.cost_verbs:
            return []  # "Russia will pay a heavy price", said by nobody named: no one to code as threatening
    if kind in SPECULATIVE and status in ("considered", "announced") and att is not None and att.code \
            and att.code not in {a.code for a in actors}:
        # "Russia could invade at any time, Sullivan said": what is reported is the claim (docs/CONVENTIONS.md)
        if speaker:
            kind, claimed_against, actors, status, cue = "ACCUSE", actors, list(speaker), "completed", None
    if status in ("considered", "negated") and kind in SPECULATIVE:
        return []  # "may be preparing to launch an attack", "denies planning an invasion"
    actor_codes = {a.code for a in actors}
    subject_tokens = {t.i for a in actors for t in ctx.doc if ctx.hit_of_token.get(t.i) and
                      ctx.hit_of_token[t.i].start == a.span.start}
    recipients: list[Entity] = []
    location: Place | None = None
    mode = trig.mode
    parts = [Contingent(None, None)]
    if kind in DEPLOYMENT_TYPES:
        parts = contingents(ctx, tok, assets, subject_tokens, actors, trig.object_is_destination,
                            retreat=kind == "RETREAT")
        if standin is not None:
            part = standin.part
            part.recipients, part.location, part.somewhere = parts[0].recipients, parts[0].location, parts[0].somewhere
            parts = [part]
        for part in parts:  # "... deployed there": where the article's last deployment went
            take_previous_place(ctx, tok, part)
        if trig.needs_place and not any(p.somewhere for p in parts):
            return []
    elif kind == "CONSULT":
        recipients = []
        if mode == "visit":
            recipients = [e for e in _objects(ctx, tok) if e.code not in actor_codes]
            if not recipients:
                recipients = [e for e in destinations(ctx, tok, subject_tokens).entities if e.code not in actor_codes]
        else:
            actors = _dedupe(actors + [e for e in _objects(ctx, tok) if e.kind != "region"])
        if any(p in ctx.doc.text for p in MULTI_CONSULT) or (
                tok.lemma_ in ("summit", "meeting") and any(a.kind == "org" for a in actors)):
            mode = "multilateral"  # "the NATO-Russia Council", "an emergency EU summit"
        # talks need two sides: "spoke to reporters" and "will be called" are not CONSULT events
        if mode != "multilateral" and len({e.code for e in actors + recipients}) < 2:
            return []
    elif claimed_against:
        recipients = [e for e in claimed_against if e.code not in actor_codes]
    else:
        recipients = [e for e in _objects(ctx, tok) if e.code not in actor_codes]
    if location is None and kind not in DEPLOYMENT_TYPES:
        places = places_under(ctx, tok)
        if places:
            entry, span, text = places[0]
            location = Place(text, entry.country, span, entry.name, entry.lat, entry.lon)
        elif kind in TARGET_IS_PLACE:
            target = next((r for r in recipients if r.kind in ("state", "capital", "region")), None)
            if target is not None:  # "invaded Ukraine", "supplying arms to Ukraine"
                location = Place(target.text, target.code, target.span)
    # "will meet on Friday" looks ahead; "ordered on Friday" (announced, but done) does not
    cue_tok = next((t for t in ctx.doc if cue is not None and t.idx + ctx.offset == cue.start), None)
    future = status in ("announced", "considered", "hypothetical") and (any(
        c.dep_ in ("aux", "auxpass") and c.lower_ in ("will", "'ll", "shall", "would", "to", "wo") for c in tok.children)
        or cue_tok is not None and cue_tok.i != tok.i and cue_tok.tag_ in ("MD", "VBZ", "VBP"))  # "plans to hold"
    time = _time_for(ctx, tok, timexes, published, future)
    if status in ("underway", "completed") and time is not None and published is not None and time.date > published:
        status = "announced"  # "the 250 troops arriving next week": not yet under way as reported
    sentence = ctx.doc.text
    sent_span = Span(ctx.offset, ctx.offset + len(sentence))
    trig_span = Span(tok.idx + ctx.offset, tok.idx + len(tok.text) + ctx.offset)
    out = []
    for part in parts:
        if kind in DEPLOYMENT_TYPES:
            recipients, location = part.recipients, part.location
        base_conf = 0.5 + 0.2 * from_subject + 0.1 * bool(recipients or location) - 0.2 * discourse
        out.append(Mention(
            article_id=article_id, type=kind, sentence=sentence, span=sent_span, trigger=trig_span,
            mode=part.mode if kind in DEPLOYMENT_TYPES else (mode if kind == "CONSULT" else None),
            actors=actors, recipients=_dedupe(recipients), location=location, time=time, quantity=part.quantity,
            status=status, status_cue=cue, attribution=att,
            confidence=min(1.0, base_conf + 0.1 * (part.quantity is not None)),
        ))
    return out


def _actors(ctx: SentenceContext, tok: Token, kind: str, assets) -> tuple[list[Entity], bool]:
    """Actors from the subject (or agent), else possessors/modifiers, else the asset's modifiers."""
    if tok.pos_ in ("VERB", "AUX") or tok.tag_ == "VBG":
        subj = subject_of(tok)
        if subj is None:
            subj = agent_of(tok)
        if subj is not None and not _is_asset(ctx, subj):
            ents = actors_of_phrase(ctx, subj)
            if not ents and subj.lower_ not in PRONOUNS:
                # "One option the Biden administration is considering is moving ...": the actor is in
                # the subject's relative clause
                ents = ctx.entities_in(subj.subtree)
            if ents:
                return ents, True
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
            ents = actors_of_phrase(ctx, subj) if not _is_asset(ctx, subj) else []
            if ents:
                return ents, False
        return [], False
    # noun trigger
    ents = possessor_actors(ctx, tok)
    if ents:
        return ents, True
    # "the build-up of 100,000 Russian troops", "the withdrawal by Russia": before the verb's subject
    # ("a general said the build-up of Russian troops was the largest")
    own = ctx.entities_in(t for c in tok.children if c.dep_ == "prep" and c.lower_ in ("of", "by")
                          for t in phrase_tokens(c))
    if own:
        return own, False
    head = tok.head
    if head.i != tok.i and head.pos_ in ("VERB", "AUX") and tok.dep_ in ("dobj", "nsubjpass", "attr", "pobj"):
        subj = subject_of(head) if tok.dep_ != "pobj" else subject_of(head.head) if head.head.pos_ == "VERB" else None
        if tok.dep_ == "pobj" and head.head.i != head.i:
            subj = subject_of(head.head) if head.head.pos_ in ("VERB", "AUX") else None
        if subj is not None and subj.i != tok.i:
            ents = actors_of_phrase(ctx, subj)
            if ents:
                return ents, True
    # "talks between Blinken and Lavrov", "the withdrawal of Russian troops"
    toks = [t for c in tok.children if c.dep_ == "prep" and c.lower_ in ("between", "of", "by", "among")
            for t in phrase_tokens(c)]
    ents = ctx.entities_in(toks)
    return ents, False


def _moves(ctx: SentenceContext, verb: Token) -> bool:
    return any(t.type in DEPLOYMENT_TYPES and not t.stative for t in ctx.lexicon.verbs.get(verb.lemma_.lower(), ()))


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


def _under_lemma(tok: Token, lemmas: frozenset[str], hops: int = 6) -> bool:
    cur = tok
    for _ in range(hops):
        if cur.head.i == cur.i:
            return False
        cur = cur.head
        if cur.lemma_ in lemmas:
            return True
    return False


def _partners(ctx: SentenceContext, noun: Token) -> list[Entity]:
    return ctx.entities_in(t for c in noun.children if c.dep_ == "prep" and c.lower_ == "with" for t in c.subtree)


def _governing_side(ctx: SentenceContext, tok: Token, att, speaker: list[Entity]) -> list[Entity]:
    if att is not None and att.code:
        return list(speaker)
    for subj in _governing_subjects(tok):
        if tok.i not in {t.i for t in subj.subtree}:
            return actors_of_phrase(ctx, subj)
    return []


def _governing_subjects(tok: Token, hops: int = 4):
    """Subjects of the verbs above `tok`, nearest first."""
    cur = tok
    for _ in range(hops):
        if cur.head.i == cur.i:
            return
        cur = cur.head
        if cur.pos_ in ("VERB", "AUX"):
            subj = subject_of(cur)
            if subj is not None:
                yield subj


def _span_tokens(ctx: SentenceContext, span: Span) -> set[int]:
    return {t.i for t in ctx.doc if span.start <= t.idx + ctx.offset < span.end}


def _speaker(ctx: SentenceContext, said) -> list[Entity]:
    """The parties named in the attribution ("Sullivan said" -> USA)."""
    return ctx.entities_in(ctx.doc[i] for i in sorted(_span_tokens(ctx, said.span))) if said is not None else []


def _objects(ctx: SentenceContext, tok: Token) -> list[Entity]:
    """Recipients: direct objects and objects of with/to/against/on/of/from/for, clausal complements."""
    toks = []
    for child in tok.children:
        if child.dep_ in ("dobj", "dative", "ccomp", "xcomp", "attr", "oprd"):
            toks.extend(child.subtree)
        elif child.dep_ == "prep" and child.lower_ in ("with", "to", "against", "on", "of", "from", "for",
                                                          "between", "toward", "towards", "over", "into"):
            toks.extend(child.subtree)
        elif child.dep_ in ("compound", "amod", "poss") and tok.pos_ == "NOUN":
            continue
    return ctx.entities_in(toks)


def _said_when(tok: Token, trigger: Token) -> bool:
    """Whether a time expression belongs to a verb of saying (other than the trigger itself)."""
    from .status import SAY_LEMMAS

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
