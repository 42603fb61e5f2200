-- Precomputed coverage history (internal/coverspan): for each organization,
-- the stretches of days [from_on, to_on) on which it is in the ledger and
-- covered by a single party organization (state 3), by any party organization
-- (2) or only guided by an instructor (1); other days have no row. The
-- dimensions coverage is split by are copied so that coverage on a date reads
-- this table alone. Derived data: the services keep it in step, and the
-- settings row below makes the next start rebuild it from the ledger.
CREATE TABLE coverage_spans (
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    from_on         TEXT NOT NULL,
    to_on           TEXT,
    state           INTEGER NOT NULL,
    region_code     TEXT NOT NULL,
    category        TEXT NOT NULL,
    industry        TEXT NOT NULL,
    above_scale     BOOLEAN NOT NULL,
    employees       INTEGER NOT NULL,
    PRIMARY KEY (organization_id, from_on)
);
CREATE INDEX coverage_spans_region ON coverage_spans(region_code);

INSERT INTO settings (key, value) VALUES ('coverage_spans_rebuild', '1');
