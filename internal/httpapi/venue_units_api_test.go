package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"liangxin/internal/org"
	"liangxin/internal/testenv"
	"liangxin/internal/uscc"
	"liangxin/internal/venue"
)

// TestVenueUnitsAPI: served units set on create and by PUT …/units, shown on
// the detail, counted and sortable in the list; a unit outside the street or
// listed twice is a 422 naming the field; [] removes them all.
func TestVenueUnitsAPI(t *testing.T) {
	e, c, v, poID := venueSetup(t)
	seq := 200
	f := &fixtures{e: e, seq: &seq}
	a, b, far := f.organization(t, true), f.organization(t, true), f.organization(t, false)

	res := c.Do("POST", "/api/v1/venues", map[string]any{"name": "洪桥党群服务中心", "kind": "service_center", "party_org_id": poID,
		"region_code": testenv.Hongqiao, "address": "人民路9号", "unit_ids": []int64{a, b}})
	if res.Status != 201 {
		t.Fatalf("create with units: %d %s", res.Status, res.Body)
	}
	var center venue.Venue
	res.JSON(t, &center)
	if center.UnitCount != 2 || len(center.Units) != 2 {
		t.Fatalf("created units %+v", center.Units)
	}
	var got venue.Venue
	c.Do("GET", fmt.Sprintf("/api/v1/venues/%d", center.ID), nil).JSON(t, &got)
	if len(got.Units) != 2 || got.Units[0].Name == "" || got.Units[0].RegionName != "洪桥街道" {
		t.Errorf("detail units %+v", got.Units)
	}

	path := fmt.Sprintf("/api/v1/venues/%d/units", v.ID)
	for _, tc := range []struct {
		ids   []int64
		field string
	}{
		{[]int64{a, far}, "unit_ids[1]"}, // 玉合 is outside 洪桥
		{[]int64{b, b}, "unit_ids[1]"},   // twice
		{[]int64{0}, "unit_ids[0]"},      // not chosen
	} {
		var bad venueErr
		res := c.Do("PUT", path, map[string]any{"unit_ids": tc.ids})
		res.JSON(t, &bad)
		if res.Status != 422 || bad.Error.Fields[tc.field] == "" {
			t.Errorf("%v: %d %s", tc.ids, res.Status, res.Body)
		}
	}
	res = c.Do("PUT", path, map[string]any{"unit_ids": []int64{b}})
	if res.Status != 200 {
		t.Fatalf("set units: %d %s", res.Status, res.Body)
	}
	// The list: 党群服务中心 2 units, 红色驿站 1; sorted by their number.
	var pg struct {
		Items []venue.Venue `json:"items"`
		Total int           `json:"total"`
	}
	c.Do("GET", "/api/v1/venues?sort=units_asc", nil).JSON(t, &pg)
	if pg.Total != 2 || pg.Items[0].ID != v.ID || pg.Items[0].UnitCount != 1 || pg.Items[1].UnitCount != 2 {
		t.Errorf("sorted asc %+v", pg.Items)
	}
	c.Do("GET", "/api/v1/venues?sort=units_desc", nil).JSON(t, &pg)
	if pg.Items[0].ID != center.ID {
		t.Errorf("sorted desc: first %d", pg.Items[0].ID)
	}
	if res := c.Do("GET", "/api/v1/venues?sort=size", nil); res.Status != 422 {
		t.Errorf("bad sort: %d", res.Status)
	}
	// Removable: [] clears; a PUT of the venue without unit_ids keeps them.
	c.Do("PUT", path, map[string]any{"unit_ids": []int64{}}).JSON(t, &got)
	if len(got.Units) != 0 {
		t.Errorf("cleared: %+v", got.Units)
	}
	res = c.Do("PUT", fmt.Sprintf("/api/v1/venues/%d", center.ID), map[string]any{"name": center.Name, "kind": center.Kind, "party_org_id": poID,
		"region_code": center.RegionCode, "address": "人民路10号"})
	res.JSON(t, &got)
	if res.Status != 200 || got.UnitCount != 2 {
		t.Errorf("update without unit_ids: %d %s", res.Status, res.Body)
	}
	var audits int
	if err := e.App.DB.QueryRow(f.sys(), e.App.DB, `SELECT COUNT(*) FROM audit_log WHERE action = 'venue_units' AND entity_id = ?`, fmt.Sprint(v.ID)).Scan(&audits); err != nil {
		t.Fatal(err)
	}
	if audits != 2 {
		t.Errorf("venue_units audited %d times, want 2 (set, clear)", audits)
	}
}

// TestVenueUnitsImportRoundTrip: the import reads served units by name or
// 统一社会信用代码 and names the unknown ones; the report export lists the
// served units' names, and that cell imports back to the same units.
func TestVenueUnitsImportRoundTrip(t *testing.T) {
	e, c, _, _ := venueSetup(t)
	seq := 300
	f := &fixtures{e: e, seq: &seq}
	po := f.partyOrg(t, true)
	name, cat, region, code := "洪桥星光商贸有限公司", "private_enterprise", testenv.Hongqiao, uscc.Generate('9', '1', "430426", 4242)
	withCode, err := e.App.Orgs.Create(f.sys(), org.Input{Name: &name, USCC: &code, Category: &cat, RegionCode: &region})
	if err != nil {
		t.Fatal(err)
	}
	plain := f.organization(t, true)
	plainOrg, err := e.App.Orgs.Get(f.sys(), plain)
	if err != nil {
		t.Fatal(err)
	}
	far := f.organization(t, false)
	farOrg, _ := e.App.Orgs.Get(f.sys(), far)

	row := func(venueName, units string) []any {
		return []any{venueName, "红色驿站", po.Name, testenv.Hongqiao, "人民路2号", "", "", "", "", "", "", "", units}
	}
	// Unknown and out-of-scope units are named in the cell's error; nothing is written.
	bad := venueBook(t, row("导入驿站甲", code+"、不存在的公司；"+farOrg.Name))
	res := uploadTo(t, c, "/api/v1/imports/venues", "units-bad", bad)
	body := string(res.Body)
	if res.Status != 422 || !strings.Contains(body, `"column":"`+venue.ColUnits+`"`) || !strings.Contains(body, "不存在的公司") || !strings.Contains(body, farOrg.Name) {
		t.Fatalf("bad units: %d %s", res.Status, body)
	}
	// By 统一社会信用代码 and by name.
	good := venueBook(t, row("导入驿站甲", code+"、"+plainOrg.Name))
	if res = uploadTo(t, c, "/api/v1/imports/venues", "units-good", good); res.Status != 200 || !strings.Contains(string(res.Body), `"created":1`) {
		t.Fatalf("good units: %d %s", res.Status, res.Body)
	}
	items, _, _ := e.App.Venues.List(f.sys(), venue.Filter{Q: "导入驿站甲"})
	if len(items) != 1 || items[0].UnitCount != 2 {
		t.Fatalf("imported units: %+v", items)
	}
	want := map[int64]bool{withCode.ID: true, plain: true}
	for _, u := range items[0].Units {
		if !want[u.ID] {
			t.Errorf("unexpected unit %+v", u)
		}
	}
	// The export lists the names in the 服务单位 column.
	rows := sheetRows(t, c.Do("GET", "/api/v1/venue-report/export?year=2026", nil).Body)
	col := -1
	for i, h := range rows[0] {
		if h == "服务单位" {
			col = i
		}
	}
	if col < 0 || rows[0][col-1] != "服务单位数" {
		t.Fatalf("no 服务单位 column: %v", rows[0])
	}
	cell := ""
	for _, r := range rows[1:] {
		if len(r) > col && r[1] == "导入驿站甲" {
			cell = r[col]
			if r[col-1] != "2" {
				t.Errorf("服务单位数 %q, want 2", r[col-1])
			}
		}
	}
	if !strings.Contains(cell, name) || !strings.Contains(cell, plainOrg.Name) {
		t.Fatalf("exported cell %q", cell)
	}
	// Round trip: that cell imports to the same units.
	again := venueBook(t, row("导入驿站乙", cell))
	if res = uploadTo(t, c, "/api/v1/imports/venues", "units-again", again); res.Status != 200 {
		t.Fatalf("round trip: %d %s", res.Status, res.Body)
	}
	items, _, _ = e.App.Venues.List(f.sys(), venue.Filter{Q: "导入驿站乙"})
	if len(items) != 1 || items[0].UnitCount != 2 || !want[items[0].Units[0].ID] || !want[items[0].Units[1].ID] {
		t.Errorf("round-tripped units: %+v", items)
	}
}
