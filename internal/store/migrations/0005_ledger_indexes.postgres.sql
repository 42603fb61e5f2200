-- PostgreSQL: fresh planner statistics for the coverage joins (the covering
-- indexes are SQLite-only; see 0005_ledger_indexes.sqlite.sql).
ANALYZE party_org_covers;
ANALYZE instructor_assignments;
