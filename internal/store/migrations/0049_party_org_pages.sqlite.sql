-- liangxin:concurrently
-- The page by name walks the names (SQLite compares text bytewise), then
-- the report's order.
CREATE INDEX party_orgs_name ON party_orgs(name, region_code, id);
