-- Personal data at rest (issue 11, item 1). Instructor phones are kept like
-- members' (0004): sealed (phone_enc, SM4-GCM or AES-256-GCM), a keyed hash
-- (phone_hash, HMAC-SM3) for exact matching, and the masked form (phone_mask)
-- for lists. SQL cannot encrypt, so the clear values of instructors.phone are
-- moved into these columns by Go at the first start after this migration
-- (instructor.SealLegacyPhones, called by app.SealAtRest from app.Open and
-- `liangxin migrate`), which then empties instructors.phone. The column
-- stays, always '' (no code writes anything else): it can only be dropped
-- after the Go step has run, which a later migration may do.
ALTER TABLE instructors ADD COLUMN phone_enc TEXT NOT NULL DEFAULT '';
ALTER TABLE instructors ADD COLUMN phone_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE instructors ADD COLUMN phone_mask TEXT NOT NULL DEFAULT '';
CREATE INDEX instructors_phone_hash ON instructors(phone_hash);

-- Error workbooks kept before sealing was built hold the uploaded rows in
-- clear: they are dropped (uploaders can import again to get a new one).
UPDATE import_sessions SET report = NULL WHERE report IS NOT NULL;

-- Asks the start-up step to rewrite the storage once the clear values are
-- gone, so that no freed page or dead row still holds them (store.Scrub).
INSERT INTO settings (key, value) VALUES ('pdata_rest_scrub', 'pending');
