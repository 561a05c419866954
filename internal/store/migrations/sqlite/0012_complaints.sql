-- Complaints (客诉). The number is YYYYMM-NNNN of the month received (China
-- time), the serial restarting each month, allocated in the creating
-- transaction from a per-month counter row.
CREATE TABLE complaints (
    id                 INTEGER PRIMARY KEY,
    number             TEXT NOT NULL UNIQUE,
    customer_id        INTEGER REFERENCES customers (id),
    caller_name        TEXT NOT NULL DEFAULT '',
    caller_phone_enc   TEXT NOT NULL DEFAULT '',
    contact_name       TEXT NOT NULL DEFAULT '',
    received_at        TIMESTAMP NOT NULL,
    channel            TEXT NOT NULL CHECK (channel IN ('phone', 'email', 'web', 'letter', 'visit', 'other')),
    category           TEXT NOT NULL CHECK (category IN ('product_quality', 'service', 'logistics', 'price', 'after_sales', 'other')),
    quality            INTEGER NOT NULL DEFAULT 0,
    severity           TEXT NOT NULL CHECK (severity IN ('normal', 'major')),
    order_no           TEXT NOT NULL DEFAULT '',
    part_no            TEXT NOT NULL DEFAULT '',
    quantity           INTEGER,
    delivery_date      TEXT NOT NULL DEFAULT '',
    defective_quantity INTEGER,
    demand             TEXT NOT NULL DEFAULT '',
    description        TEXT NOT NULL,
    status             TEXT NOT NULL,
    reply_due_at       TIMESTAMP NOT NULL,
    solution_due_at    TIMESTAMP,
    created_by         INTEGER REFERENCES users (id),
    version            INTEGER NOT NULL DEFAULT 1,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);
CREATE INDEX complaints_customer ON complaints (customer_id, id);
CREATE INDEX complaints_received ON complaints (received_at, id);
CREATE INDEX complaints_open_due ON complaints (status, reply_due_at);
