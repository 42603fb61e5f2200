-- 购买服务 (issue 15 item 5): contracts with social organizations of the
-- ledger, the four-party evaluation (职能部门, 街道, 专家, 群众) with weights
-- and grade thresholds as versioned settings, and the latest evaluation kept
-- for the organization's ledger record. Amounts are integer 分; scores are
-- integer tenths of a point (855 = 85.5); results integer hundredths.
CREATE TABLE service_contracts (
    id            {{ID}},
    org_id        BIGINT NOT NULL REFERENCES organizations(id),
    region_code   TEXT NOT NULL REFERENCES regions(code),
    department    TEXT NOT NULL,
    content       TEXT NOT NULL,
    starts_on     TEXT NOT NULL,
    ends_on       TEXT NOT NULL,
    amount_fen    BIGINT NOT NULL CHECK (amount_fen > 0),
    status        TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CHECK (ends_on >= starts_on)
);
CREATE INDEX service_contracts_region ON service_contracts(region_code, starts_on);
CREATE INDEX service_contracts_org ON service_contracts(org_id);

-- One row per version of the weights and thresholds; the highest id is in force.
CREATE TABLE contract_eval_settings (
    id            {{ID}},
    w_department  INTEGER NOT NULL,
    w_street      INTEGER NOT NULL,
    w_expert      INTEGER NOT NULL,
    w_public      INTEGER NOT NULL,
    excellent_min INTEGER NOT NULL,
    good_min      INTEGER NOT NULL,
    pass_min      INTEGER NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    CHECK (w_department + w_street + w_expert + w_public = 100),
    CHECK (excellent_min > good_min AND good_min > pass_min AND pass_min > 0)
);
INSERT INTO contract_eval_settings (w_department, w_street, w_expert, w_public, excellent_min, good_min, pass_min, reason, created_by, created_at)
    VALUES (30, 30, 20, 20, 90, 80, 60, '初始设置', 'system', '2026-01-01T00:00:00Z');

CREATE TABLE contract_evaluations (
    id                {{ID}},
    contract_id       BIGINT NOT NULL REFERENCES service_contracts(id),
    evaluated_on      TEXT NOT NULL,
    score_department  INTEGER NOT NULL CHECK (score_department BETWEEN 0 AND 1000),
    score_street      INTEGER NOT NULL CHECK (score_street BETWEEN 0 AND 1000),
    score_expert      INTEGER NOT NULL CHECK (score_expert BETWEEN 0 AND 1000),
    score_public      INTEGER NOT NULL CHECK (score_public BETWEEN 0 AND 1000),
    settings_id       BIGINT NOT NULL REFERENCES contract_eval_settings(id),
    result_hundredths INTEGER NOT NULL,
    grade             TEXT NOT NULL,
    note              TEXT NOT NULL DEFAULT '',
    created_by        TEXT NOT NULL,
    created_at        TEXT NOT NULL
);
CREATE INDEX contract_evaluations_contract ON contract_evaluations(contract_id, id);

-- The latest evaluation of an organization's purchased services, kept for
-- its ledger record (shown on the organization's detail page).
CREATE TABLE org_service_ratings (
    org_id            BIGINT PRIMARY KEY REFERENCES organizations(id),
    contract_id       BIGINT NOT NULL REFERENCES service_contracts(id),
    evaluation_id     BIGINT NOT NULL REFERENCES contract_evaluations(id),
    evaluated_on      TEXT NOT NULL,
    result_hundredths INTEGER NOT NULL,
    grade             TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
