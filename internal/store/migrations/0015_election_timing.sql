-- 换届 on time or not: an election held earlier than three months before the
-- term's end, or after it, needs the higher committee's approval (批复), kept
-- with the election. timing: on_time, early, late, or '' for a first election.
-- Numbered 0017 on the rules branch; renumbered at merge if needed.
ALTER TABLE elections ADD COLUMN approval TEXT NOT NULL DEFAULT '';
ALTER TABLE elections ADD COLUMN timing TEXT NOT NULL DEFAULT '';
