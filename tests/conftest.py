"""Shared fixtures. Tests use real files, a real SQLite database and real subprocesses."""

from __future__ import annotations

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
