-- The database itself refuses two confirmed bookings of one room whose
-- half-open time ranges overlap (back-to-back slots do not). The slot is a
-- generated tsrange built from immutable functions only; the room equality is
-- written as an overlap of the one-point range [room_id, room_id] so that the
-- constraint needs no extension (btree_gist would be installed in one schema
-- and invisible to the others, which tests and some deployments use).
ALTER TABLE venue_bookings ADD COLUMN slot tsrange GENERATED ALWAYS AS (
    tsrange(
        make_timestamp(CAST(substr(day, 1, 4) AS integer), CAST(substr(day, 6, 2) AS integer), CAST(substr(day, 9, 2) AS integer), 0, 0, 0) + make_interval(mins => start_min),
        make_timestamp(CAST(substr(day, 1, 4) AS integer), CAST(substr(day, 6, 2) AS integer), CAST(substr(day, 9, 2) AS integer), 0, 0, 0) + make_interval(mins => end_min),
        '[)')
) STORED;
ALTER TABLE venue_bookings ADD CONSTRAINT venue_bookings_no_overlap
    EXCLUDE USING gist (int8range(room_id, room_id, '[]') WITH &&, slot WITH &&) WHERE (status = 'confirmed');
