-- Customer events (客户活动): 座谈会, 培训, 年度庆典, 联谊 and others, with
-- their budget in fen, capacity (0: no limit) and the RSVP cut-off.
CREATE TABLE events (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('symposium', 'training', 'celebration', 'social', 'other')),
    title          TEXT NOT NULL,
    starts_at      TIMESTAMP NOT NULL,
    place          TEXT NOT NULL DEFAULT '',
    capacity       INTEGER NOT NULL DEFAULT 0 CHECK (capacity >= 0),
    budget_fen     INTEGER NOT NULL DEFAULT 0 CHECK (budget_fen >= 0),
    agenda         TEXT NOT NULL DEFAULT '',
    rsvp_cutoff_at TIMESTAMP NOT NULL,
    created_by     INTEGER REFERENCES users (id),
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX events_starts ON events (starts_at, id);

-- One contact invited to one event. token is the RSVP page's unguessable
-- key; delivery is email (queued in the mail outbox), sms (sent through
-- the SMS provider), by_hand (no address: staff pass the link on) or
-- not_sent (reason says why, e.g. the contact opted out).
CREATE TABLE event_invitations (
    id            INTEGER PRIMARY KEY,
    event_id      INTEGER NOT NULL REFERENCES events (id),
    customer_id   INTEGER NOT NULL REFERENCES customers (id),
    contact_id    INTEGER REFERENCES contacts (id) ON DELETE SET NULL, -- NULL: the contact was deleted; name stays
    name          TEXT NOT NULL,
    customer_name TEXT NOT NULL,
    token         TEXT NOT NULL UNIQUE,
    delivery      TEXT NOT NULL CHECK (delivery IN ('email', 'sms', 'by_hand', 'not_sent')),
    reason        TEXT NOT NULL DEFAULT '',  -- why not sent (opted_out)
    status        TEXT NOT NULL DEFAULT 'invited' CHECK (status IN ('invited', 'accepted', 'declined')),
    responded_at  TIMESTAMP,
    checked_in_at TIMESTAMP,
    checked_in_by INTEGER REFERENCES users (id),
    rating        INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
    comment       TEXT NOT NULL DEFAULT '',
    feedback_at   TIMESTAMP,
    created_at    TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX event_invitations_contact ON event_invitations (event_id, contact_id);
CREATE INDEX event_invitations_customer ON event_invitations (customer_id, event_id);
CREATE INDEX event_invitations_event ON event_invitations (event_id, id);
CREATE INDEX event_invitations_contact_fk ON event_invitations (contact_id);

-- The service desk's call log (客服沟通流程): the six steps of 第六条 as
-- fields; phone sealed with its blind index and masked form. A call that
-- needs a call-back has callback_due_at; callback_done_at closes it;
-- escalated_at marks the one escalation of an overdue call-back.
CREATE TABLE calls (
    id                 INTEGER PRIMARY KEY,
    direction          TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    phone_enc          TEXT NOT NULL DEFAULT '',
    phone_idx          TEXT NOT NULL DEFAULT '',
    phone_masked       TEXT NOT NULL DEFAULT '',
    started_at         TIMESTAMP NOT NULL,
    duration_seconds   INTEGER NOT NULL DEFAULT 0 CHECK (duration_seconds >= 0),
    customer_id        INTEGER REFERENCES customers (id),
    contact_id         INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
    identity_confirmed INTEGER NOT NULL DEFAULT 0,
    need               TEXT NOT NULL DEFAULT '',
    analysis           TEXT NOT NULL DEFAULT '',
    handling           TEXT NOT NULL DEFAULT '',
    transfer_to        TEXT NOT NULL DEFAULT '',
    callback_result    TEXT NOT NULL DEFAULT '',
    report             TEXT NOT NULL DEFAULT '',
    outcome            TEXT NOT NULL DEFAULT '',
    after_hours        INTEGER NOT NULL DEFAULT 0,
    callback_due_at    TIMESTAMP,
    callback_done_at   TIMESTAMP,
    escalated_at       TIMESTAMP,
    complaint_id       INTEGER REFERENCES complaints (id),
    service_order_id   INTEGER REFERENCES service_orders (id),
    interaction_id     INTEGER REFERENCES interactions (id),
    taken_by           INTEGER REFERENCES users (id),
    version            INTEGER NOT NULL DEFAULT 1,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);
CREATE INDEX calls_started ON calls (started_at, id);
CREATE INDEX calls_customer ON calls (customer_id, started_at, id);
CREATE INDEX calls_phone ON calls (phone_idx, started_at);
CREATE INDEX calls_contact ON calls (contact_id);
CREATE INDEX calls_taken_by ON calls (taken_by, started_at, id);
CREATE INDEX calls_callback_open ON calls (callback_due_at, id) WHERE callback_done_at IS NULL;

-- One conversion of a call into a complaint, service order or interaction,
-- claimed before the record is created so that concurrent requests make
-- exactly one; record_id is set when the record exists.
CREATE TABLE call_conversions (
    call_id    INTEGER NOT NULL REFERENCES calls (id),
    kind       TEXT NOT NULL CHECK (kind IN ('complaint', 'service_order', 'interaction')),
    record_id  INTEGER,
    claimed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (call_id, kind)
);

-- The call desk finds a caller's contact by landline (stored normalised,
-- 021-61234567, without a blind index: landlines are business numbers).
CREATE INDEX contacts_landline ON contacts (landline);
