-- Coverage counts without village series (issue 18, h-counts): a code longer
-- than a street's (a village) keeps only its main series (dim m, read for
-- its street's breakdown by village); its joint, industry and 直属 series
-- (nearly one row per organization and event day: no aggregation) are
-- dropped, and a village's own report reads its spans through the
-- region_code indexes (internal/coverspan/counts.go, FullLevel). The rows
-- left are what the new writers keep; the next start still recounts
-- (EnsureBuilt), as 0043 and 0044 ask, with the spans' flag (the counts'
-- own flag would stop the writers from keeping counts in step until then).
-- Not keeps-previous: it deletes rows, and the previous release would read
-- a village's figures from the counts and find them gone.
DELETE FROM coverage_counts WHERE LENGTH(region_code) > 9 AND dim <> 'm';

INSERT INTO settings (key, value) VALUES ('coverage_spans_rebuild', '1')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
