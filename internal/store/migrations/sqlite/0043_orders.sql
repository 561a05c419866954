-- Order applications (订货申请单, issue #17): the order with its funds and
-- transport, its current lines, every revision of the lines (shortage
-- adjustments, 订货调整), and the workflow instance that approves it.

CREATE TABLE orders (
    id                   INTEGER PRIMARY KEY,
    code                 TEXT NOT NULL UNIQUE,
    customer_id          INTEGER NOT NULL REFERENCES customers (id),
    status               TEXT NOT NULL, -- draft, submitted, approving, approved, rejected, cancelled, shipped
    total_fen            INTEGER NOT NULL,
    delivery_address     TEXT NOT NULL DEFAULT '',
    transport            TEXT NOT NULL DEFAULT 'road', -- rail, road, air (air at the dealer's cost)
    destination_station  TEXT NOT NULL DEFAULT '',
    previous_balance_fen INTEGER NOT NULL DEFAULT 0,
    remittance_fen       INTEGER NOT NULL DEFAULT 0,
    voucher_id           INTEGER NOT NULL DEFAULT 0,
    notes                TEXT NOT NULL DEFAULT '',
    revision             INTEGER NOT NULL DEFAULT 1,
    instance_id          INTEGER NOT NULL DEFAULT 0,
    submitted_at         TIMESTAMP,
    approved_at          TIMESTAMP,
    ship_due_at          TIMESTAMP,
    created_at           TIMESTAMP NOT NULL,
    created_by           TEXT NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    version              INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX orders_customer ON orders (customer_id, id);
CREATE INDEX orders_status ON orders (status, id);

CREATE TABLE order_lines (
    order_id     INTEGER NOT NULL REFERENCES orders (id),
    line_no      INTEGER NOT NULL,
    product_id   INTEGER NOT NULL,
    product_code TEXT NOT NULL,
    product_name TEXT NOT NULL,
    spec         TEXT NOT NULL DEFAULT '',
    unit         TEXT NOT NULL DEFAULT '',
    quantity     INTEGER NOT NULL,
    amount_fen   INTEGER NOT NULL,
    PRIMARY KEY (order_id, line_no)
);

CREATE TABLE order_revisions (
    order_id   INTEGER NOT NULL REFERENCES orders (id),
    revision   INTEGER NOT NULL,
    lines      TEXT NOT NULL, -- the lines as JSON
    total_fen  INTEGER NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    agreed_by  TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (order_id, revision)
);

INSERT INTO counters (name, value) SELECT 'order_code', 0 WHERE NOT EXISTS (SELECT 1 FROM counters WHERE name = 'order_code');
