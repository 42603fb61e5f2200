#!/bin/bash
# What the staged organization import's commit transaction pays for when it
# copies 200,000 new organizations into the ledger (issue 12; h-claims,
# docs/benchmarks.md). sqlite3 CLI only: a main file with the ledger's
# organizations table and indexes (migration 0002 plus the later columns),
# a stage file laid out as internal/org/staged.go lays it out (CREATE TABLE
# AS, a unique index on id), rows shaped like bench/orgimport's file
# (sequential names and codes, one in sixteen without a code, eight towns).
# Each variant copies in one BEGIN IMMEDIATE ... COMMIT with the pragmas of
# store.sqliteDSN; user+sys CPU is printed beside the wall time, because on a
# loaded machine the wall time mostly measures the queue for a core.
#
#	bench/commitcopy/profile.sh [dir] [repeats]
set -euo pipefail
dir=${1:-$(mktemp -d /tmp/commitcopy.XXXXXX)}
reps=${2:-3}
mkdir -p "$dir"
cd "$dir"
rm -f main0.db main.db main.db-wal main.db-shm stage.db
sqlite3 main0.db <<'SQL' >/dev/null
PRAGMA journal_mode=WAL;
CREATE TABLE regions(code TEXT PRIMARY KEY, name TEXT);
WITH RECURSIVE t(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM t WHERE i<8) INSERT INTO regions SELECT '430426'||printf('%03d',i)||'000', 'x' FROM t;
CREATE TABLE organizations (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, uscc TEXT, category TEXT NOT NULL,
    region_code TEXT NOT NULL REFERENCES regions(code), industry TEXT NOT NULL DEFAULT '',
    employees INTEGER NOT NULL DEFAULT 0, above_scale BOOLEAN NOT NULL DEFAULT FALSE,
    full_members INTEGER NOT NULL DEFAULT 0, probationary_members INTEGER NOT NULL DEFAULT 0,
    owner_is_member BOOLEAN NOT NULL DEFAULT FALSE, has_charter BOOLEAN NOT NULL DEFAULT FALSE,
    charter_has_party BOOLEAN NOT NULL DEFAULT FALSE, tags TEXT NOT NULL DEFAULT '',
    registered_on TEXT, closed_on TEXT, no_org_reason TEXT NOT NULL DEFAULT '', planned_on TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, ownership TEXT, staff_on_post INTEGER,
    staff_members INTEGER, legal_rep_member INTEGER, legal_rep_secretary INTEGER, intermediary_kind TEXT);
CREATE UNIQUE INDEX organizations_uscc ON organizations(uscc);
CREATE UNIQUE INDEX organizations_name_region_without_uscc ON organizations(name, region_code) WHERE uscc IS NULL;
CREATE INDEX organizations_region ON organizations(region_code);
CREATE INDEX organizations_name ON organizations(name);
INSERT INTO organizations(id,name,category,region_code,created_at,updated_at)
  VALUES (1,'等待测试单位','individual_business','430426001000','2026-12-07T00:00:00Z','2026-12-07T00:00:00Z');
SQL
sqlite3 stage.db <<'SQL' >/dev/null
ATTACH 'main0.db' AS m;
CREATE TABLE organizations AS SELECT * FROM m.organizations WHERE 0;
CREATE UNIQUE INDEX organizations_id ON organizations (id);
CREATE UNIQUE INDEX organizations_uscc ON organizations (uscc);
CREATE UNIQUE INDEX organizations_name_region_without_uscc ON organizations (name, region_code) WHERE uscc IS NULL;
WITH RECURSIVE t(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM t WHERE i<200000)
INSERT INTO organizations SELECT i+1000, '祁东县基准单位'||printf('%06d',i),
  CASE WHEN i%16=0 THEN NULL ELSE '91430426'||printf('%09d',i)||'X' END, 'private_enterprise',
  '430426'||printf('%03d',1+abs(random())%8)||'000', '', abs(random())%500, 0, abs(random())%6, abs(random())%2,
  0,0,0,'','2010-01-01',NULL,'',NULL,'2026-12-07T14:00:00.123456Z','2026-12-07T14:00:00.123456Z',
  NULL,NULL,NULL,NULL,NULL,NULL FROM t;
-- the same rows with id as the rowid (variant pk)
CREATE TABLE orgpk (id INTEGER PRIMARY KEY, name TEXT, uscc TEXT, category TEXT, region_code TEXT, industry TEXT,
  employees INTEGER, above_scale BOOLEAN, full_members INTEGER, probationary_members INTEGER, owner_is_member BOOLEAN,
  has_charter BOOLEAN, charter_has_party BOOLEAN, tags TEXT, registered_on TEXT, closed_on TEXT, no_org_reason TEXT,
  planned_on TEXT, created_at TEXT, updated_at TEXT, ownership TEXT, staff_on_post INTEGER, staff_members INTEGER,
  legal_rep_member INTEGER, legal_rep_secretary INTEGER, intermediary_kind TEXT);
INSERT INTO orgpk SELECT * FROM organizations ORDER BY id;
SQL

# run label pragmas sql: one copy on a fresh copy of main0.db.
run() {
	cp main0.db main.db
	rm -f main.db-wal main.db-shm
	sqlite3 main.db <<SQL 2>&1 | grep -E '^Run Time' | sed -n 2p | awk -v l="$1" '{printf "%-10s wall %6.2f s  cpu %.2f s\n", l, $4, $6+$8}'
PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=1; PRAGMA secure_delete=1;
PRAGMA wal_autocheckpoint=0; $2
ATTACH 'stage.db' AS stage;
.timer on
BEGIN IMMEDIATE;
$3
COMMIT;
SQL
}
copy='INSERT INTO main.organizations SELECT * FROM stage.organizations ORDER BY id;'
copypk='INSERT INTO main.organizations SELECT * FROM stage.orgpk ORDER BY id;'
# (one line: the CLI times each input line, and the second timing is the copy's)
noidx='DROP INDEX main.organizations_uscc; DROP INDEX main.organizations_name_region_without_uscc; DROP INDEX main.organizations_region; DROP INDEX main.organizations_name;'
echo "load $(cat /proc/loadavg)"
for i in $(seq "$reps"); do
	run current '' "$copy"              # as internal/org/staged.go copies today
	run pk '' "$copypk"                 # the stage's id as its rowid
	run pk-fk0 'PRAGMA foreign_keys=0;' "$copypk" # no per-row foreign-key look-up
	run noname '' "DROP INDEX main.organizations_name; $copy"
	run cache128 'PRAGMA cache_size=-131072;' "$copy"
	run noidx '' "$noidx $copypk"       # the table alone: the floor
done
echo "load $(cat /proc/loadavg)"
[ -n "${1:-}" ] || rm -rf "$dir"
