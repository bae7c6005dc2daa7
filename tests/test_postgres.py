"""The PostgreSQL backend against a real server: same migrations, every command, same results as SQLite."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, fresh_pg_database, run_cli
from newsledger.exceptions import StoreError
from newsledger.store import open_store
from newsledger.store.base import migrations

SAMPLE = ROOT / "src" / "newsledger" / "sample"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ledgers(pg_server, tmp_path_factory):
    """The bundled sample ingested by the same command into SQLite and into PostgreSQL."""
    lite = str(tmp_path_factory.mktemp("lite") / "ledger.db")
    with fresh_pg_database(pg_server, "parity") as pg:
        for db in (lite, pg):
            r = run_cli("ingest", str(SAMPLE), db=db)
            assert r.returncode == 0, r.stderr.decode()
        yield lite, pg


def _json(args: list[str], db: str):
    r = run_cli(*args, db=db)
    assert r.returncode == 0, r.stderr.decode()
    lines = r.stdout.decode().splitlines()
    if len(lines) > 1 and lines[0].startswith("{") and lines[0].endswith("}"):
        return [json.loads(line) for line in lines]  # one JSON object a line
    return json.loads(r.stdout)


def _without(obj, keys: set[str]):
    """`obj` without the keys that name the ledger or the moment it was written."""
    if isinstance(obj, dict):
        return {k: _without(v, keys) for k, v in obj.items() if k not in keys}
    if isinstance(obj, list):
        return [_without(v, keys) for v in obj]
    return obj


VOLATILE = {"db", "ingested_at", "extracted_at"}


@pytest.mark.parametrize("args", [
    ["stats", "--json"],
    ["articles", "--json"],
    ["articles", "--json", "--text", "Constanta", "--from", "2022-01-01"],
    ["mentions", "--json"],
    ["mentions", "--json", "--type", "MOBILIZE", "--actor", "USA", "--location", "POL"],
    ["events", "--json"],
    ["events", "--json", "--actor", "RUS", "--from", "2022-02-01", "--to", "2022-02-28"],
    ["events", "--json", "--status", "underway", "--limit", "5"],
    ["timeline", "--json"],
    ["timeline", "--json", "--dates", "5", "--actor", "USA"],
    ["posture", "--json"],
    ["posture", "--json", "--at", "2022-02-20", "--host", "POL"],
    ["ask", "--json", "How many troops did the US send to Poland?"],
])
def test_same_results_as_sqlite(ledgers, args):
    lite, pg = ledgers
    expected = _without(_json(args, lite), VOLATILE)
    assert expected, "the comparison must compare something"
    assert _without(_json(args, pg), VOLATILE) == expected


@pytest.mark.parametrize("level, fmt", [("mentions", "jsonl"), ("mentions", "csv"), ("events", "jsonl"),
                                        ("events", "geojson"), ("events", "csv")])
def test_exports_are_identical(ledgers, tmp_path, level, fmt):
    outs = []
    for i, db in enumerate(ledgers):
        out = tmp_path / f"{i}.{fmt}"
        r = run_cli("export", "--level", level, "--format", fmt, "--output", str(out), db=db)
        assert r.returncode == 0, r.stderr.decode()
        outs.append(out.read_text(encoding="utf-8"))
    assert len(outs[0]) > 1000 and outs[0] == outs[1]


def test_parquet_export_has_the_same_rows(ledgers, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    tables = []
    for i, db in enumerate(ledgers):
        out = tmp_path / f"{i}.parquet"
        assert run_cli("export", "--level", "events", "--format", "parquet", "--output", str(out), db=db).returncode == 0
        tables.append(pq.read_table(out).to_pylist())
    assert tables[0] and tables[0] == tables[1]


def test_same_migrations_recorded(ledgers):
    for db in ledgers:
        with open_store(db) as s:
            versions = [r[0] for r in s.conn.execute("SELECT version FROM schema_migrations ORDER BY version")]
        assert versions == [v for v, _, _ in migrations()]


@pytest.mark.parametrize("words", ["Constanta", "troops Polan", "Royal Marines"])
def test_search_finds_the_same_articles_and_sentences(ledgers, words):
    found = []
    for db in ledgers:
        with open_store(db, readonly=True) as s:
            arts, sents = s.search(words, limit=100)
        found.append(({a[0] for a in arts}, {m[0] for m in sents}))
    assert found[0][0] and found[0] == found[1]


def test_reingest_adds_nothing_and_reextract_converges(ledgers):
    _, pg = ledgers
    before = _without(_json(["events", "--json"], pg), VOLATILE)
    r = run_cli("ingest", "--json", str(SAMPLE), db=pg)
    assert json.loads(r.stdout)["added"] == 0
    assert run_cli("extract", "--redo", db=pg).returncode == 0
    assert _without(_json(["events", "--json"], pg), VOLATILE) == before


def test_readonly_connection_cannot_write(ledgers):
    _, pg = ledgers
    with open_store(pg, readonly=True) as s:
        assert s.stats().articles == 20
        with pytest.raises(Exception, match="read-only"):
            s.conn.execute("DELETE FROM rejections")


def test_web_api_over_postgres(ledgers):
    """`newsledger serve --db postgresql://...` answers like over SQLite."""
    from fastapi.testclient import TestClient

    from newsledger.web.app import Settings, create_app

    bodies = []
    for db in ledgers:
        client = TestClient(create_app(Settings(db, False, None)))
        got = {}
        for path in ("/api/events?limit=20", "/api/posture", "/api/timeline", "/api/countries"):
            r = client.get(path)
            assert r.status_code == 200, (path, r.text)
            got[path] = _without(r.json(), VOLATILE)
        r = client.get("/api/search?q=Poland")  # the same hits; snippets and ranks are each engine's own
        got["search"] = {k: sorted(json.dumps(_without(x, {"snippet", "rank", "score"}), sort_keys=True)
                                   for x in v) for k, v in r.json().items() if isinstance(v, list)}
        assert got["search"]["articles"]
        bodies.append(got)
    assert bodies[0] == bodies[1]


def test_bad_server_is_a_clear_error(pg_server):
    bad = pg_server.replace("newsledger:newsledger@", "newsledger:wrong-password@")
    with pytest.raises(StoreError, match="cannot connect to PostgreSQL"):
        open_store(bad)
    r = run_cli("stats", db=bad)
    assert r.returncode != 0
    err = r.stderr.decode()
    assert "cannot connect to PostgreSQL" in err and "wrong-password" not in err


def test_concurrent_writers_are_serialised(pg_db):
    """Two processes ingesting at once into one PostgreSQL ledger: every article once, events merged once."""
    import subprocess
    import sys

    procs = [subprocess.Popen([sys.executable, "-m", "newsledger", "--db", pg_db, "ingest", str(SAMPLE)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    for p in procs:
        p.wait(timeout=600)
        assert p.returncode == 0, p.stderr.read().decode()
    with open_store(pg_db) as s:
        st = s.stats()
        assert st.articles == 20 and st.pending == 0
        dup = s.conn.execute("SELECT COUNT(*) FROM (SELECT mention_id FROM event_mentions GROUP BY mention_id "
                             "HAVING COUNT(*) > 1) d").fetchone()[0]
        orphans = s.conn.execute("SELECT COUNT(*) FROM mentions m WHERE NOT EXISTS "
                                 "(SELECT 1 FROM event_mentions x WHERE x.mention_id = m.id)").fetchone()[0]
    assert dup == 0 and orphans == 0
