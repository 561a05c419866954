-- Complaints filed by customers themselves on the public form: a private
-- status link, stored by the hash of its token only.
ALTER TABLE complaints ADD COLUMN status_token_hash TEXT NOT NULL DEFAULT '';
CREATE INDEX complaints_status_token ON complaints (status_token_hash);
