"""A memo in front of the model's attribute ruler and lemmatizer: the same annotations, cheaper.

In en_core_web_sm the attribute ruler sets a token's POS, MORPH and some lemmas from patterns on the
token's own LOWER, TAG, DEP and IS_SPACE, which are all functions of its ORTH, TAG and DEP; the rule
lemmatizer then reads ORTH, POS and MORPH. So (ORTH, TAG, DEP) decides (POS, MORPH, LEMMA), except
for the few two-word patterns ("gon na", "there was") and whitespace tokens (whose TAG and DEP the
ruler rewrites): sentences holding those go through the real components. For the others the memo
writes remembered values as arrays, and annotates combinations it has not seen by running the real
components on one small doc of lone tokens per batch. The two components take about a fifth of the
model's time on news text; the memo makes that a dictionary lookup per token.
"""

from __future__ import annotations

import numpy
from spacy.attrs import DEP, HEAD, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

_LIMIT = 500_000  # combinations kept; beyond it the memo stops growing (and stays correct)


class MemoAnnotator:
    """Stands in for the pipeline's `attribute_ruler` and `lemmatizer` (call it where the ruler was)."""

    def __init__(self, nlp: Language):
        self.ruler = nlp.get_pipe("attribute_ruler")
        self.lemmatizer = nlp.get_pipe("lemmatizer")
        strings = nlp.vocab.strings
        # words of multi-token patterns: a sentence holding one goes through the real components
        # a sentence that could match a multi-token pattern is one holding a fixed word (or relation) of it
        self.multi_lower: set[int] = set()
        self.multi_dep: set[int] = set()
        for p in self.ruler.patterns:
            tokens = p["patterns"][0]
            if len(tokens) < 2:
                continue
            lower = next((t["LOWER"] for t in tokens if isinstance(t.get("LOWER"), str)), None)
            dep = next((t["DEP"] for t in tokens if isinstance(t.get("DEP"), str)), None)
            if lower is None and dep is None:
                raise ValueError(f"memo: cannot tell which sentences the pattern {tokens} may match")
            if lower is not None:
                self.multi_lower.add(strings.add(lower.lower()))
            else:
                self.multi_dep.add(strings.add(dep))
        # patterns that rewrite TAG or DEP (which the memo keys on) must be about whitespace tokens,
        # whose sentences go through the real components
        for p in self.ruler.patterns:
            if {"TAG", "DEP"} & set(p["attrs"]) and not all(t.get("IS_SPACE") is True for t in p["patterns"][0]):
                raise ValueError(f"memo: the pattern {p} rewrites what the memo keys on")
        self.memo: dict[tuple[int, int, int], tuple[int, int, int]] = {}

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, stream, *, batch_size: int = 128):
        """What nlp.pipe calls: the unseen combinations of a whole batch are learnt in one go."""
        for batch in minibatch(stream, batch_size):
            plain: list[tuple[Doc, list]] = []
            missing: dict = {}
            memo = self.memo
            for doc in batch:
                rows = doc.to_array([ORTH, TAG, DEP, LOWER, IS_SPACE]).tolist() if len(doc) else []
                keys = [(r[0], r[1], r[2]) for r in rows]
                risky = [i for i, r in enumerate(rows) if r[3] in self.multi_lower or r[2] in self.multi_dep or r[4]]
                if risky:  # the real components; remember the tokens no two-word pattern can have touched
                    self.lemmatizer(self.ruler(doc))
                    near = {j for i in risky for j in (i - 1, i, i + 1)}
                    values = doc.to_array([POS, MORPH, LEMMA]).tolist()
                    self._remember((k, tuple(v)) for i, (k, v) in enumerate(zip(keys, values)) if i not in near)
                    continue
                missing.update((k, None) for k in keys if k not in memo)
                plain.append((doc, keys))
            learned = self._learn(list(missing), batch[0].vocab) if missing else {}
            for doc, keys in plain:
                if keys:
                    values = [memo.get(k) or learned[k] for k in keys]
                    doc.from_array([POS, MORPH, LEMMA], numpy.asarray(values, dtype="uint64"))
            yield from batch

    def _learn(self, keys: list[tuple[int, int, int]], vocab) -> dict:
        """Annotate unseen combinations as a doc of lone tokens (single-token patterns see only the
        token; none of these words can start a two-word pattern)."""
        strings = vocab.strings
        mini = Doc(vocab, words=[strings[k[0]] for k in keys], spaces=[True] * len(keys))
        mini.from_array([TAG, DEP, HEAD], numpy.asarray([(k[1], k[2], 0) for k in keys], dtype="uint64"))
        self.lemmatizer(self.ruler(mini))
        learned = dict(zip(keys, map(tuple, mini.to_array([POS, MORPH, LEMMA]).tolist())))
        self._remember(learned.items())
        return learned

    def _remember(self, items) -> None:
        if len(self.memo) < _LIMIT:
            self.memo.update(items)


@Language.factory("newsledger_memo")
def _make_memo(nlp: Language, name: str) -> MemoAnnotator:
    return MemoAnnotator(nlp)


def install(nlp: Language) -> None:
    """Replace the model's attribute ruler and lemmatizer by one memoised component (which keeps them)."""
    if "attribute_ruler" not in nlp.pipe_names or "lemmatizer" not in nlp.pipe_names:
        return
    nlp.add_pipe("newsledger_memo", before="attribute_ruler")
    nlp.remove_pipe("attribute_ruler")
    nlp.remove_pipe("lemmatizer")
