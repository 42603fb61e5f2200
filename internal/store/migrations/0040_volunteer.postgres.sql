-- +statement
CREATE FUNCTION tb_journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'time-bank journal is append-only';
END;
$$;
-- +statement
CREATE TRIGGER tb_entries_no_change BEFORE UPDATE OR DELETE ON tb_entries
    FOR EACH ROW EXECUTE FUNCTION tb_journal_append_only();
-- +statement
CREATE TRIGGER tb_postings_no_change BEFORE UPDATE OR DELETE ON tb_postings
    FOR EACH ROW EXECUTE FUNCTION tb_journal_append_only();
