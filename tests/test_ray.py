"""Extraction on Ray, for real (no mocks; local Ray clusters of 2 CPUs): `--engine ray` gives the
ledger the local engine gives, resumes an interrupted run, joins a running cluster with --address
and leaves it running, and fails clearly (not forever) on a bad address or without Ray."""

from __future__ import annotations

import os
import socket

import pytest

from conftest import ROOT, run_cli

pytestmark = pytest.mark.slow

SAMPLE = ROOT / "src" / "newsledger" / "sample"


def _mentions(db: str) -> dict[str, tuple]:
    """Every field of every mention, and its article, by mention id."""
    from newsledger.store import open_store

    with open_store(db) as store:
        return {m.id: (m, r.article) for m, r in store.mentions()}


def _events(db: str) -> list[dict]:
    """The merged events as `export --level events` writes them (with their mentions)."""
    from newsledger import serialize
    from newsledger.ledger import events_with_detail
    from newsledger.store import open_store

    with open_store(db) as store:
        return sorted((serialize.event_json(d.event, [serialize.mention_json(m, r) for m, r in d.mentions])
                       for d in events_with_detail(store)), key=lambda e: e["id"])


def _pending_ledger(db: str, files: list[str]) -> None:
    from newsledger.ingest import ingest
    from newsledger.store import open_store

    with open_store(db) as store:
        ingest(store, files)


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory) -> tuple[str, str]:
    """The sample corpus ingested twice: local engine, and Ray engine on its own local cluster of 2 CPUs."""
    tmp = tmp_path_factory.mktemp("ledgers")
    local, on_ray = str(tmp / "local.db"), str(tmp / "ray.db")
    r = run_cli("ingest", str(SAMPLE), "--workers", "2", db=local)
    assert r.returncode == 0, r.stderr.decode()
    r = run_cli("ingest", str(SAMPLE), "--engine", "ray", "--workers", "2", db=on_ray)
    assert r.returncode == 0, r.stderr.decode()
    assert "20 articles read" in r.stdout.decode()
    return local, on_ray


@pytest.fixture(scope="module")
def cluster():
    """A Ray cluster (2 CPUs) started by this process, for a run that joins it with --address."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    import ray

    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


def test_ray_engine_gives_the_same_ledger_as_the_local_engine(ledgers):
    local, on_ray = ledgers
    want, got = _mentions(local), _mentions(on_ray)
    assert len(want) > 100
    assert got == want  # every field: type, actors, place, date, quantity, status, spans, confidence, ids
    events = _events(local)
    assert len(events) > 50 and _events(on_ray) == events


def test_interrupted_run_resumes_on_a_cluster_joined_by_address(cluster, ledgers, tmp_path):
    """7 articles were extracted before the run stopped: `extract --engine ray --address` joins a
    running cluster, extracts the other 13, leaves the cluster running, and the ledger is the local one."""
    from newsledger.extract.pipeline import extract_articles
    from newsledger.store import open_store

    db = str(tmp_path / "resumed.db")
    _pending_ledger(db, [str(SAMPLE)])
    with open_store(db) as store:
        store.save_mentions(list(extract_articles(store.pending_articles()[:7])))
    address = cluster.get_runtime_context().gcs_address
    # the cluster uses Ray's token authentication (its default): a driver joining by address says so
    r = run_cli("extract", "--engine", "ray", "--address", address, "--workers", "2", db=db,
                env={"RAY_AUTH_MODE": "token"}, timeout=300)
    assert r.returncode == 0, r.stderr.decode()
    assert "from 13 articles" in r.stdout.decode()
    assert cluster.cluster_resources().get("CPU") == 2  # still up: the command only disconnected
    assert _mentions(db) == _mentions(ledgers[0])
    assert _events(db) == _events(ledgers[0])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_bad_address_fails_fast_with_our_error(tmp_path):
    db = str(tmp_path / "bad.db")
    first = str(sorted(SAMPLE.iterdir())[0])
    _pending_ledger(db, [first])
    r = run_cli("extract", "--engine", "ray", "--address", f"127.0.0.1:{_free_port()}", db=db, timeout=120)
    err = r.stderr.decode()
    assert r.returncode == 2, err
    assert "cannot reach a Ray cluster at 127.0.0.1:" in err and "Traceback" not in err
    r = run_cli("ingest", first, "--address", "127.0.0.1:6379", db=db, timeout=60)
    assert r.returncode == 2 and "--address is for --engine ray" in r.stderr.decode()


def test_missing_ray_is_a_clear_error(tmp_path):
    """Without Ray installed (an import of `ray` that fails), the hint names the extra to install."""
    fake = tmp_path / "noray" / "ray"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError(\"No module named 'ray'\")\n")
    db = str(tmp_path / "noray.db")
    _pending_ledger(db, [str(sorted(SAMPLE.iterdir())[0])])
    path = os.pathsep.join(p for p in (str(fake.parent), os.environ.get("PYTHONPATH")) if p)
    r = run_cli("extract", "--engine", "ray", db=db, env={"PYTHONPATH": path}, timeout=60)
    err = r.stderr.decode()
    assert r.returncode == 2, err
    assert "needs Ray, which cannot be imported" in err and "pip install 'newsledger[ray]'" in err
