-- Placeholder on branch h13 only: version 26 belongs to another branch (issue 22: 0023,
-- 0024; others 0025, 0026). The migrator refuses a gap, so this file keeps
-- 0027 runnable here. When merging, delete it; if it is left beside the real
-- 0026_*.sql it changes nothing (files of one version are concatenated, and
-- this name sorts last, so the real one names the version; its one statement,
-- SELECT 1, is there because a migration must have one and changes nothing).
SELECT 1;
