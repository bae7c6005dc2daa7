"""Reliability: kill -9 during extraction or merging, then a re-run, converges to the ledger of a clean
run; the web app keeps answering while a large ingest runs."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import time

import httpx
import pytest

from conftest import run_cli

SENDERS = ["The United States", "Germany", "Britain", "France", "the Netherlands", "Denmark", "Spain", "Canada"]
HOSTS = ["Poland", "Romania", "Lithuania", "Estonia", "Latvia", "Bulgaria", "Slovakia", "Hungary"]
ASSETS = ["troops", "soldiers", "fighter jets", "warships", "armoured vehicles"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def synthetic_corpus(path, n: int, seed: int = 7) -> None:
    """n dated articles about deployments, written from templates with varied actors, hosts, figures."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            day = 1 + i % 27
            sents = []
            for _ in range(4):
                s, h, a = rng.choice(SENDERS), rng.choice(HOSTS), rng.choice(ASSETS)
                k = rng.choice([150, 300, 350, 800, 1000, 2000, 3000, 5000])
                verb = rng.choice(["will send", "is sending", "has deployed", "is considering sending", "ordered"])
                sents.append(f"{s} {verb} {k:,} {a} to {h}, officials said on {rng.choice(DAYS)}.")
            sents.append(f"Russia has massed more than {rng.choice([100, 130, 150])},000 troops near the border "
                         f"with Ukraine, according to report number {i}.")
            fh.write(json.dumps({"id": f"syn{i}", "time": f"2022-02-{day:02d}", "text": " ".join(sents)}) + "\n")


def _count(db: str, sql: str) -> int:
    try:
        with sqlite3.connect(db, timeout=1) as c:
            return c.execute(sql).fetchone()[0]
    except sqlite3.Error:
        return -1


def _ledger(db: str) -> list[dict]:
    r = run_cli("events", "--json", "--limit", "1000000", db=db)
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    for row in rows:
        row["mentions"] = sorted((m["article_id"], m["start"], m["type"]) for m in row["mentions"])
    return sorted(rows, key=lambda e: e["id"])


@pytest.mark.slow
@pytest.mark.parametrize("phase", ["extracting", "merging"])
def test_kill_9_during_extraction_or_merge_converges(tmp_path, phase):
    src = tmp_path / "syn.jsonl"
    synthetic_corpus(src, 240)
    clean, killed = str(tmp_path / "clean.db"), str(tmp_path / "killed.db")
    for db in (clean, killed):
        assert run_cli("ingest", "--no-extract", str(src), db=db).returncode == 0
    assert run_cli("extract", db=clean).returncode == 0
    proc = subprocess.Popen([sys.executable, "-m", "newsledger", "--db", killed, "extract"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while time.time() < deadline and proc.poll() is None:
        done = _count(killed, "SELECT COUNT(*) FROM articles WHERE extracted_at IS NOT NULL")
        if phase == "extracting" and done >= 32:
            break
        if phase == "merging" and done == 240:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    if phase == "extracting":
        assert 0 < _count(killed, "SELECT COUNT(*) FROM articles WHERE extracted_at IS NOT NULL") < 240
    again = run_cli("extract", db=killed)
    assert again.returncode == 0, again.stderr
    assert _ledger(killed) == _ledger(clean)
    assert _count(killed, "SELECT COUNT(*) FROM mentions") == _count(clean, "SELECT COUNT(*) FROM mentions")


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(p) for p in fh.read().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_kill_9_of_extract_leaves_no_worker_behind(tmp_path):
    """Extraction workers end with the run that started them, even when it is killed with -9."""
    src = tmp_path / "syn.jsonl"
    synthetic_corpus(src, 240)
    db = str(tmp_path / "k.db")
    assert run_cli("ingest", "--no-extract", str(src), db=db).returncode == 0
    proc = subprocess.Popen([sys.executable, "-m", "newsledger", "--db", db, "extract", "--workers", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and len(_children(proc.pid)) < 2 and proc.poll() is None:
        time.sleep(0.02)
    workers = _children(proc.pid)
    assert len(workers) == 2 and proc.poll() is None, "the run ended before its workers could be seen"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.time() + 20
    while time.time() < deadline and any(map(_alive, workers)):
        time.sleep(0.1)
    left = [w for w in workers if _alive(w)]
    for w in left:
        os.kill(w, signal.SIGKILL)
    assert not left, "workers outlived the killed run"


@pytest.mark.slow
def test_readers_keep_answering_during_a_large_ingest(tmp_path):
    db = str(tmp_path / "busy.db")
    src = tmp_path / "syn.jsonl"
    synthetic_corpus(src, 400, seed=11)
    assert run_cli("ingest", "--no-extract", str(tmp_path / "none"), db=db).returncode in (0, 1)  # create schema
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "newsledger", "--db", db, "serve", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                httpx.get(base + "/api/stats", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        writer = subprocess.Popen([sys.executable, "-m", "newsledger", "--db", db, "ingest", "--batch-size", "20",
                                   str(src)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        statuses, seen = [], set()
        deadline = time.time() + 600
        while writer.poll() is None and time.time() < deadline and len(statuses) < 2000:
            for path in ("/api/stats", "/api/events?limit=20", "/api/posture"):
                r = httpx.get(base + path, timeout=30)
                statuses.append(r.status_code)
                if path == "/api/stats":
                    seen.add(r.json()["articles"])
        assert writer.wait(timeout=600) == 0
        assert statuses and set(statuses) == {200}
        assert len(seen) >= 2  # readers saw the ledger grow while it was written
        assert httpx.get(base + "/api/stats").json()["unique_articles"] == 400
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.slow
def test_watch_ingests_files_as_they_arrive_even_while_written(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    db = str(tmp_path / "watch.db")
    proc = subprocess.Popen([sys.executable, "-m", "newsledger", "--db", db, "watch", str(inbox), "--interval", "0.5"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.5)
        (inbox / "a.txt").write_text(" date 2022-02-14\nBERLIN — Germany will send 350 more troops to Lithuania, "
                                     "the defence minister said on Monday.")
        slow = inbox / "b.txt"
        with open(slow, "w") as fh:  # written in two parts, with a pause longer than the interval
            fh.write(" date 2022-02-15\nWARSAW — The United States has begun sending ")
            fh.flush()
            time.sleep(0.2)
            fh.write("3,000 troops to Poland, officials said on Tuesday, as tensions rose along the border.")
        (inbox / "bad.txt").write_bytes(b"")
        deadline = time.time() + 120
        while time.time() < deadline and not (
                _count(db, "SELECT COUNT(*) FROM articles WHERE extracted_at IS NOT NULL") >= 2
                and _count(db, "SELECT COUNT(*) FROM event_mentions") >= 2
                and _count(db, "SELECT COUNT(*) FROM rejections") >= 1):
            time.sleep(0.2)
        time.sleep(1)
    finally:
        proc.terminate()
        out, errs = proc.communicate(timeout=30)
    with sqlite3.connect(db) as c:
        texts = sorted(r[0] for r in c.execute("SELECT text FROM articles"))
        mentions = c.execute("SELECT COUNT(*) FROM mentions").fetchone()[0]
        rejected = [r[0] for r in c.execute("SELECT reason FROM rejections")]
    assert len(texts) == 2 and any("3,000 troops to Poland" in t for t in texts)  # the whole file, not half
    assert mentions >= 2
    assert rejected == ["empty file"] and "bad.txt: empty file" in errs
