-- 经费保障 (issue 15 items 3, 4, 6–8, funds part): yearly funding standards,
-- entitlements, and a double-entry journal in integer 分.
--
-- party_org_form_history keeps the earlier kinds and formations of a party
-- organization: on a day d in [valid_from, valid_to) the organization had
-- that kind and formation; on days no row covers, party_orgs' own columns
-- apply. Entitlements read it to know the kind and formation on each day.
CREATE TABLE party_org_form_history (
    id           {{ID}},
    party_org_id BIGINT NOT NULL REFERENCES party_orgs(id),
    valid_from   TEXT NOT NULL,
    valid_to     TEXT NOT NULL,
    kind         TEXT NOT NULL,
    formation    TEXT NOT NULL,
    changed_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    CHECK (valid_from < valid_to)
);
CREATE INDEX party_org_form_history_po ON party_org_form_history(party_org_id, valid_from);

-- A year's standard is versioned: every change adds a version, the highest
-- applies. Ratios are exact rationals num/den (den > 0); 1/1 returns all the
-- dues collected, a matching ratio of 1/1 adds as much again.
-- proration: 'year' (whole year) or 'months' (docs/venues-funds.md).
CREATE TABLE funds_standards (
    id            {{ID}},
    year          INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    startup_cents BIGINT NOT NULL CHECK (startup_cents >= 0),
    return_num    BIGINT NOT NULL CHECK (return_num >= 0),
    return_den    BIGINT NOT NULL CHECK (return_den > 0),
    match_num     BIGINT NOT NULL CHECK (match_num >= 0),
    match_den     BIGINT NOT NULL CHECK (match_den > 0),
    proration     TEXT NOT NULL CHECK (proration IN ('year', 'months')),
    note          TEXT NOT NULL DEFAULT '',
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    UNIQUE (year, version)
);

CREATE TABLE funds_standard_rates (
    standard_id  BIGINT NOT NULL REFERENCES funds_standards(id),
    kind         TEXT NOT NULL,
    formation    TEXT NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
    PRIMARY KEY (standard_id, kind, formation)
);

-- The last computed entitlement of each party organization and year (a
-- snapshot with its breakdown; the journal holds the money).
CREATE TABLE funds_entitlements (
    id               {{ID}},
    year             INTEGER NOT NULL,
    party_org_id     BIGINT NOT NULL REFERENCES party_orgs(id),
    standard_version INTEGER NOT NULL,
    months           INTEGER NOT NULL,
    standard_cents   BIGINT NOT NULL,
    startup_cents    BIGINT NOT NULL,
    dues_cents       BIGINT NOT NULL,
    returned_cents   BIGINT NOT NULL,
    matched_cents    BIGINT NOT NULL,
    total_cents      BIGINT NOT NULL,
    detail           TEXT NOT NULL DEFAULT '',
    computed_at      TEXT NOT NULL,
    UNIQUE (year, party_org_id)
);

-- The journal. An entry is one movement; its postings (debit > 0, credit < 0)
-- sum to zero. Rows are never changed or deleted (triggers in the dialect
-- parts); a correction is a new entry reversing another (reverses_id).
-- kind: entitlement | allocation | spending | grant.
CREATE TABLE funds_entries (
    id           {{ID}},
    year         INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('entitlement', 'allocation', 'spending', 'grant')),
    party_org_id BIGINT NOT NULL REFERENCES party_orgs(id),
    amount_cents BIGINT NOT NULL,
    voucher_no   TEXT NOT NULL DEFAULT '',
    category     TEXT NOT NULL DEFAULT '',
    occurred_on  TEXT NOT NULL,
    memo         TEXT NOT NULL DEFAULT '',
    reverses_id  BIGINT UNIQUE REFERENCES funds_entries(id),
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX funds_entries_po ON funds_entries(party_org_id, year, kind);
CREATE INDEX funds_entries_year ON funds_entries(year, kind);

-- account: pool (区级经费) | incubation (孵化发展基金) | entitlement (应拨未拨,
-- per party organization) | balance (已拨结余, per party organization) |
-- expense (支出, per category and party organization).
CREATE TABLE funds_postings (
    id           {{ID}},
    entry_id     BIGINT NOT NULL REFERENCES funds_entries(id),
    account      TEXT NOT NULL CHECK (account IN ('pool', 'incubation', 'entitlement', 'balance', 'expense')),
    party_org_id BIGINT REFERENCES party_orgs(id),
    category     TEXT NOT NULL DEFAULT '',
    year         INTEGER NOT NULL,
    amount_cents BIGINT NOT NULL
);
CREATE INDEX funds_postings_entry ON funds_postings(entry_id);
CREATE INDEX funds_postings_account ON funds_postings(party_org_id, year, account);

-- Receipts of a spending, sealed like visit photos (pdata.SealBytes).
CREATE TABLE funds_receipts (
    id           {{ID}},
    entry_id     BIGINT NOT NULL REFERENCES funds_entries(id),
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sealed_data  {{BLOB}} NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX funds_receipts_entry ON funds_receipts(entry_id, id);

-- 孵化发展基金 applications: applied → reviewed → granted | refused.
CREATE TABLE funds_incubation (
    id             {{ID}},
    year           INTEGER NOT NULL,
    party_org_id   BIGINT NOT NULL REFERENCES party_orgs(id),
    title          TEXT NOT NULL,
    purpose        TEXT NOT NULL,
    amount_cents   BIGINT NOT NULL CHECK (amount_cents > 0),
    status         TEXT NOT NULL CHECK (status IN ('applied', 'reviewed', 'granted', 'refused')),
    review_opinion TEXT NOT NULL DEFAULT '',
    reviewed_by    TEXT NOT NULL DEFAULT '',
    reviewed_at    TEXT NOT NULL DEFAULT '',
    decision       TEXT NOT NULL DEFAULT '',
    decided_by     TEXT NOT NULL DEFAULT '',
    decided_at     TEXT NOT NULL DEFAULT '',
    entry_id       BIGINT REFERENCES funds_entries(id),
    applied_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX funds_incubation_year ON funds_incubation(year, status);

-- The seeds' standards (domain.md §13, seed 004) for 2025 and 2026:
-- 单建 党委/党总支/党支部 15000/8000/5000 元, 联建 (and 区域、行业组建) 8000,
-- 启动经费 8000, 党费 returned in full, no matching; by months.
INSERT INTO funds_standards (year, version, startup_cents, return_num, return_den, match_num, match_den, proration, note, created_by, created_at)
VALUES (2025, 1, 800000, 1, 1, 0, 1, 'months', '初始标准（种子资料）', 'system', '2025-01-01T00:00:00.000000Z'),
       (2026, 1, 800000, 1, 1, 0, 1, 'months', '初始标准（种子资料）', 'system', '2026-01-01T00:00:00.000000Z');
INSERT INTO funds_standard_rates (standard_id, kind, formation, amount_cents)
SELECT s.id, k.kind, f.formation,
       CASE WHEN f.formation <> 'single' THEN 800000
            WHEN k.kind = 'committee' THEN 1500000
            WHEN k.kind = 'general_branch' THEN 800000
            ELSE 500000 END
FROM funds_standards s
CROSS JOIN (SELECT 'committee' AS kind UNION ALL SELECT 'general_branch' UNION ALL SELECT 'branch') k
CROSS JOIN (SELECT 'single' AS formation UNION ALL SELECT 'joint' UNION ALL SELECT 'regional' UNION ALL SELECT 'industry') f;
