-- 发展党员: the people in the pipeline (入党申请人 → 积极分子 → 发展对象 → 预备党员
-- → 正式党员) and the 25 steps recorded for each. 身份证号 is stored like the
-- roster's (encrypted, keyed hash, mask). When the higher committee admits a
-- person (step 17) a roster member is created and linked by member_id, so the
-- member keeps the whole record.
CREATE TABLE dev_people (
    id                {{ID}},
    party_org_id      BIGINT NOT NULL REFERENCES party_orgs(id),
    name              TEXT NOT NULL,
    gender            TEXT NOT NULL,
    birth_date        TEXT NOT NULL,
    id_number_enc     TEXT NOT NULL,
    id_number_hash    TEXT NOT NULL UNIQUE,
    id_number_mask    TEXT NOT NULL,
    organization_id   BIGINT REFERENCES organizations(id),
    stage             TEXT NOT NULL,
    applied_on        TEXT NOT NULL,
    probation_ends_on TEXT,
    extension_months  INTEGER NOT NULL DEFAULT 0,
    member_id         BIGINT REFERENCES members(id),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX dev_people_party_org ON dev_people(party_org_id, stage);

CREATE TABLE dev_steps (
    id          {{ID}},
    person_id   BIGINT NOT NULL REFERENCES dev_people(id),
    step        INTEGER NOT NULL,
    done_on     TEXT NOT NULL,
    people      TEXT NOT NULL DEFAULT '',
    details     TEXT NOT NULL DEFAULT '{}',
    documents   TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    warning     TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
CREATE INDEX dev_steps_person ON dev_steps(person_id, step);
