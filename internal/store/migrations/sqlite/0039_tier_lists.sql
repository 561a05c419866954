-- Tiers in the customer lists (issue #16): each page of customers reads
-- its rows' current tiers in one query by customer (loadTiers), from this
-- index alone (the level is in it, so no table row is read); the filter
-- tier=<scheme>:<level> reads customer_tiers_level (scheme_id, level,
-- customer_id) from migration 0037, newest customers first.
CREATE INDEX customer_tiers_customer_level ON customer_tiers (customer_id, scheme_id, level);
