"""Fuzzing (hypothesis): the ingest readers and the quantity and date normalisers never crash; any
exception other than newsledger's own clear error types counts as a crash. And whole-pipeline runs
(ingest + extract + merge) on generated articles, with a bound on time and memory per article."""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
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


# -- whole pipeline: ingest + extract + merge on generated articles ------------------------------------
SENDERS = ["The United States", "Germany", "Britain", "France", "Canada", "Poland", "Russia", "Belarus"]
HOSTS = ["Poland", "Romania", "Lithuania", "Estonia", "Latvia", "Bulgaria", "Ukraine", "the Black Sea"]
ASSETS = ["troops", "soldiers", "fighter jets", "warships", "tanks", "paratroopers"]


def _deployment(rng, end: str = ".") -> str:
    return (f"{rng.choice(SENDERS)} will send {rng.choice([3, 300, 800, 1000, 2000, 8500]):,} {rng.choice(ASSETS)} "
            f"to {rng.choice(HOSTS)}, officials said on {rng.choice(['Monday', 'Friday', 'Feb. 14'])}{end}")


def _ordinary(seed: int, size: int) -> str:
    """News-like sentences (many of them deployments) up to `size` characters."""
    import random

    rng = random.Random(seed)
    parts, n = [], 0
    while n < size:
        s = _deployment(rng) if rng.random() < 0.6 else ("Talks between the two sides went on in Geneva on Tuesday, "
                                                         "and the ministers said they would meet again next week.")
        parts.append(s)
        n += len(s) + 1
    return " ".join(parts)[:size]


def _one_sentence(seed: int, size: int) -> str:
    """One long sentence: clauses joined by commas, no full stop."""
    import random

    rng = random.Random(seed)
    parts, n = [], 0
    while n < size:
        parts.append(_deployment(rng, ","))
        n += len(parts[-1]) + 1
    return " ".join(parts)[:size]


ODD = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)  # any unicode, NUL included
PART = st.one_of(
    st.builds(_ordinary, st.integers(0, 10**6), st.integers(20, 12_000)),
    st.builds(_one_sentence, st.integers(0, 10**6), st.integers(1_000, 40_000)),  # long sentences
    st.builds(lambda s, k: _ordinary(s, 200) * k, st.integers(0, 10**6), st.integers(20, 150)),  # many mentions
    ODD,
    st.sampled_from(["\n\n", "\u200b\u200f\u202e", "‘Zelenskyy’s’ — «troops»", "\r\n\t", "🇺🇦🪖" * 5,
                     "a\u0301" * 50, "ﬁ" * 30, "\x00", "\ufeff"]),
)
PLAUSIBLE = st.dates(dt.date(1990, 1, 1), dt.date(2026, 12, 31)).map(dt.date.isoformat)
TIMES = st.one_of(PLAUSIBLE, PLAUSIBLE.map(lambda d: d + "T23:59:59+14:00"), st.none(),  # mostly read, to be extracted
                  st.sampled_from(["0001-01-01T00:00:00Z", "9999-12-31", "1899-12-31", "1900-01-01", "2022-02-30",
                                   "2022-02-14T23:59:60Z", "", "yesterday", "2100-01-01"]),
                  st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(dt.date.isoformat), st.integers(), st.floats())
RECORD = st.fixed_dictionaries({"text": st.lists(PART, min_size=1, max_size=4).map(" ".join), "time": TIMES,
                                "id": st.one_of(st.none(), st.sampled_from(["1", "2", "x"]))})
PIPELINE = settings(max_examples=int(os.environ.get("NEWSLEDGER_FUZZ_PIPELINE", "15")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
RATIO = 10  # an article may cost this many times an ordinary 5k one per 5k characters (CPU time, same run)


@dataclass(frozen=True)
class PipelineRun:
    cpu_seconds: float
    rss_growth_mb: float
    work: float  # the run's size in ordinary 5k articles: sum of max(length, 5000) / 5000


def _run_pipeline(records: list[dict], folder: Path) -> PipelineRun:
    """ingest + extract + merge of `records` (JSON Lines) into a fresh SQLite ledger in `folder`, then
    check that every record is accounted for and the ledger is whole."""
    from newsledger.extract.run import extract_pending
    from newsledger.ingest import ingest
    from newsledger.merge import merge_pending
    from newsledger.store import ArticleFilter, MentionFilter, open_store

    src = folder / "fuzz.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    rss0, cpu0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.process_time()
    with open_store(str(folder / "ledger.db")) as store:
        report = ingest(store, [str(src)])
        extracted = extract_pending(store, workers=1)
        merge_pending(store)
        cpu = time.process_time() - cpu0
        rss = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024
        assert report.read + len(report.rejected) == len(records)  # each record stored or rejected, none lost
        assert all(r.reason for r in report.rejected) and all(q.reason for q in extracted.quarantined)
        stats = store.stats()
        assert stats.pending == 0  # every stored article extracted or quarantined, none stuck
        assert store.mentions(MentionFilter(unmerged=True)) == []  # every mention merged (or its article set aside)
        texts = {r.article.id: r.article.text for r in store.articles(ArticleFilter(duplicates=True))}
        assert len(texts) == report.added
        for m, rec in store.mentions():
            text = texts[m.article_id]
            assert 0 <= m.span.start <= m.trigger.start < m.trigger.end <= m.span.end <= len(text)
        assert store.events() or not stats.mentions
    lengths = [len(str(r.get("text", ""))) for r in records]
    return PipelineRun(cpu, rss, sum(max(n, 5000) for n in lengths) / 5000)


@pytest.fixture(scope="module")
def ordinary_cost(tmp_path_factory) -> float:
    """CPU seconds of the whole pipeline on one ordinary 5k-character article (warm, best of two)."""
    runs = [_run_pipeline([{"id": f"o{i}", "time": "2022-02-01", "text": _ordinary(i, 5000)}],
                          tmp_path_factory.mktemp(f"ordinary{i}")) for i in range(3)]
    return min(r.cpu_seconds for r in runs[1:])


@pytest.mark.slow
@PIPELINE
@given(st.lists(RECORD, min_size=1, max_size=3))
@example([{"id": "zero", "time": "0001-01-01T00:00:00Z", "text": _ordinary(1, 3000)},
          {"id": "long", "time": "2022-02-14", "text": _one_sentence(2, 40_000)}])
@example([{"id": "many", "time": "2022-02-14", "text": _ordinary(3, 200) * 150},
          {"id": "odd", "time": None, "text": "‘Zelenskyy’s’ \x00 🇺🇦 a\u0301 " + _ordinary(4, 2000) + "\u202e\ufeff"}])
def test_whole_pipeline_on_generated_articles(ordinary_cost, records):
    """Long sentences, odd dates, many mentions, odd unicode: nothing crashes, nothing is lost, and no
    article costs more than RATIO times an ordinary one per 5k characters, nor 256 MB + 2 KB per character
    of memory."""
    with tempfile.TemporaryDirectory() as tmp:
        run = _run_pipeline(records, Path(tmp))
    chars = sum(len(str(r.get("text", ""))) for r in records)
    assert run.cpu_seconds <= RATIO * ordinary_cost * run.work, (run, ordinary_cost)
    assert run.rss_growth_mb <= 256 + 2 * chars / 1024, run
