#!/usr/bin/env python3
"""Latency of the ledger's read queries (events, timeline, posture) at a million events, on SQLite and
on PostgreSQL: p50 and p95 over repeated queries with varied filters.

    python scripts/bench_queries.py --events 1000000 --db /tmp/q.db --db postgresql://u:p@host/db [--json out.json]

Each `--db` gets a synthetic ledger of `--events` events (one mention each, three per article, spread
over three years, 60 actors, 30 host countries) loaded in bulk, then its views (timeline_days,
posture_*) are built by `rollups.rebuild`, the same code a merge runs. The timed calls are the
library functions the CLI and web app call: `events_with_detail`, `build_timeline`, `build_posture`.
An existing ledger with the same number of events is reused (pass --fresh to rebuild it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
from pathlib import Path

from newsledger import rollups
from newsledger.ledger import events_with_detail
from newsledger.model import Event, Place, Quantity, Span
from newsledger.posture import build_posture
from newsledger.store import MentionFilter, open_store
from newsledger.store.codec import event_row
from newsledger.timeline import build_timeline

ACTORS = ("USA GBR FRA DEU POL ROU LTU LVA EST NOR NLD DNK ESP ITA CAN TUR BGR HUN SVK CZE FIN SWE GRC PRT BEL "
          "RUS BLR UKR CHN IRN SYR ISR EGY SAU IND PAK JPN KOR PRK AUS NZL BRA MEX ARG ZAF NGA KEN ETH SDN "
          "MLI NER TCD LBY DZA MAR TUN IRQ AFG YEM NATO EU").split()
HOSTS = ACTORS[:30]
TYPES = [("MOBILIZE", 35), ("CONSULT", 15), ("REQUEST", 6), ("THREATEN", 6), ("SANCTION", 6), ("ASSAULT", 8),
         ("REJECT", 5), ("ACCUSE", 5), ("SUPPORT", 4), ("AID", 3), ("AGREE", 3), ("RETREAT", 2), ("COERCE", 2)]
MODES = ["troops", "troops", "troops", "aircraft", "naval", "air_defense", "armor", "equipment"]
STATUSES = ["considered", "announced", "announced", "underway", "underway", "completed", "negated"]
START = dt.date(2019, 1, 1)
DAYS = 3 * 365


def synthesize(n_events: int, seed: int = 7):
    """Rows for articles, mentions, mention_entities, events, event_codes, event_mentions."""
    rng = random.Random(seed)
    types, weights = zip(*TYPES)
    arts, mens, ents, evs, codes, links = [], [], [], [], [], []
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    for i in range(n_events):
        a, k = divmod(i, 3)
        aid = f"syn{a:07d}"
        day = START + dt.timedelta(days=rng.randrange(DAYS))
        if k == 0:
            pub = day + dt.timedelta(days=rng.randrange(3))
            text = f"Synthetic report {a} for the query benchmark."
            arts.append((aid, f"synthetic/{a:07d}.txt", pub.isoformat(), None, text, "en", f"h{a}", None, None, None,
                         now, now))
        type_ = rng.choices(types, weights)[0]
        actor = rng.choice(ACTORS)
        host = rng.choice([h for h in HOSTS if h != actor]) if type_ in ("MOBILIZE", "RETREAT") else None
        target = rng.choice(ACTORS) if host is None and rng.random() < 0.6 else None
        mode = rng.choice(MODES) if host else None
        status = rng.choice(STATUSES)
        q = None
        if host and rng.random() < 0.7:
            lo = rng.choice([2, 6, 12, 100, 300, 1000, 3000, 5000])
            q = Quantity("", lo, lo if rng.random() < 0.8 else lo * 5, rng.random() < 0.3, mode, Span(0, 0))
        dated = rng.random() < 0.5
        mid = f"{aid}:{k}"
        sentence = f"{actor} {type_.lower()} event {i}" + (f" in {host}" if host else "") + "."
        ev = Event(id=mid, type=type_, mode=mode, actors=[actor], recipients=[target] if target else [],
                   location=Place(host, host, Span(0, 0)) if host else None, date=day if dated else None,
                   date_precision="day" if dated else None, first_reported=pub, last_reported=pub, status=status,
                   quantity=q, summary=sentence, summary_mention=mid, confidence=rng.choice([0.5, 0.7, 0.8, 0.9]),
                   n_mentions=1, n_sources=1, n_conflicts=0, sources=[f"synthetic/{a:07d}.txt"])
        evs.append(event_row(ev))
        mens.append((mid, aid, k, type_, mode, status, ev.date.isoformat() if dated else None,
                     "day" if dated else None, host, q.min if q else None, q.max if q else None,
                     int(q.approx) if q else None, q.unit if q else None, sentence, 0, len(sentence), 0, 3,
                     ev.confidence, (ev.date or pub).isoformat(), (day if dated else pub).isoformat(),
                     host, str(q.min) if q else None))  # the place and figure texts: a rebuilt event keeps them
        ents.append((mid, "actor", 0, actor, actor, "state", None, 0, 3))
        listing = (ev.date or pub).isoformat()
        codes.append((mid, "actor", actor, listing))
        if target:
            ents.append((mid, "recipient", 0, target, target, "state", None, 0, 3))
            codes.append((mid, "recipient", target, listing))
        links.append((mid, mid))
    return {
        "articles": (("id", "source", "published", "title", "text", "lang", "text_hash", "minhash", "duplicate_of",
                      "similarity", "ingested_at", "extracted_at"), arts),
        "mentions": (("id", "article_id", "ord", "type", "mode", "status", "date", "date_precision", "loc_country",
                      "qty_min", "qty_max", "qty_approx", "qty_unit", "sentence", "start", "end", "trigger_start",
                      "trigger_end", "confidence", "ref_date", "day_ref", "loc_text", "qty_text"), mens),
        "mention_entities": (("mention_id", "role", "ord", "text", "code", "kind", "sector", "start", "end"), ents),
        "events": (tuple(evs[0]), [tuple(r.values()) for r in evs]),
        "event_codes": (("event_id", "role", "code", "listing"), codes),
        "event_mentions": (("mention_id", "event_id"), links),
    }


def load(store, tables) -> None:
    for name, (cols, rows) in tables.items():
        quoted = ", ".join(f'"{c}"' for c in cols)
        if store.dialect == "postgresql":
            with store.conn.raw.cursor() as cur, cur.copy(f"COPY {name} ({quoted}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(r)
        else:
            with store.transaction() as c:
                c.executemany(f"INSERT INTO {name} ({quoted}) VALUES ({','.join('?' * len(cols))})", rows)
    store.conn.execute("ANALYZE")


def build(db: str, n: int, fresh: bool) -> None:
    with open_store(db) as s:
        have = s.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        if have == n and not fresh:
            print(f"{db}: reusing {have:,} events", flush=True)
            return
        if have:
            s.reset_extraction()
            s.conn.execute("DELETE FROM articles")
        t0 = time.perf_counter()
        load(s, synthesize(n))
        t1 = time.perf_counter()
        rollups.rebuild(s)
        s.conn.execute("ANALYZE")
        print(f"{_name(db)}: loaded {n:,} events in {t1 - t0:.0f}s, views built in {time.perf_counter() - t1:.0f}s",
              flush=True)


def queries(rng: random.Random):
    """(query kind, label, call) — each call takes an open store."""
    def month():
        d = START + dt.timedelta(days=rng.randrange(DAYS - 31))
        return d, d + dt.timedelta(days=30)

    out = []
    for _ in range(20):
        a, h, (lo, hi) = rng.choice(ACTORS), rng.choice(HOSTS), month()
        t = rng.choice([t for t, _ in TYPES])
        out += [
            ("events", "first page", lambda s: events_with_detail(s, MentionFilter(limit=100))),
            ("events", "actor", lambda s, a=a: events_with_detail(s, MentionFilter(actor=a, limit=100))),
            ("events", "type+month", lambda s, t=t, lo=lo, hi=hi: events_with_detail(
                s, MentionFilter(type=t, date_from=lo, date_to=hi, limit=100))),
            ("events", "host", lambda s, h=h: events_with_detail(s, MentionFilter(location=h, limit=100))),
            ("timeline", "top 10 days", lambda s: build_timeline(s, MentionFilter(), 10)),
            ("timeline", "actor, top 10", lambda s, a=a: build_timeline(s, MentionFilter(actor=a), 10)),
            ("timeline", "type, month", lambda s, t=t, lo=lo, hi=hi: build_timeline(
                s, MentionFilter(type=t, date_from=lo, date_to=hi))),
            ("posture", "all hosts, 50 lines", lambda s: build_posture(s, None, None, 50)),
            ("posture", "one host, 50 lines", lambda s, h=h: build_posture(s, None, h, 50)),
        ]
    return out


def measure(db: str) -> dict:
    import gc

    gc.collect()
    gc.freeze()  # as `newsledger serve` does: the loaded code stays out of full collections (200 ms pauses)
    rng = random.Random(11)
    times: dict[tuple[str, str], list[float]] = {}
    with open_store(db, readonly=True) as s:
        for kind, label, call in queries(rng):
            t0 = time.perf_counter()
            result = call(s)
            ms = 1000 * (time.perf_counter() - t0)
            assert result, f"{kind} {label} returned nothing"
            times.setdefault((kind, label), []).append(ms)
    rows = {}
    for (kind, label), ms in times.items():
        ms.sort()
        rows[f"{kind}: {label}"] = {"p50_ms": round(statistics.median(ms), 1),
                                    "p95_ms": round(ms[max(0, int(round(0.95 * len(ms))) - 1)], 1), "runs": len(ms)}
    for kind in ("events", "timeline", "posture"):
        allms = sorted(m for (k, _), ms in times.items() if k == kind for m in ms)
        rows[f"{kind}: all"] = {"p50_ms": round(statistics.median(allms), 1),
                                "p95_ms": round(allms[max(0, int(round(0.95 * len(allms))) - 1)], 1),
                                "runs": len(allms)}
    return rows


def _name(db: str) -> str:
    return "PostgreSQL" if db.startswith("postgres") else "SQLite"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--db", action="append", required=True, help="a SQLite path or a postgresql:// URL (repeatable)")
    ap.add_argument("--fresh", action="store_true", help="rebuild the synthetic ledger even when one is there")
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args()
    results = {}
    for db in args.db:
        build(db, args.events, args.fresh)
        results[_name(db)] = measure(db)
    names = list(results)
    print(f"\n{'query':34}" + "".join(f"{n + ' p50':>16}{n + ' p95':>16}" for n in names))
    for q in results[names[0]]:
        print(f"{q:34}" + "".join(f"{results[n][q]['p50_ms']:>14.1f}ms{results[n][q]['p95_ms']:>14.1f}ms" for n in names))
    if args.json:
        Path(args.json).write_text(json.dumps({"events": args.events, "results": results}, indent=2))


if __name__ == "__main__":
    sys.exit(main())
