-- Event mentions: one row per event a sentence states; every value keeps its character span.
CREATE TABLE mentions (
    id              TEXT PRIMARY KEY,
    article_id      TEXT NOT NULL REFERENCES articles(id),
    ord             INTEGER NOT NULL,
    type            TEXT NOT NULL,
    mode            TEXT,
    status          TEXT,
    status_start    INTEGER,
    status_end      INTEGER,
    date            TEXT,
    date_end        TEXT,
    date_precision  TEXT,
    date_text       TEXT,
    date_start      INTEGER,
    date_stop       INTEGER,
    loc_text        TEXT,
    loc_country     TEXT,
    loc_name        TEXT,
    loc_lat         REAL,
    loc_lon         REAL,
    loc_start       INTEGER,
    loc_end         INTEGER,
    qty_text        TEXT,
    qty_min         INTEGER,
    qty_max         INTEGER,
    qty_approx      INTEGER,
    qty_unit        TEXT,
    qty_start       INTEGER,
    qty_end         INTEGER,
    attr_text       TEXT,
    attr_code       TEXT,
    attr_start      INTEGER,
    attr_end        INTEGER,
    sentence        TEXT NOT NULL,
    start           INTEGER NOT NULL,
    "end"           INTEGER NOT NULL,
    trigger_start   INTEGER NOT NULL,
    trigger_end     INTEGER NOT NULL,
    confidence      REAL NOT NULL
);
CREATE INDEX mentions_article ON mentions(article_id);
CREATE INDEX mentions_type ON mentions(type);
CREATE INDEX mentions_date ON mentions(date);
CREATE INDEX mentions_country ON mentions(loc_country);

CREATE TABLE mention_entities (
    mention_id  TEXT NOT NULL REFERENCES mentions(id),
    role        TEXT NOT NULL,   -- actor | recipient
    ord         INTEGER NOT NULL,
    text        TEXT NOT NULL,
    code        TEXT NOT NULL,
    kind        TEXT,
    sector      TEXT,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    PRIMARY KEY (mention_id, role, ord)
);
CREATE INDEX mention_entities_code ON mention_entities(code, role);
