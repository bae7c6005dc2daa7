"""Pre-aggregated views of the ledger, kept in step with it, so that timeline and posture queries
answer in milliseconds at millions of events.

- `timeline_days`: one row per (key, day) where key is `*` (everything), `T:<type>` or `A:<actor code>`:
  the day's number of events and their types, the day's salience (distinct articles whose mentions
  report on or refer to that day), the best event and its summary, the first event ids by
  newsworthiness and the first sources (at most CAP of each, with their totals).
- `posture_lines`: one row per deployment event and host country, as the ledger knows it now;
  `posture_totals` the totals per host and mode; `posture_hosts` the number of lines per host.
- `posture_history`: the same lines as known on each past day: per event and host, one row for each
  stretch of days over which the articles published on that event stayed the same (`history_rows`);
  `posture_history_totals` their totals per host, layer and mode over each stretch they stayed the same.

They are rewritten inside the merge's transaction for the days, hosts and events a merge touched,
so they are never out of step with the events they sum up (a killed run leaves both or neither).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from .model import Event
from .store.posture_views import HISTORY_COLUMNS, LINE_COLUMNS, ingest_date
from .tally import Total, totals

VIEWS = ("timeline_days", "posture_lines", "posture_totals", "posture_hosts", "posture_history",
         "posture_history_totals")
CAP = 100  # event ids and sources kept per timeline row (their totals are kept too)
_PRIORITY = {"ASSAULT": 3, "MOBILIZE": 2, "RETREAT": 2, "SANCTION": 2, "CONSULT": 1, "AID": 1, "SUPPORT": 1,
             "COERCE": 1}
_WEAK_OPENERS = ("he", "she", "it", "they", "this", "that", "you", "we", "i", "but", "and")


# -- what an event contributes -----------------------------------------------------------------
def event_day(ev: Event) -> dt.date | None:
    """The day an event goes on the timeline: its own date when known to the day, else the first report."""
    if ev.date and ev.date_precision == "day":
        return ev.date
    return ev.first_reported


def newsworthiness(ev: Event) -> float:
    """Which event of a day sums it up: reported widely, stated plainly (a full sentence that names
    its actors, not a quote or a pronoun), with figures and places, of a consequential type."""
    words = ev.summary.split()
    plain = (8 <= len(words) <= 45 and words[0].lower() not in _WEAK_OPENERS
             and not ev.summary.lstrip().startswith(("\"", "“")))
    return (2.0 * min(ev.n_sources, 5) + 3.0 * ev.confidence + 2.0 * plain + (ev.quantity is not None)
            + (ev.location is not None) + _PRIORITY.get(ev.type, 0))


def _is_state(code: str) -> bool:
    return len(code) == 3 and code.isalpha() and code.isupper() and code not in ("DPR", "LPR")  # ISO alpha-3


def hosts_of(ev: Event) -> list[str]:
    """Countries receiving a deployment: the named place's country, else recipient states (not senders);
    a state building up forces on its own soil (docs/CONVENTIONS.md: location = its own country, no
    recipient) is their host (plausibility puts such a line in the build-up layer)."""
    if ev.location and ev.location.country and ev.location.country not in ev.actors:
        return [ev.location.country]
    hosts = [c for c in ev.recipients if _is_state(c) and c not in ev.actors]
    if not hosts and ev.location and ev.location.country in ev.actors and _is_state(ev.location.country):
        return [ev.location.country]
    return hosts


def senders_to(ev: Event, host: str) -> list[str]:
    """Who sends forces to `host`: the actors other than the host, or the host itself on its own soil."""
    return [a for a in ev.actors if a != host] or [a for a in ev.actors if a == host]


def timeline_keys(type_: str, actors: Iterable[str]) -> list[str]:
    return ["*", "T:" + type_] + ["A:" + a for a in sorted(set(actors))]


# -- posture lines and totals --------------------------------------------------------------------
def posture_rows(ev: Event, undated_on: dt.date | None = None) -> list[tuple]:
    """posture_lines rows of one event (none unless it is a deployment, not negated, with a host): its
    layer and review reason (plausibility.judge) and how its figure counts (tally.counting_of).
    `undated_on`: the date an event from undated articles counts from (their ingest order)."""
    if ev.type != "MOBILIZE" or ev.status == "negated":
        return []
    from .plausibility import figure_words, judge
    from .posture_rules import load_rules
    from .tally import counting_of

    hosts = hosts_of(ev)
    q = ev.quantity
    on = ev.last_reported or undated_on
    counting = counting_of(ev.summary, load_rules().cues)
    rows = []
    for h in hosts:
        senders = senders_to(ev, h)
        figure = q.max if q and q.max is not None else (q.min if q else None)
        verdict = judge(h, senders, counting.total_after or figure, q.unit if q else None, on, ev.summary,
                        figure_text=figure_words(q.min if q else None))
        rows.append((h, ev.id, json.dumps(senders), ev.mode or "forces",
                     q.min if q else None, q.max if q else None, int(q.approx) if q else 0, q.unit if q else None,
                     ev.status, on.isoformat() if on else "", json.dumps([o for o in hosts if o != h]), ev.summary,
                     json.dumps(ev.sources), verdict.layer, verdict.review, int(counting.increment),
                     counting.total_after, int(ev.last_reported is None)))
    return rows


POSTURE_COLUMNS = LINE_COLUMNS
_N_POSTURE = len(POSTURE_COLUMNS.split(","))
_N_HISTORY = len(HISTORY_COLUMNS.split(","))


def undated_dates(conn, events: Iterable[Event]) -> dict[str, dt.date]:
    """For events reported only by undated articles: the date they count from, the latest of their
    articles' ingest dates."""
    out: dict[str, dt.date] = {}
    for ev in events:
        if ev.last_reported is not None or ev.type != "MOBILIZE":
            continue
        days = [d for a in {m.rsplit(":", 1)[0] for m in ev.mention_ids} if (d := ingest_date(conn, a))]
        if days:
            out[ev.id] = max(days)
    return out


def history_rows(event_id: str, rows: list, known_on: Callable[[str], dt.date | None]) -> list[tuple]:
    """posture_history rows of one event from its mentions `rows` ((Mention, ArticleRecord) pairs): for
    each day a new article on it was published, the event rebuilt from the articles published by then
    and its posture_rows, held until the next such day. `known_on(article_id)` is the day an undated
    article counts from (its ingest order); an article with no day at all never counts."""
    from .merge import build_event

    day_of = {rec.article.id: rec.article.published or known_on(rec.article.id) for _m, rec in rows}
    days = sorted({d for d in day_of.values() if d is not None})
    out: list[tuple] = []
    held: dict[tuple[str, str], list] = {}  # (host, event) -> its row still open, to extend while unchanged
    for i, day in enumerate(days):
        known = [(m, rec) for m, rec in rows if (d := day_of[rec.article.id]) is not None and d <= day]
        undated = [day_of[rec.article.id] for _m, rec in known if rec.article.published is None]
        lines = posture_rows(build_event(event_id, known), max(undated) if undated else None)
        until = days[i + 1].isoformat() if i + 1 < len(days) else ""
        now = {(r[0], r[1]): r for r in lines}
        for key in list(held):
            if key not in now:
                out.append(tuple(held.pop(key)))
        for key, line in now.items():
            if key in held and tuple(held[key][2:]) == line:
                held[key][1] = until
                continue
            if key in held:
                out.append(tuple(held.pop(key)))
            held[key] = [day.isoformat(), until, *line]
    return out + [tuple(r) for r in held.values()]


# -- keeping them in step -------------------------------------------------------------------------
def refresh(conn, *, removed: Iterable[str], events: list[Event], days: set[str],
            mentions: Mapping[str, list]) -> None:
    """Rewrite the views for a merge that dropped `removed` event ids and stored `events`; `days` are the
    timeline days and referred days those events had before and have now; `mentions` the (Mention,
    ArticleRecord) rows of each stored deployment event, for posture_history. Runs in the caller's transaction."""
    changed = sorted(set(removed) | {ev.id for ev in events})
    hosts, past = set(), set()
    for chunk in _chunks(changed):
        marks = ",".join("?" * len(chunk))
        hosts |= {r[0] for r in conn.execute(f"SELECT DISTINCT host FROM posture_lines WHERE event_id IN ({marks})", chunk)}
        conn.execute(f"DELETE FROM posture_lines WHERE event_id IN ({marks})", chunk)
        past |= {r[0] for r in conn.execute(f"SELECT DISTINCT host FROM posture_history WHERE event_id IN ({marks})", chunk)}
        conn.execute(f"DELETE FROM posture_history WHERE event_id IN ({marks})", chunk)
    undated = undated_dates(conn, events)
    rows = [r for ev in events for r in posture_rows(ev, undated.get(ev.id))]
    if rows:
        conn.executemany(f"INSERT INTO posture_lines ({POSTURE_COLUMNS}) VALUES ({','.join('?' * _N_POSTURE)})", rows)
    for host in sorted(past | _refresh_history(conn, events, mentions)):
        _refresh_history_totals(conn, host)
    hosts |= {r[0] for r in rows}
    for host in sorted(hosts):
        _refresh_host(conn, host)
    for day in sorted(d for d in days if d):
        _refresh_day(conn, day)


def _refresh_history(conn, events: list[Event], mentions: Mapping[str, list]) -> set[str]:
    """Store the posture_history rows of `events`; the hosts they name."""
    known: dict[str, dt.date | None] = {}

    def known_on(article_id: str) -> dt.date | None:
        if article_id not in known:
            known[article_id] = ingest_date(conn, article_id)
        return known[article_id]

    rows = [r for ev in events if ev.type == "MOBILIZE" for r in history_rows(ev.id, mentions[ev.id], known_on)]
    if rows:
        conn.executemany(f"INSERT INTO posture_history ({HISTORY_COLUMNS}) VALUES ({','.join('?' * _N_HISTORY)})",
                         rows)
    return {r[2] for r in rows}


def _refresh_history_totals(conn, host: str) -> None:
    conn.execute("DELETE FROM posture_history_totals WHERE host = ?", (host,))
    found = list(conn.execute(
        "SELECT known_from, known_until, senders, mode, layer, min, max, approx, status, shared_with, last_reported, "
        "event_id, increment, total_after FROM posture_history WHERE host = ? AND review = '' "
        "AND layer <> 'readiness'", (host,)))
    rows = [(host, *r) for r in history_totals([(r[0], r[1], _Line(*r[2:])) for r in found])]
    if rows:
        conn.executemany("INSERT INTO posture_history_totals (host, layer, mode, known_from, known_until, min, max, "
                         "uncertain, pledged_min, pledged_max, underway_min, underway_max, arrived_min, arrived_max) "
                         "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)


def history_totals(held: list[tuple[str, str, _Line]]) -> list[tuple]:
    """One host's totals (tally.totals) per layer and mode over each stretch of days they stay the same,
    from its lines and the days each holds (known_from, known_until): rows of (layer, mode, known_from,
    known_until, min, max, uncertain, pledged min/max, under way min/max, arrived min/max)."""
    starts: dict[str, list[_Line]] = defaultdict(list)
    ends: dict[str, list[_Line]] = defaultdict(list)
    for since, until, line in held:
        starts[since].append(line)
        if until:
            ends[until].append(line)
    active: dict[tuple[str, str], dict[str, _Line]] = defaultdict(dict)  # (layer, mode) -> event id -> line
    open_: dict[tuple[str, str], tuple[str, tuple]] = {}  # (layer, mode) -> (since, its total's figures)
    out = []
    for day in sorted(starts.keys() | ends.keys()):
        touched = set()
        for line in ends[day]:
            active[line.layer, line.mode].pop(line.event_id, None)
            touched.add((line.layer, line.mode))
        for line in starts[day]:
            active[line.layer, line.mode][line.event_id] = line
            touched.add((line.layer, line.mode))
        for key in sorted(touched):
            found = totals(list(active[key].values()))
            now = _figures(found[0]) if found else None
            if key in open_ and open_[key][1] == now:
                continue
            if key in open_:
                since, figs = open_.pop(key)
                out.append((*key, since, day, *figs))
            if now is not None:
                open_[key] = (day, now)
    return out + [(*key, since, "", *figs) for key, (since, figs) in sorted(open_.items())]


def _figures(t: Total) -> tuple:
    return (t.min, t.max, int(t.uncertain), t.pledged.min, t.pledged.max, t.underway.min, t.underway.max,
            t.arrived.min, t.arrived.max)


def touched_days(conn, event_ids: Iterable[str]) -> set[str]:
    """Timeline days and referred days of the stored events `event_ids` (before a merge replaces them)."""
    out: set[str] = set()
    for chunk in _chunks(sorted(set(event_ids))):
        marks = ",".join("?" * len(chunk))
        out |= {r[0] for r in conn.execute(f"SELECT day FROM events WHERE id IN ({marks})", chunk)}
        out |= {r[0] for r in conn.execute("SELECT m.day_ref FROM event_mentions x JOIN mentions m ON m.id = x.mention_id "
                                            f"WHERE x.event_id IN ({marks})", chunk)}
    out.discard(None)
    return out


def _refresh_host(conn, host: str) -> None:
    lines = [_Line(*r) for r in conn.execute(
        "SELECT senders, mode, layer, min, max, approx, status, shared_with, last_reported, event_id, increment, "
        "total_after FROM posture_lines WHERE host = ? AND review = ''", (host,))]
    conn.execute("DELETE FROM posture_totals WHERE host = ?", (host,))
    conn.execute("DELETE FROM posture_hosts WHERE host = ?", (host,))
    if not lines:
        return
    conn.execute("INSERT INTO posture_hosts (host, n_lines) VALUES (?, ?)",
                 (host, sum(l.layer != "readiness" for l in lines)))  # readiness lines are listed apart
    conn.executemany("INSERT INTO posture_totals (host, layer, mode, min, max, uncertain, pledged_min, pledged_max, "
                     "underway_min, underway_max, arrived_min, arrived_max) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                     [(host, t.layer, t.mode, t.min, t.max, int(t.uncertain), t.pledged.min, t.pledged.max,
                       t.underway.min, t.underway.max, t.arrived.min, t.arrived.max) for t in totals(lines)])


@dataclass(slots=True)
class _Line:
    senders: list[str]
    mode: str
    layer: str
    min: int | None
    max: int | None
    approx: bool
    status: str | None
    shared_with: list[str]
    last_reported: dt.date | None
    event_id: str
    increment: bool
    total_after: int | None

    def __post_init__(self):
        self.approx, self.increment = bool(self.approx), bool(self.increment)
        self.senders = json.loads(self.senders) if isinstance(self.senders, str) else self.senders
        self.shared_with = json.loads(self.shared_with) if isinstance(self.shared_with, str) else self.shared_with
        if isinstance(self.last_reported, str):
            self.last_reported = dt.date.fromisoformat(self.last_reported) if self.last_reported else None


def _refresh_day(conn, day: str) -> None:
    conn.execute("DELETE FROM timeline_days WHERE day = ?", (day,))
    evs = list(conn.execute("SELECT id, type, summary, score, listing FROM events WHERE day = ?", (day,)))
    if not evs:
        return
    referring: dict[str, set[str]] = defaultdict(set)  # event id -> articles whose mentions refer to `day`
    for eid, article in conn.execute("SELECT x.event_id, m.article_id FROM mentions m JOIN event_mentions x "
                                     "ON x.mention_id = m.id WHERE m.day_ref = ?", (day,)):
        referring[eid].add(article)
    ids = sorted({e[0] for e in evs} | set(referring))
    types = dict(_pairs(conn, "SELECT id, type FROM events WHERE id IN ({})", ids))
    actors: dict[str, list[str]] = defaultdict(list)
    for eid, code in _pairs(conn, "SELECT event_id, code FROM event_codes WHERE role = 'actor' AND event_id IN ({})", ids):
        actors[eid].append(code)
    sources: dict[str, set[str]] = defaultdict(set)
    for eid, src in _pairs(conn, "SELECT x.event_id, a.source FROM event_mentions x JOIN mentions m ON m.id = x.mention_id "
                                 "JOIN articles a ON a.id = m.article_id WHERE x.event_id IN ({})", [e[0] for e in evs]):
        sources[eid].add(src)
    salience: dict[str, set[str]] = defaultdict(set)
    for eid, arts in referring.items():
        for key in timeline_keys(types[eid], actors[eid]):
            salience[key] |= arts
    by_key: dict[str, list] = defaultdict(list)
    for e in evs:
        for key in timeline_keys(e[1], actors[e[0]]):
            by_key[key].append(e)
    rows = []
    for key, group in by_key.items():
        group.sort(key=lambda e: (-e[3], e[4], e[0]))  # most newsworthy, then as the ledger lists them
        srcs = sorted({s for e in group for s in sources[e[0]]})
        rows.append((key, day, len(salience[key]), len(group), json.dumps(dict(sorted(Counter(e[1] for e in group).items()))),
                     " ".join(group[0][2].split()), group[0][0], json.dumps([e[0] for e in group[:CAP]]),
                     json.dumps(srcs[:CAP]), len(srcs)))
    conn.executemany("INSERT INTO timeline_days (key, day, salience, n_events, types, summary, best_event, event_ids, "
                     "sources, n_sources) VALUES (?,?,?,?,?,?,?,?,?,?)", rows)


def rebuild(store) -> None:
    """Recompute every view from the events (after the migration that adds them, or on demand)."""
    from .ledger import events_with_detail
    from .store import MentionFilter

    with store.transaction() as c:
        for table in VIEWS:
            c.execute(f"DELETE FROM {table}")
    events = store.events(MentionFilter())
    mentions = {d.event.id: d.mentions for d in events_with_detail(store, MentionFilter(type="MOBILIZE"))}
    srcs: dict[str, set[str]] = defaultdict(set)
    for eid, src in store.conn.execute("SELECT x.event_id, a.source FROM event_mentions x JOIN mentions m "
                                       "ON m.id = x.mention_id JOIN articles a ON a.id = m.article_id"):
        srcs[eid].add(src)
    for ev in events:
        ev.sources = sorted(srcs[ev.id])
    with store.transaction() as c:
        c.executemany("UPDATE events SET day = ?, score = ? WHERE id = ?",
                      [(_iso(event_day(ev)), newsworthiness(ev), ev.id) for ev in events])
        days = {r[0] for r in c.execute("SELECT DISTINCT day FROM events")} | \
               {r[0] for r in c.execute("SELECT DISTINCT day_ref FROM mentions")}
        refresh(c, removed=(), events=events, days={d for d in days if d}, mentions=mentions)


def stale(store) -> bool:
    """True when events exist that the views have not summed up (a ledger made before them)."""
    return store.conn.execute("SELECT 1 FROM events WHERE day IS NULL AND score IS NULL LIMIT 1").fetchone() is not None


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _pairs(conn, sql: str, ids: list[str]):
    for chunk in _chunks(ids):
        yield from conn.execute(sql.format(",".join("?" * len(chunk))), chunk)


def _chunks(items: list, n: int = 500):
    for i in range(0, len(items), n):
        yield items[i:i + n]


__all__ = ["CAP", "Total", "event_day", "hosts_of", "newsworthiness", "posture_rows", "rebuild",
           "refresh", "stale", "timeline_keys", "totals", "touched_days", "ingest_date", "undated_dates"]
