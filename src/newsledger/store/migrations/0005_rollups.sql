-- Views kept in step with the events by each merge (see newsledger/rollups.py), so that timeline
-- and posture answer in milliseconds at millions of events; an order index for event listings.
ALTER TABLE events ADD COLUMN day TEXT;     -- the event's timeline day: its own date to the day, else first report
ALTER TABLE events ADD COLUMN score REAL;   -- newsworthiness: which event sums up a day
CREATE INDEX events_day ON events(day);
ALTER TABLE events ADD COLUMN listing TEXT NOT NULL DEFAULT '~';  -- date, else first report; '~' (after all) if none
UPDATE events SET listing = COALESCE(date, first_reported, '~');
CREATE INDEX events_listing ON events(listing, id);
CREATE INDEX events_type_listing ON events(type, listing, id);
ALTER TABLE event_codes ADD COLUMN listing TEXT NOT NULL DEFAULT '~';  -- the event's, to page by actor in order
UPDATE event_codes SET listing = COALESCE((SELECT e.listing FROM events e WHERE e.id = event_codes.event_id), '~');
CREATE INDEX event_codes_listing ON event_codes(code, role, listing, event_id);

ALTER TABLE mentions ADD COLUMN day_ref TEXT;  -- the day a mention reports on or refers to (salience)
UPDATE mentions SET day_ref = CASE WHEN date_precision = 'day' THEN date
    ELSE (SELECT published FROM articles a WHERE a.id = mentions.article_id) END;
CREATE INDEX mentions_day_ref ON mentions(day_ref);

CREATE TABLE timeline_days (
    key        TEXT NOT NULL,     -- '*', 'T:<type>' or 'A:<actor code>'
    day        TEXT NOT NULL,
    salience   INTEGER NOT NULL,
    n_events   INTEGER NOT NULL,
    types      TEXT NOT NULL,     -- JSON {type: events}
    summary    TEXT NOT NULL,
    best_event TEXT NOT NULL,
    event_ids  TEXT NOT NULL,     -- JSON, the first ids by newsworthiness
    sources    TEXT NOT NULL,     -- JSON, the first sources in order
    n_sources  INTEGER NOT NULL,
    PRIMARY KEY (key, day)
);
CREATE INDEX timeline_days_day ON timeline_days(day);
CREATE INDEX timeline_days_salience ON timeline_days(key, salience, day);

CREATE TABLE posture_lines (
    host          TEXT NOT NULL,
    event_id      TEXT NOT NULL,
    senders       TEXT NOT NULL,  -- JSON list of codes
    mode          TEXT NOT NULL,
    min           INTEGER,
    max           INTEGER,
    approx        INTEGER NOT NULL,
    unit          TEXT,
    status        TEXT,
    last_reported TEXT NOT NULL,  -- '' when unknown (sorts before every date on both engines)
    shared_with   TEXT NOT NULL,  -- JSON list of the other hosts of an unsplit figure
    summary       TEXT NOT NULL,
    sources       TEXT NOT NULL,  -- JSON list
    PRIMARY KEY (host, event_id)
);
CREATE INDEX posture_lines_event ON posture_lines(event_id);
CREATE INDEX posture_lines_recent ON posture_lines(host, last_reported, event_id);

CREATE TABLE posture_totals (
    host      TEXT NOT NULL,
    mode      TEXT NOT NULL,
    min       INTEGER NOT NULL,
    max       INTEGER,            -- NULL: open-ended
    uncertain INTEGER NOT NULL,
    PRIMARY KEY (host, mode)
);
CREATE TABLE posture_hosts (
    host    TEXT PRIMARY KEY,
    n_lines INTEGER NOT NULL
);
