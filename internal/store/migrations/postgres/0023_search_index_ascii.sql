-- SQLite's migration 0023 rebuilds its FTS5 search index with another
-- tokenizer and a larger write buffer. PostgreSQL's GIN index stores the
-- same tokens as they are and keeps its defaults (a larger pending list
-- would make every search scan more of it): nothing to do here.
SELECT 1;
