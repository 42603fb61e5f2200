-- The monthly briefing (通报, issue 16 item 4). briefing_snapshots freeze the
-- figures of a (month, region) as they stood at the month's end: final once
-- computed after the month closed, replaced on request while the month runs.
-- briefing_templates are the versioned wording with placeholders (the latest
-- version is in force). briefings are drafts (editable, deletable) or issued
-- (期号 per region and year, immutable, carrying their own copy of the figures).
CREATE TABLE briefing_snapshots (
    id           {{ID}},
    month        TEXT NOT NULL,
    region_code  TEXT NOT NULL REFERENCES regions(code),
    as_of        TEXT NOT NULL,
    final        BOOLEAN NOT NULL DEFAULT FALSE,
    figures      TEXT NOT NULL,
    generated_by BIGINT NOT NULL,
    generated_at TEXT NOT NULL,
    UNIQUE (month, region_code)
);

CREATE TABLE briefing_templates (
    id         {{ID}},
    version    INTEGER NOT NULL UNIQUE,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_by BIGINT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE briefings (
    id               {{ID}},
    month            TEXT NOT NULL,
    region_code      TEXT NOT NULL REFERENCES regions(code),
    title            TEXT NOT NULL,
    body             TEXT NOT NULL,
    template_version INTEGER NOT NULL DEFAULT 0,
    state            TEXT NOT NULL CHECK (state IN ('draft', 'issued')),
    issue_year       INTEGER,
    serial           INTEGER,
    figures          TEXT NOT NULL DEFAULT '',
    issued_at        TEXT,
    issued_by        TEXT NOT NULL DEFAULT '',
    version          INTEGER NOT NULL DEFAULT 1,
    created_by       BIGINT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (region_code, issue_year, serial)
);
CREATE INDEX briefings_region_month ON briefings(region_code, month);
