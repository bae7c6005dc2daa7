"""Shared fixtures. Tests use real files, a real SQLite database and real subprocesses."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NEWSLEDGER_SHARED", ROOT.parent / "shared"))

needs_shared = pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="../shared corpus not present")


@pytest.fixture
def db(tmp_path) -> str:
    return str(tmp_path / "ledger.db")


@pytest.fixture
def store(db):
    from newsledger.store import open_store

    with open_store(db) as s:
        yield s


def run_cli(*args: str, db: str | None = None, input: bytes | None = None, env: dict | None = None,
            timeout: int = 600) -> subprocess.CompletedProcess:
    """Run the real `newsledger` command in a subprocess."""
    cmd = [sys.executable, "-m", "newsledger"]
    if db:
        cmd += ["--db", db]
    full_env = {**os.environ, **(env or {})}
    full_env.pop("NEWSLEDGER_DB", None)
    return subprocess.run(cmd + list(args), capture_output=True, input=input, env=full_env, timeout=timeout)


@pytest.fixture(scope="session")
def pg_server() -> str:
    """URL of a real PostgreSQL server whose role may create databases ($NEWSLEDGER_TEST_PG; .ci/run
    installs, starts and exports it). Without one the PostgreSQL tests skip, unless
    $NEWSLEDGER_REQUIRE_PG is set (CI), where a missing server fails them."""
    url = os.environ.get("NEWSLEDGER_TEST_PG")
    if not url:
        if os.environ.get("NEWSLEDGER_REQUIRE_PG"):
            pytest.fail("NEWSLEDGER_REQUIRE_PG is set but NEWSLEDGER_TEST_PG names no server")
        pytest.skip("no PostgreSQL server: set NEWSLEDGER_TEST_PG (see .ci/postgres.sh)")
    return url


@pytest.fixture
def pg_db(pg_server, request):
    """A fresh, empty PostgreSQL database for one test (dropped afterwards); its URL."""
    with fresh_pg_database(pg_server, request.node.name) as url:
        yield url


@contextlib.contextmanager
def fresh_pg_database(server: str, label: str):
    """Create an empty database on `server`, yield its URL, drop it."""
    import re
    import uuid
    from urllib.parse import urlsplit, urlunsplit

    psycopg = pytest.importorskip("psycopg")
    name = "nl_" + re.sub(r"\W", "_", label)[:30].lower() + "_" + uuid.uuid4().hex[:8]
    with psycopg.connect(server, autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(server)._replace(path="/" + name))
    finally:
        with psycopg.connect(server, autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def known_on(s, at, host=None, n=None):
    """The reference for `build_posture(at=...)` and `build_review(at=...)`: (hosts, review) as known on
    `at` computed the long way: every deployment event rebuilt from its mentions in articles published
    by then (an undated article from its ingest order), counted by tally.totals."""
    from newsledger import rollups
    from newsledger.ledger import events_with_detail
    from newsledger.merge import build_event
    from newsledger.posture import HostPosture, _lines, _recent
    from newsledger.store import MentionFilter
    from newsledger.store.posture_views import ingest_date
    from newsledger.tally import totals

    by_host: dict[str, list] = {}
    review = []
    for d in events_with_detail(s, MentionFilter(type="MOBILIZE")):
        day = {r.article.id: r.article.published or ingest_date(s.conn, r.article.id) for _m, r in d.mentions}
        known = [(m, r) for m, r in d.mentions if day[r.article.id] and day[r.article.id] <= at]
        if not known:
            continue
        undated = [day[r.article.id] for _m, r in known if r.article.published is None]
        for line in _lines(rollups.posture_rows(build_event(d.event.id, known), max(undated) if undated else None)):
            if line.review:
                review.append(line)
            elif host is None or line.host == host.upper():
                by_host.setdefault(line.host, []).append(line)
    out = []
    for code, found in by_host.items():
        shown = [l for l in found if l.layer != "readiness"]
        hp = HostPosture(code, totals=totals(shown), n_lines=len(shown))
        hp.lines = _recent(shown, n)
        hp.readiness = _recent([l for l in found if l.layer == "readiness"], None)
        out.append(hp)
    review.sort(key=lambda l: (l.last_reported or dt.date.min, l.event_id), reverse=True)
    return sorted(out, key=lambda hp: (-hp.n_lines, hp.host)), review
