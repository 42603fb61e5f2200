package venue_test

import (
	"context"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/org"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
	"liangxin/internal/venue"
)

// newOrg registers a 两新组织 (individual business, no 统一社会信用代码) in region.
func newOrg(t *testing.T, e *testenv.Env, ctx context.Context, name, region string) int64 {
	t.Helper()
	cat := "individual_business"
	o, err := e.App.Orgs.Create(ctx, org.Input{Name: &name, Category: &cat, RegionCode: &region})
	if err != nil {
		t.Fatal(err)
	}
	return o.ID
}

func unitIDs(v venue.Venue) []int64 {
	out := []int64{}
	for _, u := range v.Units {
		out = append(out, u.ID)
	}
	return out
}

func fieldOf(t *testing.T, err error, field string) string {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Fields[field] == "" {
		t.Fatalf("want a field error on %s, got %v", field, err)
	}
	return e.Fields[field]
}

// Served units: set on create and update, listed by name, counted in the
// list and sortable by their number, scope-checked, never duplicated, removable.
func TestVenueUnits(t *testing.T) {
	e, ctx, v := setup(t)
	a := newOrg(t, e, ctx, "乙商贸行", testenv.Hongqiao)
	b := newOrg(t, e, ctx, "甲便利店", testenv.Hongqiao)
	far := newOrg(t, e, ctx, "玉合某超市", testenv.Yuhe)
	if len(v.Units) != 0 || v.UnitCount != 0 {
		t.Fatalf("new venue without units: %+v", v.Units)
	}
	hq := actor.With(context.Background(), actor.Actor{Username: "hq", Role: "street", Scope: testenv.Hongqiao})

	// Set two units: listed by name in code-point order (乙 U+4E59 < 甲 U+7532).
	got, err := e.App.Venues.SetUnits(hq, v.ID, venue.UnitsInput{UnitIDs: []int64{b, a}})
	if err != nil {
		t.Fatal(err)
	}
	if ids := unitIDs(got); len(ids) != 2 || ids[0] != a || ids[1] != b || got.UnitCount != 2 {
		t.Fatalf("units %v count %d, want [%d %d] 2 (乙 U+4E59 sorts before 甲 U+7532)", ids, got.UnitCount, a, b)
	}
	if got.Units[0].Name != "乙商贸行" || got.Units[0].RegionName == "" {
		t.Errorf("unit 0 = %+v", got.Units[0])
	}

	// A unit outside the street's jurisdiction is a field error naming it (index 1).
	_, err = e.App.Venues.SetUnits(hq, v.ID, venue.UnitsInput{UnitIDs: []int64{a, far}})
	if msg := fieldOf(t, err, "unit_ids[1]"); msg != "所选服务单位不存在或不在管辖范围内" {
		t.Errorf("message %q", msg)
	}
	// A repeated unit is named at its second place.
	_, err = e.App.Venues.SetUnits(hq, v.ID, venue.UnitsInput{UnitIDs: []int64{a, b, a}})
	if msg := fieldOf(t, err, "unit_ids[2]"); msg != "与第 1 个服务单位重复" {
		t.Errorf("message %q", msg)
	}
	// Neither failure changed the list.
	if cur, _ := e.App.Venues.Get(ctx, v.ID); len(cur.Units) != 2 {
		t.Errorf("after refusals: %v", unitIDs(cur))
	}

	// The district (the whole county) may add the 玉合 unit.
	if got, err = e.App.Venues.SetUnits(ctx, v.ID, venue.UnitsInput{UnitIDs: []int64{a, b, far}}); err != nil || got.UnitCount != 3 {
		t.Fatalf("district set: %v %d", err, got.UnitCount)
	}

	// Update without unit_ids keeps the list; with [] clears it.
	in := venue.Input{Name: v.Name, Kind: v.Kind, PartyOrgID: v.PartyOrgID, RegionCode: v.RegionCode, Address: v.Address, Hours: v.Hours}
	if got, err = e.App.Venues.Update(ctx, v.ID, in); err != nil || got.UnitCount != 3 {
		t.Fatalf("update keeping units: %v %d", err, got.UnitCount)
	}
	in.UnitIDs = []int64{b}
	if got, err = e.App.Venues.Update(ctx, v.ID, in); err != nil || len(got.Units) != 1 || got.Units[0].ID != b {
		t.Fatalf("update to [b]: %v %v", err, unitIDs(got))
	}

	// Create with units; a second venue serving a and b.
	v2, err := e.App.Venues.Create(ctx, venue.Input{Name: "红色驿站", Kind: "red_station", PartyOrgID: v.PartyOrgID, RegionCode: testenv.Hongqiao,
		Address: "人民路2号", UnitIDs: []int64{a, b}})
	if err != nil || v2.UnitCount != 2 {
		t.Fatalf("create with units: %v %+v", err, v2.Units)
	}
	// Create with a unit out of the street's scope: field error, nothing written.
	_, err = e.App.Venues.Create(hq, venue.Input{Name: "驿站三", Kind: "red_station", PartyOrgID: v.PartyOrgID, RegionCode: testenv.Hongqiao,
		Address: "人民路3号", UnitIDs: []int64{far}})
	fieldOf(t, err, "unit_ids[0]")
	if _, n, _ := e.App.Venues.List(ctx, venue.Filter{Q: "驿站三"}); n != store.Exact(0) {
		t.Errorf("refused create wrote %v venues", n)
	}

	// The list counts units and sorts by their number: 红色驿站 2, 党员活动室 1.
	list, _, err := e.App.Venues.List(ctx, venue.Filter{Sort: venue.SortUnitsDesc})
	if err != nil || len(list) != 2 || list[0].ID != v2.ID || list[0].UnitCount != 2 || list[1].UnitCount != 1 {
		t.Fatalf("sorted desc: %v %+v", err, list)
	}
	list, _, _ = e.App.Venues.List(ctx, venue.Filter{Sort: venue.SortUnitsAsc})
	if list[0].ID != v.ID || len(list[0].Units) != 1 {
		t.Errorf("sorted asc: first %d", list[0].ID)
	}
	if _, _, err := e.App.Venues.List(ctx, venue.Filter{Sort: "name"}); err == nil {
		t.Error("unknown sort accepted")
	}

	// Removable: clearing leaves none.
	if got, err = e.App.Venues.SetUnits(ctx, v.ID, venue.UnitsInput{UnitIDs: []int64{}}); err != nil || len(got.Units) != 0 {
		t.Fatalf("clear: %v %v", err, unitIDs(got))
	}
	// An organization deleted as entered by mistake drops out of the lists.
	if err := e.App.Orgs.Delete(ctx, a); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.App.Venues.Get(ctx, v2.ID); len(got.Units) != 1 || got.Units[0].ID != b {
		t.Errorf("after deleting a: %v", unitIDs(got))
	}
}

// The report counts distinct units served per kind, per street and in total.
func TestVenueReportUnits(t *testing.T) {
	e, ctx, v := setup(t) // 党员活动室 (activity_room) at 洪桥
	a := newOrg(t, e, ctx, "单位甲", testenv.Hongqiao)
	b := newOrg(t, e, ctx, "单位乙", testenv.Hongqiao)
	c := newOrg(t, e, ctx, "单位丙", testenv.Yuhe)
	if _, err := e.App.Venues.SetUnits(ctx, v.ID, venue.UnitsInput{UnitIDs: []int64{a, b}}); err != nil {
		t.Fatal(err)
	}
	// A second activity room at 洪桥 serving b and c; a red station at 玉合 serving c.
	if _, err := e.App.Venues.Create(ctx, venue.Input{Name: "活动室二", Kind: "activity_room", PartyOrgID: v.PartyOrgID, RegionCode: testenv.Hongqiao,
		Address: "人民路2号", UnitIDs: []int64{b, c}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Venues.Create(ctx, venue.Input{Name: "玉合驿站", Kind: "red_station", PartyOrgID: v.PartyOrgID, RegionCode: testenv.Yuhe,
		Address: "建设路1号", UnitIDs: []int64{c}}); err != nil {
		t.Fatal(err)
	}
	rep, rows, err := e.App.Venues.VenueReport(ctx, 2026, "")
	if err != nil {
		t.Fatal(err)
	}
	// By hand: activity rooms serve {a,b} ∪ {b,c} = 3 units; red stations {c} = 1;
	// 洪桥 3; 玉合 1; total {a,b,c} = 3 (c counted once although two venues serve it).
	kinds := map[string]int{}
	for _, k := range rep.ByKind {
		kinds[k.Code] = k.Units
	}
	if kinds["activity_room"] != 3 || kinds["red_station"] != 1 || kinds["service_center"] != 0 {
		t.Errorf("by kind %v", kinds)
	}
	streets := map[string]int{}
	for _, s := range rep.ByStreet {
		streets[s.Code] = s.Units
	}
	if streets[testenv.Hongqiao] != 3 || streets[testenv.Yuhe] != 1 || rep.Total.Units != 3 {
		t.Errorf("by street %v total %d", streets, rep.Total.Units)
	}
	names := map[string]string{}
	for _, r := range rows {
		names[r.Name] = r.UnitNames
	}
	// Names by code point: 单位丙 (丙 U+4E19) < 单位乙 (乙 U+4E59) < 单位甲 (甲 U+7532).
	if names["党员活动室"] != "单位乙、单位甲" || names["活动室二"] != "单位丙、单位乙" || names["玉合驿站"] != "单位丙" {
		t.Errorf("row names %v", names)
	}
}
