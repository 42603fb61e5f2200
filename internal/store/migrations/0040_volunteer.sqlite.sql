-- +statement
CREATE TRIGGER tb_entries_no_update BEFORE UPDATE ON tb_entries
BEGIN
    SELECT RAISE(ABORT, 'time-bank journal is append-only');
END;
-- +statement
CREATE TRIGGER tb_entries_no_delete BEFORE DELETE ON tb_entries
BEGIN
    SELECT RAISE(ABORT, 'time-bank journal is append-only');
END;
-- +statement
CREATE TRIGGER tb_postings_no_update BEFORE UPDATE ON tb_postings
BEGIN
    SELECT RAISE(ABORT, 'time-bank journal is append-only');
END;
-- +statement
CREATE TRIGGER tb_postings_no_delete BEFORE DELETE ON tb_postings
BEGIN
    SELECT RAISE(ABORT, 'time-bank journal is append-only');
END;
