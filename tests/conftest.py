"""Shared fixtures. Tests use real files, a real SQLite database and real subprocesses."""

from __future__ import annotations

import contextlib
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


def rebuilt_posture_lines(s, at):
    """The reference for `build_posture(at=...)`: every deployment rebuilt from the mentions of the articles
    that count by `at` (an undated one from its ingest order), as the posture counted before it read the view."""
    from newsledger.ledger import events_with_detail
    from newsledger.merge import build_event
    from newsledger.posture import _line
    from newsledger.rollups import posture_rows
    from newsledger.store import MentionFilter
    from newsledger.store.posture_views import ingest_date

    out = []
    for d in events_with_detail(s, MentionFilter(type="MOBILIZE")):
        days = {r.article.id: r.article.published or ingest_date(s.conn, r.article.id) for _m, r in d.mentions}
        known = [(m, r) for m, r in d.mentions if days[r.article.id] and days[r.article.id] <= at]
        if known:
            undated = [days[r.article.id] for _m, r in known if r.article.published is None]
            ev = build_event(d.event.id, known)
            out += [_line(row) for row in posture_rows(ev, max(undated) if undated else None)]
    return out


def rebuilt_posture(s, at, host=None, lines=None):
    """build_posture's answer from `rebuilt_posture_lines` (the reference for both of its paths)."""
    from newsledger.posture import _assemble

    by_host: dict = {}
    for line in rebuilt_posture_lines(s, at):
        if host is None or line.host == host.upper():
            by_host.setdefault(line.host, []).append(line)
    return _assemble(by_host, lines)
