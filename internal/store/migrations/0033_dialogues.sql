-- 政企对话 records and the rest of issue 13's requests: a dialogue (date,
-- title, region, organizing party organization, departments present as a JSON
-- list, problems raised) with the enterprises present; a request remembers
-- where it was raised (origin_kind dialogue|visit, origin_id), the day it was
-- finished, the calendar days it took and the handler unit that finished it
-- (the unit's "已办结" history and the figures by unit read these); indexes
-- for the overdue list and a period's figures at a million requests.
CREATE TABLE service_dialogues (
    id           {{ID}},
    held_on      TEXT NOT NULL,
    title        TEXT NOT NULL,
    region_code  TEXT NOT NULL REFERENCES regions(code),
    party_org_id BIGINT REFERENCES party_orgs(id),
    departments  TEXT NOT NULL DEFAULT '[]',
    problems     TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX service_dialogues_region ON service_dialogues(region_code, held_on);

CREATE TABLE service_dialogue_orgs (
    dialogue_id BIGINT NOT NULL REFERENCES service_dialogues(id) ON DELETE CASCADE,
    org_id      BIGINT NOT NULL REFERENCES organizations(id),
    PRIMARY KEY (dialogue_id, org_id)
);
CREATE INDEX service_dialogue_orgs_org ON service_dialogue_orgs(org_id);

ALTER TABLE service_requests ADD COLUMN origin_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE service_requests ADD COLUMN origin_id BIGINT;
ALTER TABLE service_requests ADD COLUMN done_on TEXT;
ALTER TABLE service_requests ADD COLUMN done_days INTEGER;
ALTER TABLE service_requests ADD COLUMN done_by_unit_id BIGINT REFERENCES service_handler_units(id);

CREATE INDEX service_requests_origin ON service_requests(origin_kind, origin_id);
CREATE INDEX service_requests_org ON service_requests(org_id);
-- A period's figures read these three without touching the table (each
-- holds every column its query needs), and the overdue list reads the open
-- requests only (a partial index, which replaces service_requests_due).
CREATE INDEX service_requests_received ON service_requests(received_on, region_code, category_id, reopen_count);
CREATE INDEX service_requests_done ON service_requests(done_on, region_code, category_id, state, due_on, done_days, done_by_unit_id);
CREATE INDEX service_requests_replied ON service_requests(replied_on, region_code, category_id, satisfaction);
CREATE INDEX service_requests_done_unit ON service_requests(done_by_unit_id, state);
CREATE INDEX service_requests_open_due ON service_requests(due_on, region_code, id) WHERE state IN ('received', 'handling', 'transferred') AND paused_on IS NULL;
DROP INDEX service_requests_due;
