"""Mentions to table rows and back, shared by every backend."""

from __future__ import annotations

import datetime as dt

from .. import rollups
from ..model import Attribution, Entity, Event, Mention, Place, Quantity, Span, TimeValue


def mention_row(m: Mention, mid: str, ord_: int) -> dict[str, object]:
    loc, t, q, a = m.location, m.time, m.quantity, m.attribution
    return {
        "id": mid, "article_id": m.article_id, "ord": ord_, "type": m.type, "mode": m.mode,
        "status": m.status,
        "status_start": m.status_cue.start if m.status_cue else None,
        "status_end": m.status_cue.end if m.status_cue else None,
        "date": t.date.isoformat() if t else None,
        "date_end": t.end.isoformat() if t and t.end else None,
        "date_precision": t.precision if t else None,
        "date_text": t.text if t else None,
        "date_start": t.span.start if t else None, "date_stop": t.span.end if t else None,
        "loc_text": loc.text if loc else None, "loc_country": loc.country if loc else None,
        "loc_name": loc.name if loc else None, "loc_lat": loc.lat if loc else None,
        "loc_lon": loc.lon if loc else None,
        "loc_start": loc.span.start if loc else None, "loc_end": loc.span.end if loc else None,
        "qty_text": q.text if q else None, "qty_min": q.min if q else None, "qty_max": q.max if q else None,
        "qty_approx": int(q.approx) if q else None, "qty_unit": q.unit if q else None,
        "qty_start": q.span.start if q else None, "qty_end": q.span.end if q else None,
        "attr_text": a.text if a else None, "attr_code": a.code if a else None,
        "attr_start": a.span.start if a else None, "attr_end": a.span.end if a else None,
        "sentence": m.sentence, "start": m.span.start, "end": m.span.end,
        "trigger_start": m.trigger.start, "trigger_end": m.trigger.end, "confidence": m.confidence,
    }


# the columns of `mentions` that `mention_row` writes and `mention_from_row` reads back (not the
# search vector PostgreSQL stores beside them, nor the keys the store derives: ref_date, day_ref)
MENTION_COLUMNS = ("id", "article_id", "ord", "type", "mode", "status", "status_start", "status_end", "date",
                   "date_end", "date_precision", "date_text", "date_start", "date_stop", "loc_text", "loc_country",
                   "loc_name", "loc_lat", "loc_lon", "loc_start", "loc_end", "qty_text", "qty_min", "qty_max",
                   "qty_approx", "qty_unit", "qty_start", "qty_end", "attr_text", "attr_code", "attr_start",
                   "attr_end", "sentence", "start", "end", "trigger_start", "trigger_end", "confidence")


def entity_rows(m: Mention, mid: str) -> list[tuple]:
    rows = []
    for role, ents in (("actor", m.actors), ("recipient", m.recipients)):
        for i, e in enumerate(ents):
            rows.append((mid, role, i, e.text, e.code, e.kind, e.sector, e.span.start, e.span.end))
    return rows


def mention_from_row(r: dict, entities: list[tuple]) -> Mention:
    def date(v):
        return dt.date.fromisoformat(v) if v else None

    actors, recipients = [], []
    for _mid, role, _ord, text, code, kind, sector, start, end in entities:
        (actors if role == "actor" else recipients).append(Entity(text, code, Span(start, end), kind, sector))
    return Mention(
        article_id=r["article_id"], type=r["type"], sentence=r["sentence"], span=Span(r["start"], r["end"]),
        trigger=Span(r["trigger_start"], r["trigger_end"]), mode=r["mode"],
        actors=actors, recipients=recipients,
        location=Place(r["loc_text"], r["loc_country"], Span(r["loc_start"], r["loc_end"]), r["loc_name"],
                       r["loc_lat"], r["loc_lon"]) if r["loc_text"] is not None else None,
        time=TimeValue(r["date_text"], date(r["date"]), r["date_precision"], Span(r["date_start"], r["date_stop"]),
                       date(r["date_end"])) if r["date"] else None,
        quantity=Quantity(r["qty_text"], r["qty_min"], r["qty_max"], bool(r["qty_approx"]), r["qty_unit"],
                          Span(r["qty_start"], r["qty_end"])) if r["qty_text"] is not None else None,
        status=r["status"],
        status_cue=Span(r["status_start"], r["status_end"]) if r["status_start"] is not None else None,
        attribution=Attribution(r["attr_text"], r["attr_code"], Span(r["attr_start"], r["attr_end"]))
        if r["attr_text"] is not None else None,
        confidence=r["confidence"],
        id=r["id"],
    )


def event_row(ev: Event) -> dict[str, object]:
    loc, q = ev.location, ev.quantity
    return {
        "id": ev.id, "type": ev.type, "mode": ev.mode, "actors": " ".join(ev.actors),
        "recipients": " ".join(ev.recipients),
        "loc_country": loc.country if loc else None, "loc_name": loc.name if loc else None,
        "loc_lat": loc.lat if loc else None, "loc_lon": loc.lon if loc else None,
        "date": ev.date.isoformat() if ev.date else None, "date_precision": ev.date_precision,
        "first_reported": ev.first_reported.isoformat() if ev.first_reported else None,
        "last_reported": ev.last_reported.isoformat() if ev.last_reported else None,
        "status": ev.status,
        "qty_min": q.min if q else None, "qty_max": q.max if q else None,
        "qty_approx": int(q.approx) if q else None, "qty_unit": q.unit if q else None,
        "n_mentions": ev.n_mentions, "n_sources": ev.n_sources, "n_conflicts": ev.n_conflicts,
        "summary": ev.summary, "summary_mention": ev.summary_mention, "confidence": ev.confidence,
        "day": _iso(rollups.event_day(ev)), "score": rollups.newsworthiness(ev), "listing": listing(ev),
    }


UNDATED = "~"  # listing key of an event with no date: after every ISO date


def listing(ev: Event) -> str:
    """Where an event is listed: its date, else its first report, else after everything."""
    d = ev.date or ev.first_reported
    return d.isoformat() if d else UNDATED


def _iso(d) -> str | None:
    return d.isoformat() if d else None


def event_from_row(r: dict) -> Event:
    def date(v):
        return dt.date.fromisoformat(v) if v else None

    loc = None
    if r["loc_country"] or r["loc_name"]:
        loc = Place(r["loc_name"] or r["loc_country"], r["loc_country"], Span(0, 0), r["loc_name"], r["loc_lat"],
                    r["loc_lon"])
    q = None
    if r["qty_min"] is not None or r["qty_max"] is not None:
        q = Quantity("", r["qty_min"], r["qty_max"], bool(r["qty_approx"]), r["qty_unit"], Span(0, 0))
    return Event(id=r["id"], type=r["type"], mode=r["mode"], actors=r["actors"].split(),
                 recipients=r["recipients"].split(), location=loc, date=date(r["date"]),
                 date_precision=r["date_precision"], first_reported=date(r["first_reported"]),
                 last_reported=date(r["last_reported"]), status=r["status"], quantity=q, summary=r["summary"],
                 summary_mention=r["summary_mention"], confidence=r["confidence"], n_mentions=r["n_mentions"],
                 n_sources=r["n_sources"], n_conflicts=r["n_conflicts"])
