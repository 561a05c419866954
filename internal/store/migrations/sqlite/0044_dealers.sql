-- Dealers (经销商): customers of kind dealer, the accounts that belong to
-- one, their monthly plans (月计划) and the month's sales plan the GM
-- approves.
--
-- SQLite cannot alter a CHECK constraint; rebuilding customers (with its
-- indexes, triggers and the rows that reference it) is heavy, so the
-- stored definition is widened in place (SQLite's documented way to
-- change a CHECK constraint) and the schema reloaded. The later CREATE
-- TABLE changes the schema cookie, so every other connection reloads too.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, 'CHECK (kind IN (''company'', ''individual''))', 'CHECK (kind IN (''company'', ''individual'', ''dealer''))')
    WHERE type = 'table' AND name = 'customers';
PRAGMA writable_schema = RESET;
PRAGMA writable_schema = OFF;

-- A dealer account belongs to one dealer.
ALTER TABLE users ADD COLUMN dealer_id INTEGER REFERENCES customers (id);
CREATE INDEX users_dealer ON users (dealer_id) WHERE dealer_id IS NOT NULL;

-- A dealer's plan for a month (YYYY-MM): draft until submitted; due_at is
-- the deadline (the due day, on the working-day calendar) fixed when the
-- plan was started.
CREATE TABLE dealer_plans (
    id             INTEGER PRIMARY KEY,
    dealer_id      INTEGER NOT NULL REFERENCES customers (id),
    month          TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
    due_at         TIMESTAMP NOT NULL,
    quantity       INTEGER NOT NULL DEFAULT 0,
    amount_fen     INTEGER NOT NULL DEFAULT 0,
    notes          TEXT NOT NULL DEFAULT '',
    created_by     INTEGER REFERENCES users (id),
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    submitted_by   INTEGER REFERENCES users (id),
    submitted_at   TIMESTAMP,
    version        INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX dealer_plans_dealer_month ON dealer_plans (dealer_id, month);
CREATE INDEX dealer_plans_month ON dealer_plans (month, dealer_id);
CREATE INDEX dealer_plans_newest ON dealer_plans (month, id); -- the list, newest month first

-- A plan's lines: quantity of a product and its amount at list price.
CREATE TABLE dealer_plan_lines (
    plan_id    INTEGER NOT NULL REFERENCES dealer_plans (id) ON DELETE CASCADE,
    line_no    INTEGER NOT NULL,
    product_id INTEGER NOT NULL REFERENCES products (id),
    quantity   INTEGER NOT NULL CHECK (quantity > 0),
    amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
    PRIMARY KEY (plan_id, line_no)
);
CREATE INDEX dealer_plan_lines_product ON dealer_plan_lines (product_id, plan_id);

-- The month's sales plan: the dealers' plans merged by sales, submitted,
-- approved or returned (with a comment) by the GM.
CREATE TABLE sales_plans (
    month        TEXT PRIMARY KEY,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'returned')),
    quantity     INTEGER NOT NULL DEFAULT 0,
    amount_fen   INTEGER NOT NULL DEFAULT 0,
    plans        INTEGER NOT NULL DEFAULT 0,
    merged_by    INTEGER REFERENCES users (id),
    merged_at    TIMESTAMP NOT NULL,
    submitted_by INTEGER REFERENCES users (id),
    submitted_at TIMESTAMP,
    decided_by   INTEGER REFERENCES users (id),
    decided_at   TIMESTAMP,
    comment      TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1
);

-- The merged lines: totals per dealer and product of the month.
CREATE TABLE sales_plan_lines (
    month      TEXT NOT NULL REFERENCES sales_plans (month) ON DELETE CASCADE,
    dealer_id  INTEGER NOT NULL REFERENCES customers (id),
    product_id INTEGER NOT NULL REFERENCES products (id),
    quantity   INTEGER NOT NULL,
    amount_fen INTEGER NOT NULL,
    PRIMARY KEY (month, dealer_id, product_id)
);

-- Reminders sent for a month's plans: one row per month, round (the 1st
-- or 3rd working day) and dealer, so a rerun sends nothing twice.
CREATE TABLE dealer_plan_reminders (
    month     TEXT NOT NULL,
    round     INTEGER NOT NULL,
    dealer_id INTEGER NOT NULL REFERENCES customers (id),
    sent_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (month, round, dealer_id)
);
CREATE INDEX customers_kind ON customers (kind, id);
