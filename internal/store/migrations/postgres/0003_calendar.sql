-- Working-day calendar overrides an administrator enters: extra days off,
-- extra working days, or a statutory arrangement published after this
-- kehu was built. They win over the built-in State Council data.
CREATE TABLE calendar_overrides (
    date       TEXT PRIMARY KEY, -- YYYY-MM-DD
    kind       TEXT NOT NULL CHECK (kind IN ('day_off', 'working_day')),
    name       TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- Bumped with every override change, so every kehu instance sees that its
-- calendar is stale with one primary-key read.
INSERT INTO settings (key, value, version, updated_at) VALUES ('calendar.revision', '0', 1, CURRENT_TIMESTAMP);
