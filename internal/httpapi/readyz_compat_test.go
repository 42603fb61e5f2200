package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"liangxin/internal/store"
	"liangxin/internal/testenv"
)

// A rolling upgrade: a newer release migrated the shared database. This
// (older) node stays ready while every newer migration is recorded as
// keeping the previous release working, and answers 503 naming the first
// one that is not.
func TestReadyzWithinTheCompatibilityWindow(t *testing.T) {
	e := testenv.New(t)
	ctx := context.Background()
	db := e.App.DB
	latest := store.LatestVersion(db.Dialect)
	ready := func() (int, string) {
		t.Helper()
		res, err := http.Get(e.Server.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	add := func(v, keep int) {
		t.Helper()
		if _, err := db.Exec(ctx, db, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', '2027-01-01T00:00:00Z')`, v); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, db, `INSERT INTO schema_compat (version, keeps_previous) VALUES (?, ?)`, v, keep); err != nil {
			t.Fatal(err)
		}
	}
	add(latest+1, 1)
	if st, body := ready(); st != 200 {
		t.Fatalf("compatible newer schema: %d %s", st, body)
	}
	add(latest+2, 0)
	if st, body := ready(); st != 503 || !strings.Contains(body, "未声明兼容旧版本") {
		t.Fatalf("incompatible newer schema: %d %s", st, body)
	}
	if _, err := db.Exec(ctx, db, `DELETE FROM schema_migrations WHERE version > ?`, latest); err != nil {
		t.Fatal(err)
	}
}
