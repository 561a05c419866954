-- Contacts of a customer. The mobile number is stored encrypted with a
-- keyed blind index for look-ups and duplicate checks.
CREATE TABLE contacts (
    id            INTEGER PRIMARY KEY,
    customer_id   INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    title         TEXT NOT NULL DEFAULT '',
    mobile_enc    TEXT NOT NULL DEFAULT '',
    mobile_idx    TEXT NOT NULL DEFAULT '',
    mobile_last4  TEXT NOT NULL DEFAULT '', -- for search by the last digits, as lists show them anyway
    landline      TEXT NOT NULL DEFAULT '',
    email         TEXT NOT NULL DEFAULT '',
    wechat_id     TEXT NOT NULL DEFAULT '',
    gender        TEXT NOT NULL DEFAULT 'unknown' CHECK (gender IN ('male', 'female', 'unknown')),
    birthday      TEXT NOT NULL DEFAULT '', -- YYYY-MM-DD (Gregorian) or --MM-DD with birthday_lunar
    birthday_lunar INTEGER NOT NULL DEFAULT 0,
    birthday_leap  INTEGER NOT NULL DEFAULT 0,
    is_primary    INTEGER NOT NULL DEFAULT 0,
    preferences   TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX contacts_customer ON contacts (customer_id, id);
CREATE INDEX contacts_mobile_idx ON contacts (mobile_idx);
