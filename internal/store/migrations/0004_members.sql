-- Party members (党员花名册). 身份证号 and phone are stored encrypted
-- (*_enc, SM4-GCM), with a keyed hash (*_hash, HMAC-SM3) for exact lookup and
-- uniqueness and the masked form (*_mask) for lists. A member belongs to
-- exactly one party organization at a time (party_org_id); history of
-- transfers is kept elsewhere.
CREATE TABLE members (
    id              {{ID}},
    name            TEXT NOT NULL,
    gender          TEXT NOT NULL,
    ethnicity       TEXT NOT NULL DEFAULT '',
    birth_date      TEXT NOT NULL,
    id_number_enc   TEXT NOT NULL,
    id_number_hash  TEXT NOT NULL UNIQUE,
    id_number_mask  TEXT NOT NULL,
    phone_enc       TEXT NOT NULL DEFAULT '',
    phone_hash      TEXT NOT NULL DEFAULT '',
    phone_mask      TEXT NOT NULL DEFAULT '',
    education       TEXT NOT NULL DEFAULT '',
    joined_on       TEXT,
    confirmed_on    TEXT,
    category        TEXT NOT NULL,
    party_org_id    BIGINT NOT NULL REFERENCES party_orgs(id),
    organization_id BIGINT REFERENCES organizations(id),
    position        TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'active',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX members_party_org ON members(party_org_id, status);
CREATE INDEX members_organization ON members(organization_id);
CREATE INDEX members_name ON members(name);
