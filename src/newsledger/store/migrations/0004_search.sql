-- Full-text search over articles and event sentences (SQLite FTS5, kept in step by triggers).
CREATE VIRTUAL TABLE article_fts USING fts5(title, text, content='articles', content_rowid='seq');
INSERT INTO article_fts(rowid, title, text) SELECT seq, COALESCE(title, ''), text FROM articles;
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO article_fts(rowid, title, text) VALUES (new.seq, COALESCE(new.title, ''), new.text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO article_fts(article_fts, rowid, title, text) VALUES ('delete', old.seq, COALESCE(old.title, ''), old.text);
END;
CREATE VIRTUAL TABLE sentence_fts USING fts5(sentence, content='mentions', content_rowid='rowid');
INSERT INTO sentence_fts(rowid, sentence) SELECT rowid, sentence FROM mentions;
CREATE TRIGGER mentions_fts_insert AFTER INSERT ON mentions BEGIN
    INSERT INTO sentence_fts(rowid, sentence) VALUES (new.rowid, new.sentence);
END;
CREATE TRIGGER mentions_fts_delete AFTER DELETE ON mentions BEGIN
    INSERT INTO sentence_fts(sentence_fts, rowid, sentence) VALUES ('delete', old.rowid, old.sentence);
END
