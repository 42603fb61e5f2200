package develop_test

import (
	"liangxin/internal/store"
	"testing"

	"liangxin/internal/develop"
)

// TestFilterByPartyOrg: the list, schedule and stats filtered by a party
// organization work on both databases. Regression: the recursive subtree
// query took its root as an untyped parameter, which PostgreSQL read as
// text ("operator does not exist: bigint = text"), so every such filter
// answered 500 there.
func TestFilterByPartyOrg(t *testing.T) {
	w := newWorld(t)
	p := w.apply(t, "1995-05-05", "2026-11-01")
	items, total, err := w.e.App.Develop.List(w.ctx, develop.Filter{PartyOrgID: w.po})
	if err != nil || total != store.Exact(1) || len(items) != 1 || items[0].ID != p.ID {
		t.Fatalf("list of the branch: %v %+v %v", total, items, err)
	}
	if _, total, err := w.e.App.Develop.List(w.ctx, develop.Filter{PartyOrgID: w.po + 1000}); err != nil || total != store.Exact(0) {
		t.Fatalf("list of a branch that does not exist: %v %v", total, err)
	}
	if _, err := w.e.App.Develop.Schedule(w.ctx, w.po, 30); err != nil {
		t.Fatalf("schedule of the branch: %v", err)
	}
	if items, _, err := w.e.App.Develop.Stats(w.ctx, w.po); err != nil || len(items) != 1 {
		t.Fatalf("stats of the branch: %+v %v", items, err)
	}
}
