"""Timeline summarisation: --sentences K, always l dates, and eval-tls (the news-tls protocol with tilse)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from newsledger.evaluate_tls import lead_sentence, score_pair, top_articles_baseline, TopicArticle

from conftest import SHARED, run_cli

D = dt.date
# Hand-made texts (no third-party sentences): a flood in an invented town, one sentence a line.
ARTICLES = [
    ("1", "2020-03-01", ["River floods the old town of Marrow",
                         "The river Dunmere burst its banks in Marrow and flooded the old town overnight .",
                         "Rescue teams moved four hundred people from the lower streets by boat .",
                         "The mayor of Marrow asked the regional government for pumps and tents ."]),
    ("2", "2020-03-01", ["Marrow flood closes schools",
                         "All schools in Marrow stayed shut after the river Dunmere flooded the town centre .",
                         "Parents collected children from a sports hall on the hill above the town ."]),
    ("3", "2020-03-01", ["Water keeps rising in Marrow",
                         "Engineers said the water in Marrow was still rising on the evening of the flood .",
                         "Volunteers filled sandbags outside the town hall until late at night ."]),
    ("4", "2020-03-02", ["Marrow counts the damage",
                         "Insurers began to count the damage to shops and houses in the centre of Marrow .",
                         "The regional government promised money for repairs within a month ."]),
    ("5", "2020-03-04", ["Marrow reopens its bridge",
                         "The old stone bridge of Marrow reopened to traffic after the water went down .",
                         "Shopkeepers cleaned mud from their floors and counted what they had lost ."]),
    ("6", "2020-03-04", ["Schools return in Marrow",
                         "Children went back to school in Marrow as the river fell below its banks again .",
                         "Teachers said the sports hall would stay open as a shelter for a week ."]),
]
REFERENCE = [["2020-03-01", ["Engineers said the water in Marrow was still rising on the evening of the flood ."]],
             ["2020-03-04", ["Children went back to school in Marrow as the river fell below its banks again ."]]]


@pytest.fixture(scope="module")
def topic(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls") / "marrow"
    folder.mkdir()
    with open(folder / "articles.jsonl", "w") as fh:
        for id_, day, lines in ARTICLES:
            fh.write(json.dumps({"id": id_, "time": day, "text": " \n".join(lines)}) + "\n")
    (folder / "timelines.jsonl").write_text(json.dumps(REFERENCE) + "\n")
    return folder


@pytest.fixture(scope="module")
def evaluated(topic, tmp_path_factory):
    r = run_cli("eval-tls", str(topic), "--cache", str(tmp_path_factory.mktemp("cache")), "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


@pytest.mark.parametrize("shift, date_f1, ar1_is_one", [(0, 1.0, True), (1, 0.0, False)])
def test_score_pair_identical_and_shifted(shift, date_f1, ar1_is_one):
    ref = {D(2020, 3, 1): ["The river burst its banks and flooded the old town ."],
           D(2020, 3, 9): ["The bridge reopened after the water went down ."]}
    system = {d + dt.timedelta(days=shift): s for d, s in ref.items()}
    date, ar1, ar2 = score_pair(system, ref)
    assert date.f1 == date_f1
    assert (ar1.f1 == pytest.approx(1.0)) is ar1_is_one and ar1.f1 > 0.0
    assert score_pair({}, ref)[0].f1 == 0.0


@pytest.mark.parametrize("k, expected", [(1, ["c lead sentence of six words here"]),
                                         (2, ["c lead sentence of six words here", "b lead sentence of six words here"])])
def test_top_articles_baseline_takes_leads_of_latest_articles(k, expected):
    day = D(2020, 1, 1)
    arts = [TopicArticle(x, day, (f"{x} lead sentence of six words here",)) for x in "abc"]
    arts.append(TopicArticle("d", D(2020, 1, 2), ("d lead sentence of six words here",)))
    assert top_articles_baseline(arts, 1, k) == {day: expected}
    assert lead_sentence(("too short", "now a lead sentence of enough words")) == "now a lead sentence of enough words"


@pytest.mark.parametrize("k", [1, 2])
def test_sentences_k_gives_k_distinct_sentences_and_l_dates(topic, tmp_path, k):
    out = tmp_path / "tl.jsonl"
    r = run_cli("timeline", "--topic", str(topic), "--dates", "3", "--sentences", str(k), "-o", str(out))
    assert r.returncode == 0, r.stderr
    (tl,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert [d[:10] for d, _ in tl] == ["2020-03-01", "2020-03-02", "2020-03-04"]  # l dates, events or not
    for _, sents in tl:
        assert len(sents) == k and len(set(sents)) == k and all(sents)


def test_always_l_dates_when_the_window_has_them(topic, tmp_path):
    out = tmp_path / "tl.jsonl"
    r = run_cli("timeline", "--topic", str(topic), "--dates", "10", "-o", str(out))
    assert r.returncode == 0, r.stderr
    (tl,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(tl) == 3  # only three days have articles


def test_eval_tls_tiny_topic_expected_scores(evaluated):
    avg = evaluated["average"]
    # The baseline's days are the two with most articles, its sentences the references' own.
    for name in ("top-articles", "top-articles-k"):
        assert avg[name]["date"]["f1"] == 1.0
        assert avg[name]["ar1"]["f1"] == pytest.approx(1.0) and avg[name]["ar2"]["f1"] == pytest.approx(1.0)
    assert avg["newsledger"]["date"]["f1"] == 1.0  # 03-01 (3 articles) and 03-04 (2) over 03-02 (1)
    assert 0.3 < avg["newsledger"]["ar1"]["f1"] <= 1.0
    (pair,) = [p for p in evaluated["pairs"] if p["system"] == "newsledger"]
    assert (pair["l"], pair["k"]) == (2, 1)


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "corpus" / "timeline17-dev" / "MJ_bbc").is_dir(), reason="timeline17-dev absent")
def test_eval_tls_real_topic_beats_lead_baseline(tmp_path):
    r = run_cli("eval-tls", str(SHARED / "corpus" / "timeline17-dev" / "MJ_bbc"), "--cache", str(tmp_path), "--json")
    assert r.returncode == 0, r.stderr
    avg = json.loads(r.stdout)["average"]
    assert avg["newsledger"]["date"]["f1"] >= avg["top-articles"]["date"]["f1"]
    assert avg["newsledger"]["ar1"]["f1"] > avg["top-articles"]["ar1"]["f1"]
