-- +statement
CREATE FUNCTION funds_journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'funds journal is append-only';
END;
$$;
-- +statement
CREATE TRIGGER funds_entries_no_change BEFORE UPDATE OR DELETE ON funds_entries
    FOR EACH ROW EXECUTE FUNCTION funds_journal_append_only();
-- +statement
CREATE TRIGGER funds_postings_no_change BEFORE UPDATE OR DELETE ON funds_postings
    FOR EACH ROW EXECUTE FUNCTION funds_journal_append_only();
