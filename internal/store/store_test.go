package store_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"liangxin/internal/store"
	"liangxin/internal/store/storetest"
)

var ctx = context.Background()

func exec(t *testing.T, db *store.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.Exec(ctx, db, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func count(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(ctx, db, query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestMigrateFromEmpty(t *testing.T) {
	t.Parallel()
	db := storetest.OpenEmpty(t)
	if err := db.CheckSchema(ctx); err == nil {
		t.Error("CheckSchema passed on an empty database")
	}
	if v, err := db.SchemaVersion(ctx); err != nil || v != 0 {
		t.Fatalf("SchemaVersion on empty = %d, %v", v, err)
	}
	if err := db.CheckSchema(ctx); err == nil {
		t.Error("CheckSchema passed at version 0")
	}
	ms, err := store.Migrations(db.Dialect)
	if err != nil || len(ms) == 0 {
		t.Fatalf("Migrations = %v, %v", ms, err)
	}
	n, err := db.Migrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(ms) {
		t.Errorf("Migrate applied %d, want %d", n, len(ms))
	}
	if err := db.CheckSchema(ctx); err != nil {
		t.Errorf("CheckSchema after Migrate: %v", err)
	}
	latest := store.LatestVersion(db.Dialect)
	if v, err := db.SchemaVersion(ctx); err != nil || v != latest || latest != ms[len(ms)-1].Version {
		t.Errorf("SchemaVersion = %d, %v; latest %d", v, err, latest)
	}
	// Every migration is recorded, once, with its name and a time.
	rows, err := db.QueryContext(ctx, `SELECT version, name, applied_at FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		var v int
		var name, at string
		if err := rows.Scan(&v, &name, &at); err != nil {
			t.Fatal(err)
		}
		if i >= len(ms) || v != ms[i].Version || name != ms[i].Name {
			t.Errorf("schema_migrations row %d = %d %s", i, v, name)
		}
		if _, err := store.ParseTime(at); err != nil {
			t.Errorf("applied_at %q: %v", at, err)
		}
		i++
	}
	if i != len(ms) {
		t.Errorf("%d schema_migrations rows, want %d", i, len(ms))
	}
	// The tables the application needs are there.
	for _, table := range []string{"settings", "regions", "users", "sessions", "api_tokens", "audit_log"} {
		count(t, db, "SELECT COUNT(*) FROM "+table)
	}

	// A second run applies nothing and changes nothing.
	n, err = db.Migrate(ctx)
	if err != nil || n != 0 {
		t.Errorf("second Migrate = %d, %v; want 0, nil", n, err)
	}
	if got := count(t, db, `SELECT COUNT(*) FROM schema_migrations`); got != len(ms) {
		t.Errorf("%d schema_migrations rows after a second run", got)
	}
}

func TestMigrateRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	latest := store.LatestVersion(db.Dialect)
	exec(t, db, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		latest+1, "from_the_future", store.FormatTime(time.Now()))
	n, err := db.Migrate(ctx)
	if err == nil {
		t.Fatal("Migrate accepted a schema newer than the binary")
	}
	if n != 0 || !strings.Contains(err.Error(), fmt.Sprint(latest+1)) {
		t.Errorf("Migrate = %d, %v; want 0 and a message naming version %d", n, err, latest+1)
	}
	if err := db.CheckSchema(ctx); err == nil {
		t.Error("CheckSchema accepted a schema newer than the binary")
	}
	if got := count(t, db, `SELECT MAX(version) FROM schema_migrations`); got != latest+1 {
		t.Errorf("schema version changed to %d", got)
	}
}

func TestCheckSchemaRefusesOlderSchema(t *testing.T) {
	t.Parallel()
	db := storetest.OpenEmpty(t)
	if _, err := db.SchemaVersion(ctx); err != nil { // creates schema_migrations
		t.Fatal(err)
	}
	latest := store.LatestVersion(db.Dialect)
	for v := 1; v < latest; v++ {
		exec(t, db, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, v, "x", store.FormatTime(time.Now()))
	}
	if err := db.CheckSchema(ctx); err == nil {
		t.Errorf("CheckSchema accepted schema version %d (latest %d)", latest-1, latest)
	}
}

func TestMigrationsAreWellFormed(t *testing.T) {
	t.Parallel()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		ms, err := store.Migrations(d)
		if err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		for i, m := range ms {
			if m.Version != i+1 || m.Name == "" || len(m.Statements) == 0 {
				t.Errorf("%s migration %d = version %d name %q, %d statements", d, i, m.Version, m.Name, len(m.Statements))
			}
			for _, s := range m.Statements {
				if strings.Contains(s, "{{") {
					t.Errorf("%s %04d: unexpanded template in %q", d, m.Version, s)
				}
				if strings.TrimSpace(s) == "" {
					t.Errorf("%s %04d: empty statement", d, m.Version)
				}
			}
		}
		if store.LatestVersion(d) != len(ms) {
			t.Errorf("%s: LatestVersion %d, %d migrations", d, store.LatestVersion(d), len(ms))
		}
	}
	if store.LatestVersion(store.SQLite) != store.LatestVersion(store.Postgres) {
		t.Error("dialects disagree on the latest version")
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	insert := `INSERT INTO audit_log (at, username, action, result) VALUES (?, ?, ?, ?)`
	exec(t, db, insert, store.FormatTime(time.Now()), "admin", "login", "success")
	exec(t, db, insert, store.FormatTime(time.Now()), "admin", "logout", "success")

	attempts := []string{
		`UPDATE audit_log SET username = 'someone_else'`,
		`UPDATE audit_log SET result = 'failure' WHERE action = 'login'`,
		`DELETE FROM audit_log WHERE action = 'login'`,
		`DELETE FROM audit_log`,
	}
	if db.Dialect == store.Postgres {
		attempts = append(attempts, `TRUNCATE audit_log`, `TRUNCATE TABLE audit_log RESTART IDENTITY`)
	}
	for _, q := range attempts {
		if _, err := db.ExecContext(ctx, q); err == nil {
			t.Errorf("%s succeeded", q)
		} else if !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v (want the append-only refusal)", q, err)
		}
		// Inside a transaction too (a refused statement rolls it back).
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, q); err == nil {
			t.Errorf("%s succeeded in a transaction", q)
		}
		_ = tx.Rollback()
	}
	if n := count(t, db, `SELECT COUNT(*) FROM audit_log WHERE username = 'admin' AND result = 'success'`); n != 2 {
		t.Errorf("%d audit rows intact, want 2", n)
	}
	// Inserting still works.
	exec(t, db, insert, store.FormatTime(time.Now()), "admin", "login", "success")
	if n := count(t, db, `SELECT COUNT(*) FROM audit_log`); n != 3 {
		t.Errorf("%d audit rows, want 3", n)
	}
}

func TestRebind(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, pg string }{
		{"SELECT 1", "SELECT 1"},
		{"SELECT * FROM t WHERE a = ?", "SELECT * FROM t WHERE a = $1"},
		{"INSERT INTO t VALUES (?, ?, ?)", "INSERT INTO t VALUES ($1, $2, $3)"},
		{"a = '?' AND b = ?", "a = '?' AND b = $1"},
		{"a = 'what?' AND b = ? AND c = 'x?y'", "a = 'what?' AND b = $1 AND c = 'x?y'"},
		{"a = 'it''s ?' AND b = ?", "a = 'it''s ?' AND b = $1"},
		{`name LIKE ? ESCAPE '\' AND code LIKE ? ESCAPE '\'`, `name LIKE $1 ESCAPE '\' AND code LIKE $2 ESCAPE '\'`},
		{"??", "$1$2"},
		{"''?", "''$1"},
		{"'?", "'?"}, // unterminated literal: nothing after the quote is a placeholder
		{strings.Repeat("?,", 11) + "?", "$1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12"},
		{"SELECT '党建?' || ?", "SELECT '党建?' || $1"},
	}
	for _, c := range cases {
		if got := store.Rebind(store.Postgres, c.in); got != c.pg {
			t.Errorf("Rebind(postgres, %q) = %q, want %q", c.in, got, c.pg)
		}
		if got := store.Rebind(store.SQLite, c.in); got != c.in {
			t.Errorf("Rebind(sqlite, %q) = %q, want it unchanged", c.in, got)
		}
		pg := &store.DB{Dialect: store.Postgres}
		if got := pg.Rebind(c.in); got != c.pg {
			t.Errorf("DB.Rebind(%q) = %q", c.in, got)
		}
	}
}

// TestRebindRunsOnTheDatabase checks that a rebound query with '?' inside
// literals and placeholders outside them runs on the real database.
func TestRebindRunsOnTheDatabase(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	exec(t, db, `INSERT INTO settings (key, value) VALUES (?, 'what?')`, "q?")
	var key, value string
	if err := db.QueryRow(ctx, db, `SELECT key, value FROM settings WHERE value = 'what?' AND key = ? AND value LIKE ? ESCAPE '\'`,
		"q?", "what\\_%").Scan(&key, &value); err == nil {
		t.Fatalf("LIKE escape not applied: %q %q", key, value)
	}
	if err := db.QueryRow(ctx, db, `SELECT key, value FROM settings WHERE value = 'what?' AND key = ? AND value LIKE ? ESCAPE '\'`,
		"q?", "what%").Scan(&key, &value); err != nil || key != "q?" || value != "what?" {
		t.Errorf("got %q %q, %v", key, value, err)
	}
}

func TestIsUniqueViolation(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	now := store.FormatTime(time.Now())
	exec(t, db, `INSERT INTO settings (key, value) VALUES (?, ?)`, "k", "v")
	insUser := `INSERT INTO users (username, display_name, role, scope, password_hash, password_changed_at, created_at, updated_at)
		VALUES (?, 'x', 'readonly', '430426', 'h', ?, ?, ?)`
	exec(t, db, insUser, "alice", now, now, now)

	_, pkErr := db.Exec(ctx, db, `INSERT INTO settings (key, value) VALUES (?, ?)`, "k", "w")
	_, uniqErr := db.Exec(ctx, db, insUser, "alice", now, now, now)
	_, notNullErr := db.Exec(ctx, db, `INSERT INTO settings (key, value) VALUES (?, NULL)`, "k2")
	_, fkErr := db.Exec(ctx, db, `INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) VALUES ('h', 424242, 'c', ?, ?, ?)`, now, now, now)
	_, syntaxErr := db.ExecContext(ctx, `INSERT INTO nowhere VALUES (1)`)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, txErr := db.Exec(ctx, tx, `INSERT INTO settings (key, value) VALUES (?, ?)`, "k", "again")
	_ = tx.Rollback()

	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"primary key", pkErr, true},
		{"unique column", uniqErr, true},
		{"in a transaction", txErr, true},
		{"wrapped", fmt.Errorf("save: %w", pkErr), true},
		{"not null", notNullErr, false},
		{"foreign key", fkErr, false},
		{"no such table", syntaxErr, false},
		{"nil", nil, false},
		{"plain error", errors.New("duplicate key value violates unique constraint"), false},
	} {
		if c.want && c.err == nil {
			t.Errorf("%s: the statement did not fail", c.name)
			continue
		}
		if got := store.IsUniqueViolation(c.err); got != c.want {
			t.Errorf("%s: IsUniqueViolation(%v) = %v, want %v", c.name, c.err, got, c.want)
		}
	}
	if fkErr == nil {
		t.Error("foreign keys are not enforced")
	}
}

func TestLikeEscape(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"洪桥":       "洪桥",
		"50%":      `50\%`,
		"a_b":      `a\_b`,
		`c:\dir`:   `c:\\dir`,
		`%_\`:      `\%\_\\`,
		"":         "",
		"4304260%": `4304260\%`,
	} {
		if got := store.LikeEscape(in); got != want {
			t.Errorf("LikeEscape(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTimeFormat(t *testing.T) {
	t.Parallel()
	cst := time.FixedZone("CST", 8*3600)
	a := time.Date(2026, 11, 24, 0, 30, 0, 123456789, cst)
	s := store.FormatTime(a)
	if s != "2026-11-23T16:30:00.123456Z" {
		t.Errorf("FormatTime = %q", s)
	}
	back, err := store.ParseTime(s)
	if err != nil || !back.Equal(a.Truncate(time.Microsecond)) {
		t.Errorf("ParseTime(%q) = %v, %v", s, back, err)
	}
	// Fixed width: text order is time order.
	earlier := store.FormatTime(time.Date(2026, 11, 23, 16, 29, 59, 999999000, time.UTC))
	if !(earlier < s) || len(earlier) != len(s) {
		t.Errorf("%q and %q do not sort as times", earlier, s)
	}
}

var placeholderRE = regexp.MustCompile(`\$[0-9]+`)

// unquotedMarks counts the '?' outside single-quoted literals.
func unquotedMarks(q string) int {
	n, in := 0, false
	for i := 0; i < len(q); i++ {
		switch q[i] {
		case '\'':
			in = !in
		case '?':
			if !in {
				n++
			}
		}
	}
	return n
}

func FuzzRebind(f *testing.F) {
	for _, s := range []string{
		"SELECT ?", "a = '?' AND b = ?", "'it''s ?' ?", "??", "'", "$1 ?", "?1?", `\'?`, "党建?'?'?", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if got := store.Rebind(store.SQLite, q); got != q {
			t.Fatalf("Rebind(sqlite, %q) = %q", q, got)
		}
		out := store.Rebind(store.Postgres, q)
		marks := unquotedMarks(q)
		if got := len(placeholderRE.FindAllString(out, -1)) - len(placeholderRE.FindAllString(q, -1)); got != marks {
			t.Fatalf("Rebind(%q) = %q: %d new $n, want %d", q, out, got, marks)
		}
		if strings.Count(out, "?") != strings.Count(q, "?")-marks {
			t.Fatalf("Rebind(%q) = %q: quoted '?' not kept", q, out)
		}
		if strings.ContainsAny(q, "$0123456789") {
			return
		}
		// Without '$' in the input, the placeholders are $1…$n in order, and
		// putting '?' back gives the input.
		for i, p := range placeholderRE.FindAllString(out, -1) {
			if p != fmt.Sprintf("$%d", i+1) {
				t.Fatalf("Rebind(%q) = %q: placeholder %d is %s", q, out, i+1, p)
			}
		}
		if back := placeholderRE.ReplaceAllString(out, "?"); back != q {
			t.Fatalf("Rebind(%q) = %q, reversed %q", q, out, back)
		}
	})
}
