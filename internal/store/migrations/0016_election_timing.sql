-- 换届 on time or not: an election held earlier than three months before the
-- term's end, or after it, needs the higher committee's approval (批复), kept
-- with the election. timing: on_time, early, late, or '' for a first election.
-- Numbered 0016 (0015 seals personal data at rest).
ALTER TABLE elections ADD COLUMN approval TEXT NOT NULL DEFAULT '';
ALTER TABLE elections ADD COLUMN timing TEXT NOT NULL DEFAULT '';
