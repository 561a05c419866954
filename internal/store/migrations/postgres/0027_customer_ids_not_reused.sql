-- SQLite only (see its 0027): PostgreSQL's sequence never hands a
-- customer ID out twice.
SELECT 1;
