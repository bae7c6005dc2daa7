-- Full-text search that reads stored word vectors: each sentence's and each article's tsvector is a
-- stored generated column (computed once, on insert), indexed by GIN. The expression indexes of 0004
-- found the matching rows, but ranking them (ts_rank) parsed every matching text again per question,
-- and the planner scanned every article's text when a question's words were common. Same 'simple'
-- configuration and the same texts as 0004, so the same rows match and rank the same.
ALTER TABLE mentions ADD COLUMN sentence_tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', sentence)) STORED;
ALTER TABLE articles ADD COLUMN text_tsv tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', COALESCE(title, '') || ' ' || text)) STORED;
DROP INDEX IF EXISTS mentions_fts;
DROP INDEX IF EXISTS articles_fts;
CREATE INDEX mentions_fts ON mentions USING GIN (sentence_tsv);
CREATE INDEX articles_fts ON articles USING GIN (text_tsv);
