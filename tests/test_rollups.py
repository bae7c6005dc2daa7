"""The pre-aggregated views (timeline_days, posture_*) answer exactly as the events themselves, and
stay so through incremental merges, re-extraction and a rebuild; the posture as known on a past day
(posture_history) answers as the events rebuilt from the articles published by then."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from conftest import ROOT, known_on, run_cli
from newsledger import rollups
from newsledger.posture import build_posture, build_review
from newsledger.store import MentionFilter, open_store
from newsledger.timeline import _from_events, _from_view, _key

SAMPLE = ROOT / "src" / "newsledger" / "sample"
pytestmark = pytest.mark.slow
FILTERS = [MentionFilter(), MentionFilter(type="MOBILIZE"), MentionFilter(type="consult"), MentionFilter(actor="USA"),
           MentionFilter(actor="RUS", date_from=dt.date(2022, 2, 1), date_to=dt.date(2022, 2, 20)),
           MentionFilter(date_from=dt.date(2022, 1, 15))]


def _views(db: str) -> dict:
    with open_store(db, readonly=True) as s:
        tables = {t: sorted(s.conn.execute(f"SELECT * FROM {t}")) for t in
                  rollups.VIEWS}
    assert tables["timeline_days"] and tables["posture_lines"] and tables["posture_history_totals"]
    return tables


@pytest.fixture(scope="module")
def ledger(tmp_path_factory) -> str:
    """The sample ingested in two runs (the second half merging into the first's events)."""
    tmp = tmp_path_factory.mktemp("rollups")
    halves = [tmp / "a", tmp / "b"]
    for h in halves:
        h.mkdir()
    for i, f in enumerate(sorted(SAMPLE.glob("*.txt"))):
        shutil.copy(f, halves[i % 2] / f.name)
    db = str(tmp / "ledger.db")
    for h in halves:
        assert run_cli("ingest", str(h), db=db).returncode == 0
    return db


@pytest.mark.parametrize("f", FILTERS, ids=lambda f: _key(f) + str(f.date_from or ""))
@pytest.mark.parametrize("dates", [None, 4])
def test_timeline_view_equals_events(ledger, f, dates):
    with open_store(ledger, readonly=True) as s:
        fast = _from_view(s, _key(f), f, dates)
        exact = _from_events(s, f, dates)
    assert fast, "a timeline that says nothing proves nothing"
    assert fast == exact


@pytest.mark.parametrize("host, lines", [(None, None), ("POL", None), ("ROU", 2), (None, 1)])
def test_posture_view_equals_events(ledger, host, lines):
    with open_store(ledger, readonly=True) as s:
        fast = build_posture(s, None, host, lines)
        dated = build_posture(s, dt.date(2100, 1, 1), host, lines)  # every article known: today's picture
        exact = known_on(s, dt.date(2100, 1, 1), host, lines)[0]  # every event rebuilt from its mentions
    assert fast and fast == exact and dated == exact
    if lines:
        assert all(len(hp.lines) <= lines <= hp.n_lines or len(hp.lines) == hp.n_lines for hp in fast)


@pytest.mark.parametrize("at", ["2021-12-01", "2022-01-20", "2022-02-01", "2022-02-12", "2022-02-15", "2022-02-24",
                                "2022-03-05", "2100-01-01"])
@pytest.mark.parametrize("host, lines", [(None, None), ("POL", None), (None, 2)])
def test_posture_history_equals_a_rebuild_from_what_was_published(ledger, at, host, lines):
    day = dt.date.fromisoformat(at)
    with open_store(ledger, readonly=True) as s:
        fast, fast_review = build_posture(s, day, host, lines), build_review(s, day)
        exact, exact_review = known_on(s, day, host, lines)
    assert fast == exact
    assert fast_review == exact_review
    if at >= "2022-02-12":
        assert fast, "a posture that says nothing proves nothing"


def test_posture_history_rows_do_not_overlap_and_end_as_today(ledger):
    """Each event's history holds one row per stretch of days it stayed the same; the rows still open
    are the posture as known now."""
    from newsledger.store.posture_views import LINE_COLUMNS

    with open_store(ledger, readonly=True) as s:
        rows = list(s.conn.execute("SELECT event_id, host, known_from, known_until FROM posture_history "
                                   "ORDER BY event_id, host, known_from"))
        still = sorted(s.conn.execute(f"SELECT {LINE_COLUMNS} FROM posture_history WHERE known_until = ''"))
        now = sorted(s.conn.execute(f"SELECT {LINE_COLUMNS} FROM posture_lines"))
    assert rows and all(since < until or until == "" for _e, _h, since, until in rows)
    assert any(until for *_x, until in rows), "no event changed over time: the history proves nothing"
    for (e1, h1, _s1, until), (e2, h2, since, _u2) in zip(rows, rows[1:]):
        if (e1, h1) == (e2, h2):
            assert until and until <= since  # no two rows of an event and host hold on the same day
    assert still == now


def test_incremental_views_equal_a_rebuild(ledger, tmp_path):
    before = _views(ledger)
    copy = str(tmp_path / "copy.db")
    with open_store(ledger, readonly=True) as s:
        s.conn.execute(f"VACUUM INTO '{copy}'")
    with open_store(copy) as s:
        rollups.rebuild(s)
    assert _views(copy) == before


def test_reextraction_keeps_views_in_step(ledger, tmp_path):
    copy = str(tmp_path / "copy.db")
    with open_store(ledger, readonly=True) as s:
        s.conn.execute(f"VACUUM INTO '{copy}'")
    before = _views(copy)
    assert run_cli("extract", "--redo", db=copy).returncode == 0
    assert _views(copy) == before


def test_a_ledger_from_before_the_views_is_summed_up_on_upgrade(ledger, tmp_path):
    """Migration 5 adds the views; opening an older ledger for writing fills them from its events."""
    copy = str(tmp_path / "old.db")
    with open_store(ledger, readonly=True) as s:
        s.conn.execute(f"VACUUM INTO '{copy}'")
    import sqlite3

    with sqlite3.connect(copy) as c:
        for t in rollups.VIEWS:
            c.execute(f"DELETE FROM {t}")
        c.execute("UPDATE events SET day = NULL, score = NULL")
        c.execute("DELETE FROM schema_migrations WHERE version >= 5")  # a ledger of before migration 5
        c.execute("DROP TABLE quarantine")  # (made by migration 6)
        c.execute("DROP TABLE posture_history")  # (made by migration 8)
        c.execute("DROP TABLE posture_history_totals")
        c.execute("CREATE TABLE IF NOT EXISTS x (y)")  # the migration is re-run against existing tables below
        for t in ("timeline_days", "posture_lines", "posture_totals", "posture_hosts"):
            c.execute(f"DROP TABLE {t}")
        for idx in ("events_day", "events_listing", "events_type_listing", "mentions_day_ref", "event_codes_listing"):
            c.execute(f"DROP INDEX {idx}")
        c.execute("ALTER TABLE events DROP COLUMN listing")
        c.execute("ALTER TABLE event_codes DROP COLUMN listing")
        c.execute("ALTER TABLE events DROP COLUMN day")
        c.execute("ALTER TABLE events DROP COLUMN score")
        c.execute("ALTER TABLE mentions DROP COLUMN day_ref")
    with open_store(ledger) as s:
        latest = s.schema_version()
    with open_store(copy) as s:
        assert s.schema_version() == latest >= 5
    assert _views(copy) == _views(ledger)


@pytest.mark.parametrize("f, index", [(MentionFilter(limit=50), "events_listing"),
                                      (MentionFilter(type="MOBILIZE", limit=50), "events_type_listing"),
                                      (MentionFilter(actor="USA", date_from=dt.date(2022, 2, 1), limit=50),
                                       "event_codes_listing")])
def test_event_pages_are_read_in_index_order(ledger, f, index):
    """A page of events is read from an index in listing order, never sorted whole (a million rows)."""
    with open_store(ledger, readonly=True) as s:
        sql = []
        s.conn.set_trace_callback(sql.append)
        assert s.events(f)
        s.conn.set_trace_callback(None)
        query = next(q for q in sql if q.lstrip().startswith("SELECT ev.*"))
        plan = " ".join(str(r) for r in s.conn.execute("EXPLAIN QUERY PLAN " + query))
    assert index in plan and "TEMP B-TREE" not in plan, plan
