"""The ledger: merging mentions across articles into events, incrementally and order-independently."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from newsledger.clusters import DECISIONS, MergeRules, cluster, compatible
from newsledger.merge import build_event, find_conflicts
from newsledger.model import Article, Entity, Mention, Place, Quantity, Span, TimeValue
from newsledger.store import ArticleRecord

from conftest import ROOT, run_cli

SAMPLE = ROOT / "src" / "newsledger" / "sample"


def _m(mid, type_="MOBILIZE", actors=("USA",), recipients=("POL",), country="POL", qty=None, status="announced",
       mode="troops", date=None):
    ents = [Entity(c, c, Span(0, 1)) for c in actors]
    rec = [Entity(c, c, Span(0, 1)) for c in recipients]
    q = Quantity(str(qty), qty[0], qty[1], False, "troops", Span(0, 1)) if qty else None
    t = TimeValue("x", date, "day", Span(0, 1)) if date else None
    return Mention(article_id=mid.split(":")[0], type=type_, sentence=f"sentence {mid}", span=Span(0, 10),
                   trigger=Span(0, 1), mode=mode, actors=ents, recipients=rec,
                   location=Place(country, country, Span(0, 1)) if country else None, quantity=q, status=status,
                   time=t, confidence=0.8, id=mid)


def _r(aid, published, source=None, seq=1):
    return ArticleRecord(Article(aid, source or f"src-{aid}", "text", published), seq, "h", None, None, "now", "now")


D = dt.date


@pytest.mark.parametrize("a, b, same", [
    ((_m("a:0"), _r("a", D(2022, 2, 2))), (_m("b:0"), _r("b", D(2022, 2, 3))), True),
    ((_m("a:0"), _r("a", D(2022, 2, 2))), (_m("b:0", recipients=("ROU",), country="ROU"), _r("b", D(2022, 2, 3))), False),
    ((_m("a:0"), _r("a", D(2022, 2, 2))), (_m("b:0", actors=("GBR",)), _r("b", D(2022, 2, 3))), False),
    ((_m("a:0"), _r("a", D(2022, 2, 2))), (_m("b:0"), _r("b", D(2022, 3, 20))), False),
    ((_m("a:0"), _r("a", D(2022, 2, 2))), (_m("b:0", type_="RETREAT"), _r("b", D(2022, 2, 2))), False),
    ((_m("a:0"), _r("a", D(2022, 2, 2))), (_m("b:0", mode="naval"), _r("b", D(2022, 2, 2))), False),
    ((_m("a:0"), _r("a", D(2022, 2, 2))), (_m("b:0", mode="mixed"), _r("b", D(2022, 2, 2))), True),
    # undated: the rules join it only within its article; the learned decision weighs its content
    ((_m("a:0"), _r("a", None)), (_m("b:0"), _r("b", D(2022, 2, 2))), {"rules": False, "learned": True}),
    ((_m("a:0", "CONSULT", ("USA", "RUS"), (), None, mode="phone"), _r("a", D(2022, 2, 12))),
     (_m("b:0", "CONSULT", ("FRA", "RUS"), (), None, mode="phone"), _r("b", D(2022, 2, 12))), False),
    ((_m("a:0", "CONSULT", ("USA", "RUS"), (), None, mode="phone", date=D(2022, 2, 12)), _r("a", D(2022, 2, 13))),
     (_m("b:0", "CONSULT", ("USA", "RUS"), (), None, mode="phone", date=D(2022, 2, 12)), _r("b", D(2022, 2, 14))), True),
])
@pytest.mark.parametrize("decision", DECISIONS)
def test_compatible(a, b, same, decision):
    rules = MergeRules(decision=decision)
    same = same[decision] if isinstance(same, dict) else same
    assert compatible(a, b, rules) is same
    assert compatible(b, a, rules) is same  # symmetric


def test_status_history_and_figures_over_time():
    rows = [
        (_m("a:0", status="considered", qty=(1000, 5000)), _r("a", D(2022, 1, 24), seq=1)),
        (_m("b:0", status="announced", qty=(3000, 3000)), _r("b", D(2022, 2, 2), seq=2)),
        (_m("c:0", status="underway", qty=(3000, 3000)), _r("c", D(2022, 2, 5), seq=3)),
        (_m("d:0", status="underway"), _r("d", D(2022, 2, 6), seq=4)),
        (_m("e:0", status="completed", qty=(3000, 3000)), _r("e", D(2022, 2, 9), seq=5)),
    ]
    ev = build_event("a:0", list(reversed(rows)))
    assert [(h.status, h.reported) for h in ev.history] == [
        ("considered", D(2022, 1, 24)), ("announced", D(2022, 2, 2)), ("underway", D(2022, 2, 5)),
        ("completed", D(2022, 2, 9))]
    assert ev.status == "completed"
    assert [(f.reported, f.min, f.max) for f in ev.figures] == [
        (D(2022, 1, 24), 1000, 5000), (D(2022, 2, 2), 3000, 3000), (D(2022, 2, 5), 3000, 3000),
        (D(2022, 2, 9), 3000, 3000)]
    assert (ev.quantity.min, ev.quantity.max) == (3000, 3000)
    assert ev.n_mentions == 5 and ev.n_sources == 5 and ev.first_reported == D(2022, 1, 24)


def test_conflicting_figures_for_the_same_moment_are_flagged():
    rows = [
        (_m("a:0", status="underway", qty=(3000, 3000)), _r("a", D(2022, 2, 5), "nbc")),
        (_m("b:0", status="underway", qty=(2000, 2000)), _r("b", D(2022, 2, 5), "cnn")),
        (_m("c:0", status="underway", qty=(3000, 3000)), _r("c", D(2022, 2, 20), "bbc")),
    ]
    ev = build_event("a:0", rows)
    assert ev.n_conflicts == 1
    (c,) = ev.conflicts
    assert {(f.source, f.min) for f in c.figures} == {("nbc", 3000), ("cnn", 2000)}
    # considered 1,000-5,000 vs deployed 5,000 is a change of status, not a conflict
    assert not find_conflicts([f for f in build_event("x", [
        (_m("a:0", status="considered", qty=(1000, 5000)), _r("a", D(2022, 1, 24), "cnn")),
        (_m("b:0", status="underway", qty=(5000, 5000)), _r("b", D(2022, 1, 24), "nbc"))]).figures])


def _events(db) -> list[dict]:
    r = run_cli("events", "--json", "--limit", "100000", db=db)
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    return sorted(({k: v for k, v in e.items() if k != "mentions"} | {"mentions": sorted(m["article_id"] + str(m["start"])
                   for m in e["mentions"])} for e in rows), key=lambda e: e["id"])


@pytest.mark.slow
def test_incremental_merge_equals_merging_everything_at_once(tmp_path):
    files = sorted(SAMPLE.glob("*.txt"))
    batches = [tmp_path / f"batch{k}" for k in range(3)]
    for d in batches:
        d.mkdir()
    for i, f in enumerate(reversed(files)):  # interleave so every batch holds parts of the same stories
        shutil.copy(f, batches[i % 3] / f.name)
    once, twice = str(tmp_path / "once.db"), str(tmp_path / "twice.db")
    assert run_cli("ingest", *map(str, batches), db=once).returncode == 0
    for d in (batches[1], batches[0], batches[2]):
        assert run_cli("ingest", str(d), db=twice).returncode == 0
    a, b = _events(once), _events(twice)
    assert any(e["n_sources"] >= 2 for e in a)
    assert len(a) > 50
    assert a == b


@pytest.mark.slow
def test_ledger_on_the_sample_tracks_us_deployments(tmp_path):
    db = str(tmp_path / "l.db")
    assert run_cli("ingest", str(SAMPLE), db=db).returncode == 0
    evs = _events(db)
    multi = [e for e in evs if e["n_sources"] >= 2]
    assert multi, "some events are reported by more than one article"
    us_pol = [e for e in evs if e["type"] == "MOBILIZE" and "USA" in e["actors"] and "POL" in e["recipients"]]
    assert us_pol and any(e["quantity"] for e in us_pol)
    for e in evs:
        assert e["status_history"] and e["sources"]


@pytest.mark.slow
def test_contingents_of_one_article_stay_apart(tmp_path):
    """'about 2,000 to Poland and Germany ... 1,700 of them to Poland, 300 to Germany': the two
    contingents are two events (each may join the umbrella figure, not both), so each host has its own."""
    db = str(tmp_path / "l.db")
    assert run_cli("ingest", str(SAMPLE / "10_us-deploys-poland-romania.txt"), db=db).returncode == 0
    r = run_cli("posture", "--json", "--at", "2022-02-10", db=db)
    hosts = {h["host"]: h for h in json.loads(r.stdout)}
    figures = {host: {(tuple(l["senders"]), l["min"]) for l in hosts[host]["lines"]} for host in ("POL", "DEU")}
    assert (("USA",), 1700) in figures["POL"] and (("USA",), 300) in figures["DEU"], figures


def test_contingents_an_article_keeps_apart_stay_apart_in_clusters():
    """'about 2,000 to Poland and Germany ... 1,700 to Poland ... 300 to Germany': one article's three figures
    are three events; another article's 300 to Germany joins Germany's."""
    rows = [(_m("a:0", recipients=("POL", "DEU"), country=None, qty=(2000, 2000)), _r("a", D(2022, 2, 2))),
            (_m("a:1", qty=(1700, 1700)), _r("a", D(2022, 2, 2))),
            (_m("a:2", recipients=("DEU",), country="DEU", qty=(300, 300)), _r("a", D(2022, 2, 2))),
            (_m("b:0", recipients=("DEU",), country="DEU", qty=(300, 300)), _r("b", D(2022, 2, 3)))]
    assert sorted(cluster(rows)) == [["a:0"], ["a:1"], ["a:2", "b:0"]]


@pytest.mark.slow
def test_export_events_formats(tmp_path):
    db = str(tmp_path / "l.db")
    assert run_cli("ingest", str(SAMPLE), db=db).returncode == 0
    geo = tmp_path / "e.geojson"
    assert run_cli("export", "--level", "events", "--format", "geojson", "-o", str(geo), db=db).returncode == 0
    fc = json.loads(geo.read_text())
    assert fc["type"] == "FeatureCollection" and fc["features"]
    assert all(f["geometry"]["type"] == "Point" for f in fc["features"])
    pq = tmp_path / "e.parquet"
    assert run_cli("export", "--level", "events", "--format", "parquet", "-o", str(pq), db=db).returncode == 0
    import pyarrow.parquet as papq

    table = papq.read_table(pq)
    assert table.num_rows == len(_events(db)) and "status_history" in table.column_names
    r = run_cli("export", "--level", "mentions", "--format", "parquet", db=db)
    assert r.returncode == 2 and b"--level events" in r.stderr
