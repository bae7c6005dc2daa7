"""Plain JSON-ready views of records, for `--json`, exports and (later) the HTTP API.

The mention export format is documented in docs/EXPORT-FORMAT.md; field names are fixed.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from .model import Event, Mention
from .store import ArticleRecord

MENTION_FIELDS = ("type", "mode", "actors", "recipients", "location", "date", "date_precision", "quantity",
                  "status", "attribution", "source", "article_id", "published", "sentence", "start", "end",
                  "confidence")


def article_json(rec: ArticleRecord, *, with_text: bool = False) -> dict:
    a = rec.article
    out = {"id": a.id, "source": a.source, "published": a.published.isoformat() if a.published else None,
           "title": a.title, "lang": a.lang, "chars": len(a.text), "duplicate_of": rec.duplicate_of,
           "similarity": rec.similarity, "ingested_at": rec.ingested_at, "extracted_at": rec.extracted_at}
    if with_text:
        out["text"] = a.text
    return out


def mention_json(m: Mention, rec: ArticleRecord) -> dict:
    loc, t, q, att = m.location, m.time, m.quantity, m.attribution
    return {
        "type": m.type,
        "mode": m.mode,
        "actors": [{"text": e.text, "code": e.code} for e in m.actors],
        "recipients": [{"text": e.text, "code": e.code} for e in m.recipients],
        "location": {"text": loc.text, "country": loc.country, "name": loc.name, "lat": loc.lat, "lon": loc.lon}
        if loc else None,
        "date": t.date.isoformat() if t else None,
        "date_precision": t.precision if t else None,
        "quantity": {"min": q.min, "max": q.max, "approx": q.approx, "unit": q.unit} if q else None,
        "status": m.status,
        "attribution": {"text": att.text, "code": att.code} if att else None,
        "source": rec.article.source,
        "article_id": rec.article.id,
        "published": rec.article.published.isoformat() if rec.article.published else None,
        "sentence": m.sentence,
        "start": m.span.start,
        "end": m.span.end,
        "confidence": round(m.confidence, 3),
    }


def write_jsonl(rows: Iterable[dict], out: io.TextIOBase) -> int:
    n = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        n += 1
    return n


def write_csv(rows: Iterable[dict], out: io.TextIOBase, fields: tuple[str, ...]) -> int:
    """Nested values (lists, objects) become JSON strings in their cell."""
    w = csv.DictWriter(out, fieldnames=list(fields), extrasaction="ignore")
    w.writeheader()
    n = 0
    for row in rows:
        w.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
                    for k, v in row.items()})
        n += 1
    return n


EVENT_FIELDS = ("id", "type", "mode", "actors", "recipients", "location", "date", "date_precision", "first_reported",
                "last_reported", "status", "quantity", "summary", "confidence", "n_mentions", "n_sources",
                "status_history", "figures", "conflicts", "sources", "mentions")


def _d(value) -> str | None:
    return value.isoformat() if value else None


def event_json(ev: Event, mentions: list[dict] | None = None) -> dict:
    loc, q = ev.location, ev.quantity
    return {
        "id": ev.id, "type": ev.type, "mode": ev.mode, "actors": ev.actors, "recipients": ev.recipients,
        "location": {"country": loc.country, "name": loc.name, "lat": loc.lat, "lon": loc.lon} if loc else None,
        "date": _d(ev.date), "date_precision": ev.date_precision,
        "first_reported": _d(ev.first_reported), "last_reported": _d(ev.last_reported), "status": ev.status,
        "quantity": {"min": q.min, "max": q.max, "approx": q.approx, "unit": q.unit} if q else None,
        "summary": ev.summary, "confidence": ev.confidence, "n_mentions": ev.n_mentions, "n_sources": ev.n_sources,
        "status_history": [{"reported": _d(h.reported), "status": h.status, "mention_id": h.mention_id}
                           for h in ev.history],
        "figures": [{"reported": _d(f.reported), "min": f.min, "max": f.max, "approx": f.approx, "unit": f.unit,
                     "status": f.status, "source": f.source, "mention_id": f.mention_id} for f in ev.figures],
        "conflicts": [{"reported": _d(c.reported), "unit": c.unit,
                       "figures": [{"min": f.min, "max": f.max, "source": f.source, "mention_id": f.mention_id}
                                   for f in c.figures]} for c in ev.conflicts],
        "sources": ev.sources,
        "mentions": mentions or [],
    }


def write_geojson(events: Iterable[dict], out: io.TextIOBase, points: dict[str, tuple[float, float]]) -> int:
    """A FeatureCollection of the events that have a place: the named place's coordinates, else the
    capital of the country (property `point`: "place" or "capital"). `points`: alpha-3 -> (lat, lon)."""
    features = []
    for ev in events:
        loc = ev.get("location")
        if not loc:
            continue
        if loc.get("lat") is not None:
            lat, lon, kind = loc["lat"], loc["lon"], "place"
        elif loc.get("country") in points:
            (lat, lon), kind = points[loc["country"]], "capital"
        else:
            continue
        props = {k: v for k, v in ev.items() if k != "mentions"} | {"point": kind}
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                         "properties": props})
    json.dump({"type": "FeatureCollection", "features": features}, out, ensure_ascii=False)
    out.write("\n")
    return len(features)


def write_parquet(rows: list[dict], path: str) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    flat = [{k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v for k, v in r.items()}
            for r in rows]
    table = pa.Table.from_pylist(flat) if flat else pa.table({k: pa.array([], pa.string()) for k in EVENT_FIELDS})
    pq.write_table(table, path)
    return len(rows)


def answer_json(a) -> dict:
    q = a.query
    return {
        "question": a.question, "answered": a.answered, "answer": a.text, "items": a.items, "caveats": a.caveats,
        "query": {"text": q.text, "shape": q.shape, "type": q.type, "actors": q.actors, "targets": q.targets,
                  "mode": q.mode, "date_from": _d(q.date_from), "date_to": _d(q.date_to), "person": q.person,
                  "place": q.place.name if q.place else None, "unknown": q.unknown},
        "citations": [{"sentence": c.sentence, "source": c.source, "published": c.published,
                       "mention_id": c.mention_id, "event_id": c.event_id} for c in a.citations],
        "search_method": a.search_method,
    }


def posture_line_json(l) -> dict:
    """One posture or review line (posture.PostureLine) as the CLI, the API and the web page show it."""
    return {"senders": l.senders, "mode": l.mode, "layer": l.layer, "min": l.min, "max": l.max, "approx": l.approx,
            "unit": l.unit, "status": l.status, "event_id": l.event_id,
            "last_reported": l.last_reported.isoformat() if l.last_reported else None, "undated": l.undated,
            "increment": l.increment, "total_after": l.total_after, "shared_with": l.shared_with,
            "summary": l.summary, "sources": l.sources, **({"host": l.host, "review": l.review} if l.review else {})}


def posture_json(hosts) -> list[dict]:
    """build_posture's answer as JSON: the same for `newsledger posture --json` and `/api/posture`."""
    def rng(r) -> dict:
        return {"min": r.min, "max": r.max}

    return [{"host": hp.host, "n_lines": hp.n_lines,
             "totals": [{"mode": t.mode, "layer": t.layer, "min": t.min, "max": t.max, "uncertain": t.uncertain,
                         "pledged": rng(t.pledged), "underway": rng(t.underway), "arrived": rng(t.arrived)}
                        for t in hp.totals],
             "lines": [posture_line_json(l) for l in hp.lines],
             "readiness": [posture_line_json(l) for l in hp.readiness]} for hp in hosts]
