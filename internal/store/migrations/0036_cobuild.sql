-- 区域化共建 (issue 14 items 1–3): co-building units (驻区单位), 党建联盟
-- with member units, 联席会议 with decisions followed as work-loop tasks,
-- 双报到 (units and in-service members reporting to a community) with
-- participation records and yearly ratings, and the 三张清单 (needs,
-- resources, projects) under 共建协议. Phones are sealed like members'.
CREATE TABLE cobuild_units (
    id                 {{ID}},
    kind               TEXT NOT NULL,
    name               TEXT NOT NULL,
    address            TEXT NOT NULL DEFAULT '',
    region_code        TEXT NOT NULL REFERENCES regions(code),
    org_id             BIGINT REFERENCES organizations(id),
    party_org_id       BIGINT REFERENCES party_orgs(id),
    party_org_name     TEXT NOT NULL DEFAULT '',
    contact_name       TEXT NOT NULL DEFAULT '',
    contact_phone_enc  TEXT NOT NULL DEFAULT '',
    contact_phone_hash TEXT NOT NULL DEFAULT '',
    contact_phone_mask TEXT NOT NULL DEFAULT '',
    created_by         TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    UNIQUE (region_code, name)
);
CREATE INDEX cobuild_units_region ON cobuild_units(region_code);

CREATE TABLE cobuild_alliances (
    id                {{ID}},
    name              TEXT NOT NULL,
    region_code       TEXT NOT NULL REFERENCES regions(code),
    lead_party_org_id BIGINT REFERENCES party_orgs(id),
    note              TEXT NOT NULL DEFAULT '',
    created_by        TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (region_code, name)
);

-- A member unit joins on joined_on and leaves on left_on (NULL: still in).
CREATE TABLE cobuild_alliance_members (
    id          {{ID}},
    alliance_id BIGINT NOT NULL REFERENCES cobuild_alliances(id),
    unit_id     BIGINT NOT NULL REFERENCES cobuild_units(id),
    joined_on   TEXT NOT NULL,
    left_on     TEXT
);
CREATE INDEX cobuild_alliance_members_a ON cobuild_alliance_members(alliance_id, unit_id);

CREATE TABLE cobuild_meetings (
    id          {{ID}},
    alliance_id BIGINT NOT NULL REFERENCES cobuild_alliances(id),
    held_on     TEXT NOT NULL,
    place       TEXT NOT NULL DEFAULT '',
    topics      TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX cobuild_meetings_a ON cobuild_meetings(alliance_id, held_on);

CREATE TABLE cobuild_meeting_attendees (
    meeting_id BIGINT NOT NULL REFERENCES cobuild_meetings(id),
    unit_id    BIGINT NOT NULL REFERENCES cobuild_units(id),
    PRIMARY KEY (meeting_id, unit_id)
);

-- A decision may be followed as a 挂牌 task of the work loop (task_id).
CREATE TABLE cobuild_decisions (
    id         {{ID}},
    meeting_id BIGINT NOT NULL REFERENCES cobuild_meetings(id),
    content    TEXT NOT NULL,
    task_id    BIGINT REFERENCES tasks(id)
);
CREATE INDEX cobuild_decisions_m ON cobuild_decisions(meeting_id);

-- 双报到: kind 'unit' (a unit's party organization) or 'member' (an
-- in-service member: a roster member_id, or a person outside the roster
-- with name, unit and sealed phone). community_code is a 社区/村.
CREATE TABLE cobuild_reports (
    id                {{ID}},
    kind              TEXT NOT NULL CHECK (kind IN ('unit', 'member')),
    community_code    TEXT NOT NULL REFERENCES regions(code),
    unit_id           BIGINT REFERENCES cobuild_units(id),
    member_id         BIGINT REFERENCES members(id),
    person_name       TEXT NOT NULL DEFAULT '',
    person_unit       TEXT NOT NULL DEFAULT '',
    person_phone_enc  TEXT NOT NULL DEFAULT '',
    person_phone_hash TEXT NOT NULL DEFAULT '',
    person_phone_mask TEXT NOT NULL DEFAULT '',
    reported_on       TEXT NOT NULL,
    created_by        TEXT NOT NULL,
    created_at        TEXT NOT NULL
);
CREATE INDEX cobuild_reports_c ON cobuild_reports(community_code, kind);
CREATE INDEX cobuild_reports_m ON cobuild_reports(member_id);
CREATE INDEX cobuild_reports_u ON cobuild_reports(unit_id);

-- Participation in community service; hours in tenths (1.5 h = 15).
CREATE TABLE cobuild_participations (
    id           {{ID}},
    report_id    BIGINT NOT NULL REFERENCES cobuild_reports(id),
    held_on      TEXT NOT NULL,
    activity     TEXT NOT NULL,
    hours_tenths INTEGER NOT NULL CHECK (hours_tenths > 0),
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX cobuild_participations_r ON cobuild_participations(report_id, held_on);

-- 双向考核: the community rates a unit once a year.
CREATE TABLE cobuild_ratings (
    id             {{ID}},
    community_code TEXT NOT NULL REFERENCES regions(code),
    unit_id        BIGINT NOT NULL REFERENCES cobuild_units(id),
    year           INTEGER NOT NULL,
    score          INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
    grade          TEXT NOT NULL,
    comment        TEXT NOT NULL DEFAULT '',
    rated_by       TEXT NOT NULL,
    rated_at       TEXT NOT NULL,
    UNIQUE (community_code, unit_id, year)
);

CREATE TABLE cobuild_agreements (
    id             {{ID}},
    community_code TEXT NOT NULL REFERENCES regions(code),
    unit_id        BIGINT NOT NULL REFERENCES cobuild_units(id),
    title          TEXT NOT NULL,
    starts_on      TEXT NOT NULL,
    ends_on        TEXT NOT NULL,
    content        TEXT NOT NULL DEFAULT '',
    state          TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX cobuild_agreements_c ON cobuild_agreements(community_code);

CREATE TABLE cobuild_needs (
    id             {{ID}},
    agreement_id   BIGINT REFERENCES cobuild_agreements(id),
    community_code TEXT NOT NULL REFERENCES regions(code),
    title          TEXT NOT NULL,
    category       TEXT NOT NULL,
    requester      TEXT NOT NULL DEFAULT '',
    urgency        TEXT NOT NULL,
    detail         TEXT NOT NULL DEFAULT '',
    state          TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX cobuild_needs_c ON cobuild_needs(community_code, state);
CREATE INDEX cobuild_needs_cat ON cobuild_needs(category, state);

-- A resource sits where its unit sits (region_code copied from the unit).
CREATE TABLE cobuild_resources (
    id             {{ID}},
    agreement_id   BIGINT REFERENCES cobuild_agreements(id),
    unit_id        BIGINT NOT NULL REFERENCES cobuild_units(id),
    region_code    TEXT NOT NULL REFERENCES regions(code),
    title          TEXT NOT NULL,
    category       TEXT NOT NULL,
    quantity       TEXT NOT NULL DEFAULT '',
    available_from TEXT,
    available_to   TEXT,
    state          TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX cobuild_resources_cat ON cobuild_resources(category, state, region_code);

CREATE TABLE cobuild_projects (
    id             {{ID}},
    agreement_id   BIGINT REFERENCES cobuild_agreements(id),
    community_code TEXT NOT NULL REFERENCES regions(code),
    title          TEXT NOT NULL,
    owner          TEXT NOT NULL,
    starts_on      TEXT NOT NULL,
    ends_on        TEXT NOT NULL,
    status         TEXT NOT NULL,
    result         TEXT NOT NULL DEFAULT '',
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX cobuild_projects_c ON cobuild_projects(community_code, status);

-- The needs and resources a project links (kind 'need' or 'resource').
CREATE TABLE cobuild_project_links (
    project_id BIGINT NOT NULL REFERENCES cobuild_projects(id),
    kind       TEXT NOT NULL CHECK (kind IN ('need', 'resource')),
    item_id    BIGINT NOT NULL,
    PRIMARY KEY (project_id, kind, item_id)
);

-- Evidence of a project, sealed with the personal-data key.
CREATE TABLE cobuild_files (
    id           {{ID}},
    project_id   BIGINT NOT NULL REFERENCES cobuild_projects(id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sealed_data  {{BLOB}} NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX cobuild_files_p ON cobuild_files(project_id);
