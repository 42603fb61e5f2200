-- Coverage groups by (category, industry, above-scale, child region). Without
-- statistics on the combination PostgreSQL takes the child-region prefix to be
-- as varied as the full code, expects a hundred thousand groups where a county
-- has a few thousand, and aggregates serially; with them it aggregates in
-- parallel (docs/benchmarks.md). 9 is a county's child level, 6 a prefecture's.
CREATE STATISTICS organizations_cover9 (ndistinct) ON category, industry, above_scale, SUBSTR(region_code, 1, 9) FROM organizations;
CREATE STATISTICS organizations_cover6 (ndistinct) ON category, industry, above_scale, SUBSTR(region_code, 1, 6) FROM organizations;
CREATE STATISTICS coverage_spans_cover9 (ndistinct) ON category, industry, above_scale, SUBSTR(region_code, 1, 9), state FROM coverage_spans;
CREATE STATISTICS coverage_spans_cover6 (ndistinct) ON category, industry, above_scale, SUBSTR(region_code, 1, 6), state FROM coverage_spans;
ANALYZE organizations;
