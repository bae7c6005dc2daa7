"""The store's logic, shared by its backends (SQLite, PostgreSQL): one SQL dialect-neutral class.

Every write of a batch is one transaction. Backends supply the connection (with `?` placeholders),
how a write transaction begins, full-text search, and any migration that differs by dialect.
Queries here stay in the SQL both engines accept (UPSERT with ON CONFLICT, no ROWID, no COLLATE).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import NamedTuple

from .. import rollups
from ..exceptions import StaleSchemaError, StoreError
from ..model import Article, Mention, Rejection
from . import codec
from .errors import explain
from .quarantine import QuarantineStore
from .schema import migrations, statements


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
class TextMatch:
    """A sentence (of an event mention; `mention_id` None for an article's text) that matches a search."""
    sentence: str
    source: str
    published: str | None
    mention_id: str | None


@dataclass(frozen=True, slots=True)
class ArticleMatch:
    """An article that matches a search, with its text (the caller picks the best sentence)."""
    title: str | None
    text: str
    source: str
    published: str | None


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
    unmerged: bool = False  # only mentions not yet merged, of articles not quarantined; no article texts
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
    quarantined: int
    first_published: str | None
    last_published: str | None
    undated: int
    mentions_by_type: dict[str, int]
    schema_version: int


class ArticleRow(NamedTuple):
    """An article as ingest stores it: with its exact-duplicate key, MinHash signature, and the original
    it duplicates (and how closely), if any."""

    article: Article
    text_hash: str
    minhash: bytes | None
    duplicate_of: str | None
    similarity: float | None


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class Store(QuarantineStore):
    """The ledger store. Use `open_store`; subclasses connect (`SQLiteStore`, `PostgresStore`)."""

    dialect = "sqlite"
    conn: sqlite3.Connection  # or a connection with the same execute/executemany interface

    def __init__(self, location: str, *, readonly: bool = False):
        self.path = location
        self.display = location  # how messages name it (a server URL without its password)
        self.readonly = readonly
        self.conn = self._connect(location, readonly)
        if not readonly:
            self.migrate()
            return
        version = self.schema_version() if self._has_table("schema_migrations") else 0
        if version < len(migrations(self.dialect)):
            self.conn.close()
            raise StaleSchemaError(f"schema version {version} is older than this newsledger's "
                                   f"{len(migrations(self.dialect))}", source=location,
                                   hint="open it once for writing (e.g. `newsledger extract`) to upgrade")

    # -- what a backend supplies ------------------------------------------------------------
    def _connect(self, location: str, readonly: bool):
        """An open connection whose execute/executemany take `?` placeholders; readers' cannot write."""
        raise NotImplementedError

    def _has_table(self, name: str) -> bool:
        raise NotImplementedError

    def _begin(self) -> None:
        """Start a write transaction; writers are serialised (one at a time, like SQLite's)."""
        raise NotImplementedError

    def search(self, text: str, limit: int = 20, offset: int = 0) -> tuple[list[tuple], list[tuple]]:
        """Full-text search: (article id, published, title, snippet) and (mention id, article id, published,
        sentence) rows, best first."""
        raise NotImplementedError

    def match_any(self, words: list[str], k: int) -> tuple[list[TextMatch], list[ArticleMatch]]:
        """Ranked retrieval for questions: event sentences (at most `k`) and articles (at most `k` // 4,
        not duplicates) containing ANY of `words`, best first (BM25 on SQLite, ts_rank on PostgreSQL)."""
        raise NotImplementedError

    # -- schema -------------------------------------------------------------------------
    def migrate(self) -> int:
        applied = self.schema_version() if self._has_table("schema_migrations") else 0
        if not any(m[0] > applied for m in migrations(self.dialect)):
            return applied  # up to date: no write lock taken
        with self.transaction():
            self.conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                              "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
            done = {r[0] for r in self.conn.execute("SELECT version FROM schema_migrations")}
        for version, name, sql in migrations(self.dialect):
            if version in done:
                continue
            with self.transaction():
                if version in {r[0] for r in self.conn.execute("SELECT version FROM schema_migrations")}:
                    continue  # another writer applied it while we waited for the lock
                for statement in statements(sql):
                    self.conn.execute(statement)
                self.conn.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", (version, name, _now()))
        if rollups.stale(self):  # events made before the views existed: sum them up once
            rollups.rebuild(self)
        return self.schema_version()

    def schema_version(self) -> int:
        row = self.conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return row[0] or 0

    @contextmanager
    def transaction(self):
        try:
            self._begin()
            try:
                yield self.conn
            except BaseException:
                with suppress(Exception):  # a failed write may have ended the transaction already
                    self.conn.execute("ROLLBACK")
                raise
            else:
                self.conn.execute("COMMIT")
        except Exception as exc:  # disk full, read-only or corrupt file: say so, with the fix
            failure = explain(exc, self.display)
            if failure is None:
                raise
            raise failure from exc

    def close(self) -> None:
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- articles ---------------------------------------------------------------------
    def stored_hashes(self, ids: Iterable[str]) -> dict[str, str]:
        """The text hash of each of `ids` that is already stored."""
        ids = list(ids)
        found: dict[str, str] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            q = f"SELECT id, text_hash FROM articles WHERE id IN ({','.join('?' * len(chunk))})"
            found.update((r[0], r[1]) for r in self.conn.execute(q, chunk))
        return found

    def id_for_hash(self, text_hash: str) -> str | None:
        row = self.conn.execute("SELECT id FROM articles WHERE text_hash = ? AND duplicate_of IS NULL "
                                "ORDER BY seq LIMIT 1", (text_hash,)).fetchone()
        return row[0] if row else None

    def minhashes(self, after: int = 0) -> Iterator[tuple[int, str, bytes]]:
        """(seq, id, minhash) of the unique stored articles whose seq is above `after`, in seq order."""
        yield from self.conn.execute("SELECT seq, id, minhash FROM articles WHERE seq > ? AND duplicate_of IS NULL "
                                     "AND minhash IS NOT NULL ORDER BY seq", (after,))

    def add_articles(self, rows: list[ArticleRow], rejections: list[Rejection] = ()) -> int:
        """Insert `rows` and `rejections` in one transaction; rows whose id is already stored are skipped.
        Returns the number inserted."""
        return self.add_decided(lambda: rows, rejections)

    def add_decided(self, decide: Callable[[], list[ArticleRow]], rejections: list[Rejection] = ()) -> int:
        """`add_articles` of the rows `decide()` returns, called inside the write transaction once the
        write lock is held: what it reads of the store (ids, hashes, signatures of stored articles)
        includes everything other writers committed, and nothing is committed between its reads and
        the insert. So two ingests running at once cannot both store one text as an original."""
        now = _now()
        added = 0
        with self.transaction() as c:
            for art, text_hash, minhash, dup, sim in decide():
                cur = c.execute(
                    "INSERT INTO articles (id, source, published, title, text, lang, text_hash, minhash,"
                    " duplicate_of, similarity, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
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
    def _record_rejections(c, rejections: Iterable[Rejection], now: str) -> None:
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

    def rejections(self) -> list[Rejection]:
        return [Rejection(s, r, l or None) for s, l, r in
                self.conn.execute("SELECT source, line, reason FROM rejections ORDER BY id")]

    # -- extraction -----------------------------------------------------------------------
    def pending_articles(self, limit: int | None = None) -> list[Article]:
        sql = ("SELECT id, source, published, title, text, lang FROM articles "
               "WHERE extracted_at IS NULL AND duplicate_of IS NULL "
               "AND NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.article_id = articles.id) ORDER BY seq")
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
                    days = rollups.touched_days(c, stale)
                    self._unmerge(c, stale)
                    rollups.refresh(c, removed=stale, events=[], days=days, mentions={})
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
                c.execute("UPDATE mentions SET day_ref = CASE WHEN date_precision = 'day' THEN date ELSE "
                          "(SELECT published FROM articles WHERE id = ?) END WHERE article_id = ?",
                          (article_id, article_id))
                c.execute("UPDATE articles SET extracted_at = ? WHERE id = ?", (now, article_id))
        return n

    def reset_extraction(self) -> None:
        with self.transaction() as c:
            for table in rollups.VIEWS:
                c.execute(f"DELETE FROM {table}")
            c.execute("DELETE FROM event_codes")
            c.execute("DELETE FROM event_mentions")
            c.execute("DELETE FROM events")
            c.execute("DELETE FROM mention_entities")
            c.execute("DELETE FROM mentions")
            c.execute("UPDATE articles SET extracted_at = NULL")
            c.execute("DELETE FROM quarantine")

    def mentions(self, f: MentionFilter = MentionFilter()) -> list[tuple[Mention, ArticleRecord]]:
        where, args = [], []
        for col, val in (("m.type", f.type and f.type.upper()), ("m.status", f.status),
                         ("m.article_id", f.article_id)):
            if val:
                where.append(f"{col} = ?")
                args.append(val)
        if f.location:
            where.append("(m.loc_country = ? OR lower(m.loc_name) = lower(?) OR EXISTS (SELECT 1 FROM "
                         "mention_entities e WHERE e.mention_id = m.id AND e.role = 'recipient' AND e.code = ?))")
            args += [f.location.upper(), f.location, f.location.upper()]
        for role, val in (("actor", f.actor), ("recipient", f.recipient)):
            if val:
                where.append("EXISTS (SELECT 1 FROM mention_entities e WHERE e.mention_id = m.id "
                             "AND e.role = ? AND e.code = ?)")
                args += [role, val.upper()]
        if f.unmerged:
            where += ["NOT EXISTS (SELECT 1 FROM event_mentions x WHERE x.mention_id = m.id)",
                      "NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.article_id = m.article_id)"]
        if f.event_id:
            where.append("m.id IN (SELECT mention_id FROM event_mentions WHERE event_id = ?)")
            args.append(f.event_id)
        if f.ids is not None:
            where.append(f"m.id IN ({','.join('?' * len(f.ids))})" if f.ids else "0")
            args += list(f.ids)
        # the text of each article is read once (below), never once per mention row, nor sorted with them
        cols = ", ".join("m." + _q(c) for c in codec.MENTION_COLUMNS)
        sql, args = _select(f"SELECT {cols}, a.id, a.source, a.published, a.title, '' AS text, a.lang, a.seq, a.text_hash, "
                            "a.duplicate_of, a.similarity, a.ingested_at, a.extracted_at "
                            "FROM mentions m JOIN articles a ON a.id = m.article_id", where, args, f,
                            "COALESCE(m.date, a.published)", "a.seq, m.ord")
        cur = self.conn.execute(sql, args)
        ncols = len(cur.description) - 12
        names = [d[0] for d in cur.description[:ncols]]
        rows = cur.fetchall()
        entities = self._entities([r[0] for r in rows])
        texts = {} if f.unmerged else self._texts({r[ncols] for r in rows})
        out = []
        for r in rows:
            m = codec.mention_from_row(dict(zip(names, r[:ncols])), entities.get(r[0], []))
            art = r[ncols:]
            out.append((m, _article_record((*art[:4], texts.get(art[0], ""), *art[5:]))))
        return out

    def _texts(self, article_ids: set[str]) -> dict[str, str]:
        ids, out = sorted(article_ids), {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            out.update(self.conn.execute(f"SELECT id, text FROM articles WHERE id IN ({','.join('?' * len(chunk))})",
                                         chunk))
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
    def merge_neighbours(self, type_: str, codes: list[str], day_lo: str | None, day_hi: str | None
                         ) -> list[tuple[str, str]]:
        """(mention id, event id) of merged mentions of `type_` sharing an actor code, whose day (`day_ref`)
        is in range or unknown; any day when `day_lo` is None."""
        if not codes:
            return []
        q = ("SELECT DISTINCT m.id, x.event_id FROM mentions m JOIN event_mentions x ON x.mention_id = m.id "
             "JOIN mention_entities e ON e.mention_id = m.id AND e.role = 'actor' "
             f"WHERE m.type = ? AND e.code IN ({','.join('?' * len(codes))})")
        args = [type_, *codes]
        if day_lo is not None:
            q += " AND (m.day_ref BETWEEN ? AND ? OR m.day_ref IS NULL)"
            args += [day_lo, day_hi]
        return list(self.conn.execute(q, args))

    def event_member_ids(self, event_ids: list[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for i in range(0, len(event_ids), 500):
            chunk = event_ids[i:i + 500]
            q = f"SELECT event_id, mention_id FROM event_mentions WHERE event_id IN ({','.join('?' * len(chunk))})"
            for eid, mid in self.conn.execute(q, chunk):
                out.setdefault(eid, []).append(mid)
        return out

    def write_merge(self, members: dict[str, list[str]], events: list, retired: list[str],
                    rows: Mapping[str, tuple]) -> None:
        """One transaction: drop the `retired` events, then store each new event with its members, and
        bring the pre-aggregated views (rollups.py) in step for what changed. `rows`: (Mention,
        ArticleRecord) of every member, by mention id (the posture history rebuilds events from them)."""
        with self.transaction() as c:
            days = rollups.touched_days(c, [*retired, *(ev.id for ev in events)])
            self._unmerge(c, retired)
            for ev in events:
                self._unmerge(c, [ev.id])
                c.executemany("INSERT INTO event_mentions (mention_id, event_id) VALUES (?, ?) "
                              "ON CONFLICT (mention_id) DO UPDATE SET event_id = excluded.event_id",
                              [(mid, ev.id) for mid in members[ev.id]])
                row = codec.event_row(ev)
                c.execute(f"INSERT INTO events ({','.join(_q(k) for k in row)}) VALUES ({','.join('?' * len(row))})",
                          list(row.values()))
                c.executemany("INSERT INTO event_codes (event_id, role, code, listing) VALUES (?, ?, ?, ?) "
                              "ON CONFLICT DO NOTHING", [(ev.id, role, code, row["listing"]) for role, codes in
                                                         (("actor", ev.actors), ("recipient", ev.recipients))
                                                         for code in codes])
            days |= rollups.touched_days(c, [ev.id for ev in events])
            mentions = {ev.id: [rows[m] for m in members[ev.id]] for ev in events if ev.type == "MOBILIZE"}
            rollups.refresh(c, removed=retired, events=events, days=days, mentions=mentions)

    @staticmethod
    def _unmerge(c, event_ids: list[str]) -> None:
        for i in range(0, len(event_ids), 500):
            chunk = event_ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            c.execute(f"DELETE FROM event_mentions WHERE event_id IN ({marks})", chunk)
            c.execute(f"DELETE FROM event_codes WHERE event_id IN ({marks})", chunk)
            c.execute(f"DELETE FROM events WHERE id IN ({marks})", chunk)

    def events(self, f: MentionFilter = MentionFilter()) -> list:
        """Merged events (summary fields), filtered like mentions: type, actor, recipient, location,
        status, and event date (else first reported) range; listed by that date (undated last), then id.

        The listing key is stored (`events.listing`, and beside each code in `event_codes`), so a page
        of a million-event ledger is read in index order: by actor from (code, role, listing)."""
        where, args = [], []
        base = "SELECT ev.* FROM events ev"
        key, tiebreak = "ev.listing", "ev.id"
        if f.actor:
            base = "SELECT ev.* FROM event_codes a JOIN events ev ON ev.id = a.event_id"
            where.append("a.code = ? AND a.role = 'actor'")
            args.append(f.actor.upper())
            key, tiebreak = "a.listing", "a.event_id"
        for col, val in (("ev.type", f.type and f.type.upper()), ("ev.status", f.status), ("ev.id", f.event_id)):
            if val:
                where.append(f"{col} = ?")
                args.append(val)
        if f.recipient:
            where.append("EXISTS (SELECT 1 FROM event_codes c WHERE c.event_id = ev.id AND c.role = 'recipient' "
                         "AND c.code = ?)")
            args.append(f.recipient.upper())
        if f.location:
            where.append("(ev.loc_country = ? OR lower(ev.loc_name) = lower(?) OR EXISTS (SELECT 1 FROM event_codes c "
                         "WHERE c.event_id = ev.id AND c.role = 'recipient' AND c.code = ?))")
            args += [f.location.upper(), f.location, f.location.upper()]
        if f.date_from:
            where.append(f"{key} >= ? AND {key} < ?")
            args += [f.date_from.isoformat(), codec.UNDATED]
        if f.date_to:
            where.append(f"{key} <= ?")
            args.append(f.date_to.isoformat())
        sql = base + (" WHERE " + " AND ".join(where) if where else "") + f" ORDER BY {key}, {tiebreak}"
        if f.limit is not None:
            sql += " LIMIT ? OFFSET ?"
            args += [f.limit, f.offset]
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
            pending=one("SELECT COUNT(*) FROM articles WHERE extracted_at IS NULL AND duplicate_of IS NULL AND NOT "
                        "EXISTS (SELECT 1 FROM quarantine q WHERE q.article_id = articles.id)"),
            mentions=one("SELECT COUNT(*) FROM mentions"),
            events=one("SELECT COUNT(*) FROM events"),
            rejections=one("SELECT COUNT(*) FROM rejections"),
            quarantined=one("SELECT COUNT(*) FROM quarantine"),
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


def _article(r) -> Article:
    return Article(id=r[0], source=r[1], published=dt.date.fromisoformat(r[2]) if r[2] else None,
                   title=r[3], text=r[4], lang=r[5])


def _article_record(r) -> ArticleRecord:
    return ArticleRecord(article=_article(r), seq=r[6], text_hash=r[7], duplicate_of=r[8], similarity=r[9],
                         ingested_at=r[10], extracted_at=r[11])
