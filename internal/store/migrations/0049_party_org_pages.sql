-- liangxin:concurrently
-- Compliance pages as walks (issue 18, h-comp): the party organizations of a
-- scope in the report's order (region, name, id), so that the page by region
-- stops after its rows instead of sorting the scope.
CREATE INDEX party_orgs_region_name ON party_orgs(region_code, name, id);
