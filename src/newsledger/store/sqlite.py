"""SQLite backend: one file, WAL journal (readers never wait for the writer), FTS5 search."""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

from ..exceptions import NewsledgerError, StoreError, SystemFailure
from .base import ArticleMatch, Store, TextMatch
from .errors import explain


class SQLiteStore(Store):
    dialect = "sqlite"

    def _connect(self, path: str, readonly: bool) -> sqlite3.Connection:
        if readonly:
            if not Path(path).expanduser().is_file():
                raise StoreError("no ledger database here", source=path, hint="run `newsledger ingest` first")
            try:
                return self._open(path, Path(path).expanduser().resolve().as_uri() + "?mode=ro", True, True)
            except NewsledgerError:
                if os.access(Path(path).expanduser().resolve().parent, os.W_OK):
                    raise
                # a read-only folder: SQLite cannot make the WAL's shared-memory file, and nobody can
                # write the ledger there, so read it as an immutable file
                return self._open(path, Path(path).expanduser().resolve().as_uri() + "?mode=ro&immutable=1",
                                  True, True)
        existed = path != ":memory:" and Path(path).expanduser().is_file()
        conn = self._connect_rw(path)
        if existed and not _clean_since_close(path):
            _quick_check(conn, path)
        return conn

    def _connect_rw(self, path: str) -> sqlite3.Connection:
        if path != ":memory:":
            try:
                Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise SystemFailure(f"cannot create the folder for the database: {exc.strerror}", source=path,
                                    hint="pass --db with a writable path or set NEWSLEDGER_DB") from exc
        return self._open(path, str(Path(path).expanduser()) if path != ":memory:" else path, False, False)

    @staticmethod
    def _open(path: str, target: str, uri: bool, readonly: bool) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(target, uri=uri, timeout=30, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout=30000")
            if not readonly:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        except sqlite3.DatabaseError as exc:
            if not readonly and _read_only(path):
                raise SystemFailure("the database file (or its folder) is read-only", source=path,
                                    hint="commands that only read (stats, events, export ...) work on it; to write, "
                                         "make the file and its folder writable or copy it elsewhere and pass --db"
                                    ) from exc
            failure = explain(exc, path)
            kind = StoreError if "not a database" in str(exc) else SystemFailure  # the wrong file, or a broken one
            raise kind(f"cannot open the database: {failure.message}", source=path, hint=failure.hint) from exc
        return conn

    def close(self) -> None:
        super().close()
        if not self.readonly and self.path != ":memory:":
            _stamp(self.path)

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

    def match_any(self, words: list[str], k: int) -> tuple[list[TextMatch], list[ArticleMatch]]:
        q = " OR ".join('"' + w.replace('"', '') + '"' for w in words if w.replace('"', ''))
        if not q:
            return [], []
        sents = [TextMatch(*r) for r in self.conn.execute(
            "SELECT m.sentence, a.source, a.published, m.id FROM sentence_fts JOIN mentions m "
            "ON m.rowid = sentence_fts.rowid JOIN articles a ON a.id = m.article_id WHERE sentence_fts MATCH ? "
            "ORDER BY bm25(sentence_fts) LIMIT ?", (q, k))]
        arts = [ArticleMatch(*r) for r in self.conn.execute(
            "SELECT a.title, a.text, a.source, a.published FROM article_fts JOIN articles a "
            "ON a.seq = article_fts.rowid WHERE article_fts MATCH ? AND a.duplicate_of IS NULL "
            "ORDER BY bm25(article_fts) LIMIT ?", (q, max(1, k // 4)))]
        return sents, arts


def _read_only(path: str) -> bool:
    p = Path(path).expanduser().resolve()
    return p.exists() and not (os.access(p, os.W_OK) and os.access(p.parent, os.W_OK))


def _stamp_file(path: str) -> Path:
    return Path(path).expanduser().with_name(Path(path).name + "-clean")


def _file_state(path: str) -> str:
    st = Path(path).expanduser().stat()
    wal = Path(path).expanduser().with_name(Path(path).name + "-wal")
    return f"{st.st_size} {st.st_mtime_ns} {wal.stat().st_size if wal.exists() else 0}"


def _stamp(path: str) -> None:
    """Note the file's state at a clean close: an open that finds it changed checks the file first."""
    try:
        _stamp_file(path).write_text(_file_state(path) + "\n", encoding="ascii")
    except OSError:
        pass  # a read-only folder: the next open checks the file, which is only slower


def _clean_since_close(path: str) -> bool:
    try:
        return _stamp_file(path).read_text(encoding="ascii").strip() == _file_state(path)
    except OSError:
        return False


def _quick_check(conn: sqlite3.Connection, path: str) -> None:
    """Refuse to write into a file that fails PRAGMA quick_check."""
    try:
        problems = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
    except sqlite3.DatabaseError as exc:
        problems = [str(exc)]
    if problems != ["ok"]:
        conn.close()
        found = "; ".join(" ".join(p.split()) for p in problems)
        raise SystemFailure(f"the database file is corrupt ({found[:300]})", source=path,
                            hint=f"restore it from a backup, or recover what is left with `sqlite3 {path} .recover | "
                                 "sqlite3 NEW.db` and pass --db NEW.db; newsledger does not write into it")


def check(path: str) -> list[str]:
    """PRAGMA integrity_check of the ledger file at `path`, read only: ["ok"] or the problems found."""
    folder_writable = os.access(Path(path).expanduser().resolve().parent, os.W_OK)
    uri = Path(path).expanduser().resolve().as_uri() + ("?mode=ro" if folder_writable else "?mode=ro&immutable=1")
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            return [" ".join(r[0].split()) for r in conn.execute("PRAGMA integrity_check(20)")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]


def fts_query(text: str) -> str:
    """A user's words as an FTS5 query: every word must occur (prefix match on the last one)."""
    words = re.findall(r"\w+", text)
    if not words:
        return ""
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " AND ".join(quoted)
