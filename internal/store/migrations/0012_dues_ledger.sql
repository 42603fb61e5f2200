-- Dues (党费) records. Money is integer 分 (*_cents), rates parts per 10000
-- (*_bp). Rate table versions hold their brackets as JSON; without any row
-- the built-in 2008 table applies. A member's monthly amount is fixed for the
-- year when the base is declared; payments are one row per month paid.
CREATE TABLE dues_rate_tables (
    id             {{ID}},
    effective_from TEXT NOT NULL UNIQUE,
    brackets       TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL
);

CREATE TABLE dues_bases (
    id              {{ID}},
    member_id       BIGINT NOT NULL REFERENCES members(id),
    year            INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    base_cents      BIGINT NOT NULL,
    monthly_cents   BIGINT NOT NULL,
    rate_bp         INTEGER NOT NULL,
    rate_table_from TEXT NOT NULL,
    recorded_by     TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (member_id, year)
);

-- method: self | proxy (代缴, payer) | waived (免交, reason). batch_id groups
-- the months of one payment (quarterly or back payment).
CREATE TABLE dues_payments (
    id           {{ID}},
    member_id    BIGINT NOT NULL REFERENCES members(id),
    year         INTEGER NOT NULL,
    month        INTEGER NOT NULL,
    amount_cents BIGINT NOT NULL,
    paid_on      TEXT NOT NULL,
    method       TEXT NOT NULL,
    payer        TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL DEFAULT '',
    batch_id     TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    UNIQUE (member_id, year, month)
);
CREATE INDEX dues_payments_batch ON dues_payments(batch_id);
CREATE INDEX dues_payments_year ON dues_payments(year, month);

-- Refunds (返还) to 两新 party organizations: collected × ratio.
CREATE TABLE dues_refunds (
    id              {{ID}},
    party_org_id    BIGINT NOT NULL REFERENCES party_orgs(id),
    year            INTEGER NOT NULL,
    collected_cents BIGINT NOT NULL,
    ratio_bp        INTEGER NOT NULL,
    refund_cents    BIGINT NOT NULL,
    refunded_on     TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    recorded_by     TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    UNIQUE (party_org_id, year)
);
