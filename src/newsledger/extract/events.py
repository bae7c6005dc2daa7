"""Triggers and the sentence's mentions: one parsed sentence in, its event mentions out.

`find_triggers` finds the candidate triggers; `assemble.build` makes each one's mentions by named
passes; the passes here drop a sentence's repeats (a noun restating its verb, an embedded trigger,
two triggers of one event)."""

from __future__ import annotations

import datetime as dt

from spacy.tokens import Token

from ..model import DEPLOYMENT_TYPES, Entity, Mention
from .arguments import SentenceContext, clause_heads, phrase_tokens, possessor_actors, subject_of
from .assemble import SIDE_PREPS, SPECULATIVE, Candidate, _clause_verb, build
from .lexicon import Trigger
from .timex import Timex


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
        elif tok.pos_ in ("NOUN", "PROPN"):
            entries = lex.nouns.get(lemma, ()) or lex.nouns.get(tok.lower_, ()) or lex.nouns.get(_hyphenated(tok), ())
            if _predicative_or_speculative(tok, lex.speculative_modifiers):
                # "a possible invasion" is an attack weighed (ASSAULT considered); "potential deployments" no event
                entries = tuple(t for t in entries if t.type in SPECULATIVE and not _predicative(tok))
            if tok.dep_ == "pobj" and tok.head.lower_ in SIDE_PREPS:
                # "amid Russia's build-up" is background; "after his meeting with Lavrov" still happened
                # ("amid US warnings", too, is background)
                # ("after Russia's invasion of Ukraine", "preparing for an invasion" name the attack: kept)
                entries = tuple(t for t in entries if t.type not in DEPLOYMENT_TYPES | {"THREATEN"})
            if _undone_by_its_verb(tok, lex):
                # "pull back the deployments": the deployment is what the retreat undoes, no new one
                entries = tuple(t for t in entries if t.type != "MOBILIZE")
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
    out = [c for c in out if c.trigger.pos == "PHRASE" or (c.token.i, c.trigger.type) not in phrased]
    # "ordered his troops to return to their bases": the movement verb states the event, not the order of
    # the forces its object names
    moving = {c.token.i for c in out if c.trigger.type in DEPLOYMENT_TYPES and c.token.dep_ == "xcomp"
              and not c.trigger.needs_place}
    return [c for c in out if not (c.trigger.type in DEPLOYMENT_TYPES and c.token.pos_ == "VERB" and any(
        k.i in moving and any(o.dep_ == "dobj" and o.i in ctx.assets and o.i < k.i for o in c.token.children)
        for k in c.token.children))]


def _hyphenated(tok: Token) -> str:
    """'build-up' is split by the tokenizer into build / - / up: the compound's lemma, read at 'up'."""
    doc = tok.doc
    if tok.i >= 2 and doc[tok.i - 1].text == "-" and not doc[tok.i - 1].whitespace_ and not doc[tok.i - 2].whitespace_:
        return f"{doc[tok.i - 2].lower_}-{tok.lemma_.lower()}"
    return ""


def _undone_by_its_verb(tok: Token, lex) -> bool:
    """A deployment noun that is the object of a verb of retreat ('withdraw its deployments', 'the
    deployments will be pulled back') names the forces pulled back, not a deployment of its own."""
    if tok.dep_ not in ("dobj", "nsubjpass") or tok.head.pos_ not in ("VERB", "AUX"):
        return False
    verb = tok.head
    return any(t.type == "RETREAT" and (not t.with_word or {c.lower_ for c in verb.children} & t.with_word)
               for t in lex.verbs.get(verb.lemma_.lower(), ()))


def _finds(text: str, phrase: str):
    start = text.find(phrase)
    while start >= 0:
        yield start
        start = text.find(phrase, start + 1)


def _predicative(tok: Token) -> bool:
    return tok.dep_ in ("attr", "acomp") and tok.head.lemma_ == "be"


def _predicative_or_speculative(tok: Token, speculative: frozenset[str]) -> bool:
    """'it is not a drill' (a predicate, not an event) and 'potential deployments' are no events."""
    if _predicative(tok):
        return True
    return any(c.dep_ in ("amod", "det") and c.lower_ in speculative for c in tok.children)


def _demands(tok: Token) -> bool:
    """"insisted on guarantees", "insists that NATO must leave", "insisted that NATO withdraw": a demand, not
    an assertion ("insisted that its troops were on exercises")."""
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in ("on", "upon"):
            return True
        if c.dep_ in ("ccomp", "xcomp") and (any(g.dep_ == "aux" and g.lower_ in ("must", "should") for g in c.children)
                                             or c.tag_ == "VB" and not any(g.dep_ == "aux" for g in c.children)):
            return True
    return False


def _word_ok(tok: Token, trig: Trigger) -> bool:
    if trig.demand_only and not _demands(tok):
        return False
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
        for m in build(ctx, cand, article_id, published, timexes):
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
        steps += [c for c in tok.children if c.dep_ == "aux"]  # "Russia must withdraw": the "must" demands it
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
        if m.type in ("AID", "SUPPORT", "COOPERATE"):
            # "accused Kyiv's allies of sending weapons": what is alleged is the ACCUSE's; the accuser, read
            # as the actor of the alleged act, does none of it
            accuser = next((a for a in tok.ancestors if a.lemma_ in ctx.lexicon.accusing_verbs), None)
            outer = by_token.get(accuser.idx) if accuser is not None else None
            if outer is not None and outer.type == "ACCUSE" and set(m.actor_codes) <= set(outer.actor_codes):
                drop.add(id(m))
        if m.type == "ASSAULT" and m.status == "considered":
            # "accuse Russia of planning to invade": the alleged attack is the event (ASSAULT considered), not
            # an ACCUSE beside it (docs/CONVENTIONS.md, warnings of attack)
            accuser = next((a for a in tok.ancestors if a.lemma_ in ctx.lexicon.accusing_verbs), None)
            outer = by_token.get(accuser.idx) if accuser is not None else None
            if outer is not None and outer.type == "ACCUSE":
                drop.add(id(outer))
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
                    and _same_quantity(o, m) and _same_place(o, m) and not _two_stages(tokens, o, m)
                    and (None in (subject(o.trigger.start), subject(m.trigger.start))
                         or subject(o.trigger.start) == subject(m.trigger.start))), None)
        if dup is None:
            out.append(m)
    return sorted(out, key=lambda m: m.trigger.start)


def _two_stages(tokens: dict[int, Token], a: Mention, b: Mention) -> bool:
    """'are sending ships and putting forces on standby': two coordinated verbs, one under way and one
    only announced, are two actions of the sender, not one stated twice."""
    if None in (a.status, b.status) or a.status == b.status:
        return False
    ta, tb = tokens[a.trigger.start], tokens[b.trigger.start]
    return ta.i != tb.i and ta.pos_ == tb.pos_ == "VERB" and (
        (tb.dep_ == "conj" and tb.head.i == ta.i) or (ta.dep_ == "conj" and ta.head.i == tb.i))


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
