-- The customer data card (客户资料卡): every save is a dated revision with
-- its surveyor (调查或填表者) and the fields it changed (搜集变更资料).
-- Values are JSON by field key; sensitive ones are sealed.
CREATE TABLE card_revisions (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    revision    INTEGER NOT NULL,
    surveyor    TEXT NOT NULL,
    surveyed_on TEXT NOT NULL,
    card_values TEXT NOT NULL,
    changed     TEXT NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES users (id),
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (customer_id, revision)
);

-- Fields an administrator adds to the card template (JSON list).
INSERT INTO settings (key, value, version, updated_at) VALUES ('card.template', '[]', 1, CURRENT_TIMESTAMP);
