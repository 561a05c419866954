-- The normalised name (no spaces or punctuation, half-width, lower case)
-- that duplicate checks compare.
ALTER TABLE customers ADD COLUMN name_norm TEXT NOT NULL DEFAULT '';
UPDATE customers SET name_norm = lower(replace(name, ' ', ''));
CREATE INDEX customers_name_norm ON customers (name_norm);
