-- Posture that counts like an analyst (newsledger/tally.py, plausibility.py): each line's layer
-- (reinforcement, buildup, readiness), why it is under review ('' when plausible), how its figure counts
-- (an increment, or a total the evidence states after "bringing the total to"), and whether its date comes
-- from the ingest order (undated articles); totals per layer and mode with pledged / under way / arrived.
-- The views are rebuilt from the events on the next open (rollups.stale).
DELETE FROM posture_lines;
ALTER TABLE posture_lines ADD COLUMN layer TEXT NOT NULL DEFAULT 'reinforcement';
ALTER TABLE posture_lines ADD COLUMN review TEXT NOT NULL DEFAULT '';
ALTER TABLE posture_lines ADD COLUMN increment INTEGER NOT NULL DEFAULT 0;
ALTER TABLE posture_lines ADD COLUMN total_after INTEGER;
ALTER TABLE posture_lines ADD COLUMN undated INTEGER NOT NULL DEFAULT 0;
CREATE INDEX posture_lines_review ON posture_lines(review, last_reported);
DROP TABLE posture_totals;
CREATE TABLE posture_totals (
    host         TEXT NOT NULL,
    layer        TEXT NOT NULL,
    mode         TEXT NOT NULL,
    min          INTEGER NOT NULL,
    max          INTEGER,            -- NULL: open-ended
    uncertain    INTEGER NOT NULL,
    pledged_min  INTEGER NOT NULL,
    pledged_max  INTEGER,
    underway_min INTEGER NOT NULL,
    underway_max INTEGER,
    arrived_min  INTEGER NOT NULL,
    arrived_max  INTEGER,
    PRIMARY KEY (host, layer, mode)
);
DELETE FROM posture_hosts;
UPDATE events SET day = NULL, score = NULL;
