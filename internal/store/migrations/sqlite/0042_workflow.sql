-- The workflow engine (issue #17): definitions as data, each save a new
-- version; running instances keep the version they started with; one task
-- per step reached, its approvers resolved when it opens; the open-step
-- inbox (one row per approver still to decide); every decision; delegations
-- while away. The default order workflow is seeded: sales → finance
-- confirms funds → GM → goods department.

CREATE TABLE workflow_definitions (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    version    INTEGER NOT NULL,
    body       TEXT NOT NULL, -- the definition as JSON (names, steps)
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE TABLE workflow_definition_versions (
    definition_id INTEGER NOT NULL REFERENCES workflow_definitions (id),
    version       INTEGER NOT NULL,
    body          TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    created_by    TEXT NOT NULL,
    PRIMARY KEY (definition_id, version)
);

CREATE TABLE workflow_instances (
    id            INTEGER PRIMARY KEY,
    definition_id INTEGER NOT NULL REFERENCES workflow_definitions (id),
    version       INTEGER NOT NULL,
    entity        TEXT NOT NULL,
    entity_id     TEXT NOT NULL,
    customer_id   INTEGER NOT NULL DEFAULT 0,
    owner_id      INTEGER NOT NULL DEFAULT 0,
    status        TEXT NOT NULL, -- running, approved, rejected, cancelled
    current_step  INTEGER NOT NULL DEFAULT 0,
    facts         TEXT NOT NULL DEFAULT '{}',
    started_at    TIMESTAMP NOT NULL,
    started_by    TEXT NOT NULL,
    finished_at   TIMESTAMP
);
CREATE INDEX workflow_instances_entity ON workflow_instances (entity, entity_id);

CREATE TABLE workflow_tasks (
    id           INTEGER PRIMARY KEY,
    instance_id  INTEGER NOT NULL REFERENCES workflow_instances (id),
    step_index   INTEGER NOT NULL,
    step_key     TEXT NOT NULL DEFAULT '',
    step_name    TEXT NOT NULL DEFAULT '',
    step_name_en TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL, -- open, approved, rejected, skipped, cancelled
    need         INTEGER NOT NULL DEFAULT 1,
    approvers    TEXT NOT NULL DEFAULT '[]', -- the user IDs resolved when it opened
    opened_at    TIMESTAMP NOT NULL,
    due_at       TIMESTAMP,
    decided_at   TIMESTAMP,
    escalated_at TIMESTAMP
);
CREATE INDEX workflow_tasks_instance ON workflow_tasks (instance_id, step_index);
CREATE INDEX workflow_tasks_overdue ON workflow_tasks (due_at) WHERE status = 'open' AND escalated_at IS NULL;

-- One row per approver of an open task still to decide: the inbox.
CREATE TABLE workflow_inbox (
    user_id  INTEGER NOT NULL,
    task_id  INTEGER NOT NULL REFERENCES workflow_tasks (id),
    PRIMARY KEY (user_id, task_id)
);
CREATE INDEX workflow_inbox_task ON workflow_inbox (task_id);

CREATE TABLE workflow_decisions (
    id           INTEGER PRIMARY KEY,
    instance_id  INTEGER NOT NULL REFERENCES workflow_instances (id),
    task_id      INTEGER NOT NULL REFERENCES workflow_tasks (id),
    user_id      INTEGER NOT NULL,
    username     TEXT NOT NULL,
    on_behalf_of INTEGER NOT NULL DEFAULT 0,
    decision     TEXT NOT NULL, -- approve, reject
    comment      TEXT NOT NULL DEFAULT '',
    decided_at   TIMESTAMP NOT NULL
);
CREATE INDEX workflow_decisions_instance ON workflow_decisions (instance_id, id);
CREATE INDEX workflow_decisions_task ON workflow_decisions (task_id, user_id);

CREATE TABLE workflow_delegations (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    delegate_id INTEGER NOT NULL REFERENCES users (id),
    from_at     TIMESTAMP NOT NULL,
    to_at       TIMESTAMP NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    created_by  TEXT NOT NULL
);
CREATE INDEX workflow_delegations_delegate ON workflow_delegations (delegate_id, to_at);
CREATE INDEX workflow_delegations_user ON workflow_delegations (user_id, to_at);

INSERT INTO workflow_definitions (code, version, body, updated_at, updated_by) VALUES ('order', 1, '{"name": "订货申请审批", "name_en": "Order application approval", "entity": "order", "steps": [{"key": "sales", "name": "销售审核", "name_en": "Sales review", "approver": {"kind": "role", "role": "sales_manager"}, "mode": "any", "deadline_hours": 8}, {"key": "finance", "name": "财务确认到款", "name_en": "Finance confirms funds", "approver": {"kind": "role", "role": "finance"}, "mode": "any", "deadline_hours": 8, "hook": "funds"}, {"key": "gm", "name": "总经理审批", "name_en": "General manager approval", "approver": {"kind": "role", "role": "gm"}, "mode": "any", "deadline_hours": 8}, {"key": "goods", "name": "货物部门确认", "name_en": "Goods department confirms", "approver": {"kind": "role", "role": "warehouse"}, "mode": "any", "deadline_hours": 8}]}', '2026-12-01 00:00:00', 'system:migration');
INSERT INTO workflow_definition_versions (definition_id, version, body, created_at, created_by) SELECT id, 1, body, updated_at, updated_by FROM workflow_definitions WHERE code = 'order';
