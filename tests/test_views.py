"""Views of the ledger: timeline (and its news-tls output), force posture, pictures."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from conftest import ROOT, SHARED, run_cli

SAMPLE = ROOT / "src" / "newsledger" / "sample"
D = dt.date


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("views") / "views.db")
    paths = [str(SAMPLE)] + ([str(SHARED / "seeds")] if (SHARED / "seeds").is_dir() else [])
    r = run_cli("ingest", *paths, db=db)
    assert r.returncode == 0, r.stderr
    return db


@pytest.mark.slow
def test_posture_at_date_lists_us_troops_in_poland(ledger):
    r = run_cli("posture", "--at", "2022-02-20", "--json", db=ledger)
    assert r.returncode == 0, r.stderr
    hosts = {h["host"]: h for h in json.loads(r.stdout)}
    assert "POL" in hosts
    us = [l for l in hosts["POL"]["lines"] if "USA" in l["senders"] and l["mode"] in ("troops", "mixed")]
    assert us, hosts["POL"]["lines"]
    assert any(l["max"] or l["min"] for l in us)
    assert all(l["status"] and l["sources"] and l["last_reported"] <= "2022-02-20" for l in us)
    assert hosts["POL"]["totals"]


@pytest.mark.slow
def test_posture_at_excludes_later_reports(ledger):
    early = {h["host"] for h in json.loads(run_cli("posture", "--at", "2022-01-10", "--json", db=ledger).stdout)}
    late = {h["host"] for h in json.loads(run_cli("posture", "--json", db=ledger).stdout)}
    assert early < late  # early January: fewer hosts known than by March


@pytest.mark.slow
def test_timeline_dates_salience_and_sources(ledger):
    r = run_cli("timeline", "--dates", "6", "--json", db=ledger)
    entries = json.loads(r.stdout)
    assert len(entries) == 6
    assert [e["date"] for e in entries] == sorted(e["date"] for e in entries)
    assert all(e["summary"] and e["sources"] for e in entries)  # days without events: lead sentences
    assert sum(bool(e["events"]) for e in entries) >= 3
    only = json.loads(run_cli("timeline", "--json", "--type", "CONSULT", db=ledger).stdout)
    assert only and all(e["types"] == ["CONSULT"] for e in only)


@pytest.mark.slow
def test_topic_folder_in_news_tls_layout(tmp_path):
    topic = tmp_path / "ukraine"
    topic.mkdir()
    with open(topic / "articles.jsonl", "w") as fh:
        for i, f in enumerate(sorted(SAMPLE.glob("*.txt"))):
            head, text = f.read_text().split("\n", 1)
            fh.write(json.dumps({"id": f"s{i}", "time": head.split()[1] + "T00:00:00", "text": text}) + "\n")
    r = run_cli("timeline", "--topic", str(topic), "--dates", "8", "-o", str(tmp_path / "tl.jsonl"))
    assert r.returncode == 0, r.stderr
    (tl,) = [json.loads(l) for l in (tmp_path / "tl.jsonl").read_text().splitlines()]
    assert len(tl) == 8 and all(len(item) == 2 and isinstance(item[1], list) for item in tl)
    dt.datetime.fromisoformat(tl[0][0])


@pytest.mark.slow
@pytest.mark.parametrize("fmt, magic", [("png", b"\x89PNG"), ("svg", b"<?xml")])
def test_timeline_picture(ledger, tmp_path, fmt, magic):
    path = tmp_path / f"t.{fmt}"
    r = run_cli("timeline", f"--{fmt}", str(path), db=ledger)
    assert r.returncode == 0, r.stderr
    assert path.read_bytes().startswith(magic) and path.stat().st_size > 10_000


def test_crimea_is_drawn_as_part_of_ukraine():
    from newsledger.shapes import contains

    assert contains("UKR", 34.10, 44.95) and not contains("RUS", 34.10, 44.95)  # Simferopol
    assert contains("UKR", 33.52, 44.60)  # Sevastopol
    assert contains("RUS", 37.62, 55.75) and contains("POL", 21.01, 52.23)


@pytest.mark.slow
@pytest.mark.parametrize("fmt, magic", [("png", b"\x89PNG"), ("svg", b"<?xml")])
def test_posture_map(ledger, tmp_path, fmt, magic):
    path = tmp_path / f"p.{fmt}"
    r = run_cli("posture", "--at", "2022-02-20", f"--{fmt}", str(path), db=ledger)
    assert r.returncode == 0, r.stderr
    assert path.read_bytes().startswith(magic) and path.stat().st_size > 20_000


@pytest.mark.slow
def test_considered_then_under_way_shows_both_in_the_history(tmp_path):
    (tmp_path / "a.txt").write_text(" date 2022-01-24\nWASHINGTON — The United States is considering sending "
                                    "3,000 troops to Poland, officials said on Monday.")
    (tmp_path / "b.txt").write_text(" date 2022-01-26\nWARSAW — The United States has begun sending 3,000 troops "
                                    "to Poland, the Polish defence ministry said on Wednesday.")
    db = str(tmp_path / "h.db")
    assert run_cli("ingest", str(tmp_path), db=db).returncode == 0
    (ev,) = [json.loads(l) for l in run_cli("events", "--json", "--type", "MOBILIZE", db=db).stdout.splitlines()]
    assert [(h["status"], h["reported"]) for h in ev["status_history"]] == [
        ("considered", "2022-01-24"), ("underway", "2022-01-26")]
    assert ev["status"] == "underway" and ev["n_sources"] == 2 and ev["recipients"] == ["POL"]
