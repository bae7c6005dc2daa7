-- The ledger: mentions of the same real-world event merged across articles.
-- event_mentions is the clustering (a union of compatible mentions); events holds each cluster's
-- merged fields, recomputed whenever its mentions change. Status history, figures over time and
-- conflicts are derived from the mentions on read.
ALTER TABLE mentions ADD COLUMN ref_date TEXT;
UPDATE mentions SET ref_date = COALESCE(date, (SELECT published FROM articles a WHERE a.id = mentions.article_id));
CREATE INDEX mentions_block ON mentions(type, ref_date);

CREATE TABLE events (
    id               TEXT PRIMARY KEY,
    type             TEXT NOT NULL,
    mode             TEXT,
    actors           TEXT NOT NULL,
    recipients       TEXT NOT NULL,
    loc_country      TEXT,
    loc_name         TEXT,
    loc_lat          REAL,
    loc_lon          REAL,
    date             TEXT,
    date_precision   TEXT,
    first_reported   TEXT,
    last_reported    TEXT,
    status           TEXT,
    qty_min          INTEGER,
    qty_max          INTEGER,
    qty_approx       INTEGER,
    qty_unit         TEXT,
    n_mentions       INTEGER NOT NULL,
    n_sources        INTEGER NOT NULL,
    n_conflicts      INTEGER NOT NULL,
    summary          TEXT NOT NULL,
    summary_mention  TEXT NOT NULL,
    confidence       REAL NOT NULL
);
CREATE INDEX events_type ON events(type);
CREATE INDEX events_date ON events(date, first_reported);
CREATE INDEX events_country ON events(loc_country);

CREATE TABLE event_mentions (
    mention_id  TEXT PRIMARY KEY REFERENCES mentions(id),
    event_id    TEXT NOT NULL
);
CREATE INDEX event_mentions_event ON event_mentions(event_id);

CREATE TABLE event_codes (
    event_id  TEXT NOT NULL,
    role      TEXT NOT NULL,   -- actor | recipient
    code      TEXT NOT NULL,
    PRIMARY KEY (event_id, role, code)
);
CREATE INDEX event_codes_code ON event_codes(code, role);
