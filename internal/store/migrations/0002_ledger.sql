-- The 两新 ledger: organizations, party organizations and what they cover,
-- instructors and their assignments. Plain dates are 'YYYY-MM-DD' text.

CREATE TABLE organizations (
    id                   {{ID}},
    name                 TEXT NOT NULL,
    uscc                 TEXT,
    category             TEXT NOT NULL,
    region_code          TEXT NOT NULL REFERENCES regions(code),
    industry             TEXT NOT NULL DEFAULT '',
    employees            INTEGER NOT NULL DEFAULT 0,
    above_scale          BOOLEAN NOT NULL DEFAULT FALSE,
    full_members         INTEGER NOT NULL DEFAULT 0,
    probationary_members INTEGER NOT NULL DEFAULT 0,
    owner_is_member      BOOLEAN NOT NULL DEFAULT FALSE,
    has_charter          BOOLEAN NOT NULL DEFAULT FALSE,
    charter_has_party    BOOLEAN NOT NULL DEFAULT FALSE,
    tags                 TEXT NOT NULL DEFAULT '',
    registered_on        TEXT,
    closed_on            TEXT,
    no_org_reason        TEXT NOT NULL DEFAULT '',
    planned_on           TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE UNIQUE INDEX organizations_uscc ON organizations(uscc);
CREATE UNIQUE INDEX organizations_name_region_without_uscc ON organizations(name, region_code) WHERE uscc IS NULL;
CREATE INDEX organizations_region ON organizations(region_code);
CREATE INDEX organizations_name ON organizations(name);

-- Areas (商圈/楼宇/园区/网格) an organization belongs to.
CREATE TABLE organization_areas (
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    area_code       TEXT NOT NULL REFERENCES regions(code),
    PRIMARY KEY (organization_id, area_code)
);
CREATE INDEX organization_areas_area ON organization_areas(area_code);

CREATE TABLE party_orgs (
    id              {{ID}},
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    formation       TEXT NOT NULL,
    parent_id       BIGINT REFERENCES party_orgs(id),
    region_code     TEXT NOT NULL REFERENCES regions(code),
    established_on  TEXT NOT NULL,
    dissolved_on    TEXT,
    term_started_on TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX party_orgs_region ON party_orgs(region_code);
CREATE INDEX party_orgs_parent ON party_orgs(parent_id);

-- Which organizations a party organization covers, and from/to when.
CREATE TABLE party_org_covers (
    id              {{ID}},
    party_org_id    BIGINT NOT NULL REFERENCES party_orgs(id) ON DELETE CASCADE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    from_on         TEXT NOT NULL,
    to_on           TEXT
);
CREATE INDEX party_org_covers_org ON party_org_covers(organization_id, from_on);
CREATE INDEX party_org_covers_party_org ON party_org_covers(party_org_id);

CREATE TABLE instructors (
    id          {{ID}},
    name        TEXT NOT NULL,
    phone       TEXT NOT NULL DEFAULT '',
    unit        TEXT NOT NULL DEFAULT '',
    full_time   BOOLEAN NOT NULL DEFAULT FALSE,
    level       TEXT NOT NULL DEFAULT '',
    region_code TEXT NOT NULL REFERENCES regions(code),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX instructors_region ON instructors(region_code);

CREATE TABLE instructor_assignments (
    id              {{ID}},
    instructor_id   BIGINT NOT NULL REFERENCES instructors(id) ON DELETE CASCADE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    from_on         TEXT NOT NULL,
    to_on           TEXT
);
CREATE INDEX instructor_assignments_org ON instructor_assignments(organization_id, from_on);
CREATE INDEX instructor_assignments_instructor ON instructor_assignments(instructor_id);

-- What an instructor did on a visit.
CREATE TABLE instructor_visits (
    id              {{ID}},
    instructor_id   BIGINT NOT NULL REFERENCES instructors(id) ON DELETE CASCADE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    visited_on      TEXT NOT NULL,
    content         TEXT NOT NULL,
    problems        TEXT NOT NULL DEFAULT '',
    solved          TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL
);
CREATE INDEX instructor_visits_instructor ON instructor_visits(instructor_id, visited_on);
CREATE INDEX instructor_visits_org ON instructor_visits(organization_id, visited_on);

-- Imports run as sessions: their progress can be polled, and a rejected file's
-- error workbook is kept for download by the user who uploaded it.
CREATE TABLE import_sessions (
    id         TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL,
    kind       TEXT NOT NULL,
    status     TEXT NOT NULL,
    phase      TEXT NOT NULL DEFAULT '',
    processed  INTEGER NOT NULL DEFAULT 0,
    total_rows INTEGER NOT NULL DEFAULT 0,
    created    INTEGER NOT NULL DEFAULT 0,
    updated    INTEGER NOT NULL DEFAULT 0,
    unchanged  INTEGER NOT NULL DEFAULT 0,
    message    TEXT NOT NULL DEFAULT '',
    report     {{BLOB}},
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX import_sessions_user ON import_sessions(user_id, created_at);
