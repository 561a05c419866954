-- After-sales service orders (服务作业): the service register (服务登记簿)
-- and the service voucher (服务凭证). The number is FWYYYYMM-NNNN of the
-- month received (China time), allocated in the creating transaction from
-- a per-month counter row. carry_over_at is the close of the working day
-- by which the order should have been dispatched (computed at
-- registration on the working-day calendar).
CREATE TABLE service_orders (
    id                 INTEGER PRIMARY KEY,
    number             TEXT NOT NULL UNIQUE,
    type               TEXT NOT NULL CHECK (type IN ('A', 'B', 'C', 'D')),
    customer_id        INTEGER NOT NULL REFERENCES customers (id),
    address            TEXT NOT NULL DEFAULT '',
    phone_enc          TEXT NOT NULL DEFAULT '',
    product_model      TEXT NOT NULL DEFAULT '',
    product_spec       TEXT NOT NULL DEFAULT '',
    purchase_date      TEXT NOT NULL DEFAULT '',
    purchase_place     TEXT NOT NULL DEFAULT '',
    problem            TEXT NOT NULL,
    received_at        TIMESTAMP NOT NULL,
    carry_over_at      TIMESTAMP NOT NULL,
    status             TEXT NOT NULL,
    created_by         INTEGER REFERENCES users (id),
    technician_id      INTEGER REFERENCES users (id),
    dispatched_by      INTEGER REFERENCES users (id),
    dispatched_at      TIMESTAMP,
    dispatch_note      TEXT NOT NULL DEFAULT '',
    arrived_at         TIMESTAMP,
    left_at            TIMESTAMP,
    work_minutes       INTEGER,
    work_done          TEXT NOT NULL DEFAULT '',
    parts_used         TEXT NOT NULL DEFAULT '',
    fee_fen            INTEGER,
    signature_png      BLOB,
    signer_name        TEXT NOT NULL DEFAULT '',
    signed_at          TIMESTAMP,
    settlement         TEXT NOT NULL DEFAULT '',
    collected_fen      INTEGER,
    payment_method     TEXT NOT NULL DEFAULT '',
    settled_at         TIMESTAMP,
    invoice_no         TEXT NOT NULL DEFAULT '',
    invoiced_by        INTEGER REFERENCES users (id),
    invoiced_at        TIMESTAMP,
    closed_by          INTEGER REFERENCES users (id),
    closed_at          TIMESTAMP,
    close_note         TEXT NOT NULL DEFAULT '',
    version            INTEGER NOT NULL DEFAULT 1,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);
CREATE INDEX service_orders_customer ON service_orders (customer_id, id);
CREATE INDEX service_orders_status ON service_orders (status, carry_over_at);
CREATE INDEX service_orders_technician ON service_orders (technician_id, id);
