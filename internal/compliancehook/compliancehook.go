// Package compliancehook lets writers outside internal/meeting (party
// organizations, members' own sign-in) keep the compliance slots in step
// without importing meeting, which imports them: meeting registers its
// refresh here when it is linked in.
package compliancehook

import (
	"context"

	"liangxin/internal/store"
)

// RefreshFunc recomputes the compliance slots of party organizations ids
// through q (the caller's transaction).
type RefreshFunc func(ctx context.Context, db *store.DB, q store.Querier, ids ...int64) error

var refresh RefreshFunc

// Register sets the refresh (internal/meeting, at init).
func Register(f RefreshFunc) { refresh = f }

// SettingRebuild is the settings key that makes the next start rebuild the
// compliance slots from the ledger.
const SettingRebuild = "compliance_slots_rebuild"

// Refresh recomputes the slots of ids (a 党小组 stands for its branch). In a
// program without internal/meeting it asks for a rebuild at the next start
// instead, so the table is never left stale.
func Refresh(ctx context.Context, db *store.DB, q store.Querier, ids ...int64) error {
	if len(ids) == 0 {
		return nil
	}
	if refresh == nil {
		_, err := db.Exec(ctx, q, `INSERT INTO settings (key, value) VALUES (?, '1') ON CONFLICT (key) DO UPDATE SET value = excluded.value`, SettingRebuild)
		return err
	}
	return refresh(ctx, db, q, ids...)
}
