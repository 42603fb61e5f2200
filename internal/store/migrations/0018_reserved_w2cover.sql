-- Placeholder (branch w2-cover): 0018 belongs to another branch of issue 17; this
-- file only keeps the numbering contiguous so that 0019 runs here. Delete it when merging.
SELECT 1;
