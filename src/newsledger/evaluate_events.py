"""Per-article event scoring: the measure `newsledger eval` reports by default.

The gold texts go into a fresh ledger (ingest with duplicate detection, extraction, merge). Each
article's predicted events are the ledger's events as they appear in it: its mentions grouped by
the event they were merged into, one predicted event per (event, article). A duplicate article is
scored with the mentions of the article it duplicates. A predicted event matches a gold event of
the same article one-to-one when the type is equal, the actor sets overlap (when gold names
actors) and the places overlap (recipients and location, when both name some; a deployment whose
gold names a destination needs one). Slot accuracy over matched pairs: actors and recipients as
exact sets, location, mode, status, quantity (min and max) and date (day and precision).
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .merge import reading
from .model import DEPLOYMENT_TYPES, Mention

EVENT_SLOTS = ("actors", "recipients", "location", "mode", "status", "quantity", "date")


@dataclass(frozen=True, slots=True)
class ArticleEvent:
    """One ledger event as one article states it (its mentions in that article together)."""

    type: str
    actors: frozenset[str]
    recipients: frozenset[str]
    location: str | None
    mode: str | None
    status: str | None
    quantity: tuple[int | None, int | None] | None
    date: tuple[str, str] | None
    sentence: str
    first: int  # offset of its first mention's trigger

    @property
    def places(self) -> frozenset[str]:
        return self.recipients | ({self.location} if self.location else frozenset())


def article_events(mentions: list[Mention], event_of: dict[str, str]) -> list[ArticleEvent]:
    """Group one article's mentions by their ledger event; slots from its most confident mention
    that states them (actors and recipients: all of its mentions together)."""
    groups: dict[str, list[Mention]] = {}
    for m in mentions:
        groups.setdefault(event_of.get(m.id or "", m.id or str(id(m))), []).append(m)
    out = []
    for ms in groups.values():
        ranked = sorted(ms, key=lambda m: (-m.confidence, m.trigger.start))
        best = ranked[0]

        def first(get):
            return next((v for m in ranked if (v := get(m)) is not None), None)

        modes = Counter(m.mode for m in ms if m.mode)
        out.append(ArticleEvent(
            type=best.type, actors=_most_said(ranked, lambda m: m.actor_codes),
            recipients=_most_said(ranked, lambda m: m.recipient_codes),
            location=first(lambda m: m.location.country if m.location else None),
            mode=modes.most_common(1)[0][0] if modes else None,
            status=(said.status if (said := reading(ms)) else None),
            quantity=first(lambda m: (m.quantity.min, m.quantity.max) if m.quantity else None),
            date=first(lambda m: (m.time.date.isoformat(), m.time.precision) if m.time else None),
            sentence=best.sentence, first=min(m.trigger.start for m in ms)))
    return sorted(out, key=lambda e: e.first)


def _most_said(ranked: list[Mention], get) -> frozenset[str]:
    """The set most of the mentions state (ties: the more confident mention's); empty sets last."""
    sets = [frozenset(get(m)) for m in ranked]
    counts = Counter(x for x in sets if x)
    return max(counts, key=lambda x: (counts[x], -sets.index(x))) if counts else frozenset()


def _places(g) -> frozenset[str]:
    return frozenset(g.recipients) | ({g.location} if g.location else frozenset())


def compatible(g, p: ArticleEvent) -> bool:
    if g.type != p.type:
        return False
    if g.actors and not (set(g.actors) & p.actors):
        return False
    gp, pp = _places(g), p.places
    if gp and pp and not (gp & pp):
        return False
    if g.type in DEPLOYMENT_TYPES and gp and not pp:
        return False
    return True


def slot_ok(slot: str, g, p: ArticleEvent) -> bool:
    if slot == "actors":
        return frozenset(g.actors) == p.actors
    if slot == "recipients":
        return frozenset(g.recipients) == p.recipients
    if slot == "location":
        return g.location == p.location
    if slot == "mode":
        return g.mode == p.mode
    if slot == "status":
        return g.status == p.status
    if slot == "quantity":
        return p.quantity == ((g.qmin, g.qmax) if g.has_quantity else None)
    if slot == "date":
        return p.date == ((g.date, g.date_precision) if g.date else None)
    raise ValueError(slot)


def match(golds: list, preds: list[ArticleEvent]) -> dict[int, int]:
    """gold index -> prediction index, one-to-one; pairs sharing more actors and places, then more
    equal slots, go first (ties: earlier gold, earlier prediction)."""
    pairs = []
    for gi, g in enumerate(golds):
        for pi, p in enumerate(preds):
            if compatible(g, p):
                key = (len(set(g.actors) & p.actors), len(_places(g) & p.places),
                       sum(slot_ok(s, g, p) for s in EVENT_SLOTS))
                pairs.append((tuple(-k for k in key), gi, pi))
    out: dict[int, int] = {}
    used: set[int] = set()
    for _key, gi, pi in sorted(pairs):
        if gi not in out and pi not in used:
            out[gi] = pi
            used.add(pi)
    return out


def score_article(report, gold, preds: list[ArticleEvent]) -> None:
    """Add one article's counts, slot results and misses to `report` (an evaluate.EvalReport)."""
    from .evaluate import Miss, Score

    golds = list(gold.events)
    m = match(golds, preds)
    used = set(m.values())
    for gi, g in enumerate(golds):
        groups = [report.per_type.setdefault(g.type, Score()), report.all] + (
            [report.deployments] if g.type in DEPLOYMENT_TYPES else [])
        if gi not in m:
            for s in groups:
                s.fn += 1
            report.misses.append(Miss(gold.file, "fn", f"{g.type} {sorted(g.actors)}->{sorted(_places(g))} @ {g.anchor!r}"))
            continue
        for s in groups:
            s.tp += 1
        p = preds[m[gi]]
        for slot in EVENT_SLOTS:
            ok = slot_ok(slot, g, p)
            for bucket in [report.slots] + ([report.deployment_slots] if g.type in DEPLOYMENT_TYPES else []):
                bucket[slot].total += 1
                bucket[slot].correct += ok
            if not ok:
                report.misses.append(Miss(gold.file, f"slot:{slot}", f"{g.type} @ {g.anchor!r}: gold "
                                          f"{_gold_value(slot, g)} / got {getattr(p, slot)}"))
    for pi, p in enumerate(preds):
        if pi in used:
            continue
        for s in [report.per_type.setdefault(p.type, Score()), report.all] + (
                [report.deployments] if p.type in DEPLOYMENT_TYPES else []):
            s.fp += 1
        report.misses.append(Miss(gold.file, "fp", f"{p.type} {sorted(p.actors)}->{sorted(p.places)}: "
                                  f"{p.sentence[:100]!r}"))


def _gold_value(slot: str, g):
    return {"actors": sorted(g.actors), "recipients": sorted(g.recipients), "location": g.location,
            "mode": g.mode, "status": g.status, "quantity": (g.qmin, g.qmax) if g.has_quantity else None,
            "date": (g.date, g.date_precision) if g.date else None}[slot]


def ledger_article_events(pairs: list, *, workers: int, extractor: str) -> dict[str, list[ArticleEvent]]:
    """gold file -> its predicted article events, through a fresh ledger (ingest, extract, merge)."""
    from .extract.run import extract_pending
    from .ingest import ingest
    from .merge import merge_pending
    from .store import ArticleFilter, open_store

    with tempfile.TemporaryDirectory() as tmp, open_store(str(Path(tmp) / "eval.db")) as store:
        corpus = Path(tmp) / "gold.jsonl"
        with corpus.open("w", encoding="utf-8") as fh:
            for gold, art in pairs:
                fh.write(json.dumps({"id": gold.file, "time": art.published.isoformat() if art.published else None,
                                     "title": art.title, "text": art.text}) + "\n")
        ingest(store, [str(corpus)])
        extract_pending(store, workers=workers, extractor=extractor)
        merge_pending(store)
        event_of = {mid: eid for eid, ids in store.event_member_ids([e.id for e in store.events()]).items()
                    for mid in ids}
        records = {r.article.id: r for r in store.articles(ArticleFilter(duplicates=True))}
        by_article: dict[str, list[Mention]] = {}
        for m, rec in store.mentions():
            by_article.setdefault(rec.article.id, []).append(m)
        out = {}
        for gold, _art in pairs:
            rec = records.get(gold.file)
            aid = rec.duplicate_of or rec.article.id if rec else gold.file
            ms = by_article.get(aid, [])
            if gold.chars is not None:
                ms = [m for m in ms if m.trigger.start < gold.chars]
            out[gold.file] = article_events(ms, event_of)
        return out
