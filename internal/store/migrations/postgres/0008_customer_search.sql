-- The customer search index: per customer, its name characters and
-- bigrams, pinyin prefixes, codes and the last digits of its contacts'
-- mobiles (see internal/search), as an array with a GIN index, so one- and
-- two-character Chinese queries are index look-ups (pg_trgm ignores
-- queries under three characters).
CREATE TABLE customer_search (
    customer_id BIGINT PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    tokens      TEXT[] NOT NULL
);
CREATE INDEX customer_search_tokens ON customer_search USING GIN (tokens);
