-- Placeholder on branch h15 only: version 26 belongs to another branch. The
-- migrator refuses a gap, so this file keeps 0027 (venues) runnable here.
-- When merging, delete it; if it is left beside the real 0026_*.sql it
-- changes nothing (files of one version are concatenated, this name sorts
-- last so the real one names the version, and its one statement, SELECT 1,
-- is there because a migration must have one).
SELECT 1;
