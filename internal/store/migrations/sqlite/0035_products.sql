-- Products (产品): what the company sells, by its code. list_price_fen is
-- the list price in fen (1/100 yuan); active products are offered in
-- forms and imports, inactive ones keep their history.
CREATE TABLE products (
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    spec           TEXT NOT NULL DEFAULT '',
    unit           TEXT NOT NULL DEFAULT '',
    product_line   TEXT NOT NULL DEFAULT '',
    list_price_fen INTEGER NOT NULL DEFAULT 0 CHECK (list_price_fen >= 0),
    active         INTEGER NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX products_line ON products (product_line, code);
CREATE INDEX products_active ON products (active, code);
