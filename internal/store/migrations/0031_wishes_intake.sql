-- Public intake (公开表单) and 微心愿 (wishes), issue 13 items 3 and 4.
-- A request or a wish submitted from the public page carries a ticket
-- number (a year and ten random base32 characters, not the row id) that the
-- submitter looks it up by, together with the last four digits of the phone.
-- Wishes are posted (by staff or the public page), claimed (认领) by a
-- party member or a party organization, fulfilled with a note and sealed
-- photos, and confirmed by the posting organization; a claim not fulfilled
-- within the claim window lapses back to open (done by the writers, see
-- internal/wish). The wisher's phone is sealed like members' phones.
ALTER TABLE service_requests ADD COLUMN ticket TEXT;
CREATE UNIQUE INDEX service_requests_ticket ON service_requests(ticket);

CREATE TABLE wishes (
    id                     {{ID}},
    ticket                 TEXT UNIQUE,
    source                 TEXT NOT NULL,
    category               TEXT NOT NULL,
    content                TEXT NOT NULL,
    wisher_name            TEXT NOT NULL,
    wisher_phone_enc       TEXT NOT NULL DEFAULT '',
    wisher_phone_hash      TEXT NOT NULL DEFAULT '',
    wisher_phone_mask      TEXT NOT NULL DEFAULT '',
    publish_consent        BOOLEAN NOT NULL DEFAULT FALSE,
    value_cents            BIGINT,
    region_code            TEXT NOT NULL REFERENCES regions(code),
    poster_party_org_id    BIGINT REFERENCES party_orgs(id),
    state                  TEXT NOT NULL,
    claimant_member_id     BIGINT REFERENCES members(id),
    claimant_party_org_id  BIGINT REFERENCES party_orgs(id),
    claimed_on             TEXT,
    claim_due_on           TEXT,
    fulfil_note            TEXT NOT NULL DEFAULT '',
    fulfilled_on           TEXT,
    confirmed_on           TEXT,
    cancel_reason          TEXT NOT NULL DEFAULT '',
    version                INTEGER NOT NULL DEFAULT 1,
    created_by             TEXT NOT NULL,
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL
);
CREATE INDEX wishes_region ON wishes(region_code, state);
CREATE INDEX wishes_claim ON wishes(state, claim_due_on);
CREATE INDEX wishes_member ON wishes(claimant_member_id, state);

CREATE TABLE wish_events (
    id        {{ID}},
    wish_id   BIGINT NOT NULL REFERENCES wishes(id) ON DELETE CASCADE,
    action    TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state  TEXT NOT NULL,
    note      TEXT NOT NULL DEFAULT '',
    username  TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE INDEX wish_events_wish ON wish_events(wish_id, id);

CREATE TABLE wish_photos (
    id           {{ID}},
    wish_id      BIGINT NOT NULL REFERENCES wishes(id) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sealed_data  {{BLOB}} NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX wish_photos_wish ON wish_photos(wish_id, id);
