-- 阵地 (venues) and room booking (issue 15 items 1–2). A venue belongs to a
-- party organization and a region; the manager's phone is sealed like the
-- members' phones (enc/hash/mask). Opening hours are JSON, one entry per open
-- weekday. Areas and coordinates are decimal text. A booking is a half-open
-- slot [start_min, end_min) in minutes after midnight on one day; on
-- PostgreSQL an exclusion constraint (0027_venues.postgres.sql) keeps
-- confirmed bookings of one room from overlapping, on SQLite the write
-- transaction checks it (single writer). Numbered 0027.
CREATE TABLE venues (
    id                 {{ID}},
    name               TEXT NOT NULL,
    kind               TEXT NOT NULL,
    party_org_id       BIGINT NOT NULL REFERENCES party_orgs(id),
    region_code        TEXT NOT NULL REFERENCES regions(code),
    address            TEXT NOT NULL,
    longitude          TEXT NOT NULL DEFAULT '',
    latitude           TEXT NOT NULL DEFAULT '',
    area               TEXT NOT NULL DEFAULT '',
    hours              TEXT NOT NULL DEFAULT '[]',
    manager_name       TEXT NOT NULL DEFAULT '',
    manager_phone_enc  TEXT NOT NULL DEFAULT '',
    manager_phone_hash TEXT NOT NULL DEFAULT '',
    manager_phone_mask TEXT NOT NULL DEFAULT '',
    created_by         TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    UNIQUE (region_code, name)
);
CREATE INDEX venues_region ON venues(region_code, kind);

CREATE TABLE venue_rooms (
    id       {{ID}},
    venue_id BIGINT NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
    name     TEXT NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity > 0),
    UNIQUE (venue_id, name)
);

CREATE TABLE venue_bookings (
    id            {{ID}},
    venue_id      BIGINT NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
    room_id       BIGINT NOT NULL REFERENCES venue_rooms(id) ON DELETE CASCADE,
    day           TEXT NOT NULL,
    start_min     INTEGER NOT NULL,
    end_min       INTEGER NOT NULL,
    party_org_id  BIGINT REFERENCES party_orgs(id),
    unit_name     TEXT NOT NULL DEFAULT '',
    purpose       TEXT NOT NULL,
    attendance    INTEGER NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('confirmed', 'cancelled')),
    cancel_reason TEXT NOT NULL DEFAULT '',
    cancelled_by  TEXT NOT NULL DEFAULT '',
    cancelled_at  TEXT NOT NULL DEFAULT '',
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    CHECK (start_min >= 0 AND start_min < end_min AND end_min <= 1440)
);
CREATE INDEX venue_bookings_room ON venue_bookings(room_id, day, status);
CREATE INDEX venue_bookings_venue ON venue_bookings(venue_id, day);
