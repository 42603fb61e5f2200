-- Compliance rollup (issue 18, h-rollup): the compliance slots summed per
-- street (the first nine characters of the region code), kind of party
-- organization, meeting kind and slot, and the party organizations counted
-- per street, kind of party organization, property and slot with the start
-- of the latest earlier slot of the same property ("prev": a party
-- organization counts in [from, to] once, at its first slot wholly inside
-- whose prev lies before from). Kept in step with compliance_slots by the
-- same refresh, in the writer's transaction (internal/meeting/rollup.go).
-- compliance_rollup_orgs is what each party organization was counted as
-- (the old side of the next change). Derived data: the settings row makes
-- the next start rebuild slots and rollup from the ledger. New tables only:
-- the previous version keeps working (its writers leave the rollup stale,
-- so its first start after this one rebuilds).
CREATE TABLE compliance_rollup (
    street TEXT NOT NULL,
    slot_start TEXT NOT NULL,
    org_kind TEXT NOT NULL,
    kind TEXT NOT NULL,
    slot_end TEXT NOT NULL,
    slots BIGINT NOT NULL,
    required BIGINT NOT NULL,
    held_capped BIGINT NOT NULL,
    total BIGINT NOT NULL,
    att_sum DOUBLE PRECISION NOT NULL,
    att_n BIGINT NOT NULL,
    PRIMARY KEY (street, slot_start, org_kind, kind, slot_end)
);

CREATE TABLE compliance_rollup_counts (
    street TEXT NOT NULL,
    slot_start TEXT NOT NULL,
    org_kind TEXT NOT NULL,
    what TEXT NOT NULL,
    slot_end TEXT NOT NULL,
    prev TEXT NOT NULL,
    orgs BIGINT NOT NULL,
    PRIMARY KEY (street, slot_start, org_kind, what, slot_end, prev)
);

CREATE TABLE compliance_rollup_orgs (
    party_org_id BIGINT PRIMARY KEY,
    street TEXT NOT NULL,
    org_kind TEXT NOT NULL
);

INSERT INTO settings (key, value) VALUES ('compliance_slots_rebuild', '1')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
