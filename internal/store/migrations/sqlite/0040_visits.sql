-- Visit plans (客户维护, issue #16): plan items generated from each
-- customer's service standard (visit cadence in working days, channel
-- mix), completed by an interaction of the matching kind, escalated by a
-- ladder when overdue; generation runs with their checkpoint; the ladder
-- settings.

CREATE TABLE visit_items (
    id            INTEGER PRIMARY KEY,
    customer_id   INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    owner_id      INTEGER NOT NULL,          -- the account manager responsible
    team_id       INTEGER NOT NULL DEFAULT 0,
    kind          TEXT NOT NULL,             -- visit, phone, message
    period_start  TEXT NOT NULL,             -- YYYY-MM-DD, the period's first working day
    due_on        TEXT NOT NULL,             -- YYYY-MM-DD, the period's last working day
    cadence       INTEGER NOT NULL,          -- working days per period
    scheme_id     INTEGER NOT NULL DEFAULT 0, -- the standard that set the cadence
    level         TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL,             -- open, done, late_done, escalated, returned
    step          INTEGER NOT NULL DEFAULT 0, -- escalation steps taken
    completed_by  INTEGER,                   -- the interaction that completed it
    completed_at  TIMESTAMP,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX visit_items_period ON visit_items (customer_id, kind, period_start);
CREATE INDEX visit_items_owner ON visit_items (owner_id, due_on, id);
CREATE INDEX visit_items_customer ON visit_items (customer_id, due_on, id);
CREATE INDEX visit_items_due ON visit_items (due_on, id);
CREATE INDEX visit_items_status ON visit_items (status, id);

CREATE TABLE visit_runs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,               -- manual, nightly
    from_day    TEXT NOT NULL,
    to_day      TEXT NOT NULL,
    status      TEXT NOT NULL,               -- queued, running, done, failed
    checkpoint  INTEGER NOT NULL DEFAULT 0,  -- the last customer id done
    customers   INTEGER NOT NULL DEFAULT 0,
    created     INTEGER NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT '',
    lease_until TIMESTAMP,
    created_at  TIMESTAMP NOT NULL,
    created_by  TEXT NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX visit_runs_status ON visit_runs (status, id);
CREATE INDEX visit_runs_day ON visit_runs (kind, from_day, id);

CREATE TABLE visit_settings (
    id             INTEGER PRIMARY KEY,     -- always 1
    body           TEXT NOT NULL,           -- JSON: the escalation ladder
    version        INTEGER NOT NULL,
    escalated_on   TEXT NOT NULL DEFAULT '', -- the last day the ladder was worked (China)
    updated_at     TIMESTAMP NOT NULL,
    updated_by     TEXT NOT NULL
);
INSERT INTO visit_settings (id, body, version, updated_at, updated_by) VALUES (1,
    '{"steps":[{"action":"remind","after_working_days":0},{"action":"copy_manager","after_working_days":3},{"action":"return","after_working_days":10}]}',
    1, '2026-12-01 00:00:00', 'system:migration');
