-- In-app notifications (issue 13 item 6): one inbox row per recipient user,
-- written by the notify package's inbox notifier in the transaction of the
-- step that caused it, so a step that rolls back leaves no notification and
-- every app node sees the same inbox. notification_once holds the keys of
-- notifications that must be sent once only (one per request per overdue
-- episode): the key's insert decides, on both databases, who sends it.
CREATE TABLE notifications (
    id         {{ID}},
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL DEFAULT '',
    link       TEXT NOT NULL DEFAULT '',
    entity     TEXT NOT NULL DEFAULT '',
    entity_id  TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    read_at    TEXT
);
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX notifications_unread ON notifications(user_id, id) WHERE read_at IS NULL;

CREATE TABLE notification_once (
    key        TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
);
