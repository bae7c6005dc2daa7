"""The SQLite store: ordered migrations, idempotent upgrades, filters."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from newsledger.exceptions import StoreError
from newsledger.model import Article
from newsledger.store import ArticleFilter, open_store
from newsledger.store.base import migrations


def test_migrations_are_ordered_and_numbered():
    versions = [v for v, _, _ in migrations()]
    assert versions == sorted(versions) == list(range(1, len(versions) + 1))


def test_schema_created_once_and_upgraded_in_order(db):
    with open_store(db) as s:
        v = s.schema_version()
        assert v == len(migrations())
    with open_store(db) as s:  # opening again applies nothing twice
        assert s.schema_version() == v
    with sqlite3.connect(db) as c:
        rows = c.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
    assert [r[0] for r in rows] == list(range(1, v + 1))


def test_upgrade_from_first_version(db):
    """A ledger made with only migration 1 is upgraded in place, keeping its rows."""
    first = migrations()[0][2]
    with sqlite3.connect(db) as c:
        c.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                  "applied_at TEXT NOT NULL)")
        c.executescript(first)
        c.execute("INSERT INTO schema_migrations VALUES (1, 'x', 'now')")
        c.execute("INSERT INTO articles (id, source, text, lang, text_hash, ingested_at) "
                  "VALUES ('k', 's', 'kept text', 'en', 'h', 'now')")
    with open_store(db) as s:
        assert s.schema_version() == len(migrations())
        assert s.article("k").article.text == "kept text"


def test_not_a_database(tmp_path):
    bad = tmp_path / "x.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open"):
        open_store(str(bad))


@pytest.mark.parametrize("f, expected", [
    (ArticleFilter(), ["a", "b", "c"]),
    (ArticleFilter(date_from=dt.date(2022, 2, 1)), ["b", "c"]),
    (ArticleFilter(date_to=dt.date(2022, 2, 1)), ["a", "b"]),
    (ArticleFilter(text="Romania"), ["b"]),
    (ArticleFilter(text="100%"), ["c"]),
    (ArticleFilter(limit=1, offset=1), ["b"]),
])
def test_article_filters(store, f, expected):
    rows = [(Article("a", "s1", "Poland asked for troops", dt.date(2022, 1, 1)), "h1", None, None, None),
            (Article("b", "s2", "Romania welcomed jets", dt.date(2022, 2, 1)), "h2", None, None, None),
            (Article("c", "s3", "Support is 100% firm", dt.date(2022, 3, 1)), "h3", None, None, None)]
    store.add_articles(rows)
    assert [r.article.id for r in store.articles(f)] == expected
