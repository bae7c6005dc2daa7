"""PostgreSQL's search index (migration 9: stored tsvector columns, GIN): used by `match_any` and
`search`, and a ledger of the schema before it is upgraded in place with the same answers."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import ROOT, fresh_pg_database, run_cli
from newsledger.exceptions import StaleSchemaError
from newsledger.model import Article, Mention, Span
from newsledger.store import ArticleRow, open_store
from newsledger.store.schema import migrations, statements

SAMPLE = ROOT / "src" / "newsledger" / "sample"
WORDS = [["troops", "poland"], ["constanta"], ["royal", "marines"], ["sanctions", "swift", "banks"], ["freedonia"]]
pytestmark = pytest.mark.slow


def _answers(db: str) -> dict:
    with open_store(db, readonly=True) as s:
        out = {}
        for words in WORDS:
            sents, arts = s.match_any(words, 100)
            found = s.search(" ".join(words), limit=100)
            out[" ".join(words)] = ([(m.mention_id, m.sentence) for m in sents], [a.title for a in arts],
                                    [a[0] for a in found[0]], [m[0] for m in found[1]])
        return out


def _to_schema_8(db: str) -> None:
    """Put the ledger back as migration 8 left it: no stored vectors, 0004's expression indexes."""
    with open_store(db) as s:
        s.conn.execute("ALTER TABLE mentions DROP COLUMN sentence_tsv")  # drops its index too
        s.conn.execute("ALTER TABLE articles DROP COLUMN text_tsv")
        search = next(sql for version, _, sql in migrations("postgresql") if version == 4)
        for statement in statements(search):
            s.conn.execute(statement)
        s.conn.execute("DELETE FROM schema_migrations WHERE version = 9")


def _columns(db: str) -> set[str]:
    """The columns of articles and mentions, read without opening a store (which would upgrade it)."""
    import psycopg

    with psycopg.connect(db) as c:
        return {r[0] for r in c.execute("SELECT column_name FROM information_schema.columns "
                                        "WHERE table_name IN ('articles', 'mentions')")}


@pytest.fixture(scope="module")
def upgraded(pg_server):
    """The sample's ledger: its answers, then the same ledger at schema 8 upgraded by an open for writing."""
    with fresh_pg_database(pg_server, "upgrade") as db:
        r = run_cli("ingest", str(SAMPLE), db=db)
        assert r.returncode == 0, r.stderr.decode()
        before = _answers(db)
        _to_schema_8(db)
        assert not {"sentence_tsv", "text_tsv"} & _columns(db)
        with pytest.raises(StaleSchemaError):
            open_store(db, readonly=True)
        with open_store(db) as s:
            version = s.schema_version()
        yield db, version, before, _answers(db)


def test_upgrade_from_schema_8_adds_the_vectors(upgraded):
    db, version, _, _ = upgraded
    assert version == len(migrations("postgresql")) == 9
    assert {"sentence_tsv", "text_tsv"} <= _columns(db)


@pytest.mark.parametrize("words", [" ".join(w) for w in WORDS])
def test_upgraded_ledger_answers_the_same(upgraded, words):
    _, _, before, after = upgraded
    assert after[words] == before[words]


def test_the_questions_find_something(upgraded):
    """The comparison above compares answers, not empty lists (bar the unknown name)."""
    _, _, before, _ = upgraded
    assert all(before[" ".join(w)][0] and before[" ".join(w)][2] for w in WORDS if w != ["freedonia"])
    assert before["freedonia"] == ([], [], [], [])


PLACES = ["the capital", "the port", "the border", "the airbase", "the harbour", "the garrison town"]
TOPICS = ["fuel supplies", "a joint exercise", "grain exports", "rail links", "air patrols", "a new envoy"]


@pytest.fixture(scope="module")
def grown(pg_server):
    """A ledger of 3,000 articles (one event sentence each) in which one word occurs in only two of them."""
    with fresh_pg_database(pg_server, "grown") as db:
        with open_store(db) as s:
            rows, results = [], []
            for i in range(3000):
                first = f"Officials met at {PLACES[i % 6]} on day {i} to discuss {TOPICS[i // 6 % 6]}."
                if i in (1234, 2345):
                    first = f"Officials met at {PLACES[i % 6]} on day {i} to discuss howitzer deliveries."
                text = first + f" Talks resume next week in round {i % 17}."
                rows.append(ArticleRow(Article(f"g{i}", f"grown/{i}.txt", text, dt.date(2022, 1, 1 + i % 28),
                                               f"Report {i}"), f"h{i}", None, None, None))
                results.append((f"g{i}", [Mention(f"g{i}", "CONSULT", first, Span(0, len(first)), Span(10, 13))]))
            s.add_articles(rows)
            s.save_mentions(results)
            for table in ("articles", "mentions"):  # as autovacuum would: statistics, GIN's pending list merged
                s.conn.execute(f"VACUUM ANALYZE {table}")
        yield db


@pytest.mark.parametrize("index", ["mentions_fts", "articles_fts"])
def test_a_rare_word_is_found_through_the_index(grown, index):
    with open_store(grown, readonly=True) as s:
        plans = "\n".join(s.match_plans(["howitzer"], 100))
        sents, arts = s.match_any(["howitzer"], 100)
    assert f"Bitmap Index Scan on {index}" in plans, plans
    assert [m.mention_id for m in sents] == ["g1234:0", "g2345:0"] and len(arts) == 2


@pytest.mark.parametrize("words", [["howitzer"], ["howitzer", "grain"], ["officials"], ["round", "port", "day"]])
def test_the_index_changes_no_answer(grown, words):
    """Rare words or common ones: the same sentences and articles, in the same order, with the index
    and with every row read."""
    with open_store(grown, readonly=True) as s:
        indexed = s.match_any(words, 100)
        s.conn.execute("SET enable_bitmapscan = off")
        s.conn.execute("SET enable_indexscan = off")
        assert "Bitmap Index Scan" not in "\n".join(s.match_plans(words, 100))
        scanned = s.match_any(words, 100)
    assert indexed[0] and indexed == scanned
