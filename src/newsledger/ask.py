"""Questions in plain English, answered from the ledger with the events and sentences they rest on.

A question is parsed with the same gazetteer and lexicons as extraction into a structured Query
(shape, actors, targets, type, asset, dates, person); the answer is computed from the events; when
the ledger cannot answer, the best-matching sentences are shown instead (semantic search with the
offline all-MiniLM-L6-v2 model when the `semantic` extra is installed, else BM25 via SQLite FTS5).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

from .extract.gazetteer import load_actors
from .extract.lexicon import load_lexicon
from .extract.timex import find_timexes
from .ledger import EventDetail, events_with_detail
from .model import Event
from .rollups import hosts_of
from .store import MentionFilter, Store
from .summary import format_quantity

MAX_QUESTION = 300
IN_FORCE = ("announced", "underway", "completed")


@dataclass(slots=True)
class Query:
    text: str
    shape: str | None
    type: str | None = None
    actors: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    mode: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    person: str | None = None


@dataclass(slots=True)
class Citation:
    sentence: str
    source: str
    published: str | None
    mention_id: str | None = None
    event_id: str | None = None


@dataclass(slots=True)
class Answer:
    question: str
    query: Query
    answered: bool
    text: str
    items: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    search_method: str | None = None


@lru_cache(maxsize=1)
def _shapes() -> dict:
    return yaml.safe_load((resources.files("newsledger") / "data" / "questions.yaml").read_text(encoding="utf-8"))


def parse_question(text: str, reference: dt.date | None = None) -> Query:
    """Shape, actors, targets, type, asset and dates of a question (reference: the ledger's last day)."""
    cfg = _shapes()
    low = text.lower()
    q = Query(text=text, shape=None)
    for spec in cfg["shapes"]:
        if any(re.search(p, low) for p in spec["patterns"]):
            q.shape, q.type = spec["shape"], spec.get("type")
            break
    words = re.findall(r"[a-z][a-z\-]*", low)
    for t, names in cfg["type_words"].items():
        if any(n in words or (" " in n and n in low) for n in names):
            if q.shape not in ("how_many", "who_sent", "where_sent", "talks") or t in ("RETREAT",):
                q.type = t
                break
    lex = load_lexicon()
    for w in words:
        asset = lex.asset(w)
        if asset and not asset.aid:
            q.mode = asset.mode
            break
    preps = set(cfg["target_preps"])
    for hit in load_actors().find(text, reference):
        before = re.findall(r"[A-Za-z']+", text[:hit.start])[-2:]
        is_target = bool(before) and before[-1].lower() in preps and not (
            q.shape == "talks" and before[-1].lower() in ("between", "and", "with"))
        if hit.entry.kind == "person" and q.shape == "said":
            q.person = hit.text
        bucket = q.targets if is_target else q.actors
        for code in hit.entry.codes:
            if code not in q.actors + q.targets:
                bucket.append(code)
    if q.shape == "talks" and len(q.actors) < 2 and q.targets:
        q.actors, q.targets = q.actors + q.targets, []
    _dates(q, text, reference)
    return q


def _dates(q: Query, text: str, reference: dt.date | None) -> None:
    spans = find_timexes(text, reference)
    low = text.lower()
    for tx in spans:
        if tx.date is None:
            continue
        end = tx.end_date or _period_end(tx.date, tx.precision)
        before = low[max(0, tx.start - 8):tx.start]
        if re.search(r"\b(by|before|until|as of)\s*$", before):
            q.date_to = end
        elif re.search(r"\b(since|after|from)\s*$", before):
            q.date_from = tx.date
        elif q.shape == "changes" and q.date_from is None:
            q.date_from = tx.date
        elif q.shape == "changes":
            q.date_to = end
        else:
            q.date_from, q.date_to = tx.date, end


def _period_end(d: dt.date, precision: str) -> dt.date:
    if precision == "week":
        return d + dt.timedelta(days=6)
    if precision == "month":
        nxt = dt.date(d.year + d.month // 12, d.month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    if precision == "year":
        return dt.date(d.year, 12, 31)
    return d


def ask(store: Store, question: str, *, model_wait: float | None = None) -> Answer:
    """Answer `question` from the ledger. `model_wait`: how long the fallback search may wait for the semantic
    model to load (None: as long as it takes; a server passes 0 and ranks by BM25 until it is loaded)."""
    question = " ".join((question or "").split())
    if not question:
        return Answer(question, Query("", None), False, "Please ask a question, e.g. \"How many US troops were sent "
                      "to Poland in February 2022?\"")
    if len(question) > MAX_QUESTION:
        return Answer(question[:MAX_QUESTION], Query(question[:MAX_QUESTION], None), False,
                      f"That question is too long ({len(question)} characters; at most {MAX_QUESTION}).")
    last = store.stats().last_published
    q = parse_question(question, dt.date.fromisoformat(last) if last else None)
    handler = _HANDLERS.get(q.shape or "")
    answer = handler(store, q) if handler and (q.actors or q.targets or q.shape == "changes") else None
    if answer is None or not answer.answered:
        reason = (answer.text if answer else "The ledger cannot answer this question: " +
                  ("it names no country, organisation or person it knows." if q.shape else
                   "it does not match a question shape it knows (how many, who sent, where, when, demands, talks, "
                   "what changed, what someone said)."))
        return _fallback(store, q, reason, model_wait)
    return answer


# -- shapes ---------------------------------------------------------------------------------------
def _events(store: Store, q: Query, type_: str | None) -> list[EventDetail]:
    actor = q.actors[0] if q.actors else None
    details = events_with_detail(store, MentionFilter(type=type_, actor=actor))
    out = []
    for d in details:
        ev = d.event
        if q.actors and not set(q.actors) <= set(ev.actors) | set(ev.recipients):
            continue
        day = ev.date if ev.date and ev.date_precision == "day" else ev.first_reported
        if q.date_from and (day is None or day < q.date_from):
            continue
        if q.date_to and (ev.first_reported is None or ev.first_reported > q.date_to):
            continue
        out.append(d)
    return out


def _cite(details: list[EventDetail], per_event: int = 2) -> list[Citation]:
    out = []
    for d in details:
        for m, rec in d.mentions[:per_event]:
            out.append(Citation(m.sentence, rec.article.source,
                                rec.article.published.isoformat() if rec.article.published else None, m.id, d.event.id))
    return out


def _line(ev: Event) -> str:
    q = format_quantity(ev.quantity) or "no figure given"
    hosts = ", ".join(hosts_of(ev)) or ", ".join(ev.recipients) or "?"
    when = ev.date.isoformat() if ev.date else f"reported {ev.first_reported}"
    return f"{', '.join(ev.actors)} → {hosts}: {q} ({ev.mode or 'forces'}), {ev.status} ({when})"


def _deployment_caveats(details: list[EventDetail]) -> list[str]:
    caveats = []
    if any(d.event.n_conflicts for d in details):
        caveats.append("Sources disagree on some figures for the same day (see the conflicting reports).")
    if details and all(d.event.status not in ("underway", "completed") for d in details):
        caveats.append("Only pledged or planned so far: no report says these forces are moving or have arrived.")
    if any(d.event.quantity is None for d in details):
        caveats.append("Some reports state no number.")
    if any(len(hosts_of(d.event)) > 1 for d in details):
        caveats.append("Some figures are for several countries together, without the split.")
    seen: dict[tuple, dt.date] = {}
    for d in details:
        ev = d.event
        if ev.quantity and ev.first_reported:
            key = (tuple(ev.actors), tuple(hosts_of(ev)), ev.quantity.min, ev.quantity.max)
            if key in seen and abs((seen[key] - ev.first_reported).days) <= 10:
                caveats.append(f"The same figure ({format_quantity(ev.quantity)}) is reported as separate events "
                               "days apart: it may be one order counted twice.")
                break
            seen[key] = ev.first_reported
    return caveats


def _how_many(store: Store, q: Query) -> Answer:
    details = [d for d in _events(store, q, "MOBILIZE")
               if (not q.targets or set(q.targets) & set(hosts_of(d.event)) or set(q.targets) & set(d.event.recipients))
               and (not q.mode or d.event.mode in (q.mode, "mixed", None))]
    if not details:
        return Answer(q.text, q, False, "The ledger records no such deployment.")
    figures = [d.event for d in details if d.event.quantity and d.event.status in IN_FORCE]
    lo = sum(e.quantity.min or 0 for e in figures)
    hi = None if any(e.quantity.max is None for e in figures) else sum(e.quantity.max for e in figures)
    total = (f"{lo:,}" if hi == lo else f"{lo:,}–{hi:,}" if hi is not None else f"more than {lo:,}") if figures else None
    text = (f"{total} in total across {len(figures)} reported deployment(s)" if total else
            "No figure is reported for the deployments found") + "; by event:"
    return Answer(q.text, q, True, text, [_line(d.event) for d in details], _cite(details),
                  _deployment_caveats(details))


def _who_sent(store: Store, q: Query) -> Answer:
    from .posture import build_posture

    hosts = build_posture(store, q.date_to, q.targets[0] if q.targets else (q.actors[0] if q.actors else None))
    lines = [l for hp in hosts for l in hp.lines]
    if not lines:
        return Answer(q.text, q, False, "The ledger records no forces sent there.")
    senders = sorted({s for l in lines for s in l.senders})
    items = [f"{', '.join(l.senders)}: {l.mode} {format_quantity(l.quantity) or 'no figure'} ({l.status}, last reported "
             f"{l.last_reported})" for l in lines]
    details = events_with_detail(store, MentionFilter(type="MOBILIZE"))
    used = {l.event_id for l in lines}
    return Answer(q.text, q, True, f"{', '.join(senders)} sent or pledged forces to {hosts[0].host}:", items,
                  _cite([d for d in details if d.event.id in used]), [])


def _where_sent(store: Store, q: Query) -> Answer:
    details = [d for d in _events(store, q, q.type or "MOBILIZE") if hosts_of(d.event)]
    if not details:
        return Answer(q.text, q, False, "The ledger records no destination for those forces.")
    hosts = sorted({h for d in details for h in hosts_of(d.event)})
    return Answer(q.text, q, True, f"To {', '.join(hosts)}:", [_line(d.event) for d in details], _cite(details),
                  _deployment_caveats(details))


def _when(store: Store, q: Query) -> Answer:
    details = _events(store, q, q.type)
    if not details:
        return Answer(q.text, q, False, "The ledger records no such event.")
    items = [f"{d.event.date or d.event.first_reported} ({d.event.date_precision or 'first reported'}): "
             f"{d.event.type} — {d.event.summary}" for d in details]
    return Answer(q.text, q, True, f"{len(details)} event(s):", items, _cite(details, 1))


def _demands(store: Store, q: Query) -> Answer:
    kinds = ("REJECT",) if q.type == "REJECT" else ("REQUEST",)
    details = [d for k in kinds for d in _events(store, Query(q.text, q.shape, actors=q.actors[:1],
                                                               date_from=q.date_from, date_to=q.date_to), k)
               if not q.targets or set(q.targets) & set(d.event.recipients)]
    if not details:
        return Answer(q.text, q, False, "The ledger records no such demand or refusal.")
    return Answer(q.text, q, True, f"{len(details)} {'refusal' if kinds == ('REJECT',) else 'demand'}(s):",
                  [f"{d.event.first_reported}: {d.event.summary}" for d in details], _cite(details, 1))


def _talks(store: Store, q: Query) -> Answer:
    details = _events(store, q, "CONSULT")
    if not details:
        return Answer(q.text, q, False, "The ledger records no talks between them.")
    items = [f"{d.event.date or d.event.first_reported}: {d.event.mode or 'talks'} between {', '.join(d.event.actors)}"
             + (f" in {d.event.location.name or d.event.location.country}" if d.event.location else "")
             for d in details]
    return Answer(q.text, q, True, f"{len(details)} talk(s), meeting(s) or call(s):", items, _cite(details, 1))


def _changes(store: Store, q: Query) -> Answer:
    if not (q.date_from and q.date_to):
        return Answer(q.text, q, False, "Give two dates, e.g. \"What changed between 2022-02-01 and 2022-02-15?\"")
    details = events_with_detail(store, MentionFilter(actor=q.actors[0] if q.actors else None))
    new, moved, withdrawn = [], [], []
    for d in details:
        ev = d.event
        if ev.first_reported and q.date_from <= ev.first_reported <= q.date_to and ev.n_sources >= 1:
            (withdrawn if ev.type == "RETREAT" else new).append(d)
        elif any(h.reported and q.date_from <= h.reported <= q.date_to for h in ev.history[1:]):
            moved.append(d)
    new = sorted(new, key=lambda d: -d.event.n_sources)[:15]
    items = ([f"new: {_short(d.event)}" for d in new] + [f"status changed: {_short(d.event)} — " + " → ".join(
        h.status for h in d.event.history) for d in moved] + [f"withdrawn: {_short(d.event)}" for d in withdrawn])
    if not items:
        return Answer(q.text, q, False, "The ledger records no change between those dates.")
    return Answer(q.text, q, True, f"Between {q.date_from} and {q.date_to}: {len(new)} new event(s), "
                  f"{len(moved)} with a changed status, {len(withdrawn)} withdrawal(s):", items,
                  _cite(new + moved + withdrawn, 1))


def _short(ev: Event) -> str:
    return f"{ev.type} {', '.join(ev.actors)}" + (f" → {', '.join(ev.recipients)}" if ev.recipients else "") + \
        (f" {format_quantity(ev.quantity)}" if ev.quantity else "")


def _said(store: Store, q: Query) -> Answer:
    name = (q.person or "").split()[-1] if q.person else None
    if not name:
        return Answer(q.text, q, False, "Name a person, e.g. \"What did Stoltenberg say?\"")
    cites = []
    for m, rec in store.mentions(MentionFilter(date_from=q.date_from, date_to=q.date_to)):
        speaker = (m.attribution.text if m.attribution else "") + " " + " ".join(e.text for e in m.actors)
        if name in speaker:
            cites.append(Citation(m.sentence, rec.article.source,
                                  rec.article.published.isoformat() if rec.article.published else None, m.id))
    if not cites:
        return Answer(q.text, q, False, f"The ledger has no statement attributed to {q.person}.")
    return Answer(q.text, q, True, f"{len(cites)} statement(s) by {q.person}:",
                  [f"{c.published}: {c.sentence}" for c in cites[:20]], cites[:20])


_HANDLERS = {"how_many": _how_many, "who_sent": _who_sent, "where_sent": _where_sent, "when": _when,
             "demands": _demands, "talks": _talks, "changes": _changes, "said": _said}


# -- when the ledger cannot answer -----------------------------------------------------------------
def _fallback(store: Store, q: Query, reason: str, model_wait: float | None) -> Answer:
    from .search import best_sentences

    method, hits = best_sentences(store, q.text, 5, model_wait)
    text = reason + (" The closest sentences in the articles:" if hits else " Nothing in the articles matches it.")
    return Answer(q.text, q, False, text, [], hits, [], method)
