"""Status (where the action stands, as the article states it) and attribution (who says so)."""

from __future__ import annotations

from spacy.tokens import Token

from ..model import Attribution, Span
from .arguments import SAY_LEMMAS, SentenceContext, phrase_tokens, subject_of
from .lexicon import StatusCues

# verbs of judging: their subject observes what it judges, it does not act it ("Ukrainian officials
# estimate 50,000 troops are in place": not Ukraine's troops); a subset of SAY_LEMMAS
JUDGE_LEMMAS = frozenset({"estimate", "assess", "believe"})
_DOMINANT = ("hypothetical", "negated")
# an attack its attacker announces is launched ("Putin announced a military operation"), not scheduled
_LAUNCHED_BY_SAYING = frozenset({"ASSAULT"})
_BEFORE_ITS_CLAUSE = ("after", "following")  # prepositions whose object happened before the clause
# prepositions by which a verb is placed or timed by the trigger, not applied to it: "proposed at the latest
# round of talks" weighs no talks (a verb's cue lemma does not reach the trigger through them)
_ADJUNCT_PREPS = frozenset({"at", "during", "in", "amid", "amidst", "despite", "since", "before", "ahead"})
# types whose present form or noun states an action going on as reported ("Britain sends troops", "the
# build-up", "as Russian forces unleash their assault", "Russia's invasion of Ukraine")
ONGOING = frozenset({"MOBILIZE", "RETREAT", "ASSAULT"})
Cue = tuple[float, str, Token]  # (distance from the trigger, status, cue token)


def _chain(trigger: Token) -> list[Token]:
    """The trigger and the verbs governing it up to (not through) a verb of saying."""
    out = [trigger]
    if trigger.pos_ == "VERB" and trigger.dep_ in ("amod", "acl") and trigger.tag_ in ("VBG", "VBN") and not any(
            c.dep_ in ("nsubj", "nsubjpass") for c in trigger.children):
        return out  # "the marines landing today will relieve ...": the participle states its own stage
    # ("fears it would invade": a clause on a noun, which says how it stands)
    cur = trigger
    for _ in range(5):
        if cur.head.i == cur.i or cur.dep_ in ("ccomp", "parataxis", "relcl"):
            break
        if cur.dep_ == "advcl" and any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in cur.children):
            break  # "will send troops as Russia masses forces": a side clause with its own subject has its own stage
        if cur.dep_ not in ("xcomp", "dobj", "pobj", "prep", "acl", "advcl", "nsubj", "nsubjpass", "attr",
                            "compound", "amod", "oprd", "pcomp", "conj"):
            break
        if cur.dep_ == "conj" and (cur.pos_ != "VERB" or any(
                c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass") for c in cur.children)):
            break  # "will send ... and shift ...": a bare conjunct shares its head's auxiliary
        if cur.dep_ == "conj" and any(c.dep_ == "cc" and c.lower_ == "but" and c.i < cur.i for c in cur.head.children):
            break  # "did not return to base but joined other forces": the contrast does not share the negation
        cur = cur.head
        if cur.lemma_ in SAY_LEMMAS:
            break
        out.append(cur)
    return out


def status_of(ctx: SentenceContext, trigger: Token, fixed: str | None, speech_act: bool,
              kind: str = "", own_negation: bool = False) -> tuple[str, Span | None]:
    """`own_negation`: the trigger's negation is part of what it means ("cannot accept" is a
    rejection), so it does not negate the event."""
    cues: StatusCues = ctx.lexicon.status
    doc = ctx.doc
    low = doc.text.lower()
    for status, types, phrases in cues.sentence_wide:
        if kind in types:
            for phrase in phrases:
                pos = low.find(phrase)
                if pos >= 0:
                    span = doc.char_span(pos, pos + len(phrase), alignment_mode="expand")
                    return status, _span(ctx, span[0]) if span is not None and len(span) else None
    if speech_act:
        neg = None if own_negation else next((c for c in trigger.children if c.dep_ == "neg"), None)
        return ("negated", _span(ctx, neg)) if neg is not None else ("completed", None)
    if trigger.pos_ in ("NOUN", "PROPN") and trigger.dep_ == "pobj" and trigger.head.lower_ in _BEFORE_ITS_CLAUSE:
        # "... to bolster its flank after Russia's invasion": what the clause follows has happened, whatever
        # the clause's own stage ("agreed to provide")
        return "completed", _span(ctx, trigger.head)
    chain = _chain(trigger)
    found = _chain_cues(chain, trigger, cues, speech_act, own_negation) + _top_cues(chain, cues, speech_act, kind)
    found += _phrase_cues(doc, chain, cues, found, trigger)
    found += _should_cues(chain)
    for dom in _DOMINANT:
        cands = [f for f in found if f[1] == dom]
        if cands:
            tok = min(cands, key=lambda f: f[0])[2]
            return dom, _span(ctx, tok)
    if found:
        dist, status, tok = min(found, key=lambda f: f[0])
        if fixed in ("announced", "considered") and status in ("completed", "underway"):
            status = fixed
        return status, _span(ctx, tok)
    if fixed:
        return fixed, _span(ctx, trigger)
    if speech_act:
        return "completed", None
    return _tense_status(trigger, kind in ONGOING), _span(ctx, trigger)


def _chain_cues(chain: list[Token], trigger: Token, cues: StatusCues, speech_act: bool,
                own_negation: bool) -> list[Cue]:
    """Negations, markers, auxiliaries and governing lemmas on the trigger's path (`_chain`)."""
    found: list[Cue] = []
    for dist, verb in enumerate(chain):
        for child in verb.children:
            lw = child.lower_
            if child.dep_ == "neg" or lw in ("not", "n't", "never") and child.dep_ in ("neg", "advmod"):
                if not (own_negation and verb is trigger):
                    found.append((dist, "negated", child))
            elif child.dep_ in ("dobj", "attr", "nsubj", "nsubjpass") and any(
                    g.dep_ == "det" and g.lower_ == "no" for g in child.children):
                found.append((dist, "negated", child))  # "has no troops in", "no troops would be sent"
            elif child.dep_ == "mark" and lw in cues.markers:
                found.append((dist, cues.markers[lw], child))
            elif child.dep_ in ("aux", "auxpass") and lw in cues.aux:
                found.append((dist, cues.aux[lw], child))
            elif verb.lemma_ == "be" and child.dep_ == "xcomp" and child.tag_ == "VB" and any(
                    g.dep_ == "aux" and g.lower_ == "to" for g in child.children) and not any(
                    g.dep_ == "csubj" for g in verb.children):
                # "talks are to take place", "is also to talk": scheduled (not "what we have done is to increase")
                found.append((dist, "announced", child))
            elif child.dep_ == "advcl" and any(g.dep_ == "mark" and g.lower_ in cues.markers for g in child.children):
                if not speech_act:  # "if Moscow attacks, Norway will send ..." as "... will send ... if Moscow attacks"
                    found.append((dist + 0.5, "hypothetical", child))
        via = chain[dist - 1] if dist > 0 else None
        if dist > 0 and verb.lemma_ in cues.lemmas and not (
                cues.lemmas[verb.lemma_] in ("completed", "underway") and verb.tag_ == "VB") and not (
                via.dep_ == "prep" and via.lower_ in _ADJUNCT_PREPS):
            # "plans to hold talks": an infinitive 'hold' states no stage; 'held talks' does
            # ("will discuss further sanctions": what is discussed is weighed, the auxiliary dates the talk)
            weighed = cues.lemmas[verb.lemma_] == "considered"
            found.append((dist - 0.1 if weighed else dist, cues.lemmas[verb.lemma_], verb))
    return found


def _top_cues(chain: list[Token], cues: StatusCues, speech_act: bool, kind: str) -> list[Cue]:
    """What the verb over the path's top says of it: a verb of saying announcing it, a denial, a negated
    expectation."""
    found: list[Cue] = []
    top = chain[-1]
    if top.dep_ in ("dobj", "nsubjpass") and top.head.lemma_ in cues.said_objects and not speech_act \
            and kind not in _LAUNCHED_BY_SAYING:
        found.append((len(chain), cues.said_objects[top.head.lemma_], top.head))  # "announced new sanctions"
    if top.dep_ == "ccomp" and cues.lemmas.get(top.head.lemma_) == "negated":
        found.append((len(chain), "negated", top.head))  # "denies that it would attack"
    # "officials did not expect that more troops would be sent": a negated verb of expecting or planning
    # (not when that verb has a complement of its own: "..., our concern is not getting smaller", the
    # parse hanging the quoted clause on it, says nothing of the troops)
    if top.dep_ == "ccomp" and top.head.lemma_ not in SAY_LEMMAS and top.head.pos_ in ("VERB", "AUX") and not any(
            c.dep_ in ("acomp", "dobj", "attr", "oprd") for c in top.head.children):
        neg = next((c for c in top.head.children if c.dep_ == "neg"), None)
        if neg is not None:
            found.append((len(chain), "negated", neg))
    return found


def _phrase_cues(doc, chain: list[Token], cues: StatusCues, found: list[Cue], trigger: Token) -> list[Cue]:
    """Phrase cues inside the clause around the trigger ("no plans to", "on standby", "under way"); the
    non-dominant ones only where no other cue was found."""
    out: list[Cue] = []
    lo = min(t.i for t in chain)
    hi = max(t.i for t in chain)
    if trigger.lemma_ == "be":  # forces that are somewhere: the predicate says how ("are underway", "on their way")
        hi = max([hi] + [t.i for c in trigger.children if c.i > trigger.i and c.dep_ in ("acomp", "advmod", "prep")
                         for t in c.subtree if t.i <= trigger.i + 4])
    start = max(0, lo - 6)
    # not across a contrast: "will not send troops but will send jets" (the jets are announced)
    start = max([start] + [t.i + 1 for t in doc[start:lo] if t.dep_ == "cc" and t.lower_ == "but"])
    left = doc[start: hi + 1]
    text = left.text.lower()
    for phrase, status in cues.phrases:
        pos = text.find(phrase)
        if pos >= 0 and (status in _DOMINANT or not found + out):
            tok = left.char_span(pos, pos + len(phrase), alignment_mode="expand")
            out.append((0.75, status, tok[0] if tok is not None and len(tok) else trigger))
    return out


def _should_cues(chain: list[Token]) -> list[Cue]:
    """"should Moscow invade" inverted conditional, on the trigger's clause or one that governs it
    ("ministers were to discuss how to dispatch troops ... should Moscow order an invasion")."""
    found: list[Cue] = []
    for verb in chain:
        for child in verb.children:
            if child.lower_ == "should" and child.i < verb.i and any(
                    g.dep_ in ("nsubj",) and g.i > child.i for g in verb.children):
                found.append((0, "hypothetical", child))
    top = chain[-1]
    for verb in [top, *top.ancestors][1:] if top.dep_ == "ccomp" else []:
        for cond in (c for c in verb.children if c.dep_ == "advcl"):
            should = next((a for a in cond.children if a.lower_ == "should" and a.dep_ == "aux"), None)
            if should is not None and any(g.dep_ == "nsubj" and g.i > should.i for g in cond.children):
                found.append((len(chain), "hypothetical", should))
    return found


def foretold_consequence(trigger: Token, cues: StatusCues) -> bool:
    """The trigger, a noun, is the subject of a modal verb that says what the event would bring, not that
    it takes place ("a Russian invasion would be horrific", "an attack could push prices up"; not "an
    invasion could come at any time", "could be imminent": `cues.occurring`)."""
    verb = trigger.head
    if trigger.pos_ not in ("NOUN", "PROPN") or trigger.dep_ != "nsubj" or verb.pos_ not in ("VERB", "AUX"):
        return False
    if not any(c.dep_ == "aux" and cues.aux.get(c.lower_) in ("considered", "announced") for c in verb.children):
        return False
    if verb.lemma_ in cues.occurring:
        return False
    return not (verb.lemma_ == "be" and any(
        c.dep_ in ("acomp", "attr", "advmod") and c.lower_ in cues.occurring_states for c in verb.children))


def _tense_status(trigger: Token, ongoing: bool) -> str:
    tag = trigger.tag_
    auxes = [c.lower_ for c in trigger.children if c.dep_ in ("aux", "auxpass")]
    if tag == "VBG" or "being" in auxes:  # "is sending", "were being deployed", "besides sending"
        return "underway"
    if ongoing and (tag in ("VBZ", "VBP") or trigger.pos_ in ("NOUN", "PROPN")):
        return "underway"  # "Britain sends troops", "the build-up", "troop movements": ongoing as reported
    return "completed"


def _span(ctx: SentenceContext, tok: Token) -> Span:
    return Span(tok.idx + ctx.offset, tok.idx + len(tok.text) + ctx.offset)


def attribution_of(ctx: SentenceContext, trigger: Token) -> Attribution | None:
    """'according to US officials', or the subject of the verb of saying that governs the trigger."""
    doc = ctx.doc
    for tok in doc:
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            objs = [c for c in doc[tok.i + 1].children if c.dep_ == "pobj"]
            if objs:
                return _attribution(ctx, objs[0])
    cur = trigger
    for _ in range(6):
        if cur.head.i == cur.i:
            break
        cur = cur.head
        if cur.lemma_ in SAY_LEMMAS and cur.pos_ in ("VERB", "AUX"):
            subj = subject_of(cur)
            if subj is not None and subj.lower_ not in ("it", "they", "he", "she", "we", "i"):
                return _attribution(ctx, subj)
            return None
    return None


def _attribution(ctx: SentenceContext, head: Token) -> Attribution:
    toks = sorted(phrase_tokens(head), key=lambda t: t.i)
    span = ctx.doc[toks[0].i: toks[-1].i + 1]
    ents = ctx.entities_in(toks)
    return Attribution(span.text, ents[0].code if ents else None,
                       Span(span.start_char + ctx.offset, span.end_char + ctx.offset))
