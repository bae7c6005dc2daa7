"""SQLite backend: one file, WAL journal (readers never wait for the writer), FTS5 search."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from ..exceptions import StoreError
from .base import Store


class SQLiteStore(Store):
    dialect = "sqlite"

    def _connect(self, path: str, readonly: bool) -> sqlite3.Connection:
        if readonly:
            if not Path(path).expanduser().is_file():
                raise StoreError("no ledger database here", source=path, hint="run `newsledger ingest` first")
            target, uri = Path(path).expanduser().resolve().as_uri() + "?mode=ro", True
        else:
            if path != ":memory:":
                try:
                    Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise StoreError(f"cannot create the folder for the database: {exc.strerror}", source=path,
                                     hint="pass --db with a writable path or set NEWSLEDGER_DB") from exc
            target, uri = (str(Path(path).expanduser()) if path != ":memory:" else path), False
        try:
            conn = sqlite3.connect(target, uri=uri, timeout=30, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout=30000")
            if not readonly:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the database: {exc}", source=path,
                             hint="is it an SQLite file? pass another --db") from exc
        return conn

    def _has_table(self, name: str) -> bool:
        return self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                 (name,)).fetchone() is not None

    def _begin(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def search(self, text: str, limit: int = 20, offset: int = 0) -> tuple[list[tuple], list[tuple]]:
        q = fts_query(text)
        if not q:
            return [], []
        arts = list(self.conn.execute(
            "SELECT a.id, a.published, a.title, snippet(article_fts, 1, '[', ']', '…', 16) FROM article_fts "
            "JOIN articles a ON a.seq = article_fts.rowid WHERE article_fts MATCH ? AND a.duplicate_of IS NULL "
            "ORDER BY rank LIMIT ? OFFSET ?", (q, limit, offset)))
        sents = list(self.conn.execute(
            "SELECT DISTINCT m.id, m.article_id, a.published, m.sentence FROM sentence_fts "
            "JOIN mentions m ON m.rowid = sentence_fts.rowid JOIN articles a ON a.id = m.article_id "
            "WHERE sentence_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?", (q, limit, offset)))
        return arts, sents


def fts_query(text: str) -> str:
    """A user's words as an FTS5 query: every word must occur (prefix match on the last one)."""
    words = re.findall(r"\w+", text)
    if not words:
        return ""
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " AND ".join(quoted)
