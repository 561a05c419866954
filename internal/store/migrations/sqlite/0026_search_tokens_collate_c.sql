-- PostgreSQL only (its search tokens now compare byte by byte); SQLite's
-- FTS5 index compares its terms as bytes already.
SELECT 1;
