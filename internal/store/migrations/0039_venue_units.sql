-- The units a venue serves (服务单位, issue 15 item 1): the 两新组织 of the
-- ledger around a 党群服务中心 or 红色驿站 (the enterprises and social
-- organizations of a 商圈, 楼宇 or 园区). One row per venue and unit, so a
-- unit is never listed twice; removing a venue removes its links, and an
-- organization deleted as entered by mistake drops out of the lists.
CREATE TABLE venue_units (
    venue_id        BIGINT NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    PRIMARY KEY (venue_id, organization_id)
);
CREATE INDEX venue_units_org ON venue_units(organization_id);
