"""SQLite backend of the store. Every write of a batch is one transaction."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..exceptions import StoreError
from ..model import Article, Mention, Rejection
from . import codec


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    article: Article
    seq: int
    text_hash: str
    duplicate_of: str | None
    similarity: float | None
    ingested_at: str
    extracted_at: str | None


@dataclass(frozen=True, slots=True)
class ArticleFilter:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    text: str | None = None
    duplicates: bool = False  # include articles recorded as duplicates
    limit: int | None = None
    offset: int = 0


@dataclass(frozen=True, slots=True)
class MentionFilter:
    type: str | None = None
    actor: str | None = None
    recipient: str | None = None
    location: str | None = None
    status: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    article_id: str | None = None
    limit: int | None = None
    offset: int = 0
    unmerged: bool = False  # only mentions not yet merged into an event
    event_id: str | None = None
    ids: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Stats:
    articles: int
    unique_articles: int
    duplicates: int
    extracted: int
    pending: int
    mentions: int
    events: int
    rejections: int
    first_published: str | None
    last_published: str | None
    undated: int
    mentions_by_type: dict[str, int]
    schema_version: int


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every bundled migration, in order."""
    folder = resources.files("newsledger.store") / "migrations"
    out = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            version = int(entry.name.split("_", 1)[0])
            out.append((version, entry.name, entry.read_text(encoding="utf-8")))
    return sorted(out)


class SQLiteStore:
    def __init__(self, path: str, *, readonly: bool = False):
        self.path = path
        self.readonly = readonly
        if readonly:
            self._open_readonly(path)
            return
        if path != ":memory:":
            try:
                Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create the folder for the database: {exc.strerror}", source=path,
                                 hint="pass --db with a writable path or set NEWSLEDGER_DB") from exc
        try:
            self.conn = sqlite3.connect(str(Path(path).expanduser()) if path != ":memory:" else path,
                                        timeout=30, isolation_level=None, check_same_thread=False)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA busy_timeout=30000")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the database: {exc}", source=path,
                             hint="is it an SQLite file? pass another --db") from exc
        self.migrate()

    def _open_readonly(self, path: str) -> None:
        """A reader's connection: no writes, no migrations; the schema must be current."""
        if not Path(path).expanduser().is_file():
            raise StoreError("no ledger database here", source=path, hint="run `newsledger ingest` first")
        try:
            uri = Path(path).expanduser().resolve().as_uri() + "?mode=ro"
            self.conn = sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None, check_same_thread=False)
            self.conn.execute("PRAGMA busy_timeout=30000")
            version = self.schema_version()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the database: {exc}", source=path) from exc
        if version < len(migrations()):
            raise StoreError(f"schema version {version} is older than this newsledger's {len(migrations())}",
                             source=path, hint="open it once for writing (e.g. `newsledger stats`) to upgrade")

    # -- schema -------------------------------------------------------------------------
    def migrate(self) -> int:
        pending = [m for m in migrations() if m[0] > self._applied_max()]
        if not pending:
            return self.schema_version()  # up to date: no write lock taken
        with self.transaction():
            self.conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                              "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
            done = {r[0] for r in self.conn.execute("SELECT version FROM schema_migrations")}
        for version, name, sql in migrations():
            if version in done:
                continue
            with self.transaction():
                for statement in _statements(sql):
                    self.conn.execute(statement)
                self.conn.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", (version, name, _now()))
        return self.schema_version()

    def _applied_max(self) -> int:
        try:
            return self.schema_version()
        except sqlite3.OperationalError:
            return 0

    def schema_version(self) -> int:
        row = self.conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return row[0] or 0

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- articles ---------------------------------------------------------------------
    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        ids = list(ids)
        found: set[str] = set()
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            q = f"SELECT id FROM articles WHERE id IN ({','.join('?' * len(chunk))})"
            found.update(r[0] for r in self.conn.execute(q, chunk))
        return found

    def id_for_hash(self, text_hash: str) -> str | None:
        row = self.conn.execute("SELECT id FROM articles WHERE text_hash = ? AND duplicate_of IS NULL "
                                "ORDER BY seq LIMIT 1", (text_hash,)).fetchone()
        return row[0] if row else None

    def minhashes(self) -> Iterator[tuple[str, bytes]]:
        yield from self.conn.execute("SELECT id, minhash FROM articles WHERE duplicate_of IS NULL "
                                     "AND minhash IS NOT NULL ORDER BY seq")

    def add_articles(self, rows: list[tuple[Article, str, bytes | None, str | None, float | None]],
                     rejections: list[Rejection] = ()) -> int:
        """Insert (article, text_hash, minhash, duplicate_of, similarity) rows and rejections in one
        transaction; rows whose id is already stored are skipped. Returns the number inserted."""
        now = _now()
        added = 0
        with self.transaction() as c:
            for art, text_hash, minhash, dup, sim in rows:
                cur = c.execute(
                    "INSERT OR IGNORE INTO articles (id, source, published, title, text, lang, text_hash, minhash,"
                    " duplicate_of, similarity, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (art.id, art.source, art.published.isoformat() if art.published else None, art.title,
                     art.text, art.lang, text_hash, minhash, dup, sim, now))
                added += cur.rowcount
            self._record_rejections(c, rejections, now)
        return added

    def record_rejections(self, rejections: list[Rejection]) -> None:
        if rejections:
            with self.transaction() as c:
                self._record_rejections(c, rejections, _now())

    @staticmethod
    def _record_rejections(c: sqlite3.Connection, rejections: Iterable[Rejection], now: str) -> None:
        for r in rejections:
            c.execute("INSERT INTO rejections (source, line, reason, first_seen, last_seen) VALUES (?,?,?,?,?) "
                      "ON CONFLICT (source, line, reason) DO UPDATE SET last_seen = excluded.last_seen",
                      (r.source, r.line or 0, r.reason, now, now))

    def articles(self, f: ArticleFilter = ArticleFilter()) -> list[ArticleRecord]:
        where, args = [], []
        if not f.duplicates:
            where.append("duplicate_of IS NULL")
        if f.date_from:
            where.append("published >= ?")
            args.append(f.date_from.isoformat())
        if f.date_to:
            where.append("published <= ?")
            args.append(f.date_to.isoformat())
        if f.text:
            where.append("(text LIKE ? ESCAPE '\\' OR title LIKE ? ESCAPE '\\')")
            pattern = "%" + f.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            args += [pattern, pattern]
        sql = ("SELECT id, source, published, title, text, lang, seq, text_hash, duplicate_of, similarity,"
               " ingested_at, extracted_at FROM articles")
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY published IS NULL, published, seq"
        if f.limit is not None:
            sql += " LIMIT ? OFFSET ?"
            args += [f.limit, f.offset]
        return [_article_record(r) for r in self.conn.execute(sql, args)]

    def article(self, article_id: str) -> ArticleRecord | None:
        row = self.conn.execute("SELECT id, source, published, title, text, lang, seq, text_hash, duplicate_of,"
                                " similarity, ingested_at, extracted_at FROM articles WHERE id = ?",
                                (article_id,)).fetchone()
        return _article_record(row) if row else None

    def search(self, text: str, limit: int = 20, offset: int = 0) -> tuple[list[tuple], list[tuple]]:
        """Full-text search: (article id, published, title, snippet) and (mention id, article id, published,
        sentence) rows, best first."""
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

    def rejections(self) -> list[Rejection]:
        return [Rejection(s, r, l or None) for s, l, r in
                self.conn.execute("SELECT source, line, reason FROM rejections ORDER BY id")]

    # -- extraction -----------------------------------------------------------------------
    def pending_articles(self, limit: int | None = None) -> list[Article]:
        sql = ("SELECT id, source, published, title, text, lang FROM articles "
               "WHERE extracted_at IS NULL AND duplicate_of IS NULL ORDER BY seq")
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [_article(r) for r in self.conn.execute(sql)]

    def save_mentions(self, results: list[tuple[str, list[Mention]]]) -> int:
        """Replace the mentions of each article and mark it extracted, all in one transaction."""
        now = _now()
        n = 0
        with self.transaction() as c:
            for article_id, mentions in results:
                stale = [r[0] for r in c.execute(
                    "SELECT DISTINCT e.event_id FROM event_mentions e JOIN mentions m ON m.id = e.mention_id "
                    "WHERE m.article_id = ?", (article_id,))]
                if stale:  # re-extraction: the events these mentions were in must be merged again
                    self._unmerge(c, stale)
                c.execute("DELETE FROM mention_entities WHERE mention_id IN "
                          "(SELECT id FROM mentions WHERE article_id = ?)", (article_id,))
                c.execute("DELETE FROM mentions WHERE article_id = ?", (article_id,))
                for ord_, m in enumerate(mentions):
                    mid = f"{article_id}:{ord_}"
                    row = codec.mention_row(m, mid, ord_)
                    c.execute(f"INSERT INTO mentions ({','.join(_q(k) for k in row)}) "
                              f"VALUES ({','.join('?' * len(row))})", list(row.values()))
                    for erow in codec.entity_rows(m, mid):
                        c.execute("INSERT INTO mention_entities (mention_id, role, ord, text, code, kind, sector,"
                                  " start, \"end\") VALUES (?,?,?,?,?,?,?,?,?)", erow)
                    n += 1
                c.execute("UPDATE mentions SET ref_date = COALESCE(date, (SELECT published FROM articles "
                          "WHERE id = ?)) WHERE article_id = ?", (article_id, article_id))
                c.execute("UPDATE articles SET extracted_at = ? WHERE id = ?", (now, article_id))
        return n

    def reset_extraction(self) -> None:
        with self.transaction() as c:
            c.execute("DELETE FROM event_codes")
            c.execute("DELETE FROM event_mentions")
            c.execute("DELETE FROM events")
            c.execute("DELETE FROM mention_entities")
            c.execute("DELETE FROM mentions")
            c.execute("UPDATE articles SET extracted_at = NULL")

    def mentions(self, f: MentionFilter = MentionFilter()) -> list[tuple[Mention, ArticleRecord]]:
        where, args = [], []
        for col, val in (("m.type", f.type and f.type.upper()), ("m.status", f.status),
                         ("m.article_id", f.article_id)):
            if val:
                where.append(f"{col} = ?")
                args.append(val)
        if f.location:
            where.append("(m.loc_country = ? OR m.loc_name = ? COLLATE NOCASE OR EXISTS (SELECT 1 FROM "
                         "mention_entities e WHERE e.mention_id = m.id AND e.role = 'recipient' AND e.code = ?))")
            args += [f.location.upper(), f.location, f.location.upper()]
        for role, val in (("actor", f.actor), ("recipient", f.recipient)):
            if val:
                where.append("EXISTS (SELECT 1 FROM mention_entities e WHERE e.mention_id = m.id "
                             "AND e.role = ? AND e.code = ?)")
                args += [role, val.upper()]
        if f.unmerged:
            where.append("NOT EXISTS (SELECT 1 FROM event_mentions x WHERE x.mention_id = m.id)")
        if f.event_id:
            where.append("m.id IN (SELECT mention_id FROM event_mentions WHERE event_id = ?)")
            args.append(f.event_id)
        if f.ids is not None:
            where.append(f"m.id IN ({','.join('?' * len(f.ids))})" if f.ids else "0")
            args += list(f.ids)
        sql, args = _select("SELECT m.*, a.id, a.source, a.published, a.title, a.text, a.lang, a.seq, a.text_hash, "
                            "a.duplicate_of, a.similarity, a.ingested_at, a.extracted_at "
                            "FROM mentions m JOIN articles a ON a.id = m.article_id", where, args, f,
                            "COALESCE(m.date, a.published)", "a.seq, m.ord")
        cur = self.conn.execute(sql, args)
        ncols = len(cur.description) - 12
        names = [d[0] for d in cur.description[:ncols]]
        rows = cur.fetchall()
        entities = self._entities([r[0] for r in rows])
        out = []
        for r in rows:
            m = codec.mention_from_row(dict(zip(names, r[:ncols])), entities.get(r[0], []))
            out.append((m, _article_record(r[ncols:])))
        return out

    def _entities(self, mention_ids: list[str]) -> dict[str, list[tuple]]:
        out: dict[str, list[tuple]] = {}
        for i in range(0, len(mention_ids), 500):
            chunk = mention_ids[i:i + 500]
            q = (f"SELECT mention_id, role, ord, text, code, kind, sector, start, \"end\" FROM mention_entities "
                 f"WHERE mention_id IN ({','.join('?' * len(chunk))}) ORDER BY mention_id, role, ord")
            for row in self.conn.execute(q, chunk):
                out.setdefault(row[0], []).append(row)
        return out

    # -- events ------------------------------------------------------------------------------
    def merge_candidates(self, type_: str, codes: list[str], date_lo: str, date_hi: str) -> list[tuple[str, str]]:
        """(mention id, event id) of merged mentions of `type_` sharing an actor code, dated in range."""
        if not codes:
            return []
        q = ("SELECT DISTINCT m.id, x.event_id FROM mentions m JOIN event_mentions x ON x.mention_id = m.id "
             "JOIN mention_entities e ON e.mention_id = m.id AND e.role = 'actor' "
             f"WHERE m.type = ? AND m.ref_date BETWEEN ? AND ? AND e.code IN ({','.join('?' * len(codes))})")
        return list(self.conn.execute(q, [type_, date_lo, date_hi, *codes]))

    def merged_in_article(self, article_id: str, type_: str) -> list[tuple[str, str]]:
        return list(self.conn.execute(
            "SELECT m.id, x.event_id FROM mentions m JOIN event_mentions x ON x.mention_id = m.id "
            "WHERE m.article_id = ? AND m.type = ?", (article_id, type_)))

    def event_member_ids(self, event_ids: list[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for i in range(0, len(event_ids), 500):
            chunk = event_ids[i:i + 500]
            q = f"SELECT event_id, mention_id FROM event_mentions WHERE event_id IN ({','.join('?' * len(chunk))})"
            for eid, mid in self.conn.execute(q, chunk):
                out.setdefault(eid, []).append(mid)
        return out

    def write_merge(self, members: dict[str, list[str]], events: list, retired: list[str]) -> None:
        """One transaction: drop the `retired` events, then store each new event with its members."""
        with self.transaction() as c:
            self._unmerge(c, retired)
            for ev in events:
                self._unmerge(c, [ev.id])
                c.executemany("INSERT OR REPLACE INTO event_mentions (mention_id, event_id) VALUES (?, ?)",
                              [(mid, ev.id) for mid in members[ev.id]])
                row = codec.event_row(ev)
                c.execute(f"INSERT INTO events ({','.join(_q(k) for k in row)}) VALUES ({','.join('?' * len(row))})",
                          list(row.values()))
                c.executemany("INSERT OR IGNORE INTO event_codes (event_id, role, code) VALUES (?, ?, ?)",
                              [(ev.id, "actor", a) for a in ev.actors] + [(ev.id, "recipient", r) for r in ev.recipients])

    @staticmethod
    def _unmerge(c: sqlite3.Connection, event_ids: list[str]) -> None:
        for i in range(0, len(event_ids), 500):
            chunk = event_ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            c.execute(f"DELETE FROM event_mentions WHERE event_id IN ({marks})", chunk)
            c.execute(f"DELETE FROM event_codes WHERE event_id IN ({marks})", chunk)
            c.execute(f"DELETE FROM events WHERE id IN ({marks})", chunk)

    def events(self, f: MentionFilter = MentionFilter()) -> list:
        """Merged events (summary fields), filtered like mentions: type, actor, recipient, location,
        status, and event date (else first reported) range."""
        where, args = [], []
        for col, val in (("ev.type", f.type and f.type.upper()), ("ev.status", f.status), ("ev.id", f.event_id)):
            if val:
                where.append(f"{col} = ?")
                args.append(val)
        for role, val in (("actor", f.actor), ("recipient", f.recipient)):
            if val:
                where.append("EXISTS (SELECT 1 FROM event_codes c WHERE c.event_id = ev.id AND c.role = ? AND c.code = ?)")
                args += [role, val.upper()]
        if f.location:
            where.append("(ev.loc_country = ? OR ev.loc_name = ? COLLATE NOCASE OR EXISTS (SELECT 1 FROM event_codes c "
                         "WHERE c.event_id = ev.id AND c.role = 'recipient' AND c.code = ?))")
            args += [f.location.upper(), f.location, f.location.upper()]
        sql, args = _select("SELECT * FROM events ev", where, args, f, "COALESCE(ev.date, ev.first_reported)", "ev.id")
        cur = self.conn.execute(sql, args)
        names = [d[0] for d in cur.description]
        return [codec.event_from_row(dict(zip(names, r))) for r in cur.fetchall()]

    # -- summary ----------------------------------------------------------------------------
    def stats(self) -> Stats:
        one = lambda sql: self.conn.execute(sql).fetchone()[0]  # noqa: E731
        by_type = dict(self.conn.execute("SELECT type, COUNT(*) FROM mentions GROUP BY type ORDER BY 2 DESC"))
        return Stats(
            articles=one("SELECT COUNT(*) FROM articles"),
            unique_articles=one("SELECT COUNT(*) FROM articles WHERE duplicate_of IS NULL"),
            duplicates=one("SELECT COUNT(*) FROM articles WHERE duplicate_of IS NOT NULL"),
            extracted=one("SELECT COUNT(*) FROM articles WHERE extracted_at IS NOT NULL"),
            pending=one("SELECT COUNT(*) FROM articles WHERE extracted_at IS NULL AND duplicate_of IS NULL"),
            mentions=one("SELECT COUNT(*) FROM mentions"),
            events=one("SELECT COUNT(*) FROM events"),
            rejections=one("SELECT COUNT(*) FROM rejections"),
            first_published=one("SELECT MIN(published) FROM articles"),
            last_published=one("SELECT MAX(published) FROM articles"),
            undated=one("SELECT COUNT(*) FROM articles WHERE published IS NULL"),
            mentions_by_type=by_type,
            schema_version=self.schema_version(),
        )


def _select(base: str, where: list[str], args: list, f: MentionFilter, date_expr: str, tiebreak: str
            ) -> tuple[str, list]:
    """Add the date range of `f` on `date_expr`, order by it (undated last), and page."""
    if f.date_from:
        where.append(f"{date_expr} >= ?")
        args.append(f.date_from.isoformat())
    if f.date_to:
        where.append(f"{date_expr} <= ?")
        args.append(f.date_to.isoformat())
    sql = base + (" WHERE " + " AND ".join(where) if where else "")
    sql += f" ORDER BY {date_expr} IS NULL, {date_expr}, {tiebreak}"
    if f.limit is not None:
        sql += " LIMIT ? OFFSET ?"
        args = args + [f.limit, f.offset]
    return sql, args


def _q(name: str) -> str:
    return f'"{name}"'


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (trigger bodies keep their inner semicolons)."""
    out, buf = [], ""
    for line in sql.splitlines():
        if line.strip().startswith("--"):
            continue
        buf += line + "\n"
        if sqlite3.complete_statement(buf):
            out.append(buf.strip().rstrip(";"))
            buf = ""
    if buf.strip():
        out.append(buf.strip().rstrip(";"))
    return out


def _article(r) -> Article:
    return Article(id=r[0], source=r[1], published=dt.date.fromisoformat(r[2]) if r[2] else None,
                   title=r[3], text=r[4], lang=r[5])


def _article_record(r) -> ArticleRecord:
    return ArticleRecord(article=_article(r), seq=r[6], text_hash=r[7], duplicate_of=r[8], similarity=r[9],
                         ingested_at=r[10], extracted_at=r[11])


def fts_query(text: str) -> str:
    """A user's words as an FTS5 query: every word must occur (prefix match on the last one)."""
    import re

    words = re.findall(r"\w+", text)
    if not words:
        return ""
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " AND ".join(quoted)
