-- 党建指导员 do their own work (issue 22): an account with role instructor
-- is bound to one instructor record (users.instructor_id), and a visit says
-- how it was made (form: 走访/电话/线上/座谈). Old visits were on-site.
-- Numbered 0020.
ALTER TABLE users ADD COLUMN instructor_id BIGINT REFERENCES instructors(id);
CREATE INDEX users_instructor ON users(instructor_id);
ALTER TABLE instructor_visits ADD COLUMN form TEXT NOT NULL DEFAULT '走访';
