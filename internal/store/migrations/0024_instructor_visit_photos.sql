-- Photos of instructor visits (issue 22). A photo can show people, so the
-- image is kept sealed with the personal-data key (pdata.SealBytes) in the
-- database itself, not as a file: it is backed up, restored and re-sealed by
-- `liangxin key rotate` with everything else. content_type is the sniffed
-- type (image/jpeg, image/png or image/webp); size is the plain size.
-- Numbered 0024.
CREATE TABLE instructor_visit_photos (
    id           {{ID}},
    visit_id     BIGINT NOT NULL REFERENCES instructor_visits(id) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sealed_data  {{BLOB}} NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX instructor_visit_photos_visit ON instructor_visit_photos(visit_id, id);
