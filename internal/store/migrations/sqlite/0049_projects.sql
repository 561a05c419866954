-- Customer projects (客户工程, issue #17): the application for power
-- (用电申请) and its course through the "project" workflow, the fields
-- each step recorded, and the default workflow 受理 → 现场勘察 → 供电方案
-- → 设计审查 → 设备购置 → 施工 → 验收 → 投运.

CREATE TABLE projects (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    address      TEXT NOT NULL,
    nature       TEXT NOT NULL, -- residential, commercial, industrial, agricultural
    voltage      TEXT NOT NULL, -- kV
    capacity_kva INTEGER NOT NULL,
    contact      TEXT NOT NULL DEFAULT '',
    notes        TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL, -- in_progress, completed, rejected
    instance_id  INTEGER NOT NULL DEFAULT 0,
    step_key     TEXT NOT NULL DEFAULT '', -- the open step
    step_name    TEXT NOT NULL DEFAULT '',
    step_due_at  TIMESTAMP,
    fields       TEXT NOT NULL DEFAULT '{}', -- every approved step's fields, JSON
    created_at   TIMESTAMP NOT NULL,
    created_by   TEXT NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    completed_at TIMESTAMP,
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX projects_customer ON projects (customer_id, id);
CREATE INDEX projects_status ON projects (status, id);
CREATE INDEX projects_step ON projects (step_key, id);
CREATE INDEX projects_due ON projects (status, step_due_at, id);

CREATE TABLE project_steps (
    project_id INTEGER NOT NULL REFERENCES projects (id),
    task_id    INTEGER NOT NULL,
    step_key   TEXT NOT NULL,
    fields     TEXT NOT NULL, -- JSON
    PRIMARY KEY (project_id, task_id)
);

INSERT INTO counters (name, value) SELECT 'project_code', 0 WHERE NOT EXISTS (SELECT 1 FROM counters WHERE name = 'project_code');

INSERT INTO workflow_definitions (code, version, body, updated_at, updated_by) VALUES ('project', 1, '{"name": "客户工程", "name_en": "Customer project", "entity": "project", "steps": [{"key": "accept", "name": "受理", "name_en": "Acceptance of application", "approver": {"kind": "role", "role": "sales_manager"}, "mode": "any", "deadline_hours": 8}, {"key": "survey", "name": "现场勘察", "name_en": "Site survey", "approver": {"kind": "role", "role": "technician"}, "mode": "any", "deadline_hours": 24}, {"key": "plan", "name": "供电方案", "name_en": "Supply plan", "approver": {"kind": "role", "role": "sales_manager"}, "mode": "any", "deadline_hours": 80}, {"key": "design", "name": "设计审查", "name_en": "Design review", "approver": {"kind": "role", "role": "qa"}, "mode": "any", "deadline_hours": 40}, {"key": "equipment", "name": "设备购置", "name_en": "Equipment purchase", "approver": {"kind": "role", "role": "warehouse"}, "mode": "any", "deadline_hours": 80}, {"key": "construction", "name": "施工", "name_en": "Construction", "approver": {"kind": "role", "role": "technician"}, "mode": "any", "deadline_hours": 160}, {"key": "acceptance", "name": "验收", "name_en": "Acceptance inspection", "approver": {"kind": "role", "role": "qa"}, "mode": "any", "deadline_hours": 40}, {"key": "commission", "name": "投运", "name_en": "Commissioning", "approver": {"kind": "role", "role": "production"}, "mode": "any", "deadline_hours": 24}]}', '2026-12-01 00:00:00', 'system:migration');
INSERT INTO workflow_definition_versions (definition_id, version, body, created_at, created_by) SELECT id, 1, body, updated_at, updated_by FROM workflow_definitions WHERE code = 'project';
