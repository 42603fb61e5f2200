-- +statement
CREATE TRIGGER funds_entries_no_update BEFORE UPDATE ON funds_entries
BEGIN
    SELECT RAISE(ABORT, 'funds journal is append-only');
END;
-- +statement
CREATE TRIGGER funds_entries_no_delete BEFORE DELETE ON funds_entries
BEGIN
    SELECT RAISE(ABORT, 'funds journal is append-only');
END;
-- +statement
CREATE TRIGGER funds_postings_no_update BEFORE UPDATE ON funds_postings
BEGIN
    SELECT RAISE(ABORT, 'funds journal is append-only');
END;
-- +statement
CREATE TRIGGER funds_postings_no_delete BEFORE DELETE ON funds_postings
BEGIN
    SELECT RAISE(ABORT, 'funds journal is append-only');
END;
