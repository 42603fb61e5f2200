-- 订单式服务 requests (诉求/订单, issue 13 items 1–3): categories with a
-- deadline in working days, the holiday calendar (days off and 调休 working
-- weekends; the official 2026 schedule of the 国务院办公厅 notice of
-- 2025-11-04 is loaded below), handler units (承办单位), the requests with an
-- optimistic version column, and their timeline. Numbered 0025.
CREATE TABLE service_categories (
    id            {{ID}},
    code          TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL UNIQUE,
    deadline_days INTEGER NOT NULL,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    sort          INTEGER NOT NULL DEFAULT 0
);
INSERT INTO service_categories (code, name, deadline_days, sort) VALUES
    ('policy', '政策咨询', 5, 1),
    ('financing', '融资需求', 10, 2),
    ('talent', '人才招聘', 10, 3),
    ('legal', '法律服务', 5, 4),
    ('approval', '审批代办', 10, 5),
    ('livelihood', '民生诉求', 5, 6),
    ('party_building', '党建业务', 5, 7),
    ('other', '其他', 10, 8);

CREATE TABLE service_calendar (
    day  TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('off', 'work')),
    note TEXT NOT NULL DEFAULT ''
);
INSERT INTO service_calendar (day, kind, note) VALUES
    ('2026-01-01', 'off', '元旦'),
    ('2026-01-02', 'off', '元旦'),
    ('2026-01-03', 'off', '元旦'),
    ('2026-01-04', 'work', '元旦调休上班'),
    ('2026-02-14', 'work', '春节调休上班'),
    ('2026-02-15', 'off', '春节'),
    ('2026-02-16', 'off', '春节'),
    ('2026-02-17', 'off', '春节'),
    ('2026-02-18', 'off', '春节'),
    ('2026-02-19', 'off', '春节'),
    ('2026-02-20', 'off', '春节'),
    ('2026-02-21', 'off', '春节'),
    ('2026-02-22', 'off', '春节'),
    ('2026-02-23', 'off', '春节'),
    ('2026-02-28', 'work', '春节调休上班'),
    ('2026-04-04', 'off', '清明节'),
    ('2026-04-05', 'off', '清明节'),
    ('2026-04-06', 'off', '清明节'),
    ('2026-05-01', 'off', '劳动节'),
    ('2026-05-02', 'off', '劳动节'),
    ('2026-05-03', 'off', '劳动节'),
    ('2026-05-04', 'off', '劳动节'),
    ('2026-05-05', 'off', '劳动节'),
    ('2026-05-09', 'work', '劳动节调休上班'),
    ('2026-06-19', 'off', '端午节'),
    ('2026-06-20', 'off', '端午节'),
    ('2026-06-21', 'off', '端午节'),
    ('2026-09-20', 'work', '国庆节调休上班'),
    ('2026-09-25', 'off', '中秋节'),
    ('2026-09-26', 'off', '中秋节'),
    ('2026-09-27', 'off', '中秋节'),
    ('2026-10-01', 'off', '国庆节'),
    ('2026-10-02', 'off', '国庆节'),
    ('2026-10-03', 'off', '国庆节'),
    ('2026-10-04', 'off', '国庆节'),
    ('2026-10-05', 'off', '国庆节'),
    ('2026-10-06', 'off', '国庆节'),
    ('2026-10-07', 'off', '国庆节'),
    ('2026-10-10', 'work', '国庆节调休上班');

CREATE TABLE service_handler_units (
    id          {{ID}},
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    region_code TEXT NOT NULL REFERENCES regions(code),
    org_id      BIGINT REFERENCES organizations(id),
    contact     TEXT NOT NULL DEFAULT '',
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TEXT NOT NULL,
    UNIQUE (region_code, name)
);

CREATE TABLE service_requests (
    id                   {{ID}},
    source               TEXT NOT NULL,
    category_id          BIGINT NOT NULL REFERENCES service_categories(id),
    content              TEXT NOT NULL,
    requester_name       TEXT NOT NULL,
    requester_phone_enc  TEXT NOT NULL DEFAULT '',
    requester_phone_hash TEXT NOT NULL DEFAULT '',
    requester_phone_mask TEXT NOT NULL DEFAULT '',
    org_id               BIGINT REFERENCES organizations(id),
    region_code          TEXT NOT NULL REFERENCES regions(code),
    receiving_party_org_id BIGINT REFERENCES party_orgs(id),
    handler_unit_id      BIGINT REFERENCES service_handler_units(id),
    state                TEXT NOT NULL,
    received_on          TEXT NOT NULL,
    due_on               TEXT NOT NULL,
    paused_on            TEXT,
    pause_reason         TEXT NOT NULL DEFAULT '',
    result               TEXT NOT NULL DEFAULT '',
    replied_on           TEXT,
    satisfaction         TEXT NOT NULL DEFAULT '',
    reopen_count         INTEGER NOT NULL DEFAULT 0,
    version              INTEGER NOT NULL DEFAULT 1,
    created_by           TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE INDEX service_requests_region ON service_requests(region_code, state);
CREATE INDEX service_requests_due ON service_requests(state, due_on);
CREATE INDEX service_requests_unit ON service_requests(handler_unit_id, state);

CREATE TABLE service_request_events (
    id              {{ID}},
    request_id      BIGINT NOT NULL REFERENCES service_requests(id) ON DELETE CASCADE,
    action          TEXT NOT NULL,
    from_state      TEXT NOT NULL,
    to_state        TEXT NOT NULL,
    handler_unit_id BIGINT REFERENCES service_handler_units(id),
    note            TEXT NOT NULL DEFAULT '',
    detail          TEXT NOT NULL DEFAULT '{}',
    due_on          TEXT NOT NULL DEFAULT '',
    username        TEXT NOT NULL,
    at              TEXT NOT NULL
);
CREATE INDEX service_request_events_request ON service_request_events(request_id, id);
