-- The coverage counts gain the series m (organizations meeting the scope
-- rule, one per region) and keep the series of an organization registered
-- at a province or city code at that code (internal/coverspan/counts.go):
-- the next start rebuilds the spans and recounts (EnsureBuilt). The spans'
-- flag is the one set, as 0043 does: the counts' own flag would stop the
-- writers from keeping counts in step until a rebuild, also on a new, empty
-- database.
INSERT INTO settings (key, value) VALUES ('coverage_spans_rebuild', '1')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
