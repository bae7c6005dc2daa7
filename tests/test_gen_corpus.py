"""scripts/gen_corpus.py as a user runs it: from any folder, output named for `ingest`, bad source lines named."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT, needs_shared, run_cli

SCRIPT = ROOT / "scripts" / "gen_corpus.py"
SENTENCES = [f"Officials in the {place} capital said on {day} that {n} more soldiers would arrive within a week."
             for place, day, n in [("northern", "Monday", 300), ("southern", "Tuesday", 1200), ("eastern", "Friday", 45),
                                   ("western", "Sunday", 800), ("coastal", "Thursday", 90)]]


def gen(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "source.jsonl"
    lines = [json.dumps({"id": str(i), "text": " ".join(SENTENCES[i:] + SENTENCES[:i])}) for i in range(5)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("out,written", [("corpus", "corpus.jsonl"), ("corpus.txt", "corpus.txt.jsonl"),
                                         ("corpus.jsonl", "corpus.jsonl"), ("C.JSONL", "C.JSONL")])
def test_output_gets_the_jsonl_suffix_and_ingest_reads_it(tmp_path, source, out, written):
    r = gen("6", out, "--source", str(source), "--sentences", "3", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "source.jsonl") == [written]
    assert ("writing" in r.stderr) == (out != written)
    ingest = run_cli("ingest", "--no-extract", "--json", str(tmp_path / written), db=str(tmp_path / "l.db"))
    assert ingest.returncode == 0, ingest.stderr
    assert json.loads(ingest.stdout)["read"] == 6


@pytest.mark.parametrize("line,reason", [
    ('{"id": "x", "text": 12345}', "'text' is not a string (a JSON number)"),
    ('{"id": "x", "text": ["a"]}', "'text' is not a string (a JSON array)"),
    ('{"id": "x"}', "no 'text' field"),
    ('{"id": "x", "text": "unterminated', "bad JSON: Unterminated string starting at column 21"),
    ('{"id": "x" "text": "a"}', "bad JSON: Expecting ',' delimiter at column 12"),
])
def test_bad_source_lines_are_named_and_skipped(tmp_path, source, line, reason):
    with open(source, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")
    r = gen("2", "out", "--source", str(source), "--sentences", "3", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert f"skipped {source}:6: {reason}" in r.stderr and "at at" not in r.stderr
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 2


def test_missing_source_is_one_message(tmp_path):
    r = gen("2", "out", "--source", str(tmp_path / "nope.jsonl"), cwd=tmp_path)
    assert r.returncode == 1 and "no such file; pass --source PATH" in r.stderr and "Traceback" not in r.stderr


@needs_shared
def test_default_source_works_from_any_folder(tmp_path):
    r = gen("3", "corpus", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    rows = [json.loads(l) for l in (tmp_path / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 3 and all(r["text"] for r in rows)
