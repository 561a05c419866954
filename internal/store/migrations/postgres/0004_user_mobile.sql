-- A user's mobile number, for notices: encrypted (AES-256-GCM, key outside
-- the database) with a keyed blind index for look-ups by number.
ALTER TABLE users ADD COLUMN mobile_enc TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN mobile_idx TEXT NOT NULL DEFAULT '';
CREATE INDEX users_mobile_idx ON users (mobile_idx);
