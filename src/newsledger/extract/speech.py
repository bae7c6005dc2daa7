"""Who a speech act or an attack is about: its addressees, the objects of talks, the sides that govern a
trigger, the one accused of an attack (used by assemble.py's actors and parties passes)."""

from __future__ import annotations

from spacy.tokens import Token

from ..model import Entity, Span
from .arguments import SentenceContext, actors_of_phrase, subject_of


def _accused(ctx: SentenceContext, tok: Token) -> list[Entity]:
    """"accuse Russia of planning to invade": the one accused is the one said to attack."""
    for verb in tok.ancestors:
        if verb.lemma_ in ctx.lexicon.accusing_verbs:
            obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
            return actors_of_phrase(ctx, obj) if obj is not None and obj.i < tok.i else []
    return []


def _under_lemma(tok: Token, lemmas: frozenset[str], hops: int = 6) -> bool:
    cur = tok
    for _ in range(hops):
        if cur.head.i == cur.i:
            return False
        cur = cur.head
        if cur.lemma_ in lemmas:
            return True
    return False


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


TOPIC_VERBS = frozenset({"discuss", "debate", "review"})  # their object is the subject matter, not a party


def _partners(ctx: SentenceContext, tok: Token) -> list[Entity]:
    """The other side of "discussed options for troops in the Baltics with his officials": only the
    objects of with/between (what is discussed names no party)."""
    withs = [c for c in tok.subtree if c.dep_ == "prep" and c.lower_ in ("with", "between")]
    return ctx.entities_in([t for c in withs for t in c.subtree])  # the parse may hang "with" on the topic


def _objects(ctx: SentenceContext, tok: Token, skip: set[int] = frozenset()) -> list[Entity]:
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
    return ctx.entities_in(toks, skip)


def _addressees(ctx: SentenceContext, tok: Token, kind: str) -> list[Entity]:
    """Recipients of a speech act: whom it is addressed to or made against, not a party named inside what
    is said. "wants NATO to scratch its promise to Ukraine" -> NATO (the complement clause gives its
    subject only); "denied plans of launching an attack on Ukraine" -> nobody: a denial's recipient is
    the accuser ("rejected Moscow's demands" -> RUS), and the denied clause names none."""
    toks: list[Token] = []
    for child in tok.children:
        if child.dep_ in ("ccomp", "xcomp"):
            if kind != "REJECT":  # ("warned that an invasion of Ukraine would ...": that event's parties, not it)
                toks.extend(t for s in child.children if s.dep_ in ("nsubj", "nsubjpass")
                            and not _names_an_action(ctx, s) for t in _unclausal(s, ctx))
        elif child.dep_ in ("dobj", "dative", "attr", "oprd") or child.dep_ == "prep" and child.lower_ in (
                "with", "to", "against", "on", "of", "from", "for", "between", "toward", "towards", "over", "into"):
            toks.extend(_unclausal(child, ctx))
    found = ctx.entities_in(toks)
    if not found and kind == "REJECT":
        found = _owner_named_before(ctx, tok)
    return found


def _owner_named_before(ctx: SentenceContext, tok: Token) -> list[Entity]:
    """'cannot accept his terms', 'rejected their demands': the one whose proposal is refused is the party
    the sentence before named (the pronoun owner), not the refuser itself."""
    owners = [p for c in tok.children if c.dep_ == "dobj" for p in c.children
              if p.dep_ == "poss" and p.lower_ in ("his", "her", "their")]
    return list(ctx.fallback) if owners else []


def _names_an_action(ctx: SentenceContext, noun: Token) -> bool:
    """A noun naming another action, whose parties are that action's ("an invasion of Ukraine"); a measure
    threatened or rejected is not one: its target is the speech act's ("threatened sanctions against Russia")."""
    lemma = noun.lemma_.lower()
    return lemma in ctx.lexicon.event_nouns or any(t.type != "SANCTION" for t in ctx.lexicon.nouns.get(lemma, ()))


def _unclausal(head: Token, ctx: SentenceContext) -> list[Token]:
    """`head`'s subtree without the clauses below it (verbs, gerunds, relative clauses), and of a noun naming
    another action only who does it ("condemned Russia's invasion of Ukraine" -> Russia)."""
    out = [head]
    action = _names_an_action(ctx, head)
    for child in head.children:
        if child.pos_ in ("VERB", "AUX") or child.dep_ in ("relcl", "acl", "advcl", "ccomp", "xcomp", "pcomp"):
            continue
        if action and child.dep_ not in ("poss", "compound", "amod", "det"):
            continue
        out.extend(_unclausal(child, ctx))
    return out
