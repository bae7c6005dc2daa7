"""Quality gate: extraction scores on our tuning gold sets must not drop below pinned floors.

The floors sit just under the scores measured when they were last raised; raise them when the
rules improve. The held-out set is scored in the report only (never tuned on, no floor).
"""

from __future__ import annotations


import pytest

from newsledger.evaluate import evaluate, load_gold

from conftest import ROOT, SHARED, needs_shared

GOLD = ROOT / "gold"
# per tuning set: dev (excerpts-2022 and the seeds) and dev2 (openings of ukraine-news-2022, a harder
# set annotated separately, many implicit accusations and threats)
FLOORS = {
    "dev.jsonl": {"deployments_f1": 0.85, "all_f1": 0.79, "deployment_quantity": 0.95,
                  "deployment_status": 0.90, "date": 0.93, "location": 0.79},
    "dev2.jsonl": {"deployments_f1": 0.63, "all_f1": 0.45, "deployment_quantity": 0.95,
                   "deployment_status": 0.70, "date": 0.85, "location": 0.88},
}
TEXTS = {"dev.jsonl": 42, "dev2.jsonl": 30}


@pytest.mark.parametrize("name, texts, events", [("dev.jsonl", 42, 250), ("heldout.jsonl", 40, 250),
                                                ("dev2.jsonl", 30, 150)])
def test_gold_files_are_well_formed(name, texts, events):
    gold = load_gold(GOLD / name)
    assert len(gold) == texts
    assert sum(len(g.events) for g in gold) > events


@needs_shared
@pytest.mark.parametrize("name", ["dev.jsonl", "heldout.jsonl", "dev2.jsonl"])
def test_gold_anchors_are_in_their_texts(name):
    from newsledger.evaluate import _anchor_pos
    from newsledger.labels import text_of

    corpora = {}
    for g in load_gold(GOLD / name):
        art = text_of(SHARED, g.file, corpora)
        assert art is not None, g.file
        for ev in g.events:
            pos = _anchor_pos(art.text, ev)
            assert 0 <= pos < (g.chars or len(art.text)), (g.file, ev.anchor)


@needs_shared
@pytest.mark.slow
@pytest.mark.parametrize("name", ["dev.jsonl", "dev2.jsonl"])
def test_gold_quality_gate(name):
    r = evaluate(GOLD / name, SHARED, workers=2)
    assert r.texts == TEXTS[name] and not r.skipped
    got = {
        "deployments_f1": r.deployments.f1,
        "all_f1": r.all.f1,
        "deployment_quantity": r.deployment_slots["quantity"].accuracy,
        "deployment_status": r.deployment_slots["status"].accuracy,
        "date": r.slots["date"].accuracy,
        "location": r.slots["location"].accuracy,
    }
    floors = FLOORS[name]
    low = {k: round(v, 3) for k, v in got.items() if v < floors[k]}
    assert not low, f"below the floor: {low} (floors {floors})"


@pytest.mark.slow
def test_gold_text_in_a_jsonl_corpus_with_an_annotated_opening(tmp_path):
    """`FILE#ID` names one record of a JSON Lines corpus; `chars` limits scoring to the opening."""
    import json

    text = ("Spain will send 200 troops to Romania, officials said. Italy will send 100 troops to Bulgaria.")
    (tmp_path / "c.jsonl").write_text(json.dumps({"id": "other", "time": "2022-02-01", "text": "Nothing here."}) + "\n"
                                      + json.dumps({"id": "x1", "time": "2022-02-01", "text": text}) + "\n")
    gold = tmp_path / "g.jsonl"
    gold.write_text(json.dumps({"file": "c.jsonl#x1", "published": "2022-02-01", "chars": text.index("Italy"),
                                "events": [{"anchor": "will send 200", "type": "MOBILIZE", "mode": "troops",
                                            "actors": ["ESP"], "recipients": ["ROU"], "location": "ROU",
                                            "status": "announced",
                                            "quantity": {"min": 200, "max": 200, "approx": False, "unit": "troops"}}]})
                    + "\n" + json.dumps({"file": "c.jsonl#missing", "published": None, "events": []}) + "\n")
    r = evaluate(gold, tmp_path)
    assert r.skipped == ["c.jsonl#missing"] and r.texts == 1
    assert (r.deployments.tp, r.deployments.fp, r.deployments.fn) == (1, 0, 0)  # Italy's is past the opening
