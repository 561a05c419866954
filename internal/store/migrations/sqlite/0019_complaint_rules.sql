-- Complaint deadlines as data (per category, severity and customer tier),
-- escalation, the abnormality/recall record (异常处理单) of a quality
-- complaint, the satisfaction survey (CSAT) sent when a complaint closes,
-- and the mail outbox the SLA job drains.
CREATE TABLE complaint_rules (
    id                            INTEGER PRIMARY KEY,
    category                      TEXT NOT NULL DEFAULT '',
    severity                      TEXT NOT NULL DEFAULT '',
    tier                          TEXT NOT NULL DEFAULT '',
    reply_hours                   INTEGER NOT NULL,
    solution_working_days         INTEGER NOT NULL,
    quality_solution_working_days INTEGER NOT NULL,
    escalate_after_working_days   INTEGER NOT NULL,
    UNIQUE (category, severity, tier)
);
-- The policy: reply within 24 hours; a solution within 2 working days; a
-- quality complaint's solution by the end of the next working day (its
-- recall opens at once); escalation one working day after overdue.
INSERT INTO complaint_rules (category, severity, tier, reply_hours, solution_working_days, quality_solution_working_days, escalate_after_working_days)
VALUES ('', '', '', 24, 2, 1, 1);

ALTER TABLE complaints ADD COLUMN contact_email_enc TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN sla_rule TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN escalate_after_days INTEGER NOT NULL DEFAULT 1;
ALTER TABLE complaints ADD COLUMN escalate_at TIMESTAMP;
ALTER TABLE complaints ADD COLUMN escalated_at TIMESTAMP;
ALTER TABLE complaints ADD COLUMN escalation_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN abnormality_id INTEGER;
ALTER TABLE complaints ADD COLUMN csat_score INTEGER;
ALTER TABLE complaints ADD COLUMN csat_comment TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN csat_at TIMESTAMP;

-- The sweep reads only open complaints through these partial indexes.
DROP INDEX IF EXISTS complaints_overdue_scan;
DROP INDEX IF EXISTS complaints_open_due;
CREATE INDEX complaints_reply_open ON complaints (reply_due_at)
    WHERE overdue_at IS NULL AND status = 'registered';
CREATE INDEX complaints_solution_open ON complaints (solution_due_at)
    WHERE overdue_at IS NULL AND solution_due_at IS NOT NULL
      AND status IN ('registered', 'accepted', 'assigned', 'investigating', 'solution_proposed');
CREATE INDEX complaints_escalate_open ON complaints (escalate_at)
    WHERE escalated_at IS NULL AND escalate_at IS NOT NULL
      AND status IN ('registered', 'accepted', 'assigned', 'investigating', 'solution_proposed');

CREATE TABLE abnormalities (
    id                 INTEGER PRIMARY KEY,
    number             TEXT NOT NULL UNIQUE,
    complaint_id       INTEGER NOT NULL UNIQUE REFERENCES complaints (id),
    product            TEXT NOT NULL DEFAULT '',
    part_no            TEXT NOT NULL DEFAULT '',
    batch_no           TEXT NOT NULL DEFAULT '',
    quantity           INTEGER,
    status             TEXT NOT NULL CHECK (status IN ('open', 'contained', 'closed')),
    containment_action TEXT NOT NULL DEFAULT '',
    recall_action      TEXT NOT NULL DEFAULT '',
    owner_id           INTEGER REFERENCES users (id),
    version            INTEGER NOT NULL DEFAULT 1,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    contained_at       TIMESTAMP,
    closed_at          TIMESTAMP
);
CREATE INDEX abnormalities_status ON abnormalities (status, id);

CREATE TABLE csat_surveys (
    id           INTEGER PRIMARY KEY,
    complaint_id INTEGER NOT NULL UNIQUE REFERENCES complaints (id),
    token_hash   TEXT NOT NULL UNIQUE,
    channel      TEXT NOT NULL CHECK (channel IN ('email', 'phone')),
    created_at   TIMESTAMP NOT NULL,
    answered_at  TIMESTAMP,
    answered_via TEXT NOT NULL DEFAULT '',
    answered_by  INTEGER REFERENCES users (id),
    score        INTEGER CHECK (score BETWEEN 1 AND 5),
    comment      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX csat_phone_pending ON csat_surveys (id) WHERE channel = 'phone' AND answered_at IS NULL;

-- Mail is written here in the transaction that causes it and sent by the
-- SLA job after commit; the body is wiped once sent.
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY,
    to_addr         TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    sent_at         TIMESTAMP,
    given_up_at     TIMESTAMP
);
CREATE INDEX mail_outbox_pending ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL AND given_up_at IS NULL;

-- Where a user wants notices by e-mail (set by the user).
CREATE TABLE notification_emails (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id),
    email      TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
