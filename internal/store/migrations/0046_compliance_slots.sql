-- Compliance slots (issue 18, h-slots): one row per party organization,
-- meeting kind and period slot (a month, quarter or year of the frequency in
-- force) with what the slot requires and what was held in it, kept in step
-- by the writers in their own transactions (internal/meeting/slots.go).
-- kind '' rows are a party organization's month with every meeting held in
-- it (total, attendance sums). Derived data: the settings row makes the
-- next start build the table from the ledger.
CREATE TABLE compliance_slots (
    party_org_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    slot_start TEXT NOT NULL,
    slot_end TEXT NOT NULL,
    required INTEGER NOT NULL,
    held_capped INTEGER NOT NULL,
    total INTEGER NOT NULL,
    late INTEGER NOT NULL,
    att_sum DOUBLE PRECISION NOT NULL,
    att_n INTEGER NOT NULL,
    PRIMARY KEY (party_org_id, slot_start, kind, slot_end)
);

INSERT INTO settings (key, value) VALUES ('compliance_slots_rebuild', '1')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
