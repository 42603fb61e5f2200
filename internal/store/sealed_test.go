package store_test

import (
	"testing"

	"liangxin/internal/store"
	"liangxin/internal/store/storetest"
)

// TestSealedColumnsFromSchema: the sealed columns are found from the schema
// (every *_enc, with its *_hash partner), on both databases, so a start-up
// check or a rotation covers a new sealed column without a list to update.
func TestSealedColumnsFromSchema(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	cols, err := store.SealedColumns(ctx, db.Dialect, db)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range cols {
		got[c.Table+"."+c.Column] = c.Hash
	}
	for col, hash := range map[string]string{
		"members.id_number_enc":    "id_number_hash",
		"members.phone_enc":        "phone_hash",
		"dev_people.id_number_enc": "id_number_hash",
	} {
		if h, ok := got[col]; !ok || h != hash {
			t.Errorf("%s: found %v, hash %q", col, ok, h)
		}
	}
	for _, c := range cols {
		if c.Column == "password_hash" || c.Column == "token_hash" {
			t.Errorf("not a sealed column: %+v", c)
		}
	}
	counts, err := store.TableCounts(ctx, db.Dialect, db)
	if err != nil {
		t.Fatal(err)
	}
	if counts["schema_migrations"] != int64(store.LatestVersion(db.Dialect)) || len(counts) < 30 {
		t.Errorf("counts: %d tables, schema_migrations %d", len(counts), counts["schema_migrations"])
	}
	if _, ok := counts["sqlite_sequence"]; ok {
		t.Error("SQLite's internal tables counted")
	}
}
