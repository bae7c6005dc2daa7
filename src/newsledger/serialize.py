"""Plain JSON-ready views of records, for `--json`, exports and (later) the HTTP API.

The mention export format is documented in docs/EXPORT-FORMAT.md; field names are fixed.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from .model import Mention
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
