-- Shipping, receipt and transit claims (货物发运单, 货损, issue #17): the
-- shipments of approved orders with their lines, a per-product stock
-- count and its movements, the escalations of overdue orders, the claims
-- with their lines, evidence and ledger, and the credits they leave
-- pending for the money module.

CREATE TABLE shipments (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    order_id        INTEGER NOT NULL REFERENCES orders (id),
    customer_id     INTEGER NOT NULL REFERENCES customers (id),
    claim_id        INTEGER NOT NULL DEFAULT 0, -- a replacement shipment: the claim it resolves
    status          TEXT NOT NULL, -- shipped, received
    transport       TEXT NOT NULL DEFAULT 'road',
    carrier         TEXT NOT NULL DEFAULT '',
    waybill_no      TEXT NOT NULL DEFAULT '',
    mail_no         TEXT NOT NULL DEFAULT '', -- 提货单据 by registered mail
    mailed_at       TIMESTAMP,
    total_fen       INTEGER NOT NULL DEFAULT 0,
    notes           TEXT NOT NULL DEFAULT '',
    shipped_at      TIMESTAMP NOT NULL,
    shipped_by      TEXT NOT NULL,
    deemed_at       TIMESTAMP NOT NULL, -- deemed received then unless confirmed before
    received_at     TIMESTAMP,
    received_by     TEXT NOT NULL DEFAULT '',
    receipt_deemed  BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at      TIMESTAMP NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX shipments_order ON shipments (order_id, id);
CREATE INDEX shipments_customer ON shipments (customer_id, id);
CREATE INDEX shipments_open ON shipments (status, deemed_at);

CREATE TABLE shipment_lines (
    shipment_id  INTEGER NOT NULL REFERENCES shipments (id),
    line_no      INTEGER NOT NULL,
    product_id   INTEGER NOT NULL,
    product_code TEXT NOT NULL,
    product_name TEXT NOT NULL,
    spec         TEXT NOT NULL DEFAULT '',
    unit         TEXT NOT NULL DEFAULT '',
    quantity     INTEGER NOT NULL,
    amount_fen   INTEGER NOT NULL,
    PRIMARY KEY (shipment_id, line_no)
);

CREATE TABLE stock (
    product_id INTEGER PRIMARY KEY REFERENCES products (id),
    quantity   INTEGER NOT NULL DEFAULT 0,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE stock_movements (
    id          INTEGER PRIMARY KEY,
    product_id  INTEGER NOT NULL REFERENCES products (id),
    quantity    INTEGER NOT NULL, -- in: positive; out: negative
    kind        TEXT NOT NULL,    -- receipt, shipment
    shipment_id INTEGER NOT NULL DEFAULT 0,
    note        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    created_by  TEXT NOT NULL
);
CREATE INDEX stock_movements_product ON stock_movements (product_id, id);

CREATE INDEX orders_ship_due ON orders (status, ship_due_at);

CREATE TABLE shipping_escalations (
    order_id     INTEGER PRIMARY KEY REFERENCES orders (id),
    escalated_at TIMESTAMP NOT NULL
);

CREATE TABLE shipping_settings (
    id                   INTEGER PRIMARY KEY,
    block_negative_stock BOOLEAN NOT NULL DEFAULT FALSE,
    receipt_days         INTEGER NOT NULL DEFAULT 10,
    claim_days           INTEGER NOT NULL DEFAULT 7,
    version              INTEGER NOT NULL DEFAULT 1
);
INSERT INTO shipping_settings (id) VALUES (1);

CREATE TABLE claims (
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    shipment_id    INTEGER NOT NULL REFERENCES shipments (id),
    customer_id    INTEGER NOT NULL REFERENCES customers (id),
    kind           TEXT NOT NULL, -- loss, damage
    status         TEXT NOT NULL, -- open, resolved
    description    TEXT NOT NULL,
    resolution     TEXT NOT NULL DEFAULT '', -- replacement, credit, carrier
    resolution_note TEXT NOT NULL DEFAULT '',
    amount_fen     INTEGER NOT NULL DEFAULT 0,
    replacement_id INTEGER NOT NULL DEFAULT 0,
    window_ends_at TIMESTAMP NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    created_by     TEXT NOT NULL,
    resolved_at    TIMESTAMP,
    resolved_by    TEXT NOT NULL DEFAULT '',
    updated_at     TIMESTAMP NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX claims_customer ON claims (customer_id, id);
CREATE INDEX claims_status ON claims (status, id);
CREATE INDEX claims_shipment ON claims (shipment_id, id);

CREATE TABLE claim_lines (
    claim_id   INTEGER NOT NULL REFERENCES claims (id),
    line_no    INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    product_code TEXT NOT NULL,
    product_name TEXT NOT NULL,
    quantity   INTEGER NOT NULL,
    amount_fen INTEGER NOT NULL,
    PRIMARY KEY (claim_id, line_no)
);

CREATE TABLE claim_evidence (
    id           INTEGER PRIMARY KEY,
    claim_id     INTEGER NOT NULL REFERENCES claims (id),
    kind         TEXT NOT NULL, -- photo, carrier_record, other
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    data         BLOB NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    created_by   TEXT NOT NULL
);
CREATE INDEX claim_evidence_claim ON claim_evidence (claim_id, id);

CREATE TABLE claim_ledger (
    claim_id INTEGER NOT NULL REFERENCES claims (id),
    seq      INTEGER NOT NULL,
    step     TEXT NOT NULL, -- filed, evidence, resolved
    note     TEXT NOT NULL DEFAULT '',
    at       TIMESTAMP NOT NULL,
    by_user  TEXT NOT NULL,
    PRIMARY KEY (claim_id, seq)
);

CREATE TABLE pending_credits (
    id          INTEGER PRIMARY KEY,
    claim_id    INTEGER NOT NULL REFERENCES claims (id),
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    amount_fen  INTEGER NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending',
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX pending_credits_customer ON pending_credits (customer_id, id);

INSERT INTO counters (name, value) SELECT 'shipment_code', 0 WHERE NOT EXISTS (SELECT 1 FROM counters WHERE name = 'shipment_code');
INSERT INTO counters (name, value) SELECT 'claim_code', 0 WHERE NOT EXISTS (SELECT 1 FROM counters WHERE name = 'claim_code');
