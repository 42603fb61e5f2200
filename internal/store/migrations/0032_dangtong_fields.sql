-- Fields the annual 党统 tables 24, 27, 30 and 43 need (issue 16 item 5,
-- domain.md §11). Organizations: ownership/control (私有经济控制/私营独资,
-- 港澳台商 and 外商 投资/经济控制/独资, one code), 在岗职工 and the party
-- members among them, whether the legal representative is a party member and
-- also the secretary, and for 中介服务组织 which kind (律师/会计师/税务师事务所).
-- Members: 失联 since when (a day; a month is kept as its first day) and its
-- 情形. 党小组 (kind 'group', 党统 code 641) and its members already exist.
ALTER TABLE organizations ADD COLUMN ownership TEXT NOT NULL DEFAULT '';
ALTER TABLE organizations ADD COLUMN staff_on_post INTEGER NOT NULL DEFAULT 0;
ALTER TABLE organizations ADD COLUMN staff_members INTEGER NOT NULL DEFAULT 0;
ALTER TABLE organizations ADD COLUMN legal_rep_member BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE organizations ADD COLUMN legal_rep_secretary BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE organizations ADD COLUMN intermediary_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN lost_since TEXT;
ALTER TABLE members ADD COLUMN lost_reason TEXT NOT NULL DEFAULT '';
