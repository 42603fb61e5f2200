-- State every app node shares (issue 19, stateless nodes).
--
-- rate_limits: the public page's calls per client address, counted in the
-- database so that a limit split across nodes behind a load balancer still
-- holds. One row per bucket (kind|address): the start of its current window
-- of an hour and the calls counted in it; a call after the window restarts
-- it. Rows whose window has ended are deleted from time to time.
CREATE TABLE rate_limits (
    bucket       TEXT PRIMARY KEY,
    window_start TEXT NOT NULL,
    n            BIGINT NOT NULL
);
CREATE INDEX rate_limits_window ON rate_limits(window_start);

-- Meeting attachments move from the node's data folder into the database,
-- sealed with the personal-data key like every other uploaded file. A row
-- of an earlier version keeps sealed_data NULL and its file on disk until
-- the next start-up moves it in (meeting.Service.AdoptFiles).
ALTER TABLE meeting_attachments ADD COLUMN sealed_data {{BLOB}};
