"""The CLI as a user runs it: help everywhere, demo, listing, filters, export format."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from newsledger.serialize import MENTION_FIELDS

from conftest import run_cli

COMMANDS = ["ingest", "extract", "articles", "stats", "mentions", "events", "timeline", "posture", "export", "eval",
            "eval-merge", "bench", "demo"]


@pytest.mark.parametrize("cmd", [[]] + [[c] for c in COMMANDS])
def test_help(cmd):
    r = run_cli(*cmd, "--help")
    assert r.returncode == 0
    assert b"Usage:" in r.stdout


HEAVY = ("spacy", "onnxruntime", "numpy", "scipy", "datasketch", "fastapi", "uvicorn", "ray", "torch", "psycopg",
         "trafilatura")


@pytest.mark.parametrize("cmd", [[], ["stats"], ["ingest"], ["extract"], ["watch"], ["bench"], ["serve"]])
def test_help_imports_no_heavy_module(cmd):
    """`newsledger --help` stays light: spaCy, onnxruntime, numpy ... are imported by the commands that use them."""
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "newsledger", *cmd, "--help"], capture_output=True,
                       env={k: v for k, v in os.environ.items() if k != "NEWSLEDGER_DB"}, timeout=120)
    assert r.returncode == 0 and b"Usage:" in r.stdout
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in r.stderr.decode().splitlines()
                if line.startswith("import time:")}
    assert "click" in imported  # the import log was read
    assert not imported & set(HEAVY), sorted(imported & set(HEAVY))


@pytest.mark.parametrize("cmd", ["ingest", "extract", "watch", "bench"])
def test_workers_default_to_the_cores_available(cmd):
    r = run_cli(cmd, "--help")
    text = " ".join(r.stdout.decode().split())
    assert f"one per core available ({len(os.sched_getaffinity(0))} here" in text
    assert "[default: 0; x>=0]" in text


@pytest.mark.parametrize("asked,articles,started", [(0, 1, 1), (0, 10_000, None), (4, 20, 2), (3, 1000, 3), (1, 500, 1)])
def test_workers_started(asked, articles, started):
    """0 is one per core available; never more processes than chunks of 16 articles."""
    from newsledger.extract.run import worker_count

    cores = len(os.sched_getaffinity(0))
    assert worker_count(asked, articles) == (started if started is not None else cores)


def test_bad_option_is_a_usage_error(db):
    r = run_cli("articles", "--from", "yesterday", db=db)
    assert r.returncode == 2 and b"not a date" in r.stderr


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("demo") / "demo.db")
    r = run_cli("demo", db=db)
    assert r.returncode == 0, r.stderr
    assert b"Deployments and withdrawals" in r.stdout
    return db


@pytest.mark.slow
def test_demo_summary_and_rerun_adds_nothing(demo_db):
    r = run_cli("demo", db=demo_db)
    assert r.returncode == 0
    assert b"20 sample articles read, 0 new" in r.stdout
    stats = json.loads(run_cli("stats", "--json", db=demo_db).stdout)
    assert stats["unique_articles"] == 20 and stats["pending"] == 0 and stats["mentions"] > 50


@pytest.mark.slow
def test_articles_filters(demo_db):
    rows = [json.loads(l) for l in run_cli("articles", "--json", "--from", "2022-02-01", "--to", "2022-02-28",
                                           db=demo_db).stdout.splitlines()]
    assert rows and all("2022-02-01" <= r["published"] <= "2022-02-28" for r in rows)
    rows = [json.loads(l) for l in run_cli("articles", "--json", "--text", "Rzeszow", db=demo_db).stdout.splitlines()]
    assert len(rows) >= 1


@pytest.mark.slow
def test_mentions_filters(demo_db):
    rows = [json.loads(l) for l in run_cli("mentions", "--json", "--type", "MOBILIZE", "--actor", "USA",
                                           db=demo_db).stdout.splitlines()]
    assert rows
    assert all(r["type"] == "MOBILIZE" and "USA" in [a["code"] for a in r["actors"]] for r in rows)
    assert any(r["quantity"] for r in rows)


@pytest.mark.slow
def test_export_jsonl_and_csv_field_names(demo_db, tmp_path):
    r = run_cli("export", "--level", "mentions", "--format", "jsonl", db=demo_db)
    rows = [json.loads(l) for l in r.stdout.splitlines()]
    assert rows and all(tuple(row) == MENTION_FIELDS for row in rows)
    for row in rows:  # every mention points at its evidence
        assert row["sentence"] and row["end"] > row["start"] and row["source"] and row["article_id"]
    out = tmp_path / "m.csv"
    r = run_cli("export", "--format", "csv", "-o", str(out), db=demo_db)
    assert r.returncode == 0
    table = list(csv.DictReader(io.StringIO(out.read_text())))
    assert tuple(table[0]) == MENTION_FIELDS and len(table) == len(rows)
