-- On SQLite, the principal cache watches the WAL-index header instead
-- (store/authwatch.go); nothing to add.
SELECT 1;
