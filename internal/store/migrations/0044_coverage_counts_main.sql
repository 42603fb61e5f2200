-- The coverage counts gain the series m (organizations meeting the scope
-- rule, one per region) and keep the series of an organization registered
-- at a province or city code at that code (internal/coverspan/counts.go):
-- recompute them at the next start.
INSERT INTO settings (key, value) VALUES ('coverage_counts_rebuild', '1')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
