"""Failures that say what to do: disk full, a read-only or corrupt database, a missing output folder end in
one message naming the file and the fix, with exit code 3 (system error); read commands open read-only;
nothing is written into a database that fails PRAGMA quick_check; --db works after the command too."""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess

import pytest

from conftest import run_cli

SENDERS, HOSTS = ["Germany", "France", "Britain", "Canada"], ["Poland", "Latvia", "Estonia"]


def corpus(path, n: int, seed: int = 1, bad_line: bool = False) -> None:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as fh:
        if bad_line:
            fh.write("{not json\n")
        for i in range(n):
            text = " ".join(f"{rng.choice(SENDERS)} will send {rng.randint(100, 9000)} troops to {rng.choice(HOSTS)}, "
                            f"officials said on Monday in statement {seed}-{i}-{j}." for j in range(6))
            fh.write(json.dumps({"id": f"s{seed}-{i}", "time": f"2022-02-{1 + i % 27:02d}", "text": text}) + "\n")


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    """A small extracted ledger (copied by each test that changes it)."""
    folder = tmp_path_factory.mktemp("ledger")
    corpus(folder / "a.jsonl", 12)
    db = str(folder / "l.db")
    r = run_cli("ingest", str(folder / "a.jsonl"), db=db)
    assert r.returncode == 0, r.stderr
    return db


def sha(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def copy(src: str, dst) -> str:
    with open(src, "rb") as a, open(dst, "wb") as b:
        b.write(a.read())
    return str(dst)


@pytest.fixture
def mount(tmp_path):
    """mount(size) -> a fresh tmpfs folder of that size (root only); unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    done = []

    def make(size: str):
        mnt = tmp_path / f"disk{len(done)}"
        mnt.mkdir()
        if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)]).returncode:
            pytest.skip("cannot mount a tmpfs here")
        done.append(mnt)
        return mnt
    yield make
    for mnt in done:
        subprocess.run(["umount", "-l", str(mnt)])


@pytest.mark.parametrize("args", [["export", "-o", "{missing}/out.jsonl"],
                                  ["export", "--level", "events", "--format", "csv", "-o", "{missing}/out.csv"]])
def test_export_into_a_missing_folder(ledger, tmp_path, args):
    r = run_cli(*[a.format(missing=tmp_path / "nope") for a in args], db=ledger)
    assert r.returncode == 3
    err = r.stderr.decode()
    assert err.count("error:") == 1 and "nope/out." in err and "folder does not exist" in err and "Traceback" not in err


def test_a_corrupt_database_is_never_written(ledger, tmp_path):
    db = copy(ledger, tmp_path / "c.db")  # a copy: no clean-close note, so it is checked at open
    size = os.path.getsize(db)
    with open(db, "r+b") as fh:
        fh.seek(size // 2)
        fh.write(random.Random(3).randbytes(8192))
    before = sha(db)
    corpus(tmp_path / "b.jsonl", 3, seed=2)
    r = run_cli("ingest", str(tmp_path / "b.jsonl"), db=db)
    err = r.stderr.decode()
    assert r.returncode == 3 and "c.db: the database file is corrupt" in err and ".recover" in err, err
    assert "Traceback" not in err and sha(db) == before
    r = run_cli("check", db=db)
    assert r.returncode == 3 and "corrupt" in r.stderr.decode()


def test_check_finds_damage_a_clean_close_cannot_see(ledger, tmp_path):
    db = copy(ledger, tmp_path / "c.db")
    r = run_cli("stats", db=db)  # read only
    assert r.returncode == 0
    assert run_cli("check", db=db).returncode == 0 and b"ok" in run_cli("check", db=db).stdout
    st = os.stat(db)
    with open(db, "r+b") as fh:  # bit rot: same size, same time
        fh.seek(st.st_size // 2)
        fh.write(b"\xff" * 4096)
    os.utime(db, ns=(st.st_atime_ns, st.st_mtime_ns))
    r = run_cli("check", db=db)
    assert r.returncode == 3 and "corrupt" in r.stderr.decode()


def test_disk_full_says_so_and_keeps_the_rejections(ledger, tmp_path, mount):
    disk = mount("700k")
    db = copy(ledger, disk / "l.db")
    corpus(tmp_path / "big.jsonl", 300, seed=4, bad_line=True)
    r = run_cli("ingest", str(tmp_path / "big.jsonl"), db=db)
    err = r.stderr.decode()
    assert r.returncode == 3 and "l.db: the disk holding the database is full" in err and "free space" in err, err
    assert "Traceback" not in err and "big.jsonl:1: bad JSON" in err  # printed before the failure
    assert run_cli("check", db=db).returncode == 0  # what was committed is intact


def test_read_only_database(ledger, tmp_path, mount):
    disk = mount("5m")
    db = copy(ledger, disk / "l.db")
    assert subprocess.run(["mount", "-o", "remount,ro", str(disk)]).returncode == 0
    for args in (["stats", "--json"], ["events", "--json"], ["rejected"], ["check"]):
        r = run_cli(*args, db=db)
        assert r.returncode == 0, (args, r.stderr)
    corpus(tmp_path / "b.jsonl", 2, seed=5)
    r = run_cli("ingest", str(tmp_path / "b.jsonl"), db=db)
    err = r.stderr.decode()
    assert r.returncode == 3 and "l.db: the database file (or its folder) is read-only" in err, err


@pytest.mark.parametrize("command", [["stats", "--json"], ["events", "--json"], ["rejected", "--json"], ["check"]])
def test_db_after_the_command(ledger, command):
    r = run_cli(*command, "--db", ledger)
    assert r.returncode == 0, r.stderr
    assert run_cli(*command, "--db", ledger + ".none").returncode == 2  # the later one wins: no such ledger


def test_help_documents_exit_codes():
    r = run_cli("--help")
    assert r.returncode == 0 and b"3 system error" in r.stdout
