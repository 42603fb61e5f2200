-- How often an instructor visits each organization it is assigned to, per
-- kind (full_time: 专职 true, 兼职 false), every_months from effective_from
-- on (issue 22). With no row the defaults apply: 专职 1, 兼职 3 months.
-- Numbered 0022.
CREATE TABLE instructor_visit_frequencies (
    id             {{ID}},
    full_time      BOOLEAN NOT NULL,
    every_months   INTEGER NOT NULL,
    effective_from TEXT NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    UNIQUE (full_time, effective_from)
);
