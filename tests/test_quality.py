"""Quality gate: per-article event scores (`newsledger eval`'s default measure) of each extractor must
not drop below pinned floors.

The floors sit just under the scores measured when they were last raised. dev and dev2 are tuning
sets; held-out is never tuned on, and has a floor too (all events and the actor slot), so that
tuning cannot trade generalisation for dev points. So has the shipped model's validation share of our
labels (145 texts of the three training corpora it never learned from, `newsledger labels gold
--validation-of`): four times held-out's events, from the annotators' side of the conventions.
"""

from __future__ import annotations


import pytest

from newsledger.evaluate import evaluate, load_gold

from conftest import ROOT, SHARED, needs_shared

GOLD = ROOT / "gold"
# per tuning set: dev (excerpts-2022 and the seeds) and dev2 (openings of ukraine-news-2022, a harder
# set annotated separately, many implicit accusations and threats)
FLOORS = {  # per extractor (docs/EVALUATION.md), per-article events
    "rules": {
        "dev.jsonl": {"deployments_f1": 0.60, "all_f1": 0.64, "actors": 0.89, "deployment_quantity": 0.82,
                      "deployment_status": 0.82},
        # dev2 has few deployments (18 matched): one slot is 0.055 of its accuracy
        "dev2.jsonl": {"deployments_f1": 0.67, "all_f1": 0.58, "actors": 0.88, "deployment_quantity": 0.93,
                       "deployment_status": 0.75},
        "heldout.jsonl": {"deployments_f1": 0.57, "all_f1": 0.56, "actors": 0.86, "deployment_quantity": 0.79,
                          "deployment_status": 0.74},
    },
    # the hybrid: more events right than the rules on every set, worse actor and status slots on held-out
    "learned": {
        "dev.jsonl": {"deployments_f1": 0.73, "all_f1": 0.72, "actors": 0.91, "deployment_quantity": 0.86,
                      "deployment_status": 0.77},
        "dev2.jsonl": {"deployments_f1": 0.76, "all_f1": 0.66, "actors": 0.87, "deployment_quantity": 0.93,
                       "deployment_status": 0.68},
        # slot floors are ratios over matched deployments: this stop matched 70 (figure right in 59, status
        # in 45, both more than before) where the last matched fewer, so the ratios sit lower
        "heldout.jsonl": {"deployments_f1": 0.66, "all_f1": 0.59, "actors": 0.85, "deployment_quantity": 0.83,
                          "deployment_status": 0.63},
    },
}
TEXTS = {"dev.jsonl": 42, "dev2.jsonl": 30, "heldout.jsonl": 40}


@pytest.mark.parametrize("name, texts, events", [("dev.jsonl", 42, 240), ("heldout.jsonl", 40, 240),
                                                ("dev2.jsonl", 30, 140)])
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
            assert all(a in art.text for a in ev.also), (g.file, ev.also)


@needs_shared
@pytest.mark.slow
@pytest.mark.parametrize("extractor", list(FLOORS))
@pytest.mark.parametrize("name", ["dev.jsonl", "dev2.jsonl", "heldout.jsonl"])
def test_gold_quality_gate(name, extractor):
    r = evaluate(GOLD / name, SHARED, workers=2, extractor=extractor)
    assert r.level == "events" and r.texts == TEXTS[name] and not r.skipped
    got = {
        "deployments_f1": r.deployments.f1,
        "all_f1": r.all.f1,
        "actors": r.slots["actors"].accuracy,
        "deployment_quantity": r.deployment_slots["quantity"].accuracy,
        "deployment_status": r.deployment_slots["status"].accuracy,
    }
    floors = FLOORS[extractor][name]
    low = {k: round(got[k], 3) for k in floors if got[k] < floors[k]}
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


# the validation share of the labels (labels/A*.jsonl, the shipped model's meta.json validation_files)
VALIDATION_FLOORS = {"rules": {"deployments_f1": 0.37, "all_f1": 0.42},
                     "learned": {"deployments_f1": 0.56, "all_f1": 0.50}}


@needs_shared
@pytest.mark.slow
@pytest.mark.parametrize("extractor", list(VALIDATION_FLOORS))
def test_validation_labels_quality_gate(tmp_path, extractor):
    import json

    from newsledger.labels import gold_lines, load_labels
    from newsledger.learn.model import shipped_model_dir

    files = set(json.loads((shipped_model_dir() / "meta.json").read_text(encoding="utf-8"))["validation_files"])
    labelled = [t for p in sorted((ROOT / "labels").glob("A*.jsonl")) for t in load_labels(p)]
    gold = tmp_path / "validation.jsonl"
    gold.write_text("".join(json.dumps(x) + "\n" for x in gold_lines(labelled, SHARED, files)), encoding="utf-8")
    r = evaluate(gold, SHARED, workers=2, extractor=extractor)
    assert r.texts == len(files) == 145 and not r.skipped
    got = {"deployments_f1": r.deployments.f1, "all_f1": r.all.f1}
    low = {k: round(got[k], 3) for k, floor in VALIDATION_FLOORS[extractor].items() if got[k] < floor}
    assert not low, f"below the floor: {low} (floors {VALIDATION_FLOORS[extractor]})"
