package compliancehook_test

import (
	"context"
	"testing"

	"liangxin/internal/compliancehook"
	"liangxin/internal/store"
	"liangxin/internal/store/storetest"
)

// Without internal/meeting linked in (this test binary), a refresh asks for
// a rebuild at the next start instead of leaving the slots stale; with a
// refresh registered it calls it with the ids.
func TestRefreshWithoutMeetingAsksForARebuild(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	if _, err := db.Exec(ctx, db, `DELETE FROM settings WHERE key = ?`, compliancehook.SettingRebuild); err != nil {
		t.Fatal(err)
	}
	if err := compliancehook.Refresh(ctx, db, db, 7); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow(ctx, db, `SELECT COUNT(*) FROM settings WHERE key = ?`, compliancehook.SettingRebuild).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("no rebuild asked for after a refresh without meeting")
	}
	var got []int64
	compliancehook.Register(func(ctx context.Context, _ *store.DB, _ store.Querier, ids ...int64) error {
		got = append(got, ids...)
		return nil
	})
	defer compliancehook.Register(nil)
	if err := compliancehook.Refresh(ctx, db, db, 3, 4); err != nil || len(got) != 2 || got[0] != 3 || got[1] != 4 {
		t.Errorf("registered refresh called with %v (%v), want [3 4]", got, err)
	}
}
