package demo

import (
	"context"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/app"
	"liangxin/internal/briefing"
	"liangxin/internal/store"
)

// testBriefings: the demo issues the county's 通报 of the last two closed
// months, 第1期 and 第2期, with the coverage figures of each month's end.
func testBriefings(t *testing.T, a *app.App) {
	ctx := actor.System(context.Background(), "test")
	items, total, err := a.Briefing.List(ctx, briefing.Filter{State: briefing.StateIssued})
	if err != nil {
		t.Fatal(err)
	}
	if total != store.Exact(2) || items[0].Month <= items[1].Month || *items[1].Serial != 1 || *items[0].Serial != 2 || items[0].RegionCode != "430426" {
		t.Fatalf("issued briefings: %v %+v", total, items)
	}
	r, err := a.Briefing.Render(ctx, items[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	f := r.Briefing.Figures
	rep, err := a.Cover.Coverage(ctx, "430426", f.AsOf)
	if err != nil {
		t.Fatal(err)
	}
	if f.Coverage.Total != rep.Total || f.Coverage.OrgCovered != rep.OrgCovered || len(f.Streets) == 0 {
		t.Errorf("briefing coverage %+v, report %d/%d", f.Coverage, rep.OrgCovered, rep.Total)
	}
}
