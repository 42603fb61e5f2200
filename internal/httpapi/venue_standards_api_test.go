package httpapi_test

import (
	"liangxin/internal/store"
	"strings"
	"testing"

	"liangxin/internal/testenv"
	"liangxin/internal/venue"
)

// TestVenueImport: a file with bad cells is refused whole with the cells
// named; a good file registers its venues (hours and rooms read from text);
// the same file again changes nothing.
func TestVenueImport(t *testing.T) {
	e, c, _, _ := venueSetup(t)
	seq := 100
	f := &fixtures{e: e, seq: &seq}
	po := f.partyOrg(t, true)
	bad := venueBook(t,
		[]any{"导入红色驿站", "红色驿站", po.Name, testenv.Hongqiao, "人民路2号", "60", "", "", "每天 08:00-21:00", "钱站长", "13907341111", "会议室:20"},
		[]any{"导入指导站", "指导站", po.Name, testenv.Yuhe, "建设路3号", "abc", "", "", "周八 09:00-10:00", "", "123", "会议室"},
	)
	res := uploadTo(t, c, "/api/v1/imports/venues", "venues-bad", bad)
	if res.Status != 422 {
		t.Fatalf("bad file: %d %s", res.Status, res.Body)
	}
	for _, want := range []string{venue.ColKind, venue.ColHours, venue.ColRooms} {
		if !strings.Contains(string(res.Body), `"column":"`+want+`"`) {
			t.Errorf("no error on %s: %s", want, res.Body)
		}
	}
	if _, n, _ := e.App.Venues.List(f.sys(), venue.Filter{Q: "导入"}); n != store.Exact(0) {
		t.Fatalf("a refused file wrote %v venues", n)
	}
	good := venueBook(t,
		[]any{"导入红色驿站", "红色驿站", po.Name, testenv.Hongqiao, "人民路2号", "60", "", "", "周一至周五 08:30-17:30；周六 09:00-12:00", "钱站长", "13907341111", "会议室:20；阅览室:8"},
		[]any{"导入党员活动室", "党员活动室", po.Name, testenv.Hongqiao + "001", "人民路3号", "", "", "", "每天 08:00-21:00", "", "", ""},
	)
	res = uploadTo(t, c, "/api/v1/imports/venues", "venues-good", good)
	if res.Status != 200 || !strings.Contains(string(res.Body), `"created":2`) {
		t.Fatalf("good file: %d %s", res.Status, res.Body)
	}
	items, n, _ := e.App.Venues.List(f.sys(), venue.Filter{Q: "导入红色驿站"})
	if n != store.Exact(1) || len(items[0].Hours) != 6 || items[0].Hours[5].Close != "12:00" || len(items[0].Rooms) != 2 || items[0].ManagerPhone != "139****1111" {
		t.Fatalf("imported: %+v", items)
	}
	res = uploadTo(t, c, "/api/v1/imports/venues", "venues-again", good)
	if res.Status != 200 || !strings.Contains(string(res.Body), `"unchanged":2`) {
		t.Fatalf("again: %d %s", res.Status, res.Body)
	}
	// A street cannot import into another street.
	out := venueBook(t, []any{"玉合驿站", "红色驿站", po.Name, testenv.Yuhe, "建设路1号"})
	if res = uploadTo(t, c, "/api/v1/imports/venues", "venues-out", out); res.Status != 422 || !strings.Contains(string(res.Body), venue.ColRegion) {
		t.Errorf("other street: %d %s", res.Status, res.Body)
	}
	// The template's example row imports as it is, except for its party organization.
	tpl := c.Do("GET", "/api/v1/imports/venues/template", nil)
	rows := sheetRows(t, tpl.Body)
	if tpl.Status != 200 || len(rows) != 2 || strings.Join(rows[0], ",") != strings.Join(venue.ImportHeaders(), ",") {
		t.Errorf("template: %d %v", tpl.Status, rows)
	}
}

// TestVenueReportExport: one row per venue, a subtotal after each street,
// the total last; a street sees its own venues only.
func TestVenueReportExport(t *testing.T) {
	e, c, v, poID := venueSetup(t)
	ctx := (&fixtures{e: e, seq: new(int)}).sys()
	for _, in := range []venue.Input{
		{Name: "洪桥党员活动室", Kind: "activity_room", PartyOrgID: poID, RegionCode: testenv.Hongqiao + "001", Address: "人民路5号"},
		{Name: "玉合党群服务中心", Kind: "service_center", PartyOrgID: poID, RegionCode: testenv.Yuhe, Address: "建设路1号"},
	} {
		if _, err := e.App.Venues.Create(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.App.Venues.AddActivity(ctx, v.ID, venue.ActivityInput{HeldOn: "2026-03-01", Title: "学习", Participants: 12}); err != nil {
		t.Fatal(err)
	}
	e.User("county_x", "district", testenv.Jurisdiction)
	county := e.Login("county_x", testenv.Password)
	res := county.Do("GET", "/api/v1/venue-report/export?year=2026", nil)
	if res.Status != 200 {
		t.Fatalf("export: %d %s", res.Status, res.Body)
	}
	rows := sheetRows(t, res.Body)
	// Header, 洪桥 ×2, 洪桥 小计, 玉合 ×1, 玉合 小计, 合计.
	if len(rows) != 7 {
		t.Fatalf("%d rows: %v", len(rows), rows)
	}
	if rows[0][0] != "街道（乡镇）" || rows[3][0] != "洪桥街道 小计" || rows[3][1] != "2 个阵地" || rows[5][0] != "玉合街道 小计" || rows[6][0] != "合计" {
		t.Errorf("layout: %v", rows)
	}
	if rows[6][9] != "1" || rows[6][10] != "12" || !strings.Contains(rows[6][6], "未检查 3") {
		t.Errorf("total row: %v", rows[6])
	}
	street := sheetRows(t, c.Do("GET", "/api/v1/venue-report/export?year=2026", nil).Body)
	if len(street) != 5 {
		t.Errorf("a street's export: %v", street)
	}
}
