ALTER TABLE meeting_frequencies ADD COLUMN party_org_kind TEXT NOT NULL DEFAULT 'branch';
ALTER TABLE meeting_frequencies DROP CONSTRAINT meeting_frequencies_kind_effective_from_key;
ALTER TABLE meeting_frequencies ADD CONSTRAINT meeting_frequencies_kind_from UNIQUE (party_org_kind, kind, effective_from);
