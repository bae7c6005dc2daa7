"""Questions answered from the ledger: parsing, answers with citations, fallbacks, the question set."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from newsledger.ask import ask, parse_question

from conftest import ROOT, run_cli

SAMPLE = ROOT / "src" / "newsledger" / "sample"
REF = dt.date(2022, 3, 30)


@pytest.mark.parametrize("question, shape, actors, targets, mode, dates", [
    ("How many US troops were sent to Poland in February 2022?", "how_many", ["USA"], ["POL"], "troops",
     ("2022-02-01", "2022-02-28")),
    ("How many troops did Germany send to Lithuania by February 20?", "how_many", ["DEU"], ["LTU"], "troops",
     (None, "2022-02-20")),
    ("Who sent forces to Romania?", "who_sent", [], ["ROU"], None, (None, None)),
    ("Where are Russia's forces being sent?", "where_sent", ["RUS"], [], None, (None, None)),
    ("When did Russia invade Ukraine?", "when", ["RUS", "UKR"], [], None, (None, None)),
    ("What did Russia demand of NATO?", "demands", ["RUS"], ["NATO"], None, (None, None)),
    ("Which talks took place between the United States and Russia?", "talks", ["USA", "RUS"], [], None, (None, None)),
    ("What changed between 2022-02-01 and 2022-02-15?", "changes", [], [], None, ("2022-02-01", "2022-02-15")),
    ("What did Stoltenberg say?", "said", ["NATO"], [], None, (None, None)),
    ("Why is the sky blue?", None, [], [], None, (None, None)),
])
def test_parse_question(question, shape, actors, targets, mode, dates):
    q = parse_question(question, REF)
    assert (q.shape, q.actors, q.targets, q.mode) == (shape, actors, targets, mode)
    got = (q.date_from.isoformat() if q.date_from else None, q.date_to.isoformat() if q.date_to else None)
    assert got == dates


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory):
    from newsledger.store import open_store

    db = str(tmp_path_factory.mktemp("ask") / "ask.db")
    assert run_cli("ingest", str(SAMPLE), db=db).returncode == 0
    with open_store(db) as s:
        yield s


@pytest.mark.slow
def test_answer_cites_events_and_sentences(sample_store):
    a = ask(sample_store, "How many US troops were sent to Poland in February 2022?")
    assert a.answered and "3,000" in " ".join([a.text, *a.items])
    assert a.citations and all(c.sentence and c.source and c.event_id for c in a.citations)
    assert a.caveats  # e.g. figures shared with another country, or one order counted twice


@pytest.mark.slow
@pytest.mark.parametrize("question", ["", "   ", "?", "x" * 1000, "'; DROP TABLE articles; --", "¿Qué pasó? 乌克兰",
                                      "How many troops did Portugal send to Iceland?", "What changed?",
                                      "What did nobody say?"])
def test_unanswerable_and_malformed_get_a_clear_reply(sample_store, question):
    a = ask(sample_store, question)
    assert not a.answered
    assert a.text and len(a.text) > 20


@pytest.mark.slow
@pytest.mark.parametrize("semantic", [True, False])
def test_fallback_shows_best_sentences(sample_store, semantic, monkeypatch):
    from newsledger import search

    if not semantic:
        monkeypatch.setattr(search, "_model", lambda wait: None)  # as without the optional extra
    elif search._model(None) is None:
        pytest.skip("the semantic extra is not installed")
    a = ask(sample_store, "Patriot air defence batteries for Slovakia")
    assert not a.answered and a.search_method == ("semantic" if semantic else "bm25")
    assert a.citations and any("Patriot" in c.sentence for c in a.citations)


@pytest.mark.slow
@pytest.mark.parametrize("question", ["How many troops did Freedonia send to Romania?",
                                      "How many submarines did Norway send to Bolivia?"])
def test_an_unanswered_shape_question_points_to_sentences_by_bm25(sample_store, question):
    """Its answer is the reason it gives; the closest sentences come from BM25 alone (the shape questions'
    time budget), even with the semantic model loaded."""
    a = ask(sample_store, question)
    assert not a.answered and a.search_method == "bm25" and a.citations


@pytest.mark.slow
def test_a_server_never_waits_for_the_semantic_model(sample_store):
    """`model_wait=0` (what /api/ask passes): while the model is still loading the answer ranks by BM25 at once."""
    code = ("import sys; from newsledger.store import open_store; from newsledger.ask import ask\n"
            "with open_store(sys.argv[1], readonly=True) as s:\n"
            "    a = ask(s, 'Patriot air defence batteries for Slovakia', model_wait=0)\n"
            "    b = ask(s, 'Patriot air defence batteries for Slovakia')\n"
            "print(a.search_method, b.search_method)")
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-c", code, sample_store.path], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    first, later = r.stdout.split()
    assert first == "bm25" and later in ("semantic", "bm25")  # bm25 later only without the optional extra


@pytest.mark.slow
def test_cli_ask_explain_and_json(sample_store):
    r = run_cli("ask", "--explain", "Who sent forces to Lithuania?", db=sample_store.path)
    assert r.returncode == 0 and b"shape=who_sent" in r.stdout and b"LTU" in r.stdout
    j = json.loads(run_cli("ask", "--json", "When did Russia invade Ukraine?", db=sample_store.path).stdout)
    assert j["answered"] and "2022-02-24" in " ".join(j["items"]) and j["citations"]


@pytest.mark.slow
def test_question_set_accuracy(tmp_path):
    r = run_cli("ask-eval", str(ROOT / "gold" / "questions.jsonl"), "--json", timeout=1200)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    items = [json.loads(line) for line in (ROOT / "gold" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
             if line.strip()]
    if report["questions"] != len(items):  # ../shared absent: only the sample's questions were asked
        items = [i for i in items if i["corpus"] == "sample"]
    assert report["questions"] == len(items)
    wrong = {(w["question"], w["corpus"]) for w in report["wrong"]}
    # "first": 40 of 48 with the learned default extractor (42 with the rules: the sample's dated recognition is
    # typed MOBILIZE and its martial-law sentence is missed by the model); "issue-15": the later, harder set
    # (constraints, when-verbs), 23 of 34; see EVALUATION.md
    floors = {"first": 0.80, "issue-15": 0.65}
    for name, floor in floors.items():
        mine = [i for i in items if i.get("set", "first") == name]
        right = sum((i["question"], i["corpus"]) not in wrong for i in mine)
        assert mine and right / len(mine) >= floor, (name, report["wrong"])
    assert report["questions"] >= 40


# -- issue 15 part 4: constraints, places, verbs, unknown names, no None, the store's search ------------
@pytest.mark.parametrize("question, shape, type_, targets, place, unknown", [
    ("How many troops did Freedonia send to Poland?", "how_many", "MOBILIZE", ["POL"], None, ["Freedonia"]),
    ("Who sent forces to Freedonia?", "who_sent", "MOBILIZE", [], None, ["Freedonia"]),
    ("When did Germany halt Nord Stream 2?", "when", "SANCTION", [], None, []),
    ("When did Russia expel the diplomats?", "when", "SANCTION", [], None, []),
    ("When did Russia recognise the separatist republics?", "when", "SUPPORT", [], None, []),
    ("How many ships did Russia send to the Black Sea?", "how_many", "MOBILIZE", [], "Black Sea", []),
    ("When did Sweden send troops to Gotland?", "when", "MOBILIZE", [], "Gotland", []),  # SWE: the sender
    ("When did Russia recognise Donetsk and Luhansk?", "when", "SUPPORT", ["UKR"], "Donetsk", []),
    ("How many troops did the US send to Poland by February 5, 2022?", "how_many", "MOBILIZE", ["POL"], None, []),
])
def test_question_verbs_places_and_unknown_names(question, shape, type_, targets, place, unknown):
    q = parse_question(question, REF)
    assert (q.shape, q.type, q.targets, q.unknown) == (shape, type_, targets, unknown)
    assert (q.place.name if q.place else None) == place


def test_question_verbs_loader_rejects_unknown_keys(tmp_path, monkeypatch):
    from newsledger import question
    from newsledger.exceptions import DataFileError

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "question_verbs.yaml").write_text(
        "verbs:\n  - type: SANCTION\n    words: [expel]\n  - type: SANCTION\n    wrods: [halt]\n", encoding="utf-8")
    monkeypatch.setattr(question.resources, "files", lambda pkg: tmp_path)
    question.load_question_verbs.cache_clear()
    try:
        with pytest.raises(DataFileError) as err:
            question.load_question_verbs()
        assert "wrods" in str(err.value) and err.value.line == 4
    finally:
        question.load_question_verbs.cache_clear()


@pytest.mark.slow
@pytest.mark.parametrize("question, must, must_not, answered", [
    ("How many troops did Freedonia send to Romania?", ["Freedonia"], [], False),
    ("Who sent forces to Lithuania?", ["DEU"], ["None", "null"], True),
    ("How many US troops were sent to Poland by 2022-02-05?", ["1,700"], ["3,000"], True),
    ("How many American soldiers were sent to Romania?", ["ROU"], ["→ POL"], True),
    ("When did Russia invade Ukraine?", ["On 2022-02-24"], [], True),
    ("When did Russia recognise Donetsk and Luhansk?", ["2022-02-2"], [], True),
    ("What did Russia demand of NATO?", ["NATO"], ["Iran"], True),
    ("What did Lavrov say?", ["Lavrov said"], ["warned Lavrov"], True),  # the speaker, not the one spoken to
    ("Where is the US sending troops?", ["→ POL"], ["→ RUS"], True),  # a line under review is no destination
    ("Where is Russia sending forces?", ["build-up", "not sent: RUS → RUS"], [], True),  # layers said, alert apart; a build-up at home is at home
    ("Where is Germany sending air defence systems?", ["SVK"], ["→ LTU"], True),  # the asset asked about
])
def test_answers_respect_the_question(sample_store, question, must, must_not, answered):
    a = ask(sample_store, question, model_wait=0)
    said = " ".join([a.text, *a.items, *a.caveats])
    assert a.answered == answered, said
    assert all(m in said for m in must) and not any(m in said for m in must_not), said


@pytest.mark.slow
def test_how_many_agrees_with_the_posture_and_never_adds_assets(sample_store):
    from newsledger.posture import build_posture

    a = ask(sample_store, "How many US troops were sent to Poland by 2022-02-05?", model_wait=0)
    lines = [l for hp in build_posture(sample_store, dt.date(2022, 2, 5), "POL") for l in hp.lines
             if "USA" in l.senders and l.mode in ("troops", "mixed")]
    assert len(a.items) == len(lines) and a.answered
    b = ask(sample_store, "How many helicopters and troops did the US send to Lithuania?", model_wait=0)
    assert "helicopters" not in b.text or "troops" not in b.text.split("helicopters")[0].split(";")[-1]


@pytest.mark.slow
def test_conflict_caveat_shows_the_reports():
    from newsledger.ask import _deployment_caveats
    from newsledger.ledger import EventDetail
    from newsledger.model import Conflict, Event, Figure

    figs = (Figure(dt.date(2022, 2, 2), 1000, 1000, False, "troops", "announced", "m1", "a.example"),
            Figure(dt.date(2022, 2, 2), 2000, 2000, False, "troops", "announced", "m2", "b.example"))
    ev = Event("e1", "MOBILIZE", "troops", ["USA"], ["POL"], None, None, None, dt.date(2022, 2, 2), None,
               "announced", None, "", "", 1.0, 2, 2, 1, conflicts=[Conflict(dt.date(2022, 2, 2), "troops", figs)])
    caveat = " ".join(_deployment_caveats([EventDetail(ev, [])]))
    assert "a.example" in caveat and "b.example" in caveat and "None" not in caveat


@pytest.mark.slow
@pytest.mark.parametrize("question", ["0" * 300, "Why is the sky blue?", "Patriot air defence batteries for Slovakia"])
def test_store_search_on_postgres_answers_like_sqlite(pg_db, sample_store, question):
    from newsledger.store import open_store

    assert run_cli("ingest", str(SAMPLE), db=pg_db).returncode == 0
    with open_store(pg_db) as pg:
        a, b = ask(pg, question, model_wait=0), ask(sample_store, question, model_wait=0)
    assert a.answered == b.answered and a.text.split(".")[0] == b.text.split(".")[0]
    assert bool(a.citations) == bool(b.citations)


SHAPES = ["How many US troops were sent to Poland by 2022-02-05?", "How many troops were sent to Poland?",
          "Who sent forces to Lithuania?", "Where is Germany sending troops?", "When did Russia invade Ukraine?",
          "What did Russia demand of NATO?", "Which talks took place between the United States and Russia?",
          "What changed between 2022-02-01 and 2022-02-15?", "What did Stoltenberg say?",
          "How many warships are in the Black Sea?", "How many troops did Freedonia send to Romania?"]


@pytest.mark.slow
@pytest.mark.parametrize("question", SHAPES)
def test_answers_never_print_none(sample_store, question):
    a = ask(sample_store, question, model_wait=0)
    shown = [a.text, *a.items, *a.caveats, *(f"{c.published} {c.sentence}" for c in a.citations if c.published)]
    assert not any(w in t.split() or w + ")" in t or w + "," in t for t in shown for w in ("None", "null")), shown


@pytest.mark.slow
def test_postgres_answers_every_shape_like_sqlite(pg_db, sample_store):
    """The same ledger on PostgreSQL answers each shape with the same text and items ("by DATE" included)."""
    from newsledger.store import open_store

    assert run_cli("ingest", str(SAMPLE), db=pg_db).returncode == 0
    with open_store(pg_db) as pg:
        for question in SHAPES:
            a, b = ask(pg, question, model_wait=0), ask(sample_store, question, model_wait=0)
            assert (a.answered, a.text.split(" The closest")[0]) == (b.answered, b.text.split(" The closest")[0]), question
            assert sorted(a.items) == sorted(b.items), question
