-- liangxin:concurrently
-- The page by name walks the names in byte order (COLLATE "C", as the
-- report sorts them), then the report's order.
CREATE INDEX party_orgs_name_c ON party_orgs(name COLLATE "C", region_code, id);
