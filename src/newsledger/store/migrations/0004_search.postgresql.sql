-- Full-text search over articles and event sentences (PostgreSQL: GIN indexes on tsvector expressions,
-- 'simple' configuration: lower-cased words, no stemming, as SQLite's FTS5 default tokenizer).
CREATE INDEX articles_fts ON articles USING GIN (to_tsvector('simple', COALESCE(title, '') || ' ' || text));
CREATE INDEX mentions_fts ON mentions USING GIN (to_tsvector('simple', sentence));
