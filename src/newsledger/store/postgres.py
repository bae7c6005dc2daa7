"""PostgreSQL backend: the same migrations and queries as SQLite, for ledgers shared by many users.

`--db postgresql://user:password@host:port/dbname` (or `postgres://`). Needs the `postgres` extra
(psycopg 3). Writers are serialised with a transaction-scoped advisory lock, as SQLite serialises
them with its write lock, so merges never interleave; readers never wait (MVCC).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..exceptions import StoreError
from .base import ArticleMatch, Store, TextMatch

_WRITE_LOCK = 0x6E65_7773  # advisory lock key: "news"
_SNIPPET = "StartSel=[, StopSel=], MaxWords=16, MinWords=6, ShortWord=2, FragmentDelimiter=…, MaxFragments=1"


class _Connection:
    """A psycopg connection that takes `?` placeholders, like sqlite3's."""

    def __init__(self, raw):
        self.raw = raw
        self._sql: dict[str, str] = {}

    def _translate(self, sql: str) -> str:
        out = self._sql.get(sql)
        if out is None:
            out = self._sql[sql] = sql.replace("%", "%%").replace("?", "%s")
        return out

    def execute(self, sql: str, args: Sequence = ()):
        if not args:
            return self.raw.execute(sql)
        return self.raw.execute(self._translate(sql), list(args))

    def executemany(self, sql: str, rows):
        rows = [list(r) for r in rows]
        cur = self.raw.cursor()
        if rows:
            cur.executemany(self._translate(sql), rows)
        return cur

    def close(self) -> None:
        self.raw.close()


class PostgresStore(Store):
    dialect = "postgresql"

    def _connect(self, url: str, readonly: bool) -> _Connection:
        self.display = _redact(url)
        try:
            import psycopg
        except ImportError as exc:
            raise StoreError("PostgreSQL support is not installed", source=_redact(url),
                             hint="pip install 'newsledger[postgres]'") from exc
        try:
            raw = psycopg.connect(url, autocommit=True, connect_timeout=10, application_name="newsledger")
            # the ledger's queries are short and indexed: starting parallel workers or compiling them
            # costs more than it saves (tens of milliseconds a query)
            raw.execute("SET max_parallel_workers_per_gather = 0")
            raw.execute("SET jit = off")
            if readonly:
                raw.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to PostgreSQL: {str(exc).strip().splitlines()[0]}", source=_redact(url),
                             hint="check the server is running and the URL's user, password and database") from exc
        return _Connection(raw)

    def _has_table(self, name: str) -> bool:
        return self.conn.execute("SELECT to_regclass(?) IS NOT NULL", (name,)).fetchone()[0]

    def _begin(self) -> None:
        self.conn.execute("BEGIN")
        self.conn.execute("SELECT pg_advisory_xact_lock(?)", (_WRITE_LOCK,))

    def search(self, text: str, limit: int = 20, offset: int = 0) -> tuple[list[tuple], list[tuple]]:
        q = ts_query(text)
        if not q:
            return [], []
        arts = list(self.conn.execute(
            "SELECT a.id, a.published, a.title, ts_headline('simple', a.text, q, ?) FROM articles a, "
            "to_tsquery('simple', ?) q WHERE a.text_tsv @@ q AND a.duplicate_of IS NULL "
            "ORDER BY ts_rank(a.text_tsv, q) DESC, a.seq LIMIT ? OFFSET ?", (_SNIPPET, q, limit, offset)))
        sents = list(self.conn.execute(
            "SELECT m.id, m.article_id, a.published, m.sentence FROM mentions m JOIN articles a ON a.id = m.article_id, "
            "to_tsquery('simple', ?) q WHERE m.sentence_tsv @@ q "
            "ORDER BY ts_rank(m.sentence_tsv, q) DESC, m.id LIMIT ? OFFSET ?", (q, limit, offset)))
        return arts, sents

    def match_any(self, words: list[str], k: int) -> tuple[list[TextMatch], list[ArticleMatch]]:
        q = any_query(words)
        if not q:
            return [], []
        sents = [TextMatch(*r) for r in self.conn.execute(_MATCH_SENTENCES, (q, k))]
        arts = [ArticleMatch(*r) for r in self.conn.execute(_MATCH_ARTICLES, (q, max(1, k // 4)))]
        return sents, arts

    def match_plans(self, words: list[str], k: int) -> list[str]:
        """The plans (EXPLAIN) of `match_any`'s two queries, to check the search index is used."""
        q = any_query(words) or "x"
        return ["\n".join(r[0] for r in self.conn.execute("EXPLAIN " + sql, (q, n)))
                for sql, n in ((_MATCH_SENTENCES, k), (_MATCH_ARTICLES, max(1, k // 4)))]


# ranked by ts_rank over the stored vectors (migration 9), ties in a fixed order; GIN finds the rows
_MATCH_SENTENCES = (
    "SELECT m.sentence, a.source, a.published, m.id FROM mentions m JOIN articles a ON a.id = m.article_id, "
    "to_tsquery('simple', ?) q WHERE m.sentence_tsv @@ q ORDER BY ts_rank(m.sentence_tsv, q) DESC, m.id LIMIT ?")
_MATCH_ARTICLES = (
    "SELECT a.title, a.text, a.source, a.published FROM articles a, to_tsquery('simple', ?) q "
    "WHERE a.text_tsv @@ q AND a.duplicate_of IS NULL ORDER BY ts_rank(a.text_tsv, q) DESC, a.seq LIMIT ?")


def any_query(words: list[str]) -> str:
    """Words as a tsquery that ANY of them satisfies ("" when none is left once punctuation goes)."""
    return " | ".join(t for t in (re.sub(r"[\W_]", "", w.lower()) for w in words) if t)


def ts_query(text: str) -> str:
    """A user's words as a tsquery: every word must occur (prefix match on the last one)."""
    words = [w.lower() for w in re.findall(r"[^\W_]+", text)]
    if not words:
        return ""
    return " & ".join(words[:-1] + [words[-1] + ":*"])


def _redact(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)
