-- Customer imports from CSV and XLSX. An import is a job: its uploaded
-- file is kept in the database in 1 MiB chunks (streamed back when the job
-- runs, backed up with everything else, seen by every kehu instance), its
-- report lists each bad row, and its progress (rows_done, the last data row
-- whose batch is committed) is written in the same transaction as each
-- batch, so a killed job resumes after the last whole batch.
CREATE TABLE imports (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL DEFAULT 'customers' CHECK (kind IN ('customers')),
    status        TEXT NOT NULL CHECK (status IN ('uploading', 'checking', 'checked', 'committing', 'done', 'failed')),
    mode          TEXT NOT NULL DEFAULT '' CHECK (mode IN ('', 'all', 'valid_only')),
    file_name     TEXT NOT NULL,
    file_type     TEXT NOT NULL CHECK (file_type IN ('csv', 'xlsx')),
    file_size     INTEGER NOT NULL DEFAULT 0,
    file_hash     TEXT NOT NULL DEFAULT '',
    file_path     TEXT NOT NULL DEFAULT '', -- a local file (command line); '' when the file is in import_chunks
    mapping       TEXT NOT NULL DEFAULT '{}',
    columns       TEXT NOT NULL DEFAULT '[]',
    lang          TEXT NOT NULL DEFAULT 'zh-CN',
    created_by    INTEGER NOT NULL REFERENCES users (id),
    total_rows    INTEGER NOT NULL DEFAULT 0,
    bad_rows      INTEGER NOT NULL DEFAULT 0,
    checked_rows  INTEGER NOT NULL DEFAULT 0,
    checked_bytes INTEGER NOT NULL DEFAULT 0,
    rows_done     INTEGER NOT NULL DEFAULT 0,
    inserted      INTEGER NOT NULL DEFAULT 0,
    skipped       INTEGER NOT NULL DEFAULT 0,
    batches       INTEGER NOT NULL DEFAULT 0,
    message       TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP
);
CREATE INDEX imports_creator ON imports (created_by, id);
CREATE INDEX imports_hash ON imports (file_hash);

CREATE TABLE import_chunks (
    import_id INTEGER NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,
    data      BLOB NOT NULL,
    PRIMARY KEY (import_id, seq)
);

-- The report: one line per problem of a row (a row may have several).
-- phase is check (the dry run) or commit (found while committing).
CREATE TABLE import_errors (
    id        INTEGER PRIMARY KEY,
    import_id INTEGER NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    phase     TEXT NOT NULL CHECK (phase IN ('check', 'commit')),
    row_no    INTEGER NOT NULL,
    col       TEXT NOT NULL DEFAULT '',
    field     TEXT NOT NULL DEFAULT '',
    code      TEXT NOT NULL,
    message   TEXT NOT NULL
);
CREATE INDEX import_errors_import ON import_errors (import_id, phase, row_no);

-- Which import, and which row of its file, a customer came from.
ALTER TABLE customers ADD COLUMN import_id INTEGER;
ALTER TABLE customers ADD COLUMN import_row INTEGER;
