-- 0018: required meeting frequencies per party-organization kind (党委,
-- 党总支, 党支部 each have their own), and 党小组 (party_orgs.kind 'group',
-- under a branch) with its members over time. Existing frequency versions
-- apply to branches. Numbered 0018 (0017 belongs to the meetings page).
CREATE TABLE party_group_members (
    id        {{ID}},
    group_id  BIGINT NOT NULL REFERENCES party_orgs(id),
    member_id BIGINT NOT NULL REFERENCES members(id),
    from_on   TEXT NOT NULL,
    to_on     TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX party_group_members_group ON party_group_members(group_id);
CREATE INDEX party_group_members_member ON party_group_members(member_id);
