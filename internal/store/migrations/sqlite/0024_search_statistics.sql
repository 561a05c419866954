-- PostgreSQL's migration 0024 raises the statistics kept on the search
-- tokens. SQLite's FTS5 index needs nothing of the kind.
SELECT 1;
