-- Articles set aside because extraction or merging failed on them (or their date is implausible):
-- the reason is kept, later runs skip them, `newsledger extract --retry-quarantined` tries them again.
CREATE TABLE quarantine (
    article_id     TEXT PRIMARY KEY REFERENCES articles(id),
    stage          TEXT NOT NULL,   -- extract | merge
    reason         TEXT NOT NULL,
    quarantined_at TEXT NOT NULL
);
