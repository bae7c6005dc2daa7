"""Ingest into a real SQLite file: idempotence, duplicates, bad input, and kill -9 mid-batch."""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from newsledger.ingest import ingest
from newsledger.store import ArticleFilter, open_store

from conftest import SHARED, needs_shared, run_cli

WORDS = ("army alliance border ceasefire convoy defence diplomat embassy envoy frontier garrison government "
         "minister mission officials parliament president reporters spokesman summit talks treaty troops "
         "warships weapons Monday Tuesday capital council deadline exercise pressure response security").split()
GLUE = "the a of to and in on with for said would that was had after before while".split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS if i % 2 == 0 else GLUE) for i in range(rng.randint(10, 18))]
    return " ".join(words).capitalize() + "."


def article_text(seed: int, n: int = 12) -> str:
    rng = random.Random(seed)
    return " ".join(sentence(rng) for _ in range(n))


def write_jsonl(path, n, start=0):
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(start, start + n):
            fh.write(json.dumps({"id": f"a{i}", "time": "2022-02-01", "text": article_text(i)}) + "\n")


def test_reingest_adds_nothing(tmp_path, store):
    write_jsonl(tmp_path / "a.jsonl", 30)
    first = ingest(store, [str(tmp_path / "a.jsonl")])
    again = ingest(store, [str(tmp_path / "a.jsonl")])
    assert first.added == 30 and not first.duplicates
    assert again.added == 0 and again.already == 30
    assert store.stats().articles == 30


def test_exact_and_near_duplicates(tmp_path, store):
    base = article_text(1, 20)
    near = base.replace("troops", "soldiers", 1) + " Reporting by the wire service."
    (tmp_path / "1.txt").write_text(f" date 2022-02-01\n{base}")
    (tmp_path / "2.txt").write_text(f" date 2022-02-02\n{base}")  # wire copy, same words
    (tmp_path / "3.txt").write_text(f" date 2022-02-03\n{near}")  # republished with small edits
    (tmp_path / "4.txt").write_text(f" date 2022-02-04\n{article_text(2, 20)}")  # different story
    rep = ingest(store, [str(tmp_path)])
    assert rep.added == 4
    originals = {d.source.rsplit('/', 1)[-1]: d.duplicate_of for d in rep.duplicates}
    first_id = store.articles(ArticleFilter(text=base[:60]))[0].article.id
    assert originals == {"2.txt": first_id, "3.txt": first_id}
    assert all(d.similarity >= 0.7 for d in rep.duplicates)
    assert store.stats().unique_articles == 2
    # duplicates are never queued for extraction
    assert {a.id for a in store.pending_articles()} == {first_id} | {
        r.article.id for r in store.articles() if r.article.source.endswith("4.txt")}


def test_batch_goes_on_past_bad_items_and_records_them(tmp_path, store):
    write_jsonl(tmp_path / "good.jsonl", 5)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "bad.txt").write_text(" date 2022-99-99\nSome text that is long enough to count here.")
    with open(tmp_path / "good.jsonl", "a") as fh:
        fh.write("{broken\n")
    rep = ingest(store, [str(tmp_path)])
    assert rep.added == 5
    assert len(rep.rejected) == 4
    assert {r.reason.split(":")[0] for r in rep.rejected} >= {"empty file", "malformed date line", "bad JSON"}
    assert len(store.rejections()) == 4
    ingest(store, [str(tmp_path)])
    assert len(store.rejections()) == 4  # recorded once, not per run


def test_cli_exit_codes_and_summary(tmp_path, db):
    write_jsonl(tmp_path / "good.jsonl", 3)
    ok = run_cli("ingest", "--no-extract", str(tmp_path / "good.jsonl"), db=db)
    assert ok.returncode == 0, ok.stderr
    assert b"3 articles read: 3 new" in ok.stdout
    (tmp_path / "empty.txt").write_bytes(b"")
    bad = run_cli("ingest", "--no-extract", str(tmp_path), db=db)
    assert bad.returncode == 1
    assert b"empty.txt: empty file" in bad.stderr
    assert b"3 already stored; 1 rejected" in bad.stdout


def test_stdin(db):
    data = json.dumps({"id": "in1", "time": "2022-02-01", "text": article_text(5)}).encode()
    r = run_cli("ingest", "--no-extract", "-", db=db, input=data)
    assert r.returncode == 0, r.stderr
    with open_store(db) as s:
        assert [a.article.id for a in s.articles()] == ["in1"]


def _ids(db) -> set[str]:
    with sqlite3.connect(db) as c:
        return {r[0] for r in c.execute("SELECT id FROM articles")}


@pytest.mark.slow
def test_kill_9_mid_batch_then_rerun_equals_clean_run(tmp_path):
    n = 4000
    src = tmp_path / "many.jsonl"
    write_jsonl(src, n)
    clean_db, killed_db = str(tmp_path / "clean.db"), str(tmp_path / "killed.db")
    args = [sys.executable, "-m", "newsledger", "--db", killed_db, "ingest", "--no-extract",
            "--batch-size", "50", str(src)]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    seen = 0
    while time.time() < deadline and proc.poll() is None:
        try:
            seen = len(_ids(killed_db))
        except sqlite3.Error:
            seen = 0
        if seen >= 200:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "ingest finished before it could be killed; raise n"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = _ids(killed_db)
    assert 0 < len(partial) < n
    assert len(partial) % 50 == 0  # only whole batches were committed
    rerun = run_cli("ingest", "--no-extract", str(src), db=killed_db)
    assert rerun.returncode == 0, rerun.stderr
    clean = run_cli("ingest", "--no-extract", str(src), db=clean_db)
    assert clean.returncode == 0
    assert _ids(killed_db) == _ids(clean_db)
    with sqlite3.connect(killed_db) as c:
        assert c.execute("SELECT COUNT(*), COUNT(DISTINCT id) FROM articles").fetchone() == (n, n)
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_an_id_taken_by_another_text_is_stored_under_a_derived_id(tmp_path, store):
    # news-tls numbers each topic's articles from 1: the same id in two files names two articles.
    for topic, start in (("a", 0), ("b", 100)):
        (tmp_path / topic).mkdir()
        with open(tmp_path / topic / "articles.jsonl", "w", encoding="utf-8") as fh:
            for i in range(3):
                fh.write(json.dumps({"id": str(i), "time": "2022-02-01", "text": article_text(start + i)}) + "\n")
    first = ingest(store, [str(tmp_path)], batch_size=2)
    assert (first.read, first.added, first.already) == (6, 6, 0)
    assert sorted(r.article_id for r in first.renamed) == ["0", "1", "2"]
    assert all(r.new_id.startswith(r.article_id + "~") for r in first.renamed)
    again = ingest(store, [str(tmp_path)], batch_size=4)
    assert (again.added, again.already, again.renamed) == (0, 6, [])
    texts = {r.article.text for r in store.articles(ArticleFilter())}
    assert len(texts) == 6


@needs_shared
@pytest.mark.slow
def test_shared_corpora_and_seeds(tmp_path, db):
    r = run_cli("ingest", "--no-extract", "--json", str(SHARED / "corpus"), str(SHARED / "seeds"), db=db)
    report = json.loads(r.stdout)
    assert report["read"] >= 490
    assert report["added"] == report["read"]
    # Only what is not an article is refused: reference timelines and news-tls records without text.
    assert {x["reason"] for x in report["rejected"]} <= {"a JSON object with 'text' is expected on each line",
                                                         "no 'text' field (or it is empty)"}
    assert all(x["source"].endswith(("timelines.jsonl", "articles.jsonl")) for x in report["rejected"])
    with open_store(db) as s:
        st = s.stats()
    assert st.unique_articles + st.duplicates == report["read"]


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger(request, tmp_path) -> str:
    """An empty ledger (schema made) on each backend: an SQLite file, or a fresh PostgreSQL database."""
    location = str(tmp_path / "shared.db") if request.param == "sqlite" else request.getfixturevalue("pg_db")
    open_store(location).close()
    return location


@pytest.mark.slow
@pytest.mark.parametrize("change", ["near", "exact"])
def test_concurrent_ingests_of_copies_record_the_duplicates(tmp_path, ledger, change):
    """Two `newsledger ingest` processes started at once on copies of the same articles (one word more
    in each, or the same text under other ids): each text is stored once as an original, its other
    copy as a duplicate of it, whichever process got there first."""
    n = 150
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    write_jsonl(first, n)
    with open(second, "w", encoding="utf-8") as fh:
        for i in range(n):
            text = article_text(i) + (" More details were not given." if change == "near" else "")
            fh.write(json.dumps({"id": f"copy{i}", "time": "2022-02-01", "text": text}) + "\n")
    procs = [subprocess.Popen([sys.executable, "-m", "newsledger", "--db", ledger, "ingest", "--no-extract",
                               "--batch-size", "5", "--json", str(f)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for f in (first, second)]
    reports = []
    for p in procs:
        out, errs = p.communicate(timeout=600)
        assert p.returncode == 0, errs.decode()
        reports.append(json.loads(out))
    with open_store(ledger) as store:
        stats = store.stats()
        recs = store.articles(ArticleFilter(duplicates=True))
    assert stats.articles == 2 * n
    assert stats.unique_articles == n and stats.duplicates == n
    number = lambda aid: aid.removeprefix("copy").removeprefix("a")  # noqa: E731  (a12 and copy12: one text)
    originals = {r.article.id for r in recs if r.duplicate_of is None}
    for r in recs:
        if r.duplicate_of is not None:  # the other copy of the same text is its original
            assert r.duplicate_of in originals and number(r.duplicate_of) == number(r.article.id)
    assert sum(len(rep["duplicates"]) for rep in reports) == n  # each run says which ones it found


@pytest.mark.parametrize("line,reason", [
    ('{"id": "x", "text": "unterminated', "bad JSON: Unterminated string starting at column 21"),
    ('{"id": "x" "text": "a"}', "bad JSON: Expecting ',' delimiter at column 12"),
    ('{"id": "x", "text": 12345}', "'text' is not a string (a JSON number)"),
    ('{"id": "x"}', "no 'text' field (or it is empty)"),
    ('{"id": "x", "time": "2022-02-01", "text": "ab"}', "text too short (2 characters)"),
    ('{"id": "x", "time": "0001-01-01T00:00:00Z", "text": "Germany will send 300 troops to Lithuania."}',
     "publication date 0001-01-01 is outside the plausible range"),
])
def test_bad_jsonl_lines_say_what_is_wrong(tmp_path, store, line, reason):
    src = tmp_path / "bad.jsonl"
    src.write_text('{"id": "ok", "time": "2022-02-01", "text": "Britain will send 500 soldiers to Estonia."}\n'
                   + line + "\n", encoding="utf-8")
    report = ingest(store, [str(src)])
    (r,) = report.rejected
    assert r.line == 2 and r.reason.startswith(reason)
    assert str(r).startswith(f"{src}:2: {reason}")  # the file and line, once


@pytest.mark.parametrize("fmt", ["txt", "jsonl"])
def test_lines_not_in_utf8_are_read_and_said(tmp_path, db, fmt):
    """A Windows-1252 line in a UTF-8 file is decoded as such, and the user is told which line."""
    good = "Ukraine\u2019s president said on Monday that talks with the envoys would go on."
    odd = "Zelenskyy\u2019s office said that 300 more troops would arrive within a week."
    path = tmp_path / f"mixed.{fmt}"
    if fmt == "txt":
        path.write_bytes(f" date 2022-02-01\n{good}\n".encode() + f"{odd}\n".encode("cp1252"))
        line = 3
    else:
        rec = lambda i, t: json.dumps({"id": f"m{i}", "time": "2022-02-01", "text": t}, ensure_ascii=False)  # noqa: E731
        path.write_bytes(f"{rec(1, good)}\n".encode() + f"{rec(2, odd)}\n".encode("cp1252"))
        line = 2
    r = run_cli("ingest", "--no-extract", str(path), db=db)
    assert r.returncode == 0, r.stderr
    assert f"1 line not in UTF-8, read as Windows-1252 (line {line})" in " ".join(r.stderr.decode().split())
    with open_store(db) as store:
        texts = [rec.article.text for rec in store.articles()]
    assert any(odd in t for t in texts) and any(good in t for t in texts)
    again = run_cli("ingest", "--no-extract", "--json", str(path), db=str(tmp_path / "other.db"))
    assert json.loads(again.stdout)["notices"] == [
        {"source": str(path.resolve()), "message": f"1 line not in UTF-8, read as Windows-1252 (line {line}); "
                                                   "check it if the text looks garbled"}]


def test_utf8_input_gives_no_notice(tmp_path, store):
    src = tmp_path / "clean.jsonl"
    write_jsonl(src, 3)
    assert ingest(store, [str(src)]).notices == []
