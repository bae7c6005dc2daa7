-- The force posture as known on each past day (replay, `posture --at`, questions with a date), kept in
-- step by each merge like the other views (newsledger/rollups.py): one row per deployment event, host and
-- stretch of days over which what the ledger knew of that event stayed the same. A row holds from
-- known_from (the day the articles it is built from were all published) until the day before known_until
-- (the next article on that event; '' while it is the latest). Built on the next open (rollups.stale).
CREATE TABLE posture_history (
    known_from    TEXT NOT NULL,
    known_until   TEXT NOT NULL,  -- '' while the event's latest article is the last one it is built from
    host          TEXT NOT NULL,
    event_id      TEXT NOT NULL,
    senders       TEXT NOT NULL,
    mode          TEXT NOT NULL,
    min           INTEGER,
    max           INTEGER,
    approx        INTEGER NOT NULL,
    unit          TEXT,
    status        TEXT,
    last_reported TEXT NOT NULL,
    shared_with   TEXT NOT NULL,
    summary       TEXT NOT NULL,
    sources       TEXT NOT NULL,
    layer         TEXT NOT NULL,
    review        TEXT NOT NULL,
    increment     INTEGER NOT NULL,
    total_after   INTEGER,
    undated       INTEGER NOT NULL,
    PRIMARY KEY (event_id, host, known_from)
);
CREATE INDEX posture_history_from ON posture_history(known_from);
-- covers the day's hosts and each host's latest lines, so the wide rows are read only for the lines listed
CREATE INDEX posture_history_recent ON posture_history(host, last_reported, event_id, known_from, known_until, review, layer);
-- The totals of those lines per host, layer and mode over each stretch of days they stayed the same
-- (readiness and lines under review apart, as in posture_totals).
CREATE TABLE posture_history_totals (
    host         TEXT NOT NULL,
    layer        TEXT NOT NULL,
    mode         TEXT NOT NULL,
    known_from   TEXT NOT NULL,
    known_until  TEXT NOT NULL,
    min          INTEGER NOT NULL,
    max          INTEGER,
    uncertain    INTEGER NOT NULL,
    pledged_min  INTEGER NOT NULL,
    pledged_max  INTEGER,
    underway_min INTEGER NOT NULL,
    underway_max INTEGER,
    arrived_min  INTEGER NOT NULL,
    arrived_max  INTEGER,
    PRIMARY KEY (host, layer, mode, known_from)
);
CREATE INDEX posture_history_totals_from ON posture_history_totals(known_from);
UPDATE events SET day = NULL, score = NULL;
