package store_test

import (
	"fmt"
	"os"
	osexec "os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"liangxin/internal/racetest"
	"liangxin/internal/store"
	"liangxin/internal/store/storetest"
)

// tables are compared after a restore, each with its ordering key.
var backupTables = []struct{ name, order string }{
	{"settings", "key"},
	{"regions", "code"},
	{"users", "id"},
	{"sessions", "id_hash"},
	{"api_tokens", "id"},
	{"audit_log", "id"},
	{"schema_migrations", "version"},
}

// seed writes a little of everything, including text that needs care
// (Chinese, quotes, NULLs).
func seed(t *testing.T, db *store.DB) {
	t.Helper()
	now := store.FormatTime(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	exec(t, db, `INSERT INTO settings (key, value) VALUES (?, ?), (?, ?)`, "jurisdiction", "430426", "note", "它's \"quoted\"\n第二行")
	exec(t, db, `INSERT INTO regions (code, parent_code, name, level, kind, created_at, updated_at) VALUES (?, NULL, ?, 3, '', ?, ?)`, "430426", "祁东县", now, now)
	exec(t, db, `INSERT INTO regions (code, parent_code, name, level, kind, created_at, updated_at) VALUES (?, ?, ?, 4, '', ?, ?)`, "430426001", "430426", "洪桥街道", now, now)
	exec(t, db, `INSERT INTO regions (code, parent_code, name, level, kind, created_at, updated_at) VALUES (?, ?, ?, 6, 'grid', ?, ?)`, "430426001A001", "430426001", "第一网格", now, now)
	for i, name := range []string{"admin", "wangfang"} {
		exec(t, db, `INSERT INTO users (username, display_name, role, scope, password_hash, must_change_password, password_changed_at, locked_until, disabled, created_at, updated_at)
			VALUES (?, ?, 'system_admin', '430426', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$a2V5', ?, ?, ?, ?, ?, ?)`,
			name, "用户"+name, i == 0, now, map[bool]any{true: now, false: nil}[i == 1], i == 1, now, now)
	}
	var uid int64
	if err := db.QueryRow(ctx, db, `SELECT id FROM users WHERE username = 'admin'`).Scan(&uid); err != nil {
		t.Fatal(err)
	}
	exec(t, db, `INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) VALUES ('abc', ?, 'csrf', ?, ?, ?)`, uid, now, now, now)
	exec(t, db, `INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at) VALUES (?, '同步', 'hash', 'lx_abcdefg', ?)`, uid, now)
	for i := 0; i < 50; i++ {
		exec(t, db, `INSERT INTO audit_log (at, user_id, username, action, entity, entity_id, result, detail) VALUES (?, ?, 'admin', 'login', 'user', ?, 'success', ?)`,
			now, uid, fmt.Sprint(uid), fmt.Sprintf(`{"note":"第 %d 次"}`, i))
	}
}

// snapshot reads every row of every table as text.
func snapshot(t *testing.T, db *store.DB) map[string][][]string {
	t.Helper()
	out := map[string][][]string{}
	for _, tb := range backupTables {
		rows, err := db.QueryContext(ctx, "SELECT * FROM "+tb.name+" ORDER BY "+tb.order)
		if err != nil {
			t.Fatalf("%s: %v", tb.name, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			row := make([]string, len(cols))
			for i, v := range vals {
				switch v := v.(type) {
				case nil:
					row[i] = "NULL"
				case []byte:
					row[i] = string(v)
				default:
					row[i] = fmt.Sprint(v)
				}
			}
			out[tb.name] = append(out[tb.name], row)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return out
}

func diffSnapshots(t *testing.T, got, want map[string][][]string) {
	t.Helper()
	for _, tb := range backupTables {
		if !reflect.DeepEqual(got[tb.name], want[tb.name]) {
			t.Errorf("table %s differs after restore:\n got  %d rows %q\n want %d rows %q",
				tb.name, len(got[tb.name]), head(got[tb.name]), len(want[tb.name]), head(want[tb.name]))
		}
	}
}

func head(rows [][]string) [][]string { return rows[:min(3, len(rows))] }

// mutate changes the live database after a backup, so a restore that does
// nothing is caught.
func mutate(t *testing.T, db *store.DB) {
	t.Helper()
	exec(t, db, `UPDATE settings SET value = 'changed' WHERE key = 'note'`)
	exec(t, db, `INSERT INTO settings (key, value) VALUES ('after_backup', 'x')`)
	exec(t, db, `DELETE FROM sessions`)
	exec(t, db, `UPDATE users SET display_name = '改过' WHERE username = 'wangfang'`)
	exec(t, db, `INSERT INTO audit_log (at, username, action, result) VALUES ('2026-11-24T00:00:00.000000Z', 'x', 'logout', 'success')`)
}

func TestBackupRestoreSQLite(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	if db.Dialect != store.SQLite {
		t.Skip("SQLite backup: the suite runs on PostgreSQL (see TestBackupRestorePostgres)")
	}
	seed(t, db)
	want := snapshot(t, db)

	out := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(ctx, out); err != nil {
		t.Fatal(err)
	}
	// Never overwrites.
	if err := db.Backup(ctx, out); err == nil {
		t.Error("Backup overwrote an existing file")
	}
	v, err := store.CheckSQLiteBackup(ctx, out)
	if err != nil || v != store.LatestVersion(store.SQLite) {
		t.Fatalf("CheckSQLiteBackup = %d, %v", v, err)
	}
	mutate(t, db)

	// Into a new data folder.
	fresh := t.TempDir()
	if err := store.RestoreSQLite(ctx, out, fresh); err != nil {
		t.Fatal(err)
	}
	restored, err := store.OpenSQLite(ctx, filepath.Join(fresh, store.SQLiteFile))
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	if err := restored.CheckSchema(ctx); err != nil {
		t.Errorf("restored schema: %v", err)
	}
	diffSnapshots(t, snapshot(t, restored), want)
	// The restored audit trail is still append-only.
	if _, err := restored.ExecContext(ctx, `DELETE FROM audit_log`); err == nil {
		t.Error("audit_log of the restored database accepts DELETE")
	}
	restored.Close()

	// Over an existing database (with its WAL) in a data folder.
	live := t.TempDir()
	old, err := store.OpenSQLite(ctx, filepath.Join(live, store.SQLiteFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	exec(t, old, `INSERT INTO settings (key, value) VALUES ('only_in_old', '1')`)
	old.Close()
	if err := store.RestoreSQLite(ctx, out, live); err != nil {
		t.Fatal(err)
	}
	over, err := store.OpenSQLite(ctx, filepath.Join(live, store.SQLiteFile))
	if err != nil {
		t.Fatal(err)
	}
	defer over.Close()
	diffSnapshots(t, snapshot(t, over), want)
	if _, err := os.Stat(filepath.Join(live, store.SQLiteFile+".restore")); !os.IsNotExist(err) {
		t.Errorf("temporary restore file left behind: %v", err)
	}
}

func TestCheckSQLiteBackupRefusesBadFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notDB, []byte(strings.Repeat("这不是数据库\n", 200)), 0o600); err != nil {
		t.Fatal(err)
	}
	// A valid SQLite file that is not a Liangxin database.
	other := filepath.Join(dir, "other.db")
	odb, err := store.OpenSQLite(ctx, other)
	if err != nil {
		t.Fatal(err)
	}
	exec(t, odb, `CREATE TABLE t (x INTEGER)`)
	odb.Close()
	// A Liangxin backup cut short.
	db, err := store.OpenSQLite(ctx, filepath.Join(dir, "src.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	seed(t, db)
	full := filepath.Join(dir, "full.db")
	if err := db.Backup(ctx, full); err != nil {
		t.Fatal(err)
	}
	db.Close()
	b, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut.db")
	if err := os.WriteFile(cut, b[:len(b)/2], 0o600); err != nil {
		t.Fatal(err)
	}

	for name, file := range map[string]string{
		"missing":        filepath.Join(dir, "nope.db"),
		"text file":      notDB,
		"other database": other,
		"truncated":      cut,
	} {
		if _, err := store.CheckSQLiteBackup(ctx, file); err == nil {
			t.Errorf("%s: CheckSQLiteBackup passed", name)
		}
		target := t.TempDir()
		if err := store.RestoreSQLite(ctx, file, target); err == nil {
			t.Errorf("%s: RestoreSQLite passed", name)
		}
		if _, err := os.Stat(filepath.Join(target, store.SQLiteFile)); !os.IsNotExist(err) {
			t.Errorf("%s: a refused restore wrote a database", name)
		}
	}
}

func TestRestoreSQLiteRefusesNewerBackup(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, err := store.OpenSQLite(ctx, filepath.Join(dir, "src.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	exec(t, db, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', ?)`,
		store.LatestVersion(store.SQLite)+1, store.FormatTime(time.Now()))
	out := filepath.Join(dir, "future.db")
	if err := db.Backup(ctx, out); err != nil {
		t.Fatal(err)
	}
	db.Close()
	target := t.TempDir()
	if err := store.RestoreSQLite(ctx, out, target); err == nil {
		t.Error("restored a backup from a newer version")
	}
	if _, err := os.Stat(filepath.Join(target, store.SQLiteFile)); !os.IsNotExist(err) {
		t.Error("a refused restore wrote a database")
	}
}

func TestBackupRestorePostgres(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	if db.Dialect != store.Postgres {
		t.Skip("PostgreSQL backup: set " + storetest.EnvPostgres + " to run it")
	}
	for _, tool := range []string{"pg_dump", "pg_restore"} {
		if _, err := osexec.LookPath(tool); err != nil {
			t.Skipf("%s is not on PATH: PostgreSQL backup and restore cannot be tested here", tool)
		}
	}
	seed(t, db)
	want := snapshot(t, db)

	out := filepath.Join(t.TempDir(), "backup.dump")
	if err := db.Backup(ctx, out); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, out); err == nil {
		t.Error("Backup overwrote an existing file")
	}
	mutate(t, db)
	if got := snapshot(t, db); reflect.DeepEqual(got, want) {
		t.Fatal("mutate changed nothing")
	}
	if err := store.RestorePostgres(ctx, db.URL, out); err != nil {
		t.Fatal(err)
	}
	// Read through a new connection pool, as a restarted server would.
	fresh, err := store.OpenPostgres(ctx, db.URL, db.Schema)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	if err := fresh.CheckSchema(ctx); err != nil {
		t.Errorf("restored schema: %v", err)
	}
	diffSnapshots(t, snapshot(t, fresh), want)
	// Triggers came back: the audit trail is still append-only.
	for _, q := range []string{`DELETE FROM audit_log`, `TRUNCATE audit_log`, `UPDATE audit_log SET username = 'x'`} {
		if _, err := fresh.ExecContext(ctx, q); err == nil {
			t.Errorf("%s succeeded on the restored database", q)
		}
	}
	// Identity columns continue after the restored rows.
	exec(t, fresh, `INSERT INTO audit_log (at, username, action, result) VALUES ('2026-11-25T00:00:00.000000Z', 'x', 'login', 'success')`)
	if n := count(t, fresh, `SELECT COUNT(DISTINCT id) FROM audit_log`); n != len(want["audit_log"])+1 {
		t.Errorf("%d distinct audit ids after an insert, want %d", n, len(want["audit_log"])+1)
	}

	if err := store.RestorePostgres(ctx, db.URL, filepath.Join(t.TempDir(), "missing.dump")); err == nil {
		t.Error("RestorePostgres of a missing file passed")
	}
}

// TestOpenSQLitePaths opens data folders with names operators do use.
func TestOpenSQLitePaths(t *testing.T) {
	racetest.Skip(t, "file paths opened one after another")
	t.Parallel()
	check := func(t *testing.T, name string) {
		t.Helper()
		parent := t.TempDir()
		dir := filepath.Join(parent, name)
		db, err := store.Open(ctx, "", dir)
		if err != nil {
			t.Fatalf("Open(%q): %v", dir, err)
		}
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		db.Close()
		if _, err := os.Stat(filepath.Join(dir, store.SQLiteFile)); err != nil {
			ents, _ := os.ReadDir(parent)
			var names []string
			for _, e := range ents {
				names = append(names, e.Name())
			}
			t.Fatalf("database not in the data folder %q (%v); %s holds %q", dir, err, parent, names)
		}
		v, err := store.CheckSQLiteBackup(ctx, filepath.Join(dir, store.SQLiteFile))
		if err != nil || v != store.LatestVersion(store.SQLite) {
			t.Errorf("CheckSQLiteBackup = %d, %v", v, err)
		}
	}
	for _, name := range []string{"两新 数据", "data-2026.11", "it's"} {
		t.Run(name, func(t *testing.T) { check(t, name) })
	}
	// Subtest names stay plain: t.TempDir() puts them in the parent path.
	for label, name := range map[string]string{"hash": "a#b", "question": "q?x=1", "percent": "50%41off"} {
		t.Run(label, func(t *testing.T) {
			check(t, name)
		})
	}
}

// A SQLite backup is not taken while a published import is being rolled
// forward (its marker would be in the copy, its stage file not): it waits
// for the marker to go, and gives up with a message after BackupWait.
func TestBackupWaitsForARollForward(t *testing.T) {
	db := storetest.Open(t)
	if db.Dialect != store.SQLite {
		t.Skip("the roll-forward is SQLite's")
	}
	prev := store.BackupWait
	store.BackupWait = 300 * time.Millisecond
	defer func() { store.BackupWait = prev }()
	key := store.PublishKeyPrefix + "liangxin.db.stage-0123456789abcdef"
	exec(t, db, `INSERT INTO settings (key, value) VALUES (?, ?)`, key, `{"steps":["audit_log"],"step":0,"after":0}`)
	out := filepath.Join(t.TempDir(), "backup.db")
	err := db.Backup(t.Context(), out)
	if err == nil || !strings.Contains(err.Error(), "已提交的导入仍在写入") {
		t.Fatalf("backup during a roll-forward: %v, want the wait's message", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("a copy holding the marker was left: %v", err)
	}
	// The roll-forward ends while the backup waits: the copy is taken.
	store.BackupWait = 10 * time.Second
	go func() {
		time.Sleep(200 * time.Millisecond)
		_, _ = db.ExecContext(t.Context(), `DELETE FROM settings WHERE key = ?`, key)
	}()
	if err := db.Backup(t.Context(), out); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(out); err != nil {
		t.Fatal(err)
	}
}
