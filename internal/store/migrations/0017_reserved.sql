-- Placeholder so that 0018 applies on this branch: version 0017 belongs to
-- the meetings page (reminders, record edit, host/recorder). DELETE THIS FILE
-- when merging that branch's 0017.
SELECT 1;
