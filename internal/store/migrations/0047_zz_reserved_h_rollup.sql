-- Placeholder (h-rollup): version 47 is assigned to another change made at
-- the same time; the versions must be contiguous, so this branch holds one
-- that does nothing. Delete this file when the real 0047 is merged (its name
-- sorts first; kept beside it, this file only adds the SELECT below).
SELECT 1;
