-- Articles as ingested, with their duplicate links, and the inputs that were rejected.
CREATE TABLE articles (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    source       TEXT NOT NULL,
    published    TEXT,
    title        TEXT,
    text         TEXT NOT NULL,
    lang         TEXT NOT NULL,
    text_hash    TEXT NOT NULL,
    minhash      BLOB,
    duplicate_of TEXT REFERENCES articles(id),
    similarity   REAL,
    ingested_at  TEXT NOT NULL,
    extracted_at TEXT
);
CREATE INDEX articles_text_hash ON articles(text_hash);
CREATE INDEX articles_published ON articles(published);
CREATE INDEX articles_pending ON articles(extracted_at, duplicate_of);

CREATE TABLE rejections (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    source    TEXT NOT NULL,
    line      INTEGER NOT NULL DEFAULT 0,
    reason    TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen  TEXT NOT NULL,
    UNIQUE (source, line, reason)
);
