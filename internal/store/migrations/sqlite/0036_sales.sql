-- Sales facts (销售明细): one line per customer, product and business day
-- (date, YYYY-MM-DD in China time). quantity is a whole number of the
-- product's unit; amount_fen the line's amount in fen. source says where
-- it came from (manual, import, order); external_id, when not empty, is
-- the line's key in the ERP and is unique, so a re-run import adds
-- nothing twice.
CREATE TABLE sales_lines (
    id          INTEGER PRIMARY KEY,
    date        TEXT NOT NULL,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    product_id  INTEGER NOT NULL REFERENCES products (id),
    quantity    INTEGER NOT NULL CHECK (quantity > 0),
    amount_fen  INTEGER NOT NULL CHECK (amount_fen >= 0),
    source      TEXT NOT NULL CHECK (source IN ('manual', 'import', 'order')),
    external_id TEXT NOT NULL DEFAULT '',
    created_by  INTEGER REFERENCES users (id),
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX sales_lines_customer_date ON sales_lines (customer_id, date, id);
CREATE INDEX sales_lines_product_date ON sales_lines (product_id, date, id);
CREATE INDEX sales_lines_date ON sales_lines (date, id);
-- A partial unique index: look it up with "external_id = ? AND
-- external_id <> ''" so the planner can use it for a bound parameter.
CREATE UNIQUE INDEX sales_lines_external ON sales_lines (external_id) WHERE external_id <> '';

-- A customer's rolling sales by month, kept in the sale's transaction.
-- Each month is spread over a few shards (the line's id mod 8) so that
-- concurrent sales to one customer update different rows; a month's total
-- is the sum of its shards, the last purchase the greatest last_date.
CREATE TABLE customer_sales_months (
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    month       TEXT NOT NULL,
    shard       INTEGER NOT NULL,
    lines       INTEGER NOT NULL DEFAULT 0,
    quantity    INTEGER NOT NULL DEFAULT 0,
    amount_fen  INTEGER NOT NULL DEFAULT 0,
    last_date   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (customer_id, month, shard)
);
CREATE INDEX customer_sales_months_month ON customer_sales_months (month, customer_id);
