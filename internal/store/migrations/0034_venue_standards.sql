-- 阵地 standards, inspections, photos, activities and visitors (issue 15
-- items 1–2, 6–8, venue part).
--
-- A standard is a versioned checklist (like the assessment indicator sheets):
-- a code (liuyou …), a version, the venue kinds it applies to (JSON array of
-- kind codes), the day it takes effect and the day it ends ('' = open), and
-- where its wording comes from. An inspection checks a venue against one
-- checklist version on a day: each item met or not, with a note; the result is
-- pass when every item is met. The venue's standard status is the result of
-- its latest inspection (computed when read, never stored). A failed item may
-- open a service request for its repair (repair_request_id links back).
-- Photos of a venue (and evidence photos of an inspection) are pictures of
-- rooms and signs, not of people: they are stored in the database as they came
-- (see docs/decisions.md).
ALTER TABLE venues ADD COLUMN active BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE venues ADD COLUMN deactivated_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE venues ADD COLUMN deactivated_at TEXT NOT NULL DEFAULT '';

CREATE TABLE venue_checklists (
    id             {{ID}},
    code           TEXT NOT NULL,
    version        INTEGER NOT NULL,
    name           TEXT NOT NULL,
    kinds          TEXT NOT NULL DEFAULT '[]',
    effective_from TEXT NOT NULL,
    effective_to   TEXT NOT NULL DEFAULT '',
    source         TEXT NOT NULL DEFAULT '',
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    UNIQUE (code, version)
);

CREATE TABLE venue_checklist_items (
    id           {{ID}},
    checklist_id BIGINT NOT NULL REFERENCES venue_checklists(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    name         TEXT NOT NULL,
    guidance     TEXT NOT NULL DEFAULT '',
    UNIQUE (checklist_id, position)
);

CREATE TABLE venue_inspections (
    id           {{ID}},
    venue_id     BIGINT NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
    checklist_id BIGINT NOT NULL REFERENCES venue_checklists(id),
    inspected_on TEXT NOT NULL,
    inspector    TEXT NOT NULL,
    result       TEXT NOT NULL CHECK (result IN ('pass', 'fail')),
    note         TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX venue_inspections_venue ON venue_inspections(venue_id, inspected_on, id);

CREATE TABLE venue_inspection_items (
    inspection_id     BIGINT NOT NULL REFERENCES venue_inspections(id) ON DELETE CASCADE,
    item_id           BIGINT NOT NULL REFERENCES venue_checklist_items(id),
    met               BOOLEAN NOT NULL,
    note              TEXT NOT NULL DEFAULT '',
    repair_request_id BIGINT REFERENCES service_requests(id),
    PRIMARY KEY (inspection_id, item_id)
);

CREATE TABLE venue_photos (
    id            {{ID}},
    venue_id      BIGINT NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
    inspection_id BIGINT REFERENCES venue_inspections(id) ON DELETE CASCADE,
    content_type  TEXT NOT NULL,
    size          BIGINT NOT NULL,
    data          {{BLOB}} NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX venue_photos_venue ON venue_photos(venue_id, inspection_id, id);

CREATE TABLE venue_activities (
    id           {{ID}},
    venue_id     BIGINT NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
    held_on      TEXT NOT NULL,
    title        TEXT NOT NULL,
    party_org_id BIGINT REFERENCES party_orgs(id),
    participants INTEGER NOT NULL CHECK (participants >= 0),
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX venue_activities_venue ON venue_activities(venue_id, held_on);

-- Visitors counted per venue per month (YYYY-MM), entered by hand.
CREATE TABLE venue_visitors (
    venue_id   BIGINT NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
    month      TEXT NOT NULL,
    visitors   INTEGER NOT NULL CHECK (visitors >= 0),
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (venue_id, month)
);

-- 六有: the activity-place standard named by seed 001 (两新党组织活动场所建设
-- "六有"标准) with the six items of ../shared/domain.md §13. It applies to every
-- kind. 六个一: the six party-building materials seed 001 lists (一块立牌、一个公
-- 章、一块"五化"制度牌、一面党旗、一袋党徽、一批笔记本), handed to every 两新 party
-- organization; it applies to 党员活动室 and 其他. 三区一校七室 is only named by the
-- seeds, without its items, so it is not seeded (a district adds it by POST
-- /api/v1/venue-checklists).
INSERT INTO venue_checklists (code, version, name, kinds, effective_from, source, created_by, created_at) VALUES
 ('liuyou', 1, '六有', '["service_center","red_station","guidance_station","mobile_member_station","activity_room","other"]', '2020-01-01',
  '两新党组织活动场所建设"六有"标准（种子材料 001；domain.md §13）', 'system', '2026-12-06T00:00:00Z'),
 ('liugeyi', 1, '六个一党建物资', '["activity_room","other"]', '2020-01-01',
  '两新工委定制配发"六个一"党建物资（种子材料 001）', 'system', '2026-12-06T00:00:00Z');
INSERT INTO venue_checklist_items (checklist_id, position, name, guidance)
SELECT c.id, x.position, x.name, x.guidance FROM venue_checklists c,
 (SELECT 1 AS position, '有场所' AS name, '有相对固定的活动场所' AS guidance
  UNION ALL SELECT 2, '有设施', '有桌椅、音像等基本活动设施'
  UNION ALL SELECT 3, '有标志', '门口或显著位置悬挂党组织标志牌'
  UNION ALL SELECT 4, '有党旗', '悬挂党旗'
  UNION ALL SELECT 5, '有书报', '配备党报党刊和学习书籍'
  UNION ALL SELECT 6, '有制度', '党组织工作制度上墙') x
WHERE c.code = 'liuyou' AND c.version = 1;
INSERT INTO venue_checklist_items (checklist_id, position, name, guidance)
SELECT c.id, x.position, x.name, x.guidance FROM venue_checklists c,
 (SELECT 1 AS position, '一块立牌' AS name, '党组织立牌' AS guidance
  UNION ALL SELECT 2, '一个公章', '党组织公章'
  UNION ALL SELECT 3, '一块"五化"制度牌', '"五化"制度牌上墙'
  UNION ALL SELECT 4, '一面党旗', '党旗'
  UNION ALL SELECT 5, '一袋党徽', '党徽'
  UNION ALL SELECT 6, '一批笔记本', '学习笔记本') x
WHERE c.code = 'liugeyi' AND c.version = 1;
