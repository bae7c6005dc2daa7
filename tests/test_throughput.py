"""What makes extraction faster without changing its output: the workers' task sizes, the encoder's call
modes, and the benchmark's accounting. Speed itself is measured by `newsledger bench`, never here."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from newsledger.bench import BenchResult
from newsledger.exceptions import NewsledgerError
from newsledger.extract.pipeline import _tasks
from newsledger.model import Article

from conftest import SHARED, needs_shared


@pytest.mark.parametrize("n, chunk, workers", [(200, 16, 2), (60, 16, 2), (1, 16, 2), (17, 16, 1), (1000, 16, 4),
                                               (5, 2, 3)])
def test_tasks_cover_the_input_in_order_and_shrink_at_the_end(n, chunk, workers):
    items = list(range(n))
    sizes = [len(t) for t in _tasks(items, chunk, workers)]
    assert [x for t in _tasks(items, chunk, workers) for x in t] == items
    assert max(sizes) <= chunk
    assert sizes == sorted(sizes, reverse=True)  # never a bigger task after a smaller one
    # what is left once a worker takes the last task of `chunk` is shared out in smaller ones
    assert sizes[-1] == 1 and all(s <= max(1, -(-sum(sizes[k:]) // (2 * workers))) for k, s in enumerate(sizes))


def test_tasks_of_an_input_of_unknown_length_are_plain_chunks():
    assert [len(t) for t in _tasks(iter(range(40)), 16, 2)] == [16, 16, 8]


@pytest.fixture(scope="module")
def sentence_inputs():
    from newsledger.learn.features import Resources, article_inputs

    text = ("Britain is sending 800 troops to Estonia, the defence ministry said on Monday. "
            "Moscow called the move a provocation. Germany and France will hold talks in Paris next week "
            "about the crisis on the border, officials in Berlin said. NATO says it will send more jets.")
    return article_inputs(Resources(), Article("a1", "test", text), every_sentence=True)


def _model_with(tmp_path, **meta):
    from newsledger.learn.model import LearnedModel, shipped_model_dir

    folder = tmp_path / "model"
    shutil.copytree(shipped_model_dir(), folder)
    m = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    (folder / "meta.json").write_text(json.dumps({**m, **meta}), encoding="utf-8")
    return LearnedModel(folder)


@pytest.mark.parametrize("mode", ["batch", "sentence"])
def test_the_encoder_modes(tmp_path, sentence_inputs, mode):
    """"batch" is one padded call (the shipped model's numbers); "sentence" encodes each row on its own tokens,
    zero on padding, so a row's states do not depend on the rows beside it."""
    from newsledger.learn.encode import encode

    model = _model_with(tmp_path, encode=mode)
    b = encode(model.tok, sentence_inputs)
    assert len(set(b.mask.sum(axis=1).tolist())) > 1  # rows of different lengths: there is padding
    h = model._hidden(b)
    whole = model.session.run(["hidden"], {"ids": b.ids, "mask": b.mask, "type_ids": b.type_ids})[0]
    alone = encode(model.tok, sentence_inputs[1:2])
    row = model._hidden(alone)[0]
    k = int(alone.mask.sum())
    if mode == "batch":
        assert np.array_equal(h, whole)
    else:
        assert np.array_equal(h[1, :k], row[:k])  # the same as encoded by itself
        assert not np.any(h[b.mask == 0])
        assert not np.array_equal(h[b.mask == 1], whole[b.mask == 1])  # other numbers than the padded batch


def test_an_unknown_encoder_mode_is_a_clear_error(tmp_path):
    with pytest.raises(NewsledgerError, match="unknown encode 'fast'"):
        _model_with(tmp_path, encode="fast")


def test_the_shipped_model_encodes_in_batches():
    from newsledger.learn.model import LearnedModel

    assert LearnedModel().encode_mode == "batch"


@pytest.mark.parametrize("load, pipe, ours, both, alone", [(0.5, 9.5, 5.0, 2.0, 1.9), (0.0, 4.0, 8.0, 0.5, 0.5)])
def test_the_bench_charges_each_side_its_model_load(load, pipe, ours, both, alone):
    r = BenchResult(100, 1000, load + pipe, ours, 2, 10, 100.0, 200.0, load)
    assert r.baseline_pipe_seconds == pytest.approx(pipe)
    assert r.speedup == pytest.approx(both) and r.pipe_speedup == pytest.approx(alone)


@pytest.mark.slow
@needs_shared
def test_two_workers_with_shrinking_tasks_find_what_one_process_finds():
    from newsledger.extract.pipeline import extract_articles
    from newsledger.readers import read_paths

    articles = [a for a in read_paths([str(SHARED / "corpus" / "crisis-openings-2021-22")])
                if isinstance(a, Article)][:24]
    one = list(extract_articles(articles, workers=1, extractor="learned"))
    two = list(extract_articles(articles, workers=2, extractor="learned", chunk=16))
    assert [a for a, _ in two] == [a.id for a in articles]
    assert sum(len(m) for _, m in one) > 0
    assert [(a, [(m.type, m.trigger, m.actor_codes, m.status) for m in ms]) for a, ms in one] == \
        [(a, [(m.type, m.trigger, m.actor_codes, m.status) for m in ms]) for a, ms in two]
