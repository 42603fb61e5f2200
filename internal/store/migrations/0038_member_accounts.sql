-- 党员账号 (issue 14 item 6): an account with role member is bound to one
-- roster entry (users.member_id, at most one account per member) and reaches
-- its own record, meetings, dues and wishes only. Accounts are opened with a
-- one-time activation code the branch secretary issues: random, shown once,
-- kept here as a SHA-256 hash, expiring, single use; issuing a new code
-- revokes the member's previous ones. failed_attempts/locked_until count the
-- wrong identity checks made with a code, like a login's lockout.
ALTER TABLE users ADD COLUMN member_id BIGINT REFERENCES members(id);
CREATE UNIQUE INDEX users_member ON users(member_id);

CREATE TABLE member_activation_codes (
    id              {{ID}},
    member_id       BIGINT NOT NULL REFERENCES members(id),
    code_hash       TEXT NOT NULL UNIQUE,
    expires_at      TEXT NOT NULL,
    issued_by       TEXT NOT NULL,
    issued_at       TEXT NOT NULL,
    used_at         TEXT,
    revoked_at      TEXT,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT
);
CREATE INDEX member_activation_codes_member ON member_activation_codes(member_id);
