-- Texts a person reads are rendered in the reader's language, not the
-- writer's. A user may save a language (users.lang: 'zh-CN', 'en', or ''
-- for "follow the browser"), and stored texts keep their catalogue key
-- and its arguments (as JSON) beside the text written at the time, which
-- rows from before this migration (key '') still show as they were.
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT '';
ALTER TABLE imports ADD COLUMN message_key TEXT NOT NULL DEFAULT '';
ALTER TABLE imports ADD COLUMN message_args TEXT NOT NULL DEFAULT '';
ALTER TABLE import_errors ADD COLUMN msg_key TEXT NOT NULL DEFAULT '';
ALTER TABLE import_errors ADD COLUMN msg_args TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN msg_key TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN msg_args TEXT NOT NULL DEFAULT '';
