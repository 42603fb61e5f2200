-- Work done once (issue 19 item 2): the elected leader claims each run of a
-- periodic job for its period (an hour) before it runs it; the primary key
-- lets one claim per job and period succeed in the whole cluster, so a node
-- that takes over, or restarts, within the period does not run it again.
CREATE TABLE background_runs (
    job         TEXT NOT NULL,
    period      TEXT NOT NULL,
    node        TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    outcome     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (job, period)
);
