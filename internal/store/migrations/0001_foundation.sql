-- Foundation: settings, regions, users, sessions, API tokens, audit trail.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Regions: administrative divisions (levels 1-5) and areas (level 6: 商圈/楼宇/园区/网格).
-- Codes are canonical short codes (2/4/6/9/12 digits; areas: parent code + 'A' + 3 digits),
-- so "inside a scope" is "code starts with the scope's code".
CREATE TABLE regions (
    code        TEXT PRIMARY KEY,
    parent_code TEXT REFERENCES regions(code),
    name        TEXT NOT NULL,
    level       INTEGER NOT NULL,
    kind        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX regions_parent ON regions(parent_code);
CREATE INDEX regions_name ON regions(name);

CREATE TABLE users (
    id                   {{ID}},
    username             TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    role                 TEXT NOT NULL,
    scope                TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT TRUE,
    password_changed_at  TEXT NOT NULL,
    failed_attempts      INTEGER NOT NULL DEFAULT 0,
    locked_until         TEXT,
    disabled             BOOLEAN NOT NULL DEFAULT FALSE,
    last_login_at        TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE INDEX users_scope ON users(scope);

-- Sessions are stored by the SHA-256 of their id, so a copy of the database cannot be used to log in.
CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           {{ID}},
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    prefix       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- The audit trail is append-only: triggers in the dialect parts refuse UPDATE and DELETE.
CREATE TABLE audit_log (
    id        {{ID}},
    at        TEXT NOT NULL,
    user_id   BIGINT,
    username  TEXT NOT NULL DEFAULT '',
    role      TEXT NOT NULL DEFAULT '',
    ip        TEXT NOT NULL DEFAULT '',
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL DEFAULT '',
    entity_id TEXT NOT NULL DEFAULT '',
    result    TEXT NOT NULL,
    detail    TEXT
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_action ON audit_log(action, at);
CREATE INDEX audit_log_username ON audit_log(username, at);
