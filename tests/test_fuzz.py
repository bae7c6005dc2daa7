"""Fuzzing (hypothesis): the ingest readers and the quantity and date normalisers never crash; any
exception other than newsledger's own clear error types counts as a crash."""

from __future__ import annotations

import datetime as dt
import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsledger.exceptions import NewsledgerError
from newsledger.extract.quantities import parse_number, quantity_before
from newsledger.extract.timex import find_timexes
from newsledger.model import Article, Rejection
from newsledger.readers import ReadOptions, decode, read_bytes

FUZZ = settings(max_examples=int(os.environ.get("NEWSLEDGER_FUZZ_EXAMPLES", "300")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])
NEWSY = st.text(alphabet=st.sampled_from(list("0123456789,.- $€abcdefghijklmnopqrstuvwxyz ABCDMFJNOS")), max_size=80)
WORDS = st.lists(st.sampled_from(["more", "than", "up", "to", "between", "and", "hundreds", "of", "thousands", "tens",
                                  "some", "about", "5,000", "1,000", "six", "a", "dozen", "1.5", "million", "bn", "$",
                                  "630bn", "troops", "-", "or", "nearly", "another", "12", "0", "999999999999999999"]),
                 max_size=10).map(" ".join)


@FUZZ
@given(st.binary(max_size=3000))
def test_read_bytes_never_crashes(data):
    for item in read_bytes(data, "<fuzz>", ReadOptions(max_bytes=2000)):
        assert isinstance(item, (Article, Rejection))


@FUZZ
@given(st.lists(st.one_of(st.dictionaries(st.sampled_from(["id", "time", "text", "title", "url", "x"]),
                                          st.one_of(st.text(max_size=60), st.integers(), st.none(), st.lists(st.integers(), max_size=2))),
                          st.text(max_size=40)), max_size=5))
def test_jsonl_records_never_crash(records):
    data = "\n".join(json.dumps(r) if isinstance(r, dict) else r for r in records).encode()
    for item in read_bytes(data, "<fuzz>", ReadOptions(), suffix=".jsonl"):
        assert isinstance(item, (Article, Rejection))


@FUZZ
@given(st.text(max_size=200), st.sampled_from(["", ".txt", ".html"]))
def test_text_and_html_never_crash(text, suffix):
    for item in read_bytes(text.encode("utf-8", "surrogatepass"), "<fuzz>", ReadOptions(), suffix=suffix):
        assert isinstance(item, (Article, Rejection))


@FUZZ
@given(st.binary(max_size=500))
def test_decode_always_returns_text(data):
    assert isinstance(decode(data), str)


@FUZZ
@given(st.one_of(NEWSY, WORDS))
def test_parse_number_raises_only_our_error(text):
    try:
        value = parse_number(text)
    except NewsledgerError:
        return
    assert isinstance(value, int) and value >= 0


@FUZZ
@given(st.one_of(NEWSY, WORDS, st.text(max_size=100)))
def test_quantity_before_never_crashes(text):
    for end in range(0, len(text) + 1, max(1, len(text) // 5)):
        fig = quantity_before(text, end)
        if fig is not None:
            assert fig.min is None or fig.max is None or fig.min <= fig.max
            assert 0 <= fig.start <= fig.end <= end


DATES = st.lists(st.sampled_from(["on", "Monday", "last", "week", "this", "month", "later", "year", "Feb.", "14",
                                  "January", "31", "2022", "30", "February", "since", "2014", "over", "the", "past",
                                  "four", "months", "in", "recent", "days", "yesterday", "next", "Sunday", "Dec", "32",
                                  "0", "9999", "May", "march"]), max_size=8).map(" ".join)


@FUZZ
@given(st.one_of(DATES, st.text(max_size=100)), st.one_of(st.none(), st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))),
       st.booleans())
def test_find_timexes_never_crashes(text, published, future):
    for tx in find_timexes(text, published, future=future):
        assert tx.precision in ("day", "week", "month", "year") if tx.date else tx.precision is None
        assert tx.value
        assert 0 <= tx.start < tx.end <= len(text)
