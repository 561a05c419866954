-- The complaint workflow: what each step records, and the timeline of steps.
ALTER TABLE complaints ADD COLUMN department TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN assignee_id INTEGER REFERENCES users (id);
ALTER TABLE complaints ADD COLUMN batch_no TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN line_no TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN shift TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN operator_name TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN production_date TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN cause TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN handling TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN responsibility TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN corrective_action TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN effect_confirmed TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN delay_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN closed_at TIMESTAMP;

CREATE TABLE complaint_events (
    id           INTEGER PRIMARY KEY,
    complaint_id INTEGER NOT NULL REFERENCES complaints (id),
    from_status  TEXT NOT NULL,
    to_status    TEXT NOT NULL,
    note         TEXT NOT NULL,
    detail       TEXT NOT NULL DEFAULT '{}',
    actor_id     INTEGER REFERENCES users (id),
    at           TIMESTAMP NOT NULL
);
CREATE INDEX complaint_events_complaint ON complaint_events (complaint_id, id);
