"""No article stops the ledger: text reaches spaCy in bounded pieces, implausible dates are rejected at
reading, an article extraction fails on is quarantined with its reason (listed by `stats` and
`rejected`, retried only on request), and merging never reads article texts."""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3

import pytest

from newsledger.extract.guard import Failure, guarded
from newsledger.extract.pipeline import MAX_SENTENCE_CHARS, PIECE_CHARS, pieces
from newsledger.extract.run import extract_pending
from newsledger.model import Article, Mention, Rejection
from newsledger.readers import ReadOptions, read_bytes
from newsledger.store import MentionFilter

from conftest import run_cli

SENDERS = ["The United States", "Germany", "Britain", "France", "Canada", "Denmark"]
HOSTS = ["Poland", "Romania", "Lithuania", "Estonia", "Latvia", "Bulgaria"]
FILLER = ("Shops on the main square opened late after a night of rain", "The council met to discuss the new bus lanes",
          "Farmers said the harvest was smaller than last year", "A museum reopened its east wing to visitors")


def deployment(rng: random.Random) -> str:
    return (f"{rng.choice(SENDERS)} will send {rng.choice([300, 800, 1000, 2000]):,} troops to {rng.choice(HOSTS)}, "
            f"officials said on Monday.")


def paragraph(n_chars: int, seed: int, every: int) -> str:
    """One paragraph of about n_chars: a deployment sentence every `every` sentences, filler otherwise."""
    rng, parts, size = random.Random(seed), [], 0
    while size < n_chars:
        s = deployment(rng) if len(parts) % every == 0 else rng.choice(FILLER) + "."
        parts.append(s)
        size += len(s) + 1
    return " ".join(parts)


def normal(i: int) -> dict:
    rng = random.Random(100 + i)
    return {"id": f"ok{i}", "time": f"2022-02-{10 + i:02d}", "text": " ".join(deployment(rng) for _ in range(4))}


@pytest.mark.parametrize("limit,marks", [(50, (". ",)), (1000, (". ", "; ")), (7, (", ",))])
@pytest.mark.parametrize("text", ["word " * 900, "x" * 2500, "One. Two, three; four. " * 200, "short"])
def test_pieces_cover_the_text_within_the_limit(text, limit, marks):
    cut = list(pieces(text, limit, marks))
    assert "".join(p for _, p in cut) == text
    assert all(0 < len(p) <= limit for _, p in cut)
    assert all(text[off:off + len(p)] == p for off, p in cut)


def test_a_megabyte_paragraph_is_segmented_into_bounded_sentences():
    from newsledger.extract.pipeline import RulesExtractor

    text = paragraph(1_200_000, seed=1, every=400) + " " + ", and ".join(["troops moved west"] * 800) + "."
    sents = RulesExtractor().segment(Article("big", "big", text, dt.date(2022, 2, 1)))
    assert max(len(s.text) for s in sents) <= MAX_SENTENCE_CHARS
    assert all(text[s.start:s.end] == s.text for s in sents)
    assert sum(len(s.text) for s in sents) >= 0.95 * len(text)  # nothing dropped (only spaces between)
    assert PIECE_CHARS < 1_000_000  # below spaCy's max_length


class FailsOn:
    """An extractor (the Extractor protocol) that raises on the articles whose text holds a marker."""

    name = "fails-on"

    def extract(self, articles, batch_size=64):
        for a in articles:
            if "BREAK" in a.text:
                raise ValueError(f"cannot parse {a.id}")
        for a in articles:
            yield a.id, [Mention(article_id=a.id, type="MOBILIZE", sentence=a.text[:10], span=None, trigger=None)]


@pytest.mark.parametrize("bad", [[0], [2], [4], [1, 3], []])
def test_guard_fails_only_the_failing_articles_in_order(bad):
    arts = [Article(f"a{i}", f"s{i}", "BREAK it" if i in bad else "fine text", dt.date(2022, 2, 1)) for i in range(5)]
    arts.append(Article("old", "s-old", "fine text", dt.date(1, 1, 1)))
    out = list(guarded(FailsOn(), arts))
    assert [r.article_id if isinstance(r, Failure) else r[0] for r in out] == [a.id for a in arts]
    failed = {r.article_id: r.reason for r in out if isinstance(r, Failure)}
    assert set(failed) == {f"a{i}" for i in bad} | {"old"}
    assert all("ValueError: cannot parse" in failed[f"a{i}"] for i in bad)
    assert "0001-01-01 is outside the plausible range" in failed["old"]


@pytest.mark.parametrize("time,ok", [("0001-01-01T00:00:00Z", False), ("9999-12-31", False), ("1899-12-31", False),
                                     ("1900-01-01", True), (dt.date.today().isoformat(), True),
                                     ((dt.date.today() + dt.timedelta(days=800)).isoformat(), False)])
@pytest.mark.parametrize("fmt", ["jsonl", "seed"])
def test_implausible_dates_are_rejected_at_reading(time, ok, fmt):
    text = "Germany will send 300 troops to Lithuania, officials said on Monday."
    data = (json.dumps({"id": "d", "time": time, "text": text}) if fmt == "jsonl" else f" date {time[:10]}\n{text}")
    (item,) = read_bytes(data.encode(), "src", ReadOptions(), suffix=".jsonl" if fmt == "jsonl" else ".txt")
    if ok:
        assert isinstance(item, Article)
    else:
        assert isinstance(item, Rejection) and "outside the plausible range 1900-01-01 .." in item.reason
        assert item.reason.count(time[:10]) == 1 and "fix the date or leave it out" in item.reason


@pytest.mark.parametrize("record,reason", [({"text": 12345}, "'text' is not a string (a JSON number)"),
                                           ({"text": ["a"]}, "'text' is not a string (a JSON array)"),
                                           ({"title": "x"}, "no 'text' field")])
def test_jsonl_text_of_the_wrong_kind(record, reason):
    (item,) = read_bytes(json.dumps(record).encode(), "src", suffix=".jsonl")
    assert reason in item.reason


@pytest.mark.parametrize("line", ['{"text": "abc', '{"text": 1,}', "{"])
def test_bad_json_says_at_column_once(line):
    (item,) = read_bytes(line.encode(), "src", suffix=".jsonl")
    assert "bad JSON" in item.reason and "at at" not in item.reason and item.reason.count("column") == 1


def test_stored_implausible_article_is_quarantined_and_retried_on_request(store, db):
    """An article stored before the readers checked dates: quarantined at extraction, the others go on;
    listed by stats and `rejected`; skipped by later runs; retried (and extracted once fixed) on request."""
    arts = [Article(f"ok{i}", f"src{i}", normal(i)["text"], dt.date(2022, 2, 10 + i)) for i in range(3)]
    arts.insert(1, Article("zero", "go-zero-time", normal(9)["text"], dt.date(1, 1, 1)))
    store.add_articles([(a, a.id, None, None, None) for a in arts])
    report = extract_pending(store)
    assert report.articles == 3 and [q.article_id for q in report.quarantined] == ["zero"]
    assert store.stats().quarantined == 1 and store.stats().pending == 0
    store.close()
    r = run_cli("rejected", "--json", db=db)
    assert r.returncode == 0, r.stderr
    (q,) = json.loads(r.stdout)["quarantined"]
    assert q["article_id"] == "zero" and q["stage"] == "extract" and "0001-01-01" in q["reason"]
    r = run_cli("extract", db=db)
    assert r.returncode == 0 and "0 quarantined" in r.stdout.decode(), r.stderr
    r = run_cli("stats", "--json", db=db)
    assert json.loads(r.stdout)["quarantined"] == 1
    r = run_cli("extract", "--retry-quarantined", db=db)
    assert r.returncode == 0 and "1 quarantined" in r.stdout.decode() and "quarantined" in r.stderr.decode(), r.stderr
    with sqlite3.connect(db) as c:  # the user fixes the date
        c.execute("UPDATE articles SET published = '2022-02-11' WHERE id = 'zero'")
    r = run_cli("extract", "--retry-quarantined", db=db)
    assert r.returncode == 0 and "0 quarantined" in r.stdout.decode(), r.stderr
    r = run_cli("rejected", "--json", db=db)
    assert json.loads(r.stdout)["quarantined"] == []
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT COUNT(*) FROM mentions WHERE article_id = 'zero'").fetchone()[0] > 0


def test_merge_reads_no_article_text(store):
    text = paragraph(200_000, seed=2, every=2)
    store.add_articles([(Article("big", "big", text, dt.date(2022, 2, 1)), "h", None, None, None)])
    extract_pending(store, extractor="rules")  # the rules find a mention in every second sentence
    rows = store.mentions(MentionFilter(unmerged=True))
    assert len(rows) > 1000 and all(rec.article.text == "" for _, rec in rows)
    some = store.mentions(MentionFilter(ids=(rows[0][0].id, rows[-1][0].id)))
    assert [rec.article.text for _, rec in some] == [text, text]


@pytest.mark.slow
def test_hostile_articles_do_not_stop_later_ones(tmp_path, db):
    """One run of the real command over: a 1.2 MB one-paragraph article, a 0001-01-01 date, an article with
    thousands of mentions, then ordinary articles: these are extracted and merged, the date is rejected."""
    records = [normal(0),
               {"id": "huge", "time": "2022-02-01", "text": paragraph(1_200_000, seed=3, every=60)},
               {"id": "zero", "time": "0001-01-01T00:00:00Z", "text": normal(8)["text"]},
               {"id": "many", "time": "2022-02-02", "text": paragraph(260_000, seed=4, every=1)},
               *(normal(i) for i in range(1, 6))]
    path = tmp_path / "hostile.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    r = run_cli("ingest", str(path), "--json", "--extractor", "rules", db=db, timeout=1200)  # the rules: most mentions
    assert r.returncode == 1, r.stderr  # one input rejected, the rest landed
    rep = json.loads(r.stdout)
    assert [x["line"] for x in rep["rejected"]] == [3] and "0001-01-01" in rep["rejected"][0]["reason"]
    assert rep["extracted_articles"] == 8 and rep["quarantined"] == []
    with sqlite3.connect(db) as c:
        per = dict(c.execute("SELECT article_id, COUNT(*) FROM mentions GROUP BY article_id"))
        unmerged = c.execute("SELECT COUNT(*) FROM mentions m WHERE NOT EXISTS "
                             "(SELECT 1 FROM event_mentions x WHERE x.mention_id = m.id)").fetchone()[0]
    assert per["many"] > 2000 and per["huge"] > 100
    assert all(per.get(f"ok{i}", 0) >= 3 for i in range(6)) and unmerged == 0
