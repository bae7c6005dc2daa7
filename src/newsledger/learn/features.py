"""What the learned extractor sees: sentences with their context and candidate spans.

Rules find and normalise the candidates (gazetteer codes, places with coordinates, figures, dates);
the model only decides. One `SentenceInput` per sentence that can hold an event: the sentence, the
one before it and the title as context, and every candidate span in the sentence and the one
before it (actors and places may be named there: "They were sent there").

Candidate kinds and the roles the model may give them:
- `entity` (a state, organisation, person, institution, capital or place): actor, recipient, location;
- `figure` (a number before an asset noun: "3,000 troops"): figure;
- `time` (a resolved time expression): date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property

from ..model import Article, Span
from ..extract.gazetteer import ActorGazetteer, PlaceEntry, PlaceIndex, load_actors, load_places
from ..extract.lexicon import Lexicon, load_lexicon
from ..extract.quantities import quantity_before
from ..extract.timex import find_timexes

ROLES: tuple[str, ...] = ("actor", "recipient", "location", "figure", "date")
ROLE_MASK = {"entity": (1, 1, 1, 0, 0), "figure": (0, 0, 0, 1, 0), "time": (0, 0, 0, 0, 1)}
MAX_SENTENCE_CHARS = 600  # longer sentences are cut: cost stays linear in the text
_PARA = re.compile(r"[^\n]+")
_CAPS = re.compile(r"\b(?:the\s+)?[A-Z][\w'’\-]+(?:\s+(?:of\s+)?[A-Z][\w'’\-]+){0,3}")
_PRONOUN = re.compile(r"\b(?:it|they|he|she|we|its|their|the alliance|the bloc)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Candidate:
    kind: str  # entity, figure, time
    span: Span  # in the article text
    text: str
    codes: tuple[str, ...] = ()  # entity: actor codes (a place: its country)
    entity_kind: str | None = None  # state, org, person, institution, capital, demonym, place
    place: PlaceEntry | None = None
    qmin: int | None = None
    qmax: int | None = None
    approx: bool = False
    unit: str | None = None
    asset_mode: str | None = None
    date: dt.date | None = None
    precision: str | None = None


@dataclass(frozen=True, slots=True)
class SentenceInput:
    article_id: str
    index: int  # sentence number in the article
    span: Span
    text: str
    context: str  # the sentence before and the title
    context_start: int  # article offset of the sentence before (its candidates' text position)
    context_len: int  # characters of the sentence before inside `context`
    candidates: tuple[Candidate, ...]
    in_sentence: tuple[bool, ...]  # per candidate: inside the sentence (else in the one before)


class Resources:
    """The knowledge files and the sentence splitter, loaded once."""

    def __init__(self) -> None:
        import spacy

        self.lexicon: Lexicon = load_lexicon()
        self.actors: ActorGazetteer = load_actors()
        self.places: PlaceIndex = load_places()
        self.splitter = spacy.blank("en")
        self.splitter.add_pipe("sentencizer")
        self.splitter.max_length = 2_000_000

    @cached_property
    def relation_after(self) -> re.Pattern:
        """What follows a name that owns a relation: "'s allies", "'s Western partners"."""
        nouns = sorted(self.lexicon.relation_nouns, key=len, reverse=True)
        return re.compile(r"\s*['’]s?\s+(?:[A-Za-z-]+\s+)?(?:" + "|".join(map(re.escape, nouns)) + r")\b", re.IGNORECASE)

    @cached_property
    def owned_forces(self) -> re.Pattern:
        """What follows an owner named on its forces' noun: further owners ("US and NATO troops"), at most
        one modifier ("Russian military units": `force_modifiers`), the noun; not a verb ("Poland expects
        troops")."""
        mods = "|".join(map(re.escape, sorted(self.lexicon.force_modifiers, key=len, reverse=True)))
        nouns = "|".join(map(re.escape, sorted(self.lexicon.assets, key=len, reverse=True)))
        # the gap is read once, as it first matches (atomic: a backtracking match lost dev F1 0.003)
        return re.compile(r"(?>(?:\s*(?:,|and)\s+[A-Z][\w.-]*)*\s+(?:(?:" + mods + r")\s+)?)\b(?i:" + nouns + r")\b")

    @cached_property
    def asset_nouns(self) -> re.Pattern:
        nouns = sorted(self.lexicon.assets, key=len, reverse=True)
        return re.compile(r"\b(?:" + "|".join(map(re.escape, nouns)) + r")\b", re.IGNORECASE)


def sentences(res: Resources, text: str) -> list[Span]:
    """Sentence spans of `text` (paragraph by paragraph; every line is at least its own sentence)."""
    paras = [(m.start(), m.group(0)) for m in _PARA.finditer(text) if m.group(0).strip()]
    out: list[Span] = []
    for (pstart, ptext), doc in zip(paras, res.splitter.pipe(p[:100_000] for _, p in paras)):
        for sent in doc.sents:
            raw = sent.text
            s = raw.strip()
            if not s:
                continue
            start = pstart + sent.start_char + (len(raw) - len(raw.lstrip()))
            for k in range(0, len(s), MAX_SENTENCE_CHARS):
                piece = s[k:k + MAX_SENTENCE_CHARS]
                out.append(Span(start + k, start + k + len(piece)))
    return out


def candidates(res: Resources, text: str, span: Span, published: dt.date | None) -> list[Candidate]:
    """Every candidate span inside `span` of the article `text`."""
    s = text[span.start:span.end]
    out: list[Candidate] = []
    taken: list[tuple[int, int]] = []
    for hit in res.actors.find(s, published, offset=span.start):
        taken.append((hit.start, hit.end))
        if res.relation_after.match(s, hit.end - span.start):
            continue  # "Kyiv's allies": the possessor is not the allies
        out.append(Candidate("entity", Span(hit.start, hit.end), hit.text, tuple(hit.entry.codes), hit.entry.kind))
    for m in _CAPS.finditer(s):
        a, b = m.start() + span.start, m.end() + span.start
        if any(a < e and st < b for st, e in taken):
            continue
        name = re.sub(r"^the\s+", "", m.group(0))
        entry = res.places.lookup(name)
        if entry is not None and entry.country:
            out.append(Candidate("entity", Span(a, b), m.group(0), (entry.country,), "place", place=entry))
    for m in res.asset_nouns.finditer(s):
        fig = quantity_before(s, m.start())
        asset = res.lexicon.asset(m.group(0))
        if fig is None or asset is None or not asset.countable:
            continue
        out.append(Candidate("figure", Span(fig.start + span.start, m.end() + span.start),
                             s[fig.start:m.end()], qmin=fig.min, qmax=fig.max, approx=fig.approx,
                             unit=asset.unit, asset_mode=asset.mode))
    for t in find_timexes(s, published, offset=span.start):
        if t.date is None:
            continue  # no date of its own (PRESENT_REF, decades ...)
        out.append(Candidate("time", Span(t.start, t.end), t.text, date=t.date, precision=t.precision))
    return sorted(out, key=lambda c: c.span.start)


def worth_reading(res: Resources, sentence: str, cands: list[Candidate]) -> bool:
    """A sentence the model reads: it names a party (or refers to one) or forces."""
    return bool(cands) or bool(_PRONOUN.search(sentence)) or bool(res.asset_nouns.search(sentence))


def article_inputs(res: Resources, article: Article, *, limit: int | None = None,
                   every_sentence: bool = False) -> list[SentenceInput]:
    """The model's inputs for one article (sentences starting before `limit` characters)."""
    text = article.text
    spans = sentences(res, text)
    cands = [candidates(res, text, sp, article.published) for sp in spans]
    title = (article.title or "").strip()
    out = []
    for i, sp in enumerate(spans):
        if limit is not None and sp.start >= limit:
            break
        sent = text[sp.start:sp.end]
        if not every_sentence and not worth_reading(res, sent, cands[i]):
            continue
        prev = spans[i - 1] if i else None
        prev_text = text[prev.start:prev.end] if prev else ""
        context = prev_text + (" | " + title if title and title != sent else "")
        before = cands[i - 1] if i else []
        both = [c for c in before if c.kind == "entity"] + cands[i]
        out.append(SentenceInput(article.id, i, sp, sent, context, prev.start if prev else sp.start,
                                 len(prev_text), tuple(both),
                                 tuple([False] * sum(c.kind == "entity" for c in before) + [True] * len(cands[i]))))
    return out
