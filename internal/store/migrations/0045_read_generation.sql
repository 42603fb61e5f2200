-- liangxin:keeps-previous
-- The data generation (issue 18 target 3): one row whose counter goes up
-- after every write that may change a figure, on whichever node made it
-- (internal/store/generation.go). Read caches keep a result only while the
-- generation it was computed at is still the current one.
CREATE TABLE read_generation (
    id INTEGER PRIMARY KEY,
    n  BIGINT NOT NULL
);
INSERT INTO read_generation (id, n) VALUES (1, 0);
