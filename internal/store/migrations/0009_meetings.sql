-- Organizational life (组织生活): meetings of a party organization with the
-- attendance of roster members, attachments, the versioned required
-- frequencies, and the committee (支委会/党委) with its elections (换届).
CREATE TABLE meetings (
    id           {{ID}},
    party_org_id BIGINT NOT NULL REFERENCES party_orgs(id),
    kind         TEXT NOT NULL,
    status       TEXT NOT NULL,
    held_on      TEXT NOT NULL,
    place        TEXT NOT NULL DEFAULT '',
    topic        TEXT NOT NULL DEFAULT '',
    presenter    TEXT NOT NULL DEFAULT '',
    minutes      TEXT NOT NULL DEFAULT '',
    resolutions  TEXT NOT NULL DEFAULT '',
    late         BOOLEAN NOT NULL DEFAULT FALSE,
    late_note    TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX meetings_party_org ON meetings(party_org_id, held_on);
CREATE INDEX meetings_held_on ON meetings(held_on);

CREATE TABLE meeting_attendance (
    meeting_id BIGINT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    member_id  BIGINT NOT NULL REFERENCES members(id),
    status     TEXT NOT NULL,
    PRIMARY KEY (meeting_id, member_id)
);
CREATE INDEX meeting_attendance_member ON meeting_attendance(member_id);

CREATE TABLE meeting_attachments (
    id           {{ID}},
    meeting_id   BIGINT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    stored_name  TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL
);
CREATE INDEX meeting_attachments_meeting ON meeting_attachments(meeting_id);

-- Required frequency of a meeting kind from effective_from on: times per
-- period (month | quarter | year | none).
CREATE TABLE meeting_frequencies (
    id             {{ID}},
    kind           TEXT NOT NULL,
    period         TEXT NOT NULL,
    times          INTEGER NOT NULL,
    effective_from TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    UNIQUE (kind, effective_from)
);

CREATE TABLE elections (
    id           {{ID}},
    party_org_id BIGINT NOT NULL REFERENCES party_orgs(id),
    held_on      TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
);
CREATE INDEX elections_party_org ON elections(party_org_id, held_on);

-- Committee members: 书记, 副书记, 组织/宣传/纪检委员, 委员. A member of the
-- roster (member_id) or a name; to_on NULL while in office.
CREATE TABLE committee_members (
    id           {{ID}},
    party_org_id BIGINT NOT NULL REFERENCES party_orgs(id),
    election_id  BIGINT REFERENCES elections(id),
    role         TEXT NOT NULL,
    member_id    BIGINT REFERENCES members(id),
    name         TEXT NOT NULL,
    from_on      TEXT NOT NULL,
    to_on        TEXT,
    cross_post   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX committee_members_party_org ON committee_members(party_org_id, from_on);
