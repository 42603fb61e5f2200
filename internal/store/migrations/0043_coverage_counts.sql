-- Pre-aggregated coverage counts (issue 18 target 1): for every region at
-- every level above an organization (and its own code), per breakdown series
-- (dim: k joint key "<rule flags>|<category>", i industry, s the region
-- itself) and per calendar bucket (grain: y year, m month, d day), the change
-- on that bucket of each measure. Coverage on day D is the sum of the year
-- buckets before D's year, the month buckets of D's year before D's month and
-- the day buckets of D's month up to D (internal/coverspan/counts.go).
-- coverage_count_orgs is what each organization was counted as (the old side
-- of the next change). Derived data: the settings row makes the next start
-- rebuild spans and counts from the ledger.
CREATE TABLE coverage_counts (
    region_code TEXT NOT NULL,
    grain TEXT NOT NULL,
    bucket TEXT NOT NULL,
    dim TEXT NOT NULL,
    key TEXT NOT NULL,
    total BIGINT NOT NULL DEFAULT 0,
    has_charter BIGINT NOT NULL DEFAULT 0,
    charter_has_party BIGINT NOT NULL DEFAULT 0,
    org_covered BIGINT NOT NULL DEFAULT 0,
    single_covered BIGINT NOT NULL DEFAULT 0,
    work_covered BIGINT NOT NULL DEFAULT 0,
    effective_covered BIGINT NOT NULL DEFAULT 0,
    instructed BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (region_code, dim, grain, bucket, key)
);

CREATE TABLE coverage_count_orgs (
    organization_id BIGINT PRIMARY KEY,
    region_code TEXT NOT NULL,
    category TEXT NOT NULL,
    industry TEXT NOT NULL,
    above_scale BOOLEAN NOT NULL,
    employees INTEGER NOT NULL,
    full_members INTEGER NOT NULL,
    has_charter BOOLEAN NOT NULL,
    charter_has_party BOOLEAN NOT NULL,
    registered_on TEXT,
    closed_on TEXT
);

INSERT INTO settings (key, value) VALUES ('coverage_spans_rebuild', '1')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
