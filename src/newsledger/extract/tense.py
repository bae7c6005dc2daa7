"""The tense of the verb a span of a parsed text belongs to, for find_timexes(tense=...).

"said Monday" -> past; "will meet Monday", "plans to meet Monday", "is meeting Monday" -> future;
anything else (present simple, no verb) -> None, and the finder reads the span as it would without
a parse. Cheap: a walk up the dependency tree spaCy has already built.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from .timex import TenseOf

_FUTURE = frozenset({"will", "'ll", "shall", "wo"})  # not "would", "could": often the future of a past report
_PAST = frozenset({"had", "did", "was", "were", "'d"})
_PERFECT = frozenset({"has", "have", "'ve"})
_PROGRESSIVE = frozenset({"is", "are", "am", "'s", "'re", "'m"})
_STATIVE = frozenset({"be", "have", "say", "know", "think", "believe", "seem", "remain", "show", "report", "tell"})


def verb_tense(doc: Doc, offset: int = 0) -> TenseOf:
    """A TenseOf over `doc`, whose text starts at character `offset` of the text the finder reads."""
    def tense(start: int, end: int) -> str | None:
        span = doc.char_span(start - offset, end - offset, alignment_mode="expand")
        if span is None or not len(span):
            return None
        verb = _governing_verb(span.root)
        if verb is None:
            return None
        # "follows Tuesday's declaration": the day of a noun's event, no timetable for the verb
        return _tense(verb, timetable=span.root.dep_ != "poss")
    return tense


def _governing_verb(tok: Token) -> Token | None:
    for _ in range(5):
        if tok.pos_ in ("VERB", "AUX"):
            return tok
        if tok.head.i == tok.i:
            return None
        tok = tok.head
    return None


def _tense(verb: Token, *, timetable: bool = True) -> str | None:
    aux = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if aux & _FUTURE:
        return "future"
    if verb.tag_ == "VB" and "to" in aux:  # "plans to meet Monday", "is scheduled to close Monday"
        return "future"
    if verb.tag_ == "VBD" or verb.tag_ == "VBN" and aux & _PERFECT or aux & _PAST:  # (a bare participle,
        # "followed by a session on Jan. 12", or a passive one, "would be paid in January", "is
        # expected in December", says nothing of when)
        return "past"
    if verb.tag_ == "VBG" and aux & _PROGRESSIVE:
        return "future"  # "is meeting on Monday": arranged
    if timetable and verb.tag_ in ("VBZ", "VBP") and verb.lemma_ not in _STATIVE:
        return "future"  # "the leaders meet Monday": a timetable
    return None
