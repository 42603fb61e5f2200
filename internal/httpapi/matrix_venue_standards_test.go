package httpapi_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/testenv"
	"liangxin/internal/venue"
)

// venueBook is a venue import workbook: the template's headers and rows.
func venueBook(t *testing.T, rows ...[]any) []byte {
	t.Helper()
	x := excelize.NewFile()
	for i, h := range venue.ImportHeaders() {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		_ = x.SetCellValue("Sheet1", cell, h)
	}
	for r, row := range rows {
		for i, v := range row {
			cell, _ := excelize.CoordinatesToCellName(i+1, r+2)
			_ = x.SetCellValue("Sheet1", cell, v)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// liuyou returns the seeded 六有 checklist (version 1).
func (f *fixtures) liuyou(t *testing.T) venue.Checklist {
	t.Helper()
	cs, err := f.e.App.Venues.Checklists(f.sys())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Code == "liuyou" && c.Version == 1 {
			return c
		}
	}
	t.Fatal("六有 v1 not seeded")
	return venue.Checklist{}
}

// liuyouInput is an inspection against 六有 with the items given failing.
func liuyouInput(c venue.Checklist, day string, fail ...string) venue.InspectionInput {
	in := venue.InspectionInput{ChecklistID: c.ID, InspectedOn: day, Inspector: "组织委员"}
	for _, it := range c.Items {
		item := venue.InspectionItemInput{ItemID: it.ID, Met: true}
		for _, name := range fail {
			if name == it.Name {
				item.Met, item.Note = false, "缺少"+it.Name[3:]
			}
		}
		in.Items = append(in.Items, item)
	}
	return in
}

// failedVenue is a venue whose 六有 inspection failed 有党旗.
func (f *fixtures) failedVenue(t *testing.T, in bool) (venue.Venue, venue.Inspection) {
	t.Helper()
	v := f.venue(t, in)
	insp, err := f.e.App.Venues.Inspect(f.sys(), v.ID, liuyouInput(f.liuyou(t), "2025-03-01", "有党旗"))
	if err != nil {
		t.Fatal(err)
	}
	return v, insp
}

// venueStandardMatrixCases are the access-matrix cases of the venue
// standards, inspections, photos, activities and reports.
func venueStandardMatrixCases() map[string]matrixCase {
	at := func(suffix string, body any) func(*testing.T, *fixtures, string, bool) (string, any) {
		return func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			v := f.venue(t, in)
			return fmt.Sprintf("/api/v1/venues/%d%s", v.ID, suffix), body
		}
	}
	photo := func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
		v := f.venue(t, in)
		ph, err := f.e.App.Venues.AddPhoto(f.sys(), v.ID, 0, bytes.NewReader(pngBytes))
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("/api/v1/venues/%d/photos/%d", v.ID, ph.ID), nil
	}
	return map[string]matrixCase{
		"GET /api/v1/imports/venues/template": {unscoped: true, call: static("/api/v1/imports/venues/template")},
		"POST /api/v1/imports/venues": {upload: true, outStatus: 422, call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			po := f.partyOrg(t, in)
			n := f.next()
			b := venueBook(t, []any{fmt.Sprintf("导入红色驿站%d", n), "红色驿站", po.Name, pick(in, testenv.Hongqiao, testenv.Yuhe), "人民路9号"})
			return fmt.Sprintf("/api/v1/imports/venues?session=matrix-venues-%d", n), b
		}},
		"GET /api/v1/venue-checklists": {unscoped: true, call: static("/api/v1/venue-checklists")},
		"POST /api/v1/venue-checklists": {unscoped: true, call: func(t *testing.T, f *fixtures, _ string, _ bool) (string, any) {
			return "/api/v1/venue-checklists", map[string]any{"code": fmt.Sprintf("sqyxq%d", f.next()), "name": "三区一校七室", "kinds": []string{"service_center"},
				"effective_from": "2027-01-01", "source": "区委组织部文件", "items": []map[string]any{{"name": "服务区"}, {"name": "活动区"}}}
		}},
		"GET /api/v1/venues/below-standard":   {unscoped: true, call: static("/api/v1/venues/below-standard?kind=red_station")},
		"GET /api/v1/venue-report":            {unscoped: true, call: static("/api/v1/venue-report?year=2025")},
		"GET /api/v1/venue-report/export":     {unscoped: true, call: static("/api/v1/venue-report/export?year=2025")},
		"POST /api/v1/venues/{id}/deactivate": {call: at("/deactivate", map[string]any{"reason": "场地拆迁"})},
		"POST /api/v1/venues/{id}/reactivate": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			v := f.venue(t, in)
			if _, err := f.e.App.Venues.Deactivate(f.sys(), v.ID, venue.DeactivateInput{Reason: "装修"}); err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("/api/v1/venues/%d/reactivate", v.ID), nil
		}},
		"PUT /api/v1/venues/{id}/rooms/{room_id}": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			v := f.venue(t, in)
			return fmt.Sprintf("/api/v1/venues/%d/rooms/%d", v.ID, v.Rooms[0].ID), map[string]any{"name": "大会议室", "capacity": 40}
		}},
		"POST /api/v1/venues/{id}/photos":              {upload: true, call: at("/photos", pngBytes)},
		"GET /api/v1/venues/{id}/photos/{photo_id}":    {call: photo},
		"DELETE /api/v1/venues/{id}/photos/{photo_id}": {call: photo},
		"GET /api/v1/venues/{id}/inspections":          {call: at("/inspections", nil)},
		"POST /api/v1/venues/{id}/inspections": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			v := f.venue(t, in)
			return fmt.Sprintf("/api/v1/venues/%d/inspections", v.ID), liuyouInput(f.liuyou(t), "2025-04-01", "有书报")
		}},
		"POST /api/v1/venues/{id}/inspections/{inspection_id}/photos": {upload: true, call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			v, insp := f.failedVenue(t, in)
			return fmt.Sprintf("/api/v1/venues/%d/inspections/%d/photos", v.ID, insp.ID), pngBytes
		}},
		"POST /api/v1/venues/{id}/inspections/{inspection_id}/items/{item_id}/repair": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			v, insp := f.failedVenue(t, in)
			var item int64
			for _, it := range insp.Items {
				if !it.Met {
					item = it.ItemID
				}
			}
			return fmt.Sprintf("/api/v1/venues/%d/inspections/%d/items/%d/repair", v.ID, insp.ID, item), map[string]any{"category_id": 1}
		}},
		"GET /api/v1/venues/{id}/activities": {call: at("/activities?from=2025-01-01&to=2025-12-31", nil)},
		"POST /api/v1/venues/{id}/activities": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			v := f.venue(t, in)
			return fmt.Sprintf("/api/v1/venues/%d/activities", v.ID), map[string]any{"held_on": "2025-07-01", "title": "七一主题党日", "party_org_id": v.PartyOrgID, "participants": 25}
		}},
		"DELETE /api/v1/venues/{id}/activities/{activity_id}": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			v := f.venue(t, in)
			a, err := f.e.App.Venues.AddActivity(f.sys(), v.ID, venue.ActivityInput{HeldOn: "2025-05-04", Title: "青年党员座谈", Participants: 12})
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("/api/v1/venues/%d/activities/%d", v.ID, a.ID), nil
		}},
		"GET /api/v1/venues/{id}/stats":            {call: at("/stats?year=2025", nil)},
		"PUT /api/v1/venues/{id}/visitors/{month}": {call: at("/visitors/2025-06", map[string]any{"visitors": 320})},
	}
}
