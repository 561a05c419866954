-- Size bands, tags and administrator-defined custom fields of a customer.
ALTER TABLE customers ADD COLUMN employee_band TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN revenue_band TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN custom_fields TEXT NOT NULL DEFAULT '{}';

CREATE TABLE customer_tags (
    customer_id BIGINT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    tag         TEXT NOT NULL,
    PRIMARY KEY (customer_id, tag)
);
CREATE INDEX customer_tags_tag ON customer_tags (tag, customer_id);
CREATE INDEX customers_region ON customers (region_code, id);
CREATE INDEX customers_industry ON customers (industry_code, id);
CREATE INDEX customers_created ON customers (created_at, id);

-- Custom fields an administrator defines for customers (JSON list, like the card's).
INSERT INTO settings (key, value, version, updated_at) VALUES ('customer.fields', '[]', 1, CURRENT_TIMESTAMP);
