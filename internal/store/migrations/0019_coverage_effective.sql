-- 有效覆盖 and the named coverage rules (issue 17 items 4–5): each coverage
-- span also says whether a party organization meeting the ≥3 正式党员 rule
-- covers the organization on those days (effective), whether an instructor
-- is assigned (instructed), and copies the declared 正式党员 (the 应建 rule).
-- Derived data: the settings row makes the next start rebuild the spans.
ALTER TABLE coverage_spans ADD COLUMN effective BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE coverage_spans ADD COLUMN instructed BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE coverage_spans ADD COLUMN full_members INTEGER NOT NULL DEFAULT 0;

INSERT INTO settings (key, value) VALUES ('coverage_spans_rebuild', '1')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
