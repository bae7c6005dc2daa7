"""Arguments of a trigger from the dependency parse: actors, recipients, assets, places.

Works on a parsed sentence (spaCy Doc) together with the gazetteer hits mapped onto its tokens.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from ..model import Entity, Mention, Span
from .gazetteer import ActorHit, PlaceEntry, PlaceIndex
from .lexicon import Asset, Lexicon

RELATIVE = frozenset({"which", "that", "who", "whom"})
PRONOUNS = frozenset({"it", "they", "he", "she", "we", "its", "their", "his", "her", "our"})
# verbs of saying (status.py reads the speaker and the stage through them)
SAY_LEMMAS = frozenset({"say", "tell", "announce", "state", "report", "confirm", "add", "note", "claim", "write",
                        "declare", "insist", "stress", "warn", "believe", "estimate", "assess", "reveal", "explain"})
PERSONAL = frozenset({"he", "she", "his", "her"})
SPEAKERS = frozenset({"we", "our", "i"})
QUANTIFIERS = frozenset({"all", "both", "each", "some", "most", "many", "several", "none"})
SUBJ = ("nsubj", "nsubjpass", "csubj", "expl")
_SKIP_IN_SUBJECT = frozenset({"relcl", "acl", "advcl", "parataxis"})
DEST_PREPS = frozenset({"to", "into", "in", "toward", "towards", "near", "along", "at", "on", "inside", "onto",
                        "across", "within", "around"})
BORDER_WORDS = frozenset({"border", "borders", "frontier", "frontiers", "boundary"})
# nouns that put forces near a state, not in it, and say nothing of which side ("to the vicinity of Ukraine")
VICINITY_WORDS = frozenset({"vicinity", "proximity"})
NEAR_WORDS = frozenset({"close", "closer", "closest", "near", "nearer", "nearest", "adjacent", "bordering",
                        "neighbouring", "neighboring"})


@dataclass(slots=True)
class SentenceContext:
    """A parsed sentence with everything the rules need, in article character offsets."""

    doc: Doc
    offset: int  # article offset of the sentence's first character
    hits: list[ActorHit]  # gazetteer hits, article offsets
    lexicon: Lexicon
    places: PlaceIndex
    article_countries: frozenset[str]
    fallback: list[Entity] = field(default_factory=list)  # actors of the previous sentence (pronouns)
    deploy_fallback: list[Entity] = field(default_factory=list)  # actors of the article's last deployment
    deploy_last: Mention | None = None  # the article's last deployment, for "they", "there", "900 more"
    deploy_gap: int = 99  # sentences since it
    person: list[Entity] = field(default_factory=list)  # the last person named before (a quote's "we")
    opens_quote: bool = False  # the sentence begins inside quotation marks ('"We can ..."')
    hit_of_token: dict[int, ActorHit] = field(default_factory=dict)
    assets: dict[int, tuple[Asset, int, int]] = field(default_factory=dict)  # head token -> asset, first tok, last
    relational: set[int] = field(default_factory=set)  # ids of hits that own a relation ("Kyiv's allies")

    def __post_init__(self) -> None:
        if self.hits:
            starts = [tok.idx + self.offset for tok in self.doc]
            import bisect

            for hit in self.hits:
                i = bisect.bisect_left(starts, hit.start)
                while i < len(starts) and starts[i] < hit.end:
                    self.hit_of_token[i] = hit
                    tok = self.doc[i]
                    if tok.dep_ == "poss" and tok.head.lower_ in self.lexicon.relation_nouns:
                        self.relational.add(id(hit))
                    i += 1
        self._find_assets()

    def _find_assets(self) -> None:
        lex = self.lexicon
        toks = list(self.doc)  # spaCy makes a Token object on every access: once each
        low = [t.lower_ for t in toks]
        for i, tok in enumerate(toks):
            pos = tok.pos_
            if pos not in ("NOUN", "PROPN", "NUM") and (pos == "ADJ" or tok.tag_ not in ("NNS", "NN", "NNP", "NNPS")):
                continue  # (an adjective naming an asset, "naval", is not one)
            for width in range(min(lex.max_asset_words, i + 1), 0, -1):
                asset = lex.asset(" ".join(low[i - width + 1: i + 1])) or (
                    lex.asset(tok.lemma_.lower()) if width == 1 else None)
                if asset:
                    self.assets[i] = (asset, i - width + 1, i)
                    break

    def entity(self, hit: ActorHit, code: str) -> Entity:
        return Entity(hit.text, code, Span(hit.start, hit.end), hit.entry.kind, hit.entry.sector)

    def entities_in(self, tokens, exclude: set[int] = frozenset()) -> list[Entity]:
        seen: set[int] = set()
        out: list[Entity] = []
        for tok in tokens:
            if tok.i in exclude:
                continue
            hit = self.hit_of_token.get(tok.i)
            if hit is None or id(hit) in seen or id(hit) in self.relational:
                continue
            seen.add(id(hit))
            out.extend(self.entity(hit, code) for code in hit.entry.codes)
        return _dedupe(out)


def _dedupe(ents: list[Entity]) -> list[Entity]:
    seen: set[str] = set()
    out = []
    for e in ents:
        if e.code not in seen:
            seen.add(e.code)
            out.append(e)
    return out


def phrase_tokens(head: Token) -> list[Token]:
    """The subtree of a noun phrase without relative clauses, appositions and the like."""
    out = [head]
    for child in head.children:
        if child.dep_ in _SKIP_IN_SUBJECT or child.dep_ in ("punct", "cc") and child.i > head.i + 3:
            continue
        if child.dep_ == "prep" and child.lower_ not in ("of", "from"):
            continue
        out.extend(phrase_tokens(child))
    return out


def subject_of(verb: Token, depth: int = 0) -> Token | None:
    """The subject of `verb`, inherited through conj / xcomp chains ("is sending ... and offering")."""
    for child in verb.children:
        if child.dep_ in ("nsubj", "csubj"):
            if child.lower_ in RELATIVE and verb.dep_ == "relcl":
                return verb.head  # "Moscow, which has amassed ..."
            return child
    if depth > 4:
        return None
    if verb.dep_ in ("conj", "xcomp", "advcl") and verb.head.i != verb.i and verb.head.pos_ in ("VERB", "AUX"):
        if verb.dep_ == "xcomp":  # raising: "Russia is estimated to have amassed"
            for child in verb.head.children:
                if child.dep_ == "nsubjpass":
                    return child
        return subject_of(verb.head, depth + 1)
    if verb.dep_ == "xcomp" and verb.head.pos_ == "ADJ" and verb.head.head.i != verb.head.i:
        return subject_of(verb.head.head, depth + 1)  # "was due to meet", "is ready to send"
    if verb.dep_ == "relcl":
        return verb.head
    if verb.dep_ == "acl" and verb.head.pos_ == "NOUN":
        noun = verb.head
        for child in noun.children:  # "a decision by Putin to recognise", "Russia's plan to send"
            if child.dep_ == "poss":
                return child
            if child.dep_ == "prep" and child.lower_ == "by":
                return next((g for g in child.children if g.dep_ == "pobj"), None)
        if noun.dep_ in ("dobj", "attr") and noun.head.pos_ in ("VERB", "AUX"):
            return subject_of(noun.head, depth + 1)  # "has no plans to send"
    return None


def agent_of(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ == "agent":
            for grand in child.children:
                if grand.dep_ == "pobj":
                    return grand
    return None


def passive_subject(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ == "nsubjpass":
            return child
    if verb.dep_ == "conj":
        return passive_subject(verb.head)
    return None


def resolve_pronoun(ctx: SentenceContext, tok: Token) -> list[Entity]:
    """'it', 'they', 'he': the actor of the governing clause's subject, else the previous sentence's; a
    'we' quoted from 'he' / 'she' ("'We would urge Russia ...,' he added") the person named last, not
    the previous sentence's first actor (measured: 'he' / 'she' themselves read as the person named
    last lose dev2 deployments, 0.776 -> 0.735)."""
    head = tok.head
    quoted = False
    for _ in range(4):
        if head.head.i == head.i:
            break
        head = head.head
        subj = subject_of(head) if head.pos_ in ("VERB", "AUX") else None
        if subj is not None and subj.lower_ not in PRONOUNS:
            ents = ctx.entities_in(phrase_tokens(subj))
            if ents:
                return ents
        if subj is not None and subj.lower_ in PERSONAL and tok.lower_ in SPEAKERS and head.lemma_ in SAY_LEMMAS:
            quoted = True  # the speaker's "we"
    # a quote that goes on in a sentence of its own ('"We have ... ," said Mr X. "We can ..."'): its "we" is
    # the one quoted last, not the first party the sentence before names
    quoted = quoted or tok.lower_ in SPEAKERS and ctx.opens_quote
    return list(ctx.person) if quoted and ctx.person else list(ctx.fallback)


def actors_of_phrase(ctx: SentenceContext, head: Token) -> list[Entity]:
    """The parties a subject names: "he" stands for someone named before, and "he and Lavrov" for
    both of them."""
    toks = [] if head.lower_ in PRONOUNS else phrase_tokens(head)
    for conj in _conjuncts(head):
        toks.extend(phrase_tokens(conj))
    if head.lower_ not in PRONOUNS:
        return ctx.entities_in(toks)
    return _dedupe(resolve_pronoun(ctx, head) + ctx.entities_in(toks))


def _conjuncts(tok: Token) -> list[Token]:
    out = []
    for child in tok.children:
        if child.dep_ == "conj":
            out.append(child)
            out.extend(_conjuncts(child))
    return out


def possessor_actors(ctx: SentenceContext, noun: Token) -> list[Entity]:
    """'Russia's buildup', 'the Russian invasion', 'US sanctions', 'the buildup by Russia'."""
    toks = []
    for child in noun.children:
        if child.dep_ in ("poss", "compound", "amod", "nmod"):
            toks.extend(child.subtree)
        elif child.dep_ == "prep" and child.lower_ == "by":
            toks.extend(child.subtree)
    return ctx.entities_in(toks)


def asset_args(ctx: SentenceContext, trigger: Token) -> list[tuple[Token, Asset, int, int]]:
    """Asset nouns that are arguments of `trigger` (objects, subjects, 'of' complements, conjuncts)."""
    out = []
    for head_i, (asset, first, last) in ctx.assets.items():
        tok = ctx.doc[head_i]
        if tok.dep_ == "compound" and tok.head.i != trigger.i and any(
                t.type not in ("MOBILIZE", "RETREAT") for lemma in [tok.head.lemma_.lower()]
                for t in ctx.lexicon.nouns.get(lemma, ()) + ctx.lexicon.verbs.get(lemma, ())):
            continue  # "the risk of a Russian army attack": the army names another event, it is not moved
        # "troops deployed near the border": the trigger modifies the asset noun
        if _governs(trigger, tok, max_hops=6) or (trigger.dep_ in ("acl", "relcl") and trigger.head == tok) \
                or _stray_subject(trigger, tok) or _ordered_to(trigger, tok):
            out.append((tok, asset, first, last))
    return sorted(out, key=lambda x: x[0].i)


def _ordered_to(trigger: Token, tok: Token) -> bool:
    """The object of the verb an open complement belongs to is what it moves: "ordered 3,000 troops to
    deploy to Poland", "told the troops to pull back"."""
    return trigger.dep_ == "xcomp" and tok.dep_ == "dobj" and tok.head.i == trigger.head.i and tok.i < trigger.i


def _stray_subject(trigger: Token, tok: Token) -> bool:
    """A reported clause without a subject whose subject the parser hung on the reporting verb:
    "Kirby said about 1,700 of the troops ... would go to Poland" (1,700 parsed as "said about")."""
    head = trigger.head
    if trigger.dep_ != "ccomp" or not head.i < tok.i < trigger.i or any(c.dep_ in SUBJ for c in trigger.children):
        return False
    cur = tok
    while cur.i != head.i:
        if cur.head.i == cur.i or cur.pos_ in ("VERB", "AUX") or cur.dep_ not in ("pobj", "prep", "appos", "conj"):
            return False
        cur = cur.head
    return True


_ARG_DEPS = frozenset({"dobj", "nsubj", "nsubjpass", "pobj", "conj", "appos", "attr", "oprd", "npadvmod", "compound",
                       "prep", "dative", "nmod", "amod", "agent", "obj", "acomp", "xcomp", "ccomp", "advcl", "nummod"})


def clause_heads(trigger: Token) -> list[Token]:
    """The trigger and the verbs it is an open complement or conjunct of ("have begun to arrive")."""
    heads = [trigger]
    cur = trigger
    while cur.dep_ in ("xcomp", "conj") and cur.head.i != cur.i and len(heads) < 4:
        cur = cur.head
        heads.append(cur)
    return heads


def refers_back(tok: Token) -> bool:
    """'they', 'it', 'all of them', 'both of them': a phrase that stands for something named before."""
    if tok.lower_ in PRONOUNS:
        return True
    return tok.lower_ in QUANTIFIERS and any(c.dep_ == "prep" and c.lower_ == "of" and any(
        g.lower_ in ("them", "these", "those") for g in c.children) for c in tok.children)


def _governs(trigger: Token, tok: Token, max_hops: int) -> bool:
    """tok hangs below trigger through argument links, or is the subject of trigger's clause."""
    heads = clause_heads(trigger)
    if any(c.dep_ in SUBJ and not refers_back(c) for c in trigger.children):
        heads = [trigger]  # "30 tanks were shipped ..., and 8 were rolling ...": each conjunct has its own subject
    if tok.dep_ in SUBJ and tok.head in heads:
        return True
    cur, hops = tok, 0
    while cur.head.i != cur.i and hops < max_hops:
        if cur.dep_ not in _ARG_DEPS and cur.dep_ not in SUBJ:
            return False
        cur = cur.head
        hops += 1
        if cur == trigger:
            return True
        if cur.pos_ in ("VERB", "AUX") and cur.dep_ not in ("xcomp", "amod", "acl", "relcl", "prep"):
            return False  # a verb as preposition ("assets, including F-35s") passes
    return False


@dataclass(slots=True)
class Destination:
    entities: list[Entity]
    places: list[tuple[PlaceEntry, Span, str]]
    border: bool = False
    from_: bool = False
    named: bool = False  # a proper name among the destinations, known to the gazetteer or not ("in Europe")
    border_states: list[Entity] = field(default_factory=list)  # states a border phrase names ("Poland's border with Ukraine")


def destinations(ctx: SentenceContext, trigger: Token, skip: set[int], object_is_destination: bool = False,
                 retreat: bool = False, inside: set[int] | None = None, outside: set[int] = frozenset()) -> Destination:
    """Where forces go: objects of to/into/in/near... under the trigger (or its asset noun); the direct
    object too for verbs like "enter" and "cross". `inside` / `outside` keep only the prepositions
    within / outside those tokens (one contingent's own destination)."""
    dest = Destination([], [])
    if object_is_destination:
        for obj in (c for c in trigger.children if c.dep_ == "dobj"):
            dest.entities.extend(e for e in ctx.entities_in(phrase_tokens(obj)) if e.kind in ("state", "region"))
    aside = reason_tokens(ctx, trigger)
    preps = [c for c in trigger.subtree if c.dep_ in ("prep", "dative") and c.lower_ in DEST_PREPS | {"from", "out"}
             and clause_of(c, trigger) == trigger and (inside is None or c.i in inside) and c.i not in outside
             and c.i not in aside]
    # "soldiers already in Italy ... to Hungary": where forces are now, moved elsewhere, is their origin
    if any(p.lower_ in ("to", "into", "toward", "towards", "onto") for p in preps):
        preps = [p for p in preps if not any(c.dep_ == "advmod" and c.lower_ in ("already", "currently")
                                             for c in p.children)]
    if not retreat:  # "from the 82nd Airborne at Fort Bragg": nothing inside an origin is a destination
        # ... but "from Greece to Poland", the parse hanging "to" on "from", names the destination
        onward = {t.i for p in preps if p.lower_ in ("to", "into") and p.head.lower_ == "from" for t in p.subtree}
        origin = {t.i for p in preps if p.lower_ in ("from", "out") for t in p.subtree} - onward
        preps = [p for p in preps if p.i not in origin or p.lower_ in ("from", "out")]
    # "to countries closest to Russia": the state a destination is near is its reference point, not it
    near = {x.i for p in preps if p.head.pos_ == "ADJ" and p.head.lower_ in NEAR_WORDS for x in p.subtree}
    for prep in (p for p in preps if p.i not in near):
        objs = [c for c in prep.children if c.dep_ == "pobj"]
        for obj in objs:
            toks = [t for t in phrase_tokens(obj) for t in [t]]
            for conj in _conjuncts(obj):
                toks.extend(phrase_tokens(conj))
            toks = [t for t in toks if t.i not in skip and t.i not in near]
            if prep.lower_ in ("from", "out"):
                if not retreat:
                    continue  # "800 troops from Italy to the Baltics": Italy is where they come from
                dest.from_ = True
            dest.named = dest.named or any(t.pos_ == "PROPN" for t in toks)
            if any(t.text in VICINITY_WORDS for t in toks):
                continue
            if any(t.text in BORDER_WORDS for t in toks):  # lower case: not "the Kapitan Andreevo Border Checkpoint"
                dest.border = True
                whole = sorted({t for o in objs for t in o.subtree}, key=lambda t: t.i)  # "X's border with Y"
                dest.border_states.extend(e for e in ctx.entities_in(whole) if e.kind in ("state", "demonym", "capital"))
                continue
            ents = [e for e in ctx.entities_in(toks) if e.kind in ("state", "capital", "region", "group")]
            if prep.lower_ in ("toward", "towards", "near", "around", "along") and any(
                    e.kind in ("state", "capital") for e in ents):
                dest.border = True  # "moving forces toward Ukraine", "a build-up near Ukraine": still at home
                continue
            dest.entities.extend(ents)
            for tok in toks:
                place = _place_at(ctx, tok)
                if place:
                    dest.places.append(place)
    dest.entities = _dedupe(dest.entities)
    return dest


def reason_tokens(ctx: SentenceContext, trigger: Token) -> set[int]:
    """Tokens of adjuncts about something else under the trigger: 'in response to ...', 'as part of ...'."""
    return {t.i for n in trigger.subtree if n.dep_ == "pobj" and n.lemma_.lower() in ctx.lexicon.reason_nouns
            for t in n.subtree}


def clause_of(tok: Token, trigger: Token) -> Token:
    cur = tok
    while cur.head.i != cur.i:
        cur = cur.head
        if cur == trigger or cur.pos_ in ("VERB", "AUX") or cur.dep_ == "ROOT":
            return cur
    return cur


def _place_at(ctx: SentenceContext, tok: Token) -> tuple[PlaceEntry, Span, str] | None:
    """A named place at `tok`: the proper-noun group ending at it ("Mihail Kogalniceanu Base",
    "Constanta"), looked up in the offline gazetteer. Countries are actors, not places."""
    if tok.pos_ != "PROPN" and not tok.text[:1].isupper():
        return None
    hit = ctx.hit_of_token.get(tok.i)
    if hit and hit.entry.kind == "state":
        return None
    left = tok.i
    while left > 0 and ctx.doc[left - 1].dep_ == "compound" and ctx.doc[left - 1].text[:1].isupper():
        left -= 1
    for start in range(left, tok.i + 1):  # longest name first: "Mihail Kogalniceanu", then "Kogalniceanu"
        if start > left and start - 1 in ctx.hit_of_token:
            break  # "the United States Mission": what a named party owns is not a place of its last word
        span = ctx.doc[start: tok.i + 1]
        entry = ctx.places.lookup(span.text, ctx.article_countries)
        if entry is not None:
            return entry, Span(span.start_char + ctx.offset, span.end_char + ctx.offset), span.text
    return None


def places_under(ctx: SentenceContext, trigger: Token) -> list[tuple[PlaceEntry, Span, str]]:
    """Named places under the trigger; for a noun trigger that is its verb's subject, also those of the
    verb's own in/at phrases ("Talks between the two ended in Vienna"), and so does one the verb is for
    ("will be in Warsaw for talks")."""
    tokens = list(trigger.subtree)
    verb = trigger.head
    if trigger.dep_ == "pobj" and trigger.head.lower_ == "for":  # "will be in Warsaw for talks with ..."
        verb = trigger.head.head
    if trigger.pos_ in ("NOUN", "PROPN") and (trigger.dep_ in ("nsubj", "nsubjpass") or verb != trigger.head) \
            and verb.pos_ in ("VERB", "AUX"):
        tokens += [g for c in verb.children if c.dep_ == "prep" and c.lower_ in ("in", "at") for g in c.children]
    heads, inner = [], []  # a phrase's head names the place surest ("at Wilson's Hotel in Geneva": Geneva)
    for tok in tokens:
        if tok.dep_ == "pobj" and tok.head.lower_ in ("in", "at", "near", "to", "into"):
            for t in phrase_tokens(tok):
                p = _place_at(ctx, t)
                if p:
                    (heads if t.i == tok.i else inner).append(p)
    return heads + inner
