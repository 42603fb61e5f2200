-- 志愿服务与时间银行 (issue 14 items 4, 5 and the volunteering share of 7):
-- 党员服务队, activities with sign-up and QR sign-in, confirmed hours, and
-- the 时间银行/道德银行 as a double-entry ledger in integer points.

-- Registered residents and volunteers who are not on the party roster; the
-- phone is sealed like members' phones.
CREATE TABLE vol_people (
    id          {{ID}},
    name        TEXT NOT NULL,
    phone_enc   TEXT NOT NULL DEFAULT '',
    phone_mask  TEXT NOT NULL DEFAULT '',
    region_code TEXT NOT NULL REFERENCES regions(code),
    note        TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX vol_people_region ON vol_people(region_code);

-- 党员服务队.
CREATE TABLE vol_teams (
    id               {{ID}},
    name             TEXT NOT NULL,
    party_org_id     BIGINT REFERENCES party_orgs(id),
    region_code      TEXT NOT NULL REFERENCES regions(code),
    leader_member_id BIGINT REFERENCES members(id),
    note             TEXT NOT NULL DEFAULT '',
    created_by       TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX vol_teams_region ON vol_teams(region_code);

CREATE TABLE vol_team_members (
    team_id   BIGINT NOT NULL REFERENCES vol_teams(id),
    member_id BIGINT NOT NULL REFERENCES members(id),
    joined_on TEXT NOT NULL,
    PRIMARY KEY (team_id, member_id)
);
CREATE INDEX vol_team_members_member ON vol_team_members(member_id);

-- Activities. signed_up counts the participants: a sign-up increments it
-- only while it is below capacity (one conditional UPDATE), so parallel
-- sign-ups never exceed the capacity.
-- status: open | cancelled.
CREATE TABLE vol_activities (
    id              {{ID}},
    title           TEXT NOT NULL,
    kind            TEXT NOT NULL,
    starts_at       TEXT NOT NULL,
    ends_at         TEXT NOT NULL,
    place           TEXT NOT NULL,
    planned_minutes INTEGER NOT NULL CHECK (planned_minutes > 0),
    capacity        INTEGER NOT NULL CHECK (capacity > 0),
    signed_up       INTEGER NOT NULL DEFAULT 0,
    team_id         BIGINT REFERENCES vol_teams(id),
    region_code     TEXT NOT NULL REFERENCES regions(code),
    description     TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'cancelled')),
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK (signed_up <= capacity)
);
CREATE INDEX vol_activities_start ON vol_activities(region_code, starts_at);

-- Participants of an activity: a roster member or a registered person.
-- sign_in_method: qr | manual ('' until signed in).
CREATE TABLE vol_participants (
    id                {{ID}},
    activity_id       BIGINT NOT NULL REFERENCES vol_activities(id),
    member_id         BIGINT REFERENCES members(id),
    person_id         BIGINT REFERENCES vol_people(id),
    signed_up_at      TEXT NOT NULL,
    signed_in_at      TEXT,
    sign_in_method    TEXT NOT NULL DEFAULT '',
    signed_in_by      TEXT NOT NULL DEFAULT '',
    confirmed_minutes INTEGER,
    confirmed_by      TEXT NOT NULL DEFAULT '',
    confirmed_at      TEXT,
    hours_id          BIGINT,
    UNIQUE (activity_id, member_id),
    UNIQUE (activity_id, person_id),
    CHECK ((member_id IS NULL) <> (person_id IS NULL))
);
CREATE INDEX vol_participants_member ON vol_participants(member_id);

-- Time-bank accounts: the bank's own (kind bank), the redemption hold
-- (kind hold, what is reserved and not yet posted or voided), and one per
-- person (kind member or person). family_code groups the accounts of one
-- household (transfers within a family).
CREATE TABLE tb_accounts (
    id          {{ID}},
    kind        TEXT NOT NULL CHECK (kind IN ('bank', 'hold', 'member', 'person')),
    member_id   BIGINT UNIQUE REFERENCES members(id),
    person_id   BIGINT UNIQUE REFERENCES vol_people(id),
    name        TEXT NOT NULL,
    region_code TEXT NOT NULL DEFAULT '',
    family_code TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
CREATE INDEX tb_accounts_region ON tb_accounts(region_code);

-- The journal: an entry is one movement; its postings sum to zero. Rows are
-- never changed or deleted (triggers in the dialect parts); a correction is
-- a new entry reversing another (reverses_id).
-- kind: earn | redeem_reserve | redeem_post | redeem_void | transfer | expire | reversal.
-- source_kind: hours | redemption | transfer | expiry | entry.
CREATE TABLE tb_entries (
    id           {{ID}},
    kind         TEXT NOT NULL,
    amount       BIGINT NOT NULL CHECK (amount > 0),
    occurred_on  TEXT NOT NULL,
    source_kind  TEXT NOT NULL DEFAULT '',
    source_id    BIGINT,
    memo         TEXT NOT NULL DEFAULT '',
    reverses_id  BIGINT UNIQUE REFERENCES tb_entries(id),
    confirmed_by TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX tb_entries_source ON tb_entries(source_kind, source_id);

CREATE TABLE tb_postings (
    id          {{ID}},
    entry_id    BIGINT NOT NULL REFERENCES tb_entries(id),
    account_id  BIGINT NOT NULL REFERENCES tb_accounts(id),
    amount      BIGINT NOT NULL,
    occurred_on TEXT NOT NULL
);
CREATE INDEX tb_postings_account ON tb_postings(account_id, occurred_on);
CREATE INDEX tb_postings_entry ON tb_postings(entry_id);

-- Confirmed volunteer hours, whatever their source: an activity
-- participant, a confirmed wish, or an imported historical record. Each
-- earns points through its entry; reversed_entry_id is set when that entry
-- is reversed (the hours no longer count).
-- source: activity | wish | import.
CREATE TABLE vol_hours (
    id                {{ID}},
    account_id        BIGINT NOT NULL REFERENCES tb_accounts(id),
    worked_on         TEXT NOT NULL,
    minutes           INTEGER NOT NULL CHECK (minutes > 0),
    kind              TEXT NOT NULL,
    title             TEXT NOT NULL,
    source            TEXT NOT NULL CHECK (source IN ('activity', 'wish', 'import')),
    activity_id       BIGINT REFERENCES vol_activities(id),
    wish_id           BIGINT,
    entry_id          BIGINT REFERENCES tb_entries(id),
    reversed_entry_id BIGINT REFERENCES tb_entries(id),
    confirmed_by      TEXT NOT NULL,
    created_at        TEXT NOT NULL
);
CREATE INDEX vol_hours_account ON vol_hours(account_id, worked_on);
CREATE UNIQUE INDEX vol_hours_wish ON vol_hours(wish_id);

-- Earning rates per activity kind, versioned: points per hour; every change
-- adds a version, the highest applies.
CREATE TABLE tb_rates (
    id              {{ID}},
    kind            TEXT NOT NULL,
    version         INTEGER NOT NULL,
    points_per_hour INTEGER NOT NULL CHECK (points_per_hour >= 0 AND points_per_hour <= 1000),
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    UNIQUE (kind, version)
);

-- The catalogue of rewards (partner merchants or the 党群服务中心).
CREATE TABLE tb_rewards (
    id          {{ID}},
    name        TEXT NOT NULL,
    provider    TEXT NOT NULL,
    cost        BIGINT NOT NULL CHECK (cost > 0),
    stock       INTEGER NOT NULL CHECK (stock >= 0),
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    note        TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- Redemptions: reserved → posted | voided.
CREATE TABLE tb_redemptions (
    id               {{ID}},
    account_id       BIGINT NOT NULL REFERENCES tb_accounts(id),
    reward_id        BIGINT NOT NULL REFERENCES tb_rewards(id),
    cost             BIGINT NOT NULL CHECK (cost > 0),
    status           TEXT NOT NULL CHECK (status IN ('reserved', 'posted', 'voided')),
    reserve_entry_id BIGINT NOT NULL REFERENCES tb_entries(id),
    final_entry_id   BIGINT REFERENCES tb_entries(id),
    requested_by     TEXT NOT NULL,
    decided_by       TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    decided_at       TEXT
);
CREATE INDEX tb_redemptions_status ON tb_redemptions(status, id);
CREATE INDEX tb_redemptions_account ON tb_redemptions(account_id);

-- The bank's own account and the redemption hold.
INSERT INTO tb_accounts (kind, name, created_at) VALUES ('bank', '时间银行', '2026-01-01T00:00:00.000000Z');
INSERT INTO tb_accounts (kind, name, created_at) VALUES ('hold', '兑换冻结', '2026-01-01T00:00:00.000000Z');

-- The first rates: 10 points per hour of any kind (时间银行 1 小时 = 10 积分).
INSERT INTO tb_rates (kind, version, points_per_hour, created_by, created_at) VALUES
    ('elderly', 1, 10, 'system', '2026-01-01T00:00:00.000000Z'),
    ('environment', 1, 10, 'system', '2026-01-01T00:00:00.000000Z'),
    ('lecture', 1, 10, 'system', '2026-01-01T00:00:00.000000Z'),
    ('aid', 1, 10, 'system', '2026-01-01T00:00:00.000000Z'),
    ('civility', 1, 10, 'system', '2026-01-01T00:00:00.000000Z'),
    ('other', 1, 10, 'system', '2026-01-01T00:00:00.000000Z');
