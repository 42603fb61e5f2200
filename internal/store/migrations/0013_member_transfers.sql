-- Transfers of membership (组织关系转接), the membership history, mobile
-- members (流动党员) and dual management (双重管理). Numbered 0016 on the
-- transfers branch; renumbered at merge.

-- One letter of introduction (介绍信). kind: internal (party org → party org
-- inside the system), in_from_outside (from an organization outside the
-- system; member_id is set at acceptance), out_to_outside. status: issued
-- (pending), accepted (internal / in), completed (out: return slip received,
-- 已转出), returned (退回 by the receiving side), cancelled. An issued letter
-- past valid_until is shown as expired (口袋党员).
CREATE TABLE transfers (
    id                 {{ID}},
    member_id          BIGINT REFERENCES members(id),
    member_name        TEXT NOT NULL,
    kind               TEXT NOT NULL,
    from_party_org_id  BIGINT REFERENCES party_orgs(id),
    from_outside       TEXT NOT NULL DEFAULT '',
    to_party_org_id    BIGINT REFERENCES party_orgs(id),
    to_outside         TEXT NOT NULL DEFAULT '',
    letter_no          TEXT NOT NULL,
    issued_on          TEXT NOT NULL,
    valid_until        TEXT NOT NULL,
    status             TEXT NOT NULL,
    return_slip_on     TEXT,
    accepted_on        TEXT,
    accepted_by        TEXT NOT NULL DEFAULT '',
    closed_on          TEXT,
    note               TEXT NOT NULL DEFAULT '',
    created_by         TEXT NOT NULL DEFAULT '',
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
-- A member has at most one pending transfer.
CREATE UNIQUE INDEX transfers_one_pending ON transfers(member_id) WHERE status = 'issued';
CREATE INDEX transfers_from ON transfers(from_party_org_id, status);
CREATE INDEX transfers_to ON transfers(to_party_org_id, status);
CREATE INDEX transfers_member ON transfers(member_id);

-- Membership history: which party org held the membership from/to when.
-- Exactly one open row (ended_on NULL) per member while the member is in the system.
CREATE TABLE member_memberships (
    id           {{ID}},
    member_id    BIGINT NOT NULL REFERENCES members(id),
    party_org_id BIGINT NOT NULL REFERENCES party_orgs(id),
    started_on   TEXT NOT NULL,
    ended_on     TEXT,
    transfer_id  BIGINT REFERENCES transfers(id),
    created_at   TEXT NOT NULL
);
CREATE UNIQUE INDEX member_memberships_one_open ON member_memberships(member_id) WHERE ended_on IS NULL;
CREATE INDEX member_memberships_member ON member_memberships(member_id, started_on);

-- Mobile members: direction out (流出, away at place) or in (流入, came from place).
CREATE TABLE member_mobility (
    id           {{ID}},
    member_id    BIGINT NOT NULL REFERENCES members(id),
    direction    TEXT NOT NULL,
    place        TEXT NOT NULL,
    since        TEXT NOT NULL,
    card_no      TEXT NOT NULL DEFAULT '',
    reviewed_on  TEXT,
    ended_on     TEXT,
    note         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE UNIQUE INDEX member_mobility_one_open ON member_mobility(member_id) WHERE ended_on IS NULL;
CREATE INDEX member_mobility_place ON member_mobility(place);

-- Dual management (双重管理): the member joins a second party org's
-- activities; the membership does not move.
CREATE TABLE member_dual (
    id           {{ID}},
    member_id    BIGINT NOT NULL REFERENCES members(id),
    party_org_id BIGINT NOT NULL REFERENCES party_orgs(id),
    started_on   TEXT NOT NULL,
    ended_on     TEXT,
    note         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE UNIQUE INDEX member_dual_one_open ON member_dual(member_id, party_org_id) WHERE ended_on IS NULL;
CREATE INDEX member_dual_party_org ON member_dual(party_org_id);
