-- 主持人 and 记录人 of a meeting (issue 17 item 8): free text of at most 50
-- characters, usually a roster member's name. Old records keep ''.
-- Numbered 0017 (0016 records the timing of an election).
ALTER TABLE meetings ADD COLUMN host TEXT NOT NULL DEFAULT '';
ALTER TABLE meetings ADD COLUMN recorder TEXT NOT NULL DEFAULT '';
