-- Covering indexes for coverage on a date (docs/benchmarks.md, recommendation 4):
-- the per-organization lookups of covers and assignments read no table rows.
-- The new columns extend the old keys, so queries using the old indexes keep them.
-- SQLite only: on PostgreSQL the same indexes changed the plan of the current
-- coverage query for the worse (docs/benchmarks.md), so it gets fresh statistics instead.
DROP INDEX party_org_covers_org;
CREATE INDEX party_org_covers_org ON party_org_covers(organization_id, from_on, to_on, party_org_id);
DROP INDEX instructor_assignments_org;
CREATE INDEX instructor_assignments_org ON instructor_assignments(organization_id, from_on, to_on);
