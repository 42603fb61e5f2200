-- 承办单位经办人 (issue 13): an account with role handler is bound to one
-- service handler unit (users.handler_unit_id) and sees only the service
-- requests currently transferred to that unit. Numbered 0026.
ALTER TABLE users ADD COLUMN handler_unit_id BIGINT REFERENCES service_handler_units(id);
CREATE INDEX users_handler_unit ON users(handler_unit_id);
