"""Posture that counts like an analyst (tally.py), plausibility and readiness (plausibility.py), and one
answer for CLI, API and `ask`. Hand-made ledgers of short texts written for these tests."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import ROOT, known_on, run_cli
from newsledger.exceptions import DataFileError
from newsledger.plausibility import figure_words, judge
from newsledger.posture import build_posture, build_review
from newsledger.posture_rules import _mapping, load_rules
from newsledger.store import open_store
from newsledger.tally import counting_of, totals

SHARED = ROOT.parent / "shared"
D = dt.date(2022, 2, 20)


@dataclass
class L:
    min: int | None
    max: int | None
    status: str
    last_reported: dt.date
    event_id: str
    increment: bool = False
    total_after: int | None = None
    senders: list[str] = field(default_factory=lambda: ["USA"])
    mode: str = "troops"
    layer: str = "reinforcement"
    approx: bool = False
    shared_with: list[str] = field(default_factory=list)


def _troops(lines):
    return {(t.layer, t.mode): t for t in totals(lines)}[("reinforcement", "troops")]


@pytest.mark.parametrize("third", [
    L(10500, 10500, "completed", dt.date(2022, 3, 25), "c"),  # a stated presence restates the total
    L(7500, 7500, "announced", dt.date(2022, 3, 25), "c", increment=True, total_after=10500),
], ids=["stated-total", "bringing-the-total"])
def test_10500_includes_1700_and_3000(third):
    lines = [L(1700, 1700, "completed", dt.date(2022, 2, 6), "a"),
             L(3000, 3000, "announced", dt.date(2022, 2, 12), "b", increment=True), third]
    t = _troops(lines)
    assert (t.min, t.max) == (10500, 10500)


def test_increments_add_and_stages_stay_apart():
    t = _troops([L(1700, 1700, "completed", dt.date(2022, 2, 6), "a"),
                 L(3000, 3000, "announced", dt.date(2022, 2, 12), "b", increment=True)])
    assert (t.arrived.min, t.pledged.min, t.min) == (1700, 3000, 4700)


def test_shared_figure_bounds_the_host():
    t = _troops([L(3000, 3000, "underway", dt.date(2022, 2, 15), "a"),
                 L(5000, 5000, "underway", dt.date(2022, 2, 16), "b", shared_with=["ROU"])])
    assert (t.min, t.max, t.uncertain) == (3000, 5000, True)


@pytest.mark.parametrize("text,increment,total", [
    ("The Pentagon will send 3,000 more soldiers to Poland, bringing the total to 10,500.", False, 10500),
    ("An additional 350 troops will go to Lithuania.", True, None),
    ("Russia has more than 100,000 troops near the border.", False, None),
    ("The 10,500 troops, including the 1,700 already there, are in Poland.", False, None),
])
def test_counting_cues(text, increment, total):
    c = counting_of(text, load_rules().cues)
    assert (c.increment, c.total_after) == (increment, total)


@pytest.mark.parametrize("host,senders,figure,on,why", [
    ("AUS", ["RUS"], None, D, "host implausible"),
    ("USA", ["RUS"], None, D, "host implausible"),
    ("UZB", ["RUS"], None, D, "host implausible"),
    ("RUS", ["NATO"], None, D, "host implausible"),
    ("BLR", ["UKR"], None, D, "host implausible"),
    ("COL", ["COL"], 2_000_000, D, "figure over ceiling"),
    ("POL", [], 100, D, "no sender"),
    ("FIN", ["USA"], 100, D, "host implausible"),  # not yet an ally in 2022
    ("FIN", ["USA"], 100, dt.date(2023, 5, 1), ""),
    ("POL", ["USA"], 3000, D, ""),
    ("ROU", ["FRA"], 500, D, ""),
    ("EST", ["EST"], 100_000, D, "figure over ceiling"),
])
def test_plausibility(host, senders, figure, on, why):
    assert judge(host, senders, figure, "troops", on, "").review.split(":")[0] == why


@pytest.mark.parametrize("host,senders,text,layer", [
    ("UKR", ["USA"], "The Pentagon put 8,500 troops on heightened alert.", "readiness"),
    ("FRA", ["FRA"], "French troops were on standby.", "readiness"),
    ("BLR", ["RUS"], "Russian units arrived in Belarus for drills.", "buildup"),
    ("UKR", ["RUS"], "Russia massed 100,000 troops near the border.", "buildup"),
    ("POL", ["USA"], "US troops landed in Poland near the border with Ukraine.", "reinforcement"),
])
def test_layers(host, senders, text, layer):
    assert judge(host, senders, None, "troops", D, text).layer == layer


def test_loader_rejects_unknown_key_with_line():
    import yaml

    node = yaml.compose("readiness: [a]\nbogus: [b]\n")
    with pytest.raises(DataFileError, match=r"x.yaml:2: unknown key 'bogus'"):
        _mapping(node, "x.yaml", {"readiness"})


TEXTS = {  # written for these tests
    "01_first.txt": (" date 2022-02-03\nThe United States sent 1,700 soldiers to Poland on Thursday, officials said.\n"),
    "02_more.txt": (" date 2022-02-12\nThe Pentagon will send an additional 3,000 troops to Poland, the ministry said.\n"),
    "03_total.txt": (" date 2022-03-25\nThe United States has 10,500 troops in Poland, a White House adviser said.\n"),
    "04_odd.txt": (" date 2022-02-14\nRussia sent 2,000 troops to Australia, a blogger claimed.\n"),
    "05_alert.txt": (" date 2022-01-25\nThe Pentagon placed 8,500 troops on heightened alert to deploy to Europe.\n"),
    "06_undated.txt": ("Britain sent 350 marines to Poland, the defence ministry said.\n"),
    "07_home.txt": (" date 2022-02-10\nRussia has massed 100,000 troops, satellite images show.\n"),
}


@pytest.fixture(scope="module")
def ledger(tmp_path_factory) -> str:
    tmp = tmp_path_factory.mktemp("posture")
    for name, text in TEXTS.items():
        (tmp / name).write_text(text, encoding="utf-8")
    db = str(tmp / "ledger.db")
    r = run_cli("ingest", str(tmp), db=db)
    assert r.returncode == 0, r.stderr.decode()
    return db


def _tot(hosts, host, mode="troops", layer="reinforcement"):
    hp = next(h for h in hosts if h.host == host)
    return next(((t.min, t.max) for t in hp.totals if t.mode == mode and t.layer == layer), None)


def test_ledger_counts_like_an_analyst(ledger):
    with open_store(ledger, readonly=True) as s:
        now, later = build_posture(s), build_posture(s, dt.date(2022, 4, 1))
        on_feb = build_posture(s, dt.date(2022, 2, 13))
        review = build_review(s)
    for hosts in (now, later):
        usa = [t for hp in hosts if hp.host == "POL" for t in hp.totals if t.mode == "troops"]
        assert usa and _tot(hosts, "POL") == (10850, 10850)  # 10,500 (includes 1,700 + 3,000) + 350 British
    assert _tot(on_feb, "POL") == (5050, 5050)  # 1,700 + 3,000 more + 350 (undated, counts from ingest order)
    pol = next(h for h in now if h.host == "POL")
    assert any(l.undated for l in pol.lines)
    assert all(h.n_lines == len(h.lines) for hosts in (now, later, on_feb) for h in hosts)  # readiness apart
    assert not any(h.host == "AUS" for h in now)  # implausible: not on the map, not in the totals
    assert any(l.host == "AUS" and l.review.startswith("host implausible") and l.sources for l in review)
    assert not any(l.mode == "troops" and (l.min or 0) == 8500 for h in now for l in h.lines)  # readiness


def test_a_build_up_at_home_is_a_line_of_its_own_soil(ledger):
    with open_store(ledger, readonly=True) as s:
        rus = next(h for h in build_posture(s) if h.host == "RUS")
    assert [(l.senders, l.layer) for l in rus.lines] == [(["RUS"], "buildup")]
    assert _tot([rus], "RUS", layer="buildup") == (100000, 100000)


def test_cli_api_web_and_ask_agree(ledger):
    from fastapi.testclient import TestClient

    from newsledger.ask import ask
    from newsledger.serialize import posture_json
    from newsledger.web.app import Settings, create_app

    with open_store(ledger, readonly=True) as s:
        direct = posture_json(build_posture(s))
        dated = posture_json(build_posture(s, dt.date(2030, 1, 1)))
        answer = ask(s, "Who sent forces to Poland?")
    cli = json.loads(run_cli("posture", "--json", db=ledger).stdout)
    api = TestClient(create_app(Settings(ledger))).get("/api/posture").json()
    web = TestClient(create_app(Settings(ledger))).get("/api/posture", params={"at": "2030-01-01"}).json()
    assert cli == api == direct
    assert [h["totals"] for h in web] == [h["totals"] for h in dated] == [h["totals"] for h in direct]
    assert sorted(l["event_id"] for h in web for l in h["lines"]) == sorted(l["event_id"] for h in direct for l in h["lines"])
    pol = next(h for h in direct if h["host"] == "POL")
    assert len(answer.items) == len(pol["lines"]) and "AUS" not in answer.text
    review = json.loads(run_cli("review", "--json", db=ledger).stdout)
    assert review == TestClient(create_app(Settings(ledger))).get("/api/review").json()[:len(review)] and review


@pytest.mark.slow
def test_shared_corpus_review_and_totals(tmp_path):
    dirs = [SHARED / "seeds", SHARED / "corpus" / "excerpts-2022"]
    if not all(d.is_dir() for d in dirs):
        pytest.skip("../shared corpus absent")
    db = str(tmp_path / "shared.db")
    assert run_cli("ingest", *map(str, dirs), db=db).returncode == 0
    with open_store(db, readonly=True) as s:
        hosts = build_posture(s)
        review = build_review(s)
        dated = build_posture(s, dt.date(2030, 1, 1))
    assert [(h.host, [(t.layer, t.mode, t.min, t.max) for t in h.totals]) for h in hosts] == \
        [(h.host, [(t.layer, t.mode, t.min, t.max) for t in h.totals]) for h in dated]
    assert review and all(l.review and l.sources for l in review)
    odd = {("RUS", "AUS"), ("RUS", "USA"), ("RUS", "UZB"), ("NATO", "RUS"), ("UKR", "BLR")}
    assert not any((s_, h.host) in odd for h in hosts for l in h.lines for s_ in l.senders)


@pytest.mark.parametrize("text,figure,layer", [
    ("About 8,500 troops are being put on alert for possible deployment.", "8,500", "readiness"),
    ("The Dutch are sending two jets to Bulgaria, and are putting a ship on standby.", "two", "reinforcement"),
    ("The Dutch are sending two jets to Bulgaria, with more troops on standby.", "two", "reinforcement"),
    ("The Danes send a frigate to Latvia while the Dutch keep jets on standby.", "nine", "reinforcement"),
    ("The army put troops on alert, officials said.", "nine", "readiness"),
])
def test_readiness_cue_near_the_figure(text, figure, layer):
    assert judge("BGR", ["NLD"], 2, "aircraft", D, text, figure_text=(figure,)).layer == layer
    assert figure in figure_words({"8,500": 8500, "two": 2, "nine": 9}[figure])


LATER = {  # written for these tests: one deployment reported before and after 2022-02-10
    "07_pledge.txt": " date 2022-02-07\nGermany will send 350 troops to Lithuania, the defence ministry said.\n",
    "08_arrived.txt": " date 2022-02-14\nThe 350 German troops sent to Lithuania arrived on Monday, the army said.\n",
}


@pytest.fixture(scope="module")
def two_day_ledger(tmp_path_factory) -> str:
    tmp = tmp_path_factory.mktemp("posture_days")
    for name, text in {**TEXTS, **LATER}.items():
        (tmp / name).write_text(text, encoding="utf-8")
    db = str(tmp / "ledger.db")
    r = run_cli("ingest", str(tmp), db=db)
    assert r.returncode == 0, r.stderr.decode()
    return db


@pytest.mark.parametrize("day", ["2022-01-01", "2022-02-03", "2022-02-10", "2022-02-13", "2022-03-25", "2030-01-01"])
def test_posture_at_a_day_is_a_rebuild_from_what_was_known(two_day_ledger, day):
    """The posture as known on a day (read from posture_history) gives the same lines, review and totals
    as rebuilding every event from the articles published by then."""
    from newsledger.posture import build_posture, build_review

    at = dt.date.fromisoformat(day)
    with open_store(two_day_ledger, readonly=True) as s:
        fast, fast_review = build_posture(s, at), build_review(s, at)
        for_pol = build_posture(s, at, "pol")
        exact, exact_review = known_on(s, at)
    ltu = [l for hp in fast if hp.host == "LTU" for l in hp.lines if "DEU" in l.senders]
    if day == "2022-02-10":  # the German deployment is known from its pledge only
        assert [(l.min, l.status) for l in ltu] == [(350, "announced")]
    if day == "2022-03-25":
        assert [(l.min, l.status) for l in ltu] == [(350, "completed")]
    assert fast == exact and fast_review == exact_review
    assert for_pol == [hp for hp in exact if hp.host == "POL"]
