-- Coverage counts without village series (issue 18, h-counts): a code longer
-- than a street's (a village) keeps only its main series (dim m, read for
-- its street's breakdown by village); its joint, industry and 直属 series
-- (nearly one row per organization and event day: no aggregation) are
-- dropped, and a village's own report reads its spans through the
-- region_code indexes (internal/coverspan/counts.go, FullLevel). The rows
-- left are exactly what the new writers keep (the village main series and
-- every county and street row were written the same way before), so no
-- recount is asked for: at a province a recount of spans and counts costs
-- about 16 minutes of start-up.
-- Not keeps-previous: it deletes rows, and the previous release would read
-- a village's figures from the counts and find them gone.
DELETE FROM coverage_counts WHERE LENGTH(region_code) > 9 AND dim <> 'm';

