-- Customer tiering (客户分级, issue #16): schemes as data, each save a new
-- version; each customer's current tier per scheme with the hysteresis
-- state; the effective-dated history keeping the inputs that produced each
-- tier; watch flags (重点关注); recalculation runs with their checkpoint;
-- service standards per scheme level.

-- The monthly sales aggregate the sales module keeps (migrations 0035/0036
-- create it; this is the same contract, for a database where they have not
-- run yet).
CREATE TABLE IF NOT EXISTS customer_sales_months (
    customer_id INTEGER NOT NULL,
    month       TEXT NOT NULL,
    shard       INTEGER NOT NULL,
    lines       INTEGER NOT NULL DEFAULT 0,
    quantity    INTEGER NOT NULL DEFAULT 0,
    amount_fen  INTEGER NOT NULL DEFAULT 0,
    last_date   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (customer_id, month, shard)
);

CREATE TABLE tier_schemes (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1,
    version    INTEGER NOT NULL,
    body       TEXT NOT NULL, -- the scheme as JSON (names, window, periods, levels, weights)
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE TABLE tier_scheme_versions (
    scheme_id  INTEGER NOT NULL REFERENCES tier_schemes (id),
    version    INTEGER NOT NULL,
    body       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (scheme_id, version)
);

CREATE TABLE customer_tiers (
    scheme_id       INTEGER NOT NULL REFERENCES tier_schemes (id),
    customer_id     INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    level           TEXT NOT NULL,          -- the effective level
    since           TIMESTAMP NOT NULL,
    source          TEXT NOT NULL,          -- calc, override, flag
    inputs          TEXT NOT NULL,          -- JSON: what produced it
    computed        TEXT NOT NULL DEFAULT '', -- the level computed and held (hysteresis)
    pending         TEXT NOT NULL DEFAULT '',
    pending_count   INTEGER NOT NULL DEFAULT 0,
    last_period     TEXT NOT NULL DEFAULT '',
    override_level  TEXT NOT NULL DEFAULT '',
    override_reason TEXT NOT NULL DEFAULT '',
    override_until  TIMESTAMP,
    override_by     TEXT NOT NULL DEFAULT '',
    run_id          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (scheme_id, customer_id)
);
CREATE INDEX customer_tiers_customer ON customer_tiers (customer_id, scheme_id);
CREATE INDEX customer_tiers_level ON customer_tiers (scheme_id, level, customer_id);

CREATE TABLE tier_history (
    id             INTEGER PRIMARY KEY,
    scheme_id      INTEGER NOT NULL REFERENCES tier_schemes (id),
    scheme_version INTEGER NOT NULL,
    customer_id    INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    level          TEXT NOT NULL,
    previous       TEXT NOT NULL DEFAULT '',
    source         TEXT NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    inputs         TEXT NOT NULL,
    effective_from TIMESTAMP NOT NULL,
    effective_to   TIMESTAMP,
    run_id         INTEGER NOT NULL DEFAULT 0,
    created_by     TEXT NOT NULL
);
CREATE INDEX tier_history_customer ON tier_history (customer_id, id);
CREATE INDEX tier_history_scheme ON tier_history (customer_id, scheme_id, id);

CREATE TABLE tier_flags (
    customer_id INTEGER PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    reason      TEXT NOT NULL,
    set_at      TIMESTAMP NOT NULL,
    set_by      TEXT NOT NULL
);

CREATE TABLE tier_runs (
    id          INTEGER PRIMARY KEY,
    scheme_id   INTEGER NOT NULL REFERENCES tier_schemes (id),
    scheme_version INTEGER NOT NULL,
    kind        TEXT NOT NULL,               -- manual, nightly
    day         TEXT NOT NULL,               -- the day computed, YYYY-MM-DD (China)
    status      TEXT NOT NULL,               -- queued, running, done, failed
    params      TEXT NOT NULL DEFAULT '',    -- JSON: the population's figures, once prepared
    total       INTEGER NOT NULL DEFAULT 0,
    done        INTEGER NOT NULL DEFAULT 0,
    moved       INTEGER NOT NULL DEFAULT 0,
    checkpoint  INTEGER NOT NULL DEFAULT 0,  -- the last customer id done
    error       TEXT NOT NULL DEFAULT '',
    lease_until TIMESTAMP,
    created_at  TIMESTAMP NOT NULL,
    created_by  TEXT NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX tier_runs_status ON tier_runs (status, id);
CREATE INDEX tier_runs_scheme ON tier_runs (scheme_id, kind, day);

CREATE TABLE service_standards (
    scheme_id          INTEGER NOT NULL REFERENCES tier_schemes (id),
    level              TEXT NOT NULL,
    dedicated_manager  INTEGER NOT NULL DEFAULT 0,
    one_to_one         INTEGER NOT NULL DEFAULT 0,
    visit_every_days   INTEGER NOT NULL DEFAULT 0, -- working days; 0: no visits planned
    channel_visit      INTEGER NOT NULL DEFAULT 0, -- the channel mix, percent
    channel_phone      INTEGER NOT NULL DEFAULT 0,
    channel_message    INTEGER NOT NULL DEFAULT 0,
    reply_hours        INTEGER NOT NULL DEFAULT 0, -- complaint deadlines for the tier; 0: the complaint rules'
    solution_days      INTEGER NOT NULL DEFAULT 0,
    updated_at         TIMESTAMP NOT NULL,
    updated_by         TEXT NOT NULL,
    PRIMARY KEY (scheme_id, level)
);
