-- Leads (潜在客户) and the public pool (公海), issue #16 point 6.
--
-- A lead is a prospect marketing found: company, contact, mobile (sealed
-- as contacts' mobiles are: ciphertext, blind index, last four), source
-- channel, status; assigned by marketing or a sales manager, or claimed by
-- an account manager; converted into a customer through the customer
-- archive's duplicate checks. Its history is lead_events.
CREATE TABLE leads (
    id           INTEGER PRIMARY KEY,
    company_name TEXT NOT NULL,
    contact_name TEXT NOT NULL DEFAULT '',
    mobile_enc   TEXT NOT NULL DEFAULT '',
    mobile_idx   TEXT NOT NULL DEFAULT '',
    mobile_last4 TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL,
    notes        TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES users (id),
    assignee_id  INTEGER REFERENCES users (id),
    customer_id  INTEGER REFERENCES customers (id) ON DELETE SET NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX leads_status ON leads (status, id);
CREATE INDEX leads_assignee ON leads (assignee_id, id);
CREATE INDEX leads_customer ON leads (customer_id) WHERE customer_id IS NOT NULL;
CREATE INDEX leads_mobile ON leads (mobile_idx) WHERE mobile_idx <> '';

CREATE TABLE lead_events (
    id      INTEGER PRIMARY KEY,
    lead_id INTEGER NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    at      TIMESTAMP NOT NULL,
    kind    TEXT NOT NULL,            -- created, updated, assigned, claimed, converted, ...
    actor   TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT '{}' -- JSON
);
CREATE INDEX lead_events_lead ON lead_events (lead_id, id);

-- Pool rules: per tier level (scheme_id, level) or the default (0, '').
CREATE TABLE pool_rules (
    id            INTEGER PRIMARY KEY,
    scheme_id     INTEGER NOT NULL DEFAULT 0,
    level         TEXT NOT NULL DEFAULT '',
    days          INTEGER NOT NULL,   -- days without follow-up before it returns
    notice_days   INTEGER NOT NULL,   -- the owner is told this many days before
    cap           INTEGER NOT NULL,   -- customers an account manager may hold (0: no cap)
    cooldown_days INTEGER NOT NULL,   -- days before the same manager may reclaim
    version       INTEGER NOT NULL DEFAULT 1,
    updated_at    TIMESTAMP NOT NULL,
    updated_by    TEXT NOT NULL,
    UNIQUE (scheme_id, level)
);


-- The default rule: 90 days without follow-up (counted from the latest of
-- the customer's creation, its last interaction and its last claim or
-- handover), the owner told 7 days before, no cap, 30 days' cool-down.
INSERT INTO pool_rules (scheme_id, level, days, notice_days, cap, cooldown_days, version, updated_at, updated_by)
    VALUES (0, '', 90, 7, 0, 30, 1, '2026-12-01 00:00:00', 'system:migration');

-- The pool: a customer is in it while the pool account owns it. The pool
-- account (id -1, username '_pool', which no real username can be) is a
-- disabled user with no team and no password: it never signs in, and no
-- account manager's scope holds its customers. The return job creates it
-- with the first return (not here: on an empty SQLite users table a row
-- -1 would make the first real user's id 0). The pool row keeps when the
-- customer returned and from whom (for the cool-down and the list).
CREATE TABLE pool_customers (
    customer_id   INTEGER PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    since         TIMESTAMP NOT NULL,
    from_owner_id INTEGER NOT NULL DEFAULT 0,
    reason        TEXT NOT NULL
);
CREATE INDEX pool_customers_since ON pool_customers (since, customer_id);

-- Every claim and return, for the cool-down and the history.
CREATE TABLE pool_events (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    kind        TEXT NOT NULL,        -- claim, return, assign (handed over)
    at          TIMESTAMP NOT NULL
);
CREATE INDEX pool_events_customer ON pool_events (customer_id, user_id, kind, at);

-- Customers about to return (the job keeps it): what the manager sees
-- before it happens, and whether the notice went out.
CREATE TABLE pool_due (
    customer_id   INTEGER PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    owner_id      INTEGER NOT NULL,
    team_id       INTEGER NOT NULL DEFAULT 0,
    rule_id       INTEGER NOT NULL,
    last_touch_at TIMESTAMP NOT NULL,
    due_at        TIMESTAMP NOT NULL,
    noticed_due   TIMESTAMP
);
CREATE INDEX pool_due_owner ON pool_due (owner_id, due_at, customer_id);
CREATE INDEX pool_due_team ON pool_due (team_id, due_at, customer_id);
CREATE INDEX pool_due_due ON pool_due (due_at, customer_id);

-- A customer handed to anyone but the pool leaves the pool; the handover
-- counts as a follow-up (an 'assign' event) unless it is a claim, which
-- writes its own event after taking the pool row.
CREATE TRIGGER customers_leave_pool AFTER UPDATE OF owner_id ON customers
WHEN NEW.owner_id <> OLD.owner_id AND NEW.owner_id <> -1
BEGIN
    INSERT INTO pool_events (customer_id, user_id, kind, at)
        SELECT NEW.id, NEW.owner_id, 'assign', NEW.updated_at
        WHERE OLD.owner_id <> -1 OR EXISTS (SELECT 1 FROM pool_customers WHERE customer_id = NEW.id);
    DELETE FROM pool_customers WHERE customer_id = NEW.id;
    DELETE FROM pool_due WHERE customer_id = NEW.id;
END;
