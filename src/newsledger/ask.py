"""Questions in plain English, answered from the ledger with the events and sentences they rest on.

A question is parsed (question.py) into a structured Query (shape, actors, targets, type, assets, dates,
place, unknown names); "how many" and "who sent" read the force posture (build_posture), the other shapes
the events; when the ledger cannot answer, the best-matching sentences are shown instead (search.py: the
store's full-text index first, re-ranked by the offline all-MiniLM-L6-v2 model when it is installed).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .extract.gazetteer import load_actors
from .ledger import EventDetail, events_with_detail
from .model import Event
from .posture import PostureLine, build_posture
from .question import Query, parse_question
from .rollups import hosts_of
from .tally import totals
from .store import MentionFilter, Store
from .summary import format_quantity

__all__ = ["Answer", "Citation", "Query", "ask", "parse_question"]

MAX_QUESTION = 300


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
    if q.unknown:
        names = ", ".join(f"\"{n}\"" for n in q.unknown)
        return _fallback(store, q, f"The ledger knows no country, organisation or place called {names}, so it cannot "
                         "answer for it (check the spelling, or name the country).", model_wait)
    handler = _HANDLERS.get(q.shape or "")
    answer = handler(store, q) if handler and (q.actors or q.targets or q.place or q.shape == "changes") else None
    if answer is None or not answer.answered:
        reason = (answer.text if answer else "The ledger cannot answer this question: " +
                  ("it names no country, organisation or person it knows." if q.shape else
                   "it does not match a question shape it knows (how many, who sent, where, when, demands, talks, "
                   "what changed, what someone said)."))
        return _fallback(store, q, reason, model_wait)
    return answer


# -- shapes ---------------------------------------------------------------------------------------
def _day(ev: Event) -> dt.date | None:
    return ev.date if ev.date and ev.date_precision == "day" else ev.first_reported


def _events(store: Store, q: Query, type_: str | None) -> list[EventDetail]:
    """Events of `type_` with every actor the question names (as actor or party), within its dates."""
    groups = q.actor_groups or [(a,) for a in q.actors]
    actor = groups[0][0] if groups and len(groups[0]) == 1 else None
    details = events_with_detail(store, MentionFilter(type=type_, actor=actor))
    out = []
    for d in details:
        ev = d.event
        parties = set(ev.actors) | set(ev.recipients)
        if q.actors and not all(set(g) & parties for g in q.actor_groups or [(a,) for a in q.actors]):
            continue  # every name asked about takes part ("the West": any of its members)
        day = _day(ev)
        if q.date_from and (day is None or day < q.date_from):
            continue
        if q.date_to and (ev.first_reported is None or ev.first_reported > q.date_to):
            continue
        out.append(d)
    return out


def _at_place(d: EventDetail, q: Query) -> bool:
    """The event is at (or to) the place the question names: a sea or island by name, else its country."""
    ev = d.event
    if q.place is None:
        return True
    name = q.place.name.lower()
    if ev.location and ev.location.name and ev.location.name.lower() == name:
        return True
    if any(name in m.sentence.lower() for m, _ in d.mentions):
        return True
    return bool(q.place.country) and q.place.kind not in ("city", "base") and q.place.country in (
        hosts_of(ev) + ev.recipients + ([ev.location.country] if ev.location and ev.location.country else []))


def _details_of(store: Store, event_ids: set[str], limit: int = 20) -> list[EventDetail]:
    """The events of some posture lines with their mentions (for citations), fetched one by one."""
    return [d for i in sorted(event_ids)[:limit] for d in events_with_detail(store, MentionFilter(event_id=i))]


def _cite(details: list[EventDetail], per_event: int = 2) -> list[Citation]:
    out = []
    for d in details:
        for m, rec in d.mentions[:per_event]:
            out.append(Citation(m.sentence, rec.article.source,
                                rec.article.published.isoformat() if rec.article.published else None, m.id, d.event.id))
    return out


def _line(ev: Event) -> str:
    q = format_quantity(ev.quantity) or "no figure given"
    hosts = ", ".join(hosts_of(ev)) or ", ".join(ev.recipients) or "destination not stated"
    when = ev.date.isoformat() if ev.date else (f"reported {ev.first_reported}" if ev.first_reported else "undated")
    return f"{', '.join(ev.actors)} → {hosts}: {q} ({ev.mode or 'forces'}), {ev.status or 'status not stated'} ({when})"


def _conflict_lines(details: list[EventDetail]) -> list[str]:
    """The reports that disagree, each figure with its source and day: what the caveat points to."""
    out = []
    for d in details:
        for c in d.event.conflicts:
            figs = "; ".join(f"{format_quantity(_as_quantity(f)) or 'no figure'} ({f.source}"
                             + (f", {f.reported}" if f.reported else "") + ")" for f in c.figures)
            out.append(f"conflicting reports for {', '.join(d.event.actors)} → "
                       f"{', '.join(hosts_of(d.event)) or 'destination not stated'}: {figs}")
    return out


def _as_quantity(f):
    from .model import Quantity, Span

    return Quantity("", f.min, f.max, f.approx, f.unit, Span(0, 0))


def _deployment_caveats(details: list[EventDetail]) -> list[str]:
    caveats = []
    conflicts = _conflict_lines(details)
    if conflicts:
        caveats.append("Sources disagree on some figures for the same day: " + " | ".join(conflicts[:5]))
    if details and all(d.event.status not in ("underway", "completed") for d in details):
        caveats.append("Only pledged or planned so far: no report says these forces are moving or have arrived.")
    if any(d.event.quantity is None for d in details):
        caveats.append("Some reports state no number.")
    if any(len(hosts_of(d.event)) > 1 for d in details):
        caveats.append("Some figures are for several countries together, without the split.")
    return caveats


def _posture_lines(store: Store, q: Query) -> list[PostureLine]:
    """The force-posture lines (the same function as `newsledger posture`) the question asks about: its host,
    its senders and its asset, as known on its "by DATE" day."""
    hosts = q.targets or ([q.place.country] if q.place and q.place.country else [])
    posture = [hp for h in (hosts or [None]) for hp in build_posture(store, q.date_to, h)]
    lines = [l for hp in posture for l in hp.lines]
    return [l for l in lines
            if set(q.actors) <= set(l.senders)
            and (not q.modes or l.mode in (*q.modes, "mixed"))
            and (not q.date_from or (l.last_reported is not None and l.last_reported >= q.date_from))]


def _how_many(store: Store, q: Query) -> Answer:
    if q.place and not q.place.country:  # a sea: no host country, count the deployments named there
        return _how_many_at_sea(store, q)
    lines = _posture_lines(store, q)
    if not lines:
        return Answer(q.text, q, False, "The ledger records no such deployment.")
    sums = [t for t in totals(lines) if t.min or t.max]
    parts = [f"{_range(t.min, t.max)} {t.mode}" + (f" ({t.layer})" if t.layer != "reinforcement" else "")
             + (" (uncertain)" if t.uncertain else "") + _stages(t) for t in sums]
    when = f" as reported by {q.date_to}" if q.date_to else ""
    text = (("In force" + when + ": " + "; ".join(parts) + " (each asset counted separately, from "
             f"{len(lines)} posture line(s))") if parts else "No figure is reported for the deployments found") + ":"
    used = {l.event_id for l in lines}
    details = _details_of(store, used)
    return Answer(q.text, q, True, text, [_posture_item(l) for l in lines], _cite(details),
                  _deployment_caveats(details))


def _how_many_at_sea(store: Store, q: Query) -> Answer:
    details = [d for d in _events(store, q, "MOBILIZE") if _at_place(d, q)
               and (not q.modes or d.event.mode in (*q.modes, "mixed", None))]
    if not details:
        return Answer(q.text, q, False, f"The ledger records no such deployment to the {q.place.name}.")
    return Answer(q.text, q, True, f"Deployments to the {q.place.name} (each reported figure, not added):",
                  [_line(d.event) for d in details], _cite(details), _deployment_caveats(details))


def _stages(t) -> str:
    """Pledged, under way and arrived of a total, when it has more than one of them."""
    stages = [(name, r) for name, r in (("pledged", t.pledged), ("under way", t.underway), ("arrived", t.arrived))
              if r.min or r.max]
    return "" if len(stages) < 2 else " [" + ", ".join(f"{n} {_range(r.min, r.max)}" for n, r in stages) + "]"


def _range(lo: int | None, hi: int | None) -> str:
    lo = lo or 0
    return f"{lo:,}" if hi == lo else (f"{lo:,}–{hi:,}" if hi is not None else f"more than {lo:,}")


def _posture_item(l: PostureLine) -> str:
    when = ("undated report" + (f", counted from {l.last_reported} (ingest order)" if l.last_reported else "")
            if l.undated or not l.last_reported else f"last reported {l.last_reported}")
    shared = f", shared with {', '.join(l.shared_with)}" if l.shared_with else ""
    figure = format_quantity(l.quantity) or "no figure"
    layer = {"buildup": "build-up, ", "readiness": "on alert, "}.get(l.layer, "")
    return (f"{', '.join(l.senders) or 'sender not stated'} → {l.host}: {figure} ({layer}{l.mode}; "
            f"{l.status or 'status not stated'}, {when}{shared})")


def _who_sent(store: Store, q: Query) -> Answer:
    if not (q.targets or (q.place and q.place.country)):
        return Answer(q.text, q, False, "Name the country the forces were sent to, e.g. \"Who sent forces to Romania?\"")
    lines = _posture_lines(store, Query(q.text, q.shape, targets=q.targets, place=q.place, modes=q.modes,
                                        date_to=q.date_to, date_from=q.date_from))  # any sender, the asset asked
    if not lines:
        return Answer(q.text, q, False, "The ledger records no forces sent there.")
    senders = sorted({s for l in lines for s in l.senders})
    used = {l.event_id for l in lines}
    details = _details_of(store, used)
    hosts = sorted({l.host for l in lines})
    return Answer(q.text, q, True, f"{', '.join(senders)} sent or pledged forces to {', '.join(hosts)}:",
                  [_posture_item(l) for l in lines], _cite(details), _deployment_caveats(details))


def _where_sent(store: Store, q: Query) -> Answer:
    """The hosts of the actor's plausible posture lines (the same lines as `newsledger posture`: none under
    review), of the asset asked about, as known on the question's "by DATE"; forces only put on alert are
    listed apart, never as sent."""
    if not q.actors:
        return Answer(q.text, q, False, "Name who sends the forces, e.g. \"Where is Germany sending troops?\"")
    hosts = [hp for hp in build_posture(store, q.date_to)]
    wanted = lambda l: (set(q.actors) <= set(l.senders) and (not q.modes or l.mode in (*q.modes, "mixed"))  # noqa: E731
                        and (not q.date_from or (l.last_reported is not None and l.last_reported >= q.date_from)))
    lines = sorted((l for hp in hosts for l in hp.lines if wanted(l)), key=_by_report)
    alert = sorted((l for hp in hosts for l in hp.readiness if wanted(l)), key=_by_report)
    if not lines:
        return Answer(q.text, q, False, "The ledger records no destination for those forces"
                      + (" (only forces put on alert, which are not sent anywhere)." if alert else "."))
    details = _details_of(store, {l.event_id for l in lines})
    items = [_posture_item(l) for l in lines] + [f"not sent: {_posture_item(l)}" for l in alert]
    return Answer(q.text, q, True, f"To {', '.join(sorted({l.host for l in lines}))}:", items, _cite(details),
                  _deployment_caveats(details))


def _by_report(l: PostureLine) -> tuple:
    return (l.last_reported or dt.date.min, l.host, l.event_id)


def _when(store: Store, q: Query) -> Answer:
    """The date(s) of the event asked about: its type (from the question's verb), its actor first, the
    other party and place, and (for a verb of data/question_verbs.yaml) a sentence using that verb."""
    if not q.type:
        return Answer(q.text, q, False, "The ledger cannot tell which event is meant: name what was done, e.g. "
                      "\"When did Russia recognise the separatist republics?\"")
    parties = [t for t in q.targets if not (q.place and t == q.place.country)]  # a place is checked by name
    details = [d for d in _events(store, q, q.type) if _at_place(d, q)
               and (not q.actors or q.actors[0] in d.event.actors)
               and (not parties or set(parties) & set(d.event.recipients + hosts_of(d.event)))]
    cued = [d for d in details if any(c in m.sentence.lower() for m, _ in d.mentions for c in q.cues)]
    details = cued or details  # events whose sentences use the verb asked about, when there are any
    dated = sorted((d for d in details if _day(d.event)), key=lambda d: (_day(d.event), -d.event.n_sources))
    if not dated and details:
        return Answer(q.text, q, True, "The ledger records it only from undated reports: it cannot give a date.",
                      [f"undated: {d.event.type} — {d.event.summary}" for d in details[:10]], _cite(details[:10], 1))
    if not dated:
        return Answer(q.text, q, False, "The ledger records no such event.")
    days = sorted({_day(d.event) for d in dated})
    best = max(dated, key=lambda d: _when_support(d, q))
    others = [str(x) for x in days if x != _day(best.event)]
    text = (f"On {_day(best.event)}" + (f" (other events of that kind: {', '.join(others[:5])}"
                                         + (f" and {len(others) - 5} more" if len(others) > 5 else "") + ")"
                                         if others else "") + ":")
    dated = [best] + [d for d in dated if d is not best]
    items = [f"{_day(d.event)} ({d.event.date_precision or 'first reported'}): {d.event.type} — {d.event.summary}"
             for d in dated[:10]]
    return Answer(q.text, q, True, text, items, _cite(dated[:10], 1))


def _when_support(d: EventDetail, q: Query) -> tuple:
    """How well an event answers "when": a stated day, then sentences using the verb, then sources."""
    ev = d.event
    cued = sum(any(c in m.sentence.lower() for c in q.cues) for m, _ in d.mentions
               if m.status in ("underway", "completed")) if q.cues else 0  # said to have happened, not feared
    return (cued, ev.date is not None and ev.date_precision == "day", ev.n_sources, -_day(ev).toordinal())


def _names_party(d: EventDetail, party: str) -> bool:
    """A sentence of the event names `party` (so the demand is made of it, not of someone else)."""
    gaz = load_actors()
    return any(h.entry.codes == (party,) for m, _ in d.mentions for h in gaz.find(m.sentence))  # not "the West"


def _demands(store: Store, q: Query) -> Answer:
    kinds = ("REJECT",) if q.type == "REJECT" else ("REQUEST",)
    base = Query(q.text, q.shape, actors=q.actors[:1], date_from=q.date_from, date_to=q.date_to)
    details = [d for k in kinds for d in _events(store, base, k)
               if (not q.actors or q.actors[0] in d.event.actors)
               and (not q.targets or (set(q.targets) & set(d.event.recipients)
                                      and all(_names_party(d, t) for t in q.targets)))]
    if not details:
        return Answer(q.text, q, False, "The ledger records no such demand or refusal.")
    of = f" of {', '.join(q.targets)}" if q.targets else ""
    return Answer(q.text, q, True, f"{len(details)} {'refusal' if kinds == ('REJECT',) else 'demand'}(s){of}:",
                  [f"{d.event.first_reported or 'undated'}: {d.event.summary}" for d in details], _cite(details, 1))


def _talks(store: Store, q: Query) -> Answer:
    details = _events(store, q, "CONSULT")
    if not details:
        return Answer(q.text, q, False, "The ledger records no talks between them.")
    items = [f"{d.event.date or d.event.first_reported or 'undated'}: {d.event.mode or 'talks'} between {', '.join(d.event.actors)}"
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
    cites, seen = [], set()
    speaks = _speaks_pattern(name)
    for m, rec in store.mentions(MentionFilter(date_from=q.date_from, date_to=q.date_to)):
        speaker = (m.attribution.text if m.attribution else "") + " " + " ".join(e.text for e in m.actors)
        if (name in speaker or speaks.search(m.sentence)) and m.sentence not in seen:
            seen.add(m.sentence)  # one sentence once, however many events it states
            cites.append(Citation(m.sentence, rec.article.source,
                                  rec.article.published.isoformat() if rec.article.published else None, m.id))
    if not cites:
        return Answer(q.text, q, False, f"The ledger has no statement attributed to {q.person}.")
    return Answer(q.text, q, True, f"{len(cites)} statement(s) by {q.person}:",
                  [f"{c.published or 'undated'}: {c.sentence}" for c in cites[:20]], cites[:20])


def _speaks_pattern(name: str) -> re.Pattern:
    """`name` as the speaker of a sentence: followed within four words by a reporting verb (data/questions.yaml)."""
    from .question import speech_verbs

    verbs = "|".join(re.escape(v) for v in speech_verbs())
    return re.compile(rf"\b{re.escape(name)}\b(?:\W+\w+){{0,4}}?\W+(?:{verbs})\b")


_HANDLERS = {"how_many": _how_many, "who_sent": _who_sent, "where_sent": _where_sent, "when": _when,
             "demands": _demands, "talks": _talks, "changes": _changes, "said": _said}


# -- when the ledger cannot answer -----------------------------------------------------------------
def _fallback(store: Store, q: Query, reason: str, model_wait: float | None) -> Answer:
    """The reason and the closest sentences: by BM25 alone for a question of a known shape (its answer is
    the reason; the sentences are pointers, kept within the shape questions' time budget), re-ranked by the
    semantic model for a question of no known shape."""
    from .search import best_sentences

    method, hits = best_sentences(store, q.text, 5, model_wait, rerank=q.shape is None)
    text = reason + (" The closest sentences in the articles:" if hits else " Nothing in the articles matches it.")
    return Answer(q.text, q, False, text, [], hits, [], method)
