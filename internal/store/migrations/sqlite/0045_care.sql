-- Customer care (客户关怀, issue #19 points 1-3): the contacts' opt-out
-- (PIPL), lead-time rules and admin-defined dates, the reminders the care
-- job generates (one per contact, occasion and occasion year), greeting
-- templates and the send log, gifts and gift budgets.
ALTER TABLE contacts ADD COLUMN care_opt_out INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contacts ADD COLUMN care_opt_out_at TIMESTAMP;

CREATE TABLE care_lead_rules (
    id         INTEGER PRIMARY KEY,
    tier       TEXT NOT NULL DEFAULT '',     -- a tier level code; '' any tier
    occasion   TEXT NOT NULL DEFAULT '',     -- an occasion; '' any occasion
    days       INTEGER NOT NULL,             -- working days ahead
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (tier, occasion)
);

CREATE TABLE care_dates (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    month      INTEGER NOT NULL,
    day        INTEGER NOT NULL,
    lunar      INTEGER NOT NULL DEFAULT 0,
    tier       TEXT NOT NULL DEFAULT '',     -- only customers of this tier; '' all
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL
);

CREATE TABLE care_reminders (
    id            INTEGER PRIMARY KEY,
    contact_id    INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    customer_id   INTEGER NOT NULL,
    owner_id      INTEGER NOT NULL,
    occasion      TEXT NOT NULL,             -- birthday, spring_festival, …, custom:<id>
    occasion_year INTEGER NOT NULL,          -- the Gregorian year, or the lunar year of a lunar birthday
    occasion_date TEXT NOT NULL,             -- YYYY-MM-DD (Gregorian)
    remind_on     TEXT NOT NULL,             -- YYYY-MM-DD, lead working days before
    note          TEXT NOT NULL DEFAULT '',  -- e.g. lunar fallback used
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    notified_at   TIMESTAMP,
    created_at    TIMESTAMP NOT NULL,
    run           TEXT NOT NULL DEFAULT '',  -- the generation run that last produced it
    created_run   TEXT NOT NULL DEFAULT '',  -- the run that wrote it first
    UNIQUE (contact_id, occasion, occasion_year)
);
CREATE INDEX care_reminders_due ON care_reminders (remind_on, id) WHERE notified_at IS NULL; -- waiting to be posted
CREATE INDEX care_reminders_customer ON care_reminders (customer_id, remind_on, id);
CREATE INDEX care_reminders_remind ON care_reminders (remind_on, id);

CREATE TABLE greeting_templates (
    id         INTEGER PRIMARY KEY,
    occasion   TEXT NOT NULL,
    lang       TEXT NOT NULL,
    subject    TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL,
    UNIQUE (occasion, lang)
);

CREATE TABLE greetings (
    id          INTEGER PRIMARY KEY,
    contact_id  INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
    customer_id INTEGER NOT NULL,
    occasion    TEXT NOT NULL,
    channel     TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    recipient   TEXT NOT NULL DEFAULT '',   -- masked
    subject     TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('sent', 'failed', 'manual', 'opted_out')),
    reason      TEXT NOT NULL DEFAULT '',
    provider_id TEXT NOT NULL DEFAULT '',
    sent_by     INTEGER NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX greetings_contact ON greetings (contact_id, id);
CREATE INDEX greetings_customer ON greetings (customer_id, id);

CREATE TABLE gift_budgets (
    id           INTEGER PRIMARY KEY,
    tier         TEXT NOT NULL DEFAULT '',  -- '' any tier
    year         INTEGER NOT NULL,
    amount_fen   INTEGER NOT NULL,          -- per manager (account manager) for the year
    version      INTEGER NOT NULL DEFAULT 1,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (tier, year)
);

CREATE TABLE gifts (
    id          INTEGER PRIMARY KEY,
    contact_id  INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
    customer_id INTEGER NOT NULL,
    owner_id    INTEGER NOT NULL,           -- the manager whose budget it spends
    team_id     INTEGER,
    tier        TEXT NOT NULL DEFAULT '',
    year        INTEGER NOT NULL,
    item        TEXT NOT NULL,
    cost_fen    INTEGER NOT NULL,
    occasion    TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL CHECK (status IN ('approved', 'pending', 'rejected')),
    approved_by TEXT NOT NULL DEFAULT '',
    decided_at  TIMESTAMP,
    note        TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX gifts_owner ON gifts (owner_id, year, tier, status);
CREATE INDEX gifts_year ON gifts (year, owner_id, tier); -- spend against budget for a year
CREATE INDEX gifts_team ON gifts (team_id, year);
CREATE INDEX gifts_customer ON gifts (customer_id, id);
CREATE INDEX gifts_contact ON gifts (contact_id, id);
CREATE INDEX gifts_status ON gifts (status, id);
