-- Assessment and star rating (indicator sheets, rounds, scores, frozen
-- results), 软弱涣散 rectification, "1+1" pairs and honours (issue 5).
-- Points are stored as integer hundredths (8999 = 89.99 分) so boundaries are exact.

-- An indicator sheet: a named, versioned set of indicators. Owned by a region
-- (visible inside it and to its ancestors' and descendants' users).
CREATE TABLE assess_sheets (
    id          {{ID}},
    name        TEXT NOT NULL,
    year        INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    copied_from BIGINT REFERENCES assess_sheets(id),
    region_code TEXT NOT NULL REFERENCES regions(code),
    star5       BIGINT NOT NULL,
    star4       BIGINT NOT NULL,
    star3       BIGINT NOT NULL,
    star2       BIGINT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX assess_sheets_region ON assess_sheets(region_code);

CREATE TABLE assess_indicators (
    id         {{ID}},
    sheet_id   BIGINT NOT NULL REFERENCES assess_sheets(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    area       TEXT NOT NULL,
    name       TEXT NOT NULL,
    max_points BIGINT NOT NULL,
    method     TEXT NOT NULL,
    guidance   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX assess_indicators_sheet ON assess_indicators(sheet_id, position);

-- 一票否决 items: a hit caps the rating at cap_stars.
CREATE TABLE assess_vetoes (
    id        {{ID}},
    sheet_id  BIGINT NOT NULL REFERENCES assess_sheets(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    name      TEXT NOT NULL,
    cap_stars INTEGER NOT NULL
);
CREATE INDEX assess_vetoes_sheet ON assess_vetoes(sheet_id, position);

-- A round assesses the party organizations of a region subtree over a period.
CREATE TABLE assess_rounds (
    id          {{ID}},
    sheet_id    BIGINT NOT NULL REFERENCES assess_sheets(id),
    name        TEXT NOT NULL,
    region_code TEXT NOT NULL REFERENCES regions(code),
    period_from TEXT NOT NULL,
    period_to   TEXT NOT NULL,
    status      TEXT NOT NULL,
    closed_at   TEXT,
    closed_by   TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX assess_rounds_region ON assess_rounds(region_code);
CREATE INDEX assess_rounds_sheet ON assess_rounds(sheet_id);

-- One row per party organization in a round; the result columns are written
-- when the round closes (frozen) and cleared when it is reopened.
CREATE TABLE assess_results (
    id           {{ID}},
    round_id     BIGINT NOT NULL REFERENCES assess_rounds(id) ON DELETE CASCADE,
    party_org_id BIGINT NOT NULL REFERENCES party_orgs(id),
    satisfaction BIGINT,
    total        BIGINT,
    stars        INTEGER,
    capped       BOOLEAN NOT NULL DEFAULT FALSE,
    rank_no      INTEGER,
    updated_at   TEXT NOT NULL,
    UNIQUE (round_id, party_org_id)
);
CREATE INDEX assess_results_party_org ON assess_results(party_org_id);

-- The score of one indicator for one party organization in a round.
-- value is the computed 0–1 value in ten-thousandths (NULL for manual ones).
CREATE TABLE assess_scores (
    id           {{ID}},
    round_id     BIGINT NOT NULL REFERENCES assess_rounds(id) ON DELETE CASCADE,
    party_org_id BIGINT NOT NULL REFERENCES party_orgs(id),
    indicator_id BIGINT NOT NULL REFERENCES assess_indicators(id),
    computable   BOOLEAN NOT NULL DEFAULT FALSE,
    value        BIGINT,
    points       BIGINT,
    evidence     TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    scored_by    TEXT NOT NULL DEFAULT '',
    scored_at    TEXT,
    UNIQUE (round_id, party_org_id, indicator_id)
);

-- Veto items found for a party organization in a round.
CREATE TABLE assess_veto_hits (
    id           {{ID}},
    round_id     BIGINT NOT NULL REFERENCES assess_rounds(id) ON DELETE CASCADE,
    party_org_id BIGINT NOT NULL REFERENCES party_orgs(id),
    veto_id      BIGINT NOT NULL REFERENCES assess_vetoes(id),
    note         TEXT NOT NULL DEFAULT '',
    UNIQUE (round_id, party_org_id, veto_id)
);

-- 软弱涣散 designation by the district, with its rectification record.
CREATE TABLE assess_rectifications (
    id            {{ID}},
    party_org_id  BIGINT NOT NULL REFERENCES party_orgs(id),
    designated_on TEXT NOT NULL,
    reasons       TEXT NOT NULL,
    measures      TEXT NOT NULL DEFAULT '',
    responsible   TEXT NOT NULL DEFAULT '',
    deadline      TEXT NOT NULL,
    done_on       TEXT,
    outcome       TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX assess_rectifications_party_org ON assess_rectifications(party_org_id);

-- "1+1" 结对帮带: a model party organization helps another over a period.
CREATE TABLE assess_pairs (
    id                 {{ID}},
    model_party_org_id BIGINT NOT NULL REFERENCES party_orgs(id),
    helped_party_org_id BIGINT NOT NULL REFERENCES party_orgs(id),
    from_on            TEXT NOT NULL,
    to_on              TEXT NOT NULL,
    goals              TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX assess_pairs_model ON assess_pairs(model_party_org_id);
CREATE INDEX assess_pairs_helped ON assess_pairs(helped_party_org_id);

CREATE TABLE assess_pair_activities (
    id         {{ID}},
    pair_id    BIGINT NOT NULL REFERENCES assess_pairs(id) ON DELETE CASCADE,
    held_on    TEXT NOT NULL,
    content    TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX assess_pair_activities_pair ON assess_pair_activities(pair_id, held_on);

-- Honours (两优一先 and others) for members or party organizations. A member's
-- honour also records the member's party organization, which scopes it.
CREATE TABLE assess_honours (
    id             {{ID}},
    subject        TEXT NOT NULL,
    member_id      BIGINT REFERENCES members(id),
    party_org_id   BIGINT NOT NULL REFERENCES party_orgs(id),
    kind           TEXT NOT NULL,
    title          TEXT NOT NULL DEFAULT '',
    level          TEXT NOT NULL,
    year           INTEGER NOT NULL,
    status         TEXT NOT NULL,
    recommended_on TEXT NOT NULL,
    decided_on     TEXT,
    note           TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX assess_honours_party_org ON assess_honours(party_org_id, year);
