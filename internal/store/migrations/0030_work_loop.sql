-- The work loop (issue 16 items 1–3): 工作提示 and 学习清单 published to a
-- subtree with their recipients (the party organizations in the subtree at
-- publication), read receipts and item completions; 挂牌销号 tasks with an
-- optimistic version and a timeline; supervision plans (督导/调研) with visits
-- and findings; stored documents (pdf/docx/xlsx) attached to any of them.
CREATE TABLE workloop_files (
    id           {{ID}},
    owner_kind   TEXT NOT NULL DEFAULT '',
    owner_id     BIGINT NOT NULL DEFAULT 0,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    data         {{BLOB}} NOT NULL,
    uploaded_by  BIGINT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX workloop_files_owner ON workloop_files(owner_kind, owner_id);

CREATE TABLE notices (
    id           {{ID}},
    kind         TEXT NOT NULL CHECK (kind IN ('tip', 'study')),
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    period       TEXT NOT NULL,
    region_code  TEXT NOT NULL REFERENCES regions(code),
    state        TEXT NOT NULL CHECK (state IN ('draft', 'published', 'withdrawn')),
    published_on TEXT,
    withdrawn_at TEXT,
    withdraw_reason TEXT NOT NULL DEFAULT '',
    created_by   BIGINT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (kind, period, region_code, title)
);
CREATE INDEX notices_region ON notices(region_code);

CREATE TABLE notice_items (
    id        {{ID}},
    notice_id BIGINT NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,
    content   TEXT NOT NULL,
    UNIQUE (notice_id, seq)
);

CREATE TABLE notice_recipients (
    notice_id    BIGINT NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
    party_org_id BIGINT NOT NULL REFERENCES party_orgs(id),
    region_code  TEXT NOT NULL,
    read_at      TEXT,
    read_by      BIGINT,
    PRIMARY KEY (notice_id, party_org_id)
);
CREATE INDEX notice_recipients_org ON notice_recipients(party_org_id);

CREATE TABLE notice_item_done (
    id           {{ID}},
    item_id      BIGINT NOT NULL REFERENCES notice_items(id) ON DELETE CASCADE,
    party_org_id BIGINT NOT NULL REFERENCES party_orgs(id),
    done_on      TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    file_id      BIGINT REFERENCES workloop_files(id),
    recorded_by  BIGINT NOT NULL,
    recorded_at  TEXT NOT NULL,
    UNIQUE (item_id, party_org_id)
);

CREATE TABLE tasks (
    id             {{ID}},
    title          TEXT NOT NULL,
    detail         TEXT NOT NULL DEFAULT '',
    assignee_kind  TEXT NOT NULL CHECK (assignee_kind IN ('region', 'party_org')),
    party_org_id   BIGINT REFERENCES party_orgs(id),
    region_code    TEXT NOT NULL REFERENCES regions(code),
    deadline       TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('open', 'requested', 'returned', 'closed')),
    origin_kind    TEXT NOT NULL DEFAULT '',
    origin_id      BIGINT NOT NULL DEFAULT 0,
    closed_on      TEXT,
    version        INTEGER NOT NULL DEFAULT 1,
    created_by     BIGINT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX tasks_region ON tasks(region_code);
CREATE INDEX tasks_origin ON tasks(origin_kind, origin_id);

CREATE TABLE task_events (
    id         {{ID}},
    task_id    BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    action     TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    by_user    BIGINT NOT NULL,
    by_name    TEXT NOT NULL,
    at         TEXT NOT NULL
);
CREATE INDEX task_events_task ON task_events(task_id);

CREATE TABLE supervision_plans (
    id          {{ID}},
    kind        TEXT NOT NULL CHECK (kind IN ('supervision', 'research')),
    title       TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to   TEXT NOT NULL,
    region_code TEXT NOT NULL REFERENCES regions(code),
    note        TEXT NOT NULL DEFAULT '',
    created_by  BIGINT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX supervision_plans_region ON supervision_plans(region_code);

CREATE TABLE supervision_visits (
    id           {{ID}},
    plan_id      BIGINT NOT NULL REFERENCES supervision_plans(id) ON DELETE CASCADE,
    party_org_id BIGINT NOT NULL REFERENCES party_orgs(id),
    visited_on   TEXT NOT NULL,
    visitors     TEXT NOT NULL,
    summary      TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
);
CREATE INDEX supervision_visits_plan ON supervision_visits(plan_id);

CREATE TABLE supervision_findings (
    id        {{ID}},
    visit_id  BIGINT NOT NULL REFERENCES supervision_visits(id) ON DELETE CASCADE,
    content   TEXT NOT NULL,
    deadline  TEXT,
    done_on   TEXT,
    outcome   TEXT NOT NULL DEFAULT '',
    task_id   BIGINT REFERENCES tasks(id)
);
CREATE INDEX supervision_findings_visit ON supervision_findings(visit_id);
