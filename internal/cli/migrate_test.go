package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"liangxin/internal/store"
)

// `migrate` (like the first start) seals instructor phone numbers an older
// version kept in clear, and leaves no copy in the SQLite files.
func TestMigrateSealsClearInstructorPhones(t *testing.T) {
	tg := newTarget(t)
	if code, _, errOut := tg.run(t, "init", "--jurisdiction", "430426"); code != 0 {
		t.Fatal(errOut)
	}
	const legacy = "13955556666"
	ctx := context.Background()
	db, err := store.Open(ctx, tg.db, tg.data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, db, `INSERT INTO instructors (name, phone, unit, full_time, level, region_code, created_at, updated_at)
		VALUES ('旧指导员', ?, '', ?, '', '430426001', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`, legacy, false); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if code, out, errOut := tg.run(t, "migrate"); code != 0 {
		t.Fatalf("migrate: %s %s", out, errOut)
	}
	db, err = store.Open(ctx, tg.db, tg.data)
	if err != nil {
		t.Fatal(err)
	}
	var clear, enc, mask string
	err = db.QueryRow(ctx, db, `SELECT phone, phone_enc, phone_mask FROM instructors WHERE name = '旧指导员'`).Scan(&clear, &enc, &mask)
	db.Close()
	if err != nil || clear != "" || enc == "" || strings.Contains(enc, legacy) || mask != "139****6666" {
		t.Fatalf("after migrate: phone=%q enc=%q mask=%q %v", clear, enc, mask, err)
	}
	if tg.db != "" {
		return
	}
	files, _ := filepath.Glob(filepath.Join(tg.data, store.SQLiteFile+"*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(legacy)) {
			t.Errorf("%s still holds the clear phone", f)
		}
	}
}
