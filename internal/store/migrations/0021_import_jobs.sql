-- Crash-safe import jobs (issue 12): each running import names the process
-- that runs it (owner, a random id per server start) and when that process
-- last said it was alive (heartbeat_at). At start-up, and periodically on
-- PostgreSQL, a running job whose owner is gone is marked failed with a
-- reason the user sees; see orgimport.Sessions.RecoverAbandoned.
ALTER TABLE import_sessions ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE import_sessions ADD COLUMN heartbeat_at TEXT NOT NULL DEFAULT '';
CREATE INDEX import_sessions_running ON import_sessions(status, owner);
