-- Compliance pages sorted by a figure (issue 18 target 2, h-ytd): each party
-- organization's sums over the year-to-date windows (1 January to the end of
-- each month of the years the compliance slots cover), with its region code
-- and name copied in, kept in step with compliance_slots by the same refresh
-- in the writer's transaction (internal/meeting/windows.go). One index per
-- figure ordered as the page (window, figure, region, name, id, status), so
-- that a page is a walk that stops after its rows. rate and attendance are
-- -1 where the figure has no value. The table is created in the dialect
-- parts (PostgreSQL compares the copied name bytewise, COLLATE "C").
-- Derived data: the settings row makes the next start rebuild it.
INSERT INTO settings (key, value) VALUES ('compliance_slots_rebuild', '1')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
