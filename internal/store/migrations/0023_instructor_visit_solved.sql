-- What an instructor's work achieved (issue 22 item 4): the problems raised
-- on a visit can be marked solved later, on a day and with a note of how.
-- A visit with problems and no solved_on counts as raised, not solved.
-- Numbered 0023.
ALTER TABLE instructor_visits ADD COLUMN solved_on TEXT;
ALTER TABLE instructor_visits ADD COLUMN solved_note TEXT NOT NULL DEFAULT '';
