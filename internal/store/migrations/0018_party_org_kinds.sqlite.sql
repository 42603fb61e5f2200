-- SQLite cannot drop the old UNIQUE (kind, effective_from): rebuild the table, keeping ids.
CREATE TABLE meeting_frequencies_0018 (
    id             {{ID}},
    party_org_kind TEXT NOT NULL DEFAULT 'branch',
    kind           TEXT NOT NULL,
    period         TEXT NOT NULL,
    times          INTEGER NOT NULL,
    effective_from TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    UNIQUE (party_org_kind, kind, effective_from)
);
INSERT INTO meeting_frequencies_0018 (id, party_org_kind, kind, period, times, effective_from, created_at)
    SELECT id, 'branch', kind, period, times, effective_from, created_at FROM meeting_frequencies;
DROP TABLE meeting_frequencies;
ALTER TABLE meeting_frequencies_0018 RENAME TO meeting_frequencies;
