-- A user of role party_org (党组织书记/党务工作者) may be bound to one party
-- organization instead of a region: they then see that party organization and
-- the ones under it. users.scope keeps the party organization's region code.
ALTER TABLE users ADD COLUMN party_org_id BIGINT REFERENCES party_orgs(id);
CREATE INDEX users_party_org ON users(party_org_id);
