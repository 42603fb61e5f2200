package sealedfile

import (
	"context"
	"testing"

	"liangxin/internal/store"
	"liangxin/internal/store/storetest"
)

// TestEveryFileTableRotates: every table of the schema with a sealed_data
// column is in Tables, so a key rotation re-seals all stored files (a table
// left out would hold files no key opens after the rotation).
func TestEveryFileTableRotates(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	q := `SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND p.name = 'sealed_data'`
	if db.Dialect == store.Postgres {
		q = `SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'sealed_data'`
	}
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	listed := map[string]bool{}
	for _, tb := range Tables {
		listed[tb.Name] = true
	}
	n := 0
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		n++
		if !listed[name] {
			t.Errorf("table %s has sealed_data but is not in sealedfile.Tables", name)
		}
	}
	// instructor_visit_photos, wish_photos, funds_receipts, cobuild_files, meeting_attachments.
	if n < 5 {
		t.Errorf("found %d tables with sealed_data, want at least 5", n)
	}
}
