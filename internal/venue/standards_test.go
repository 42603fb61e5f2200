package venue_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
	"liangxin/internal/venue"
)

func checklist(t *testing.T, e *testenv.Env, ctx context.Context, code string, version int) venue.Checklist {
	t.Helper()
	cs, err := e.App.Venues.Checklists(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Code == code && c.Version == version {
			return c
		}
	}
	t.Fatalf("checklist %s v%d missing", code, version)
	return venue.Checklist{}
}

// findings fills an inspection of c with the named items failing.
func findings(c venue.Checklist, day string, fail ...string) venue.InspectionInput {
	in := venue.InspectionInput{ChecklistID: c.ID, InspectedOn: day, Inspector: "街道组织委员"}
	for _, it := range c.Items {
		f := venue.InspectionItemInput{ItemID: it.ID, Met: true}
		for _, n := range fail {
			if n == it.Name {
				f.Met, f.Note = false, it.Name+"缺失"
			}
		}
		in.Items = append(in.Items, f)
	}
	return in
}

func fieldsOf(t *testing.T, err error) map[string]string {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Kind != apperr.KindInvalid {
		t.Fatalf("want 422, got %v", err)
	}
	return e.Fields
}

func isConflict(err error) bool {
	e, ok := apperr.As(err)
	return ok && e.Kind == apperr.KindConflict
}

// The seeds: 六有 and 六个一, six items each, in order.
func TestSeededChecklists(t *testing.T) {
	e, ctx, _ := setup(t)
	ly := checklist(t, e, ctx, "liuyou", 1)
	var names []string
	for _, it := range ly.Items {
		names = append(names, it.Name)
	}
	if got := strings.Join(names, "、"); got != "有场所、有设施、有标志、有党旗、有书报、有制度" {
		t.Errorf("六有 items: %s", got)
	}
	if len(ly.Kinds) != 6 || ly.EffectiveTo != "" || ly.Source == "" {
		t.Errorf("六有: %+v", ly)
	}
	if g := checklist(t, e, ctx, "liugeyi", 1); len(g.Items) != 6 || g.Items[2].Name != `一块"五化"制度牌` {
		t.Errorf("六个一: %+v", g.Items)
	}
}

// The standard status follows the latest inspection by day (then by entry),
// and the below-standard list holds the venues whose latest failed, with the
// failed items.
func TestStandardStatusFollowsLatestInspection(t *testing.T) {
	e, ctx, v := setup(t)
	s := e.App.Venues
	ly := checklist(t, e, ctx, "liuyou", 1)
	status := func() string {
		t.Helper()
		got, err := s.Get(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.StandardStatus
	}
	below := func() []venue.BelowStandard {
		t.Helper()
		items, total, err := s.BelowStandardList(ctx, venue.Filter{})
		if err != nil || total != store.Exact(len(items)) {
			t.Fatal(err, total)
		}
		return items
	}
	if got := status(); got != venue.StandardUnchecked {
		t.Fatalf("new venue: %s", got)
	}
	if len(below()) != 0 {
		t.Fatal("an unchecked venue is not below standard")
	}
	fail, err := s.Inspect(ctx, v.ID, findings(ly, "2026-03-10", "有党旗", "有书报"))
	if err != nil {
		t.Fatal(err)
	}
	if fail.Result != venue.ResultFail || fail.ResultName != "未达标" || len(fail.Items) != 6 {
		t.Fatalf("inspection: %+v", fail)
	}
	if got := status(); got != venue.StandardNotMet {
		t.Fatalf("after a failed inspection: %s", got)
	}
	b := below()
	if len(b) != 1 || b[0].VenueID != v.ID || len(b[0].FailedItems) != 2 || b[0].FailedItems[0].Name != "有党旗" || b[0].FailedItems[1].Name != "有书报" {
		t.Fatalf("below standard: %+v", b)
	}
	// A passing inspection later in the year makes it 达标.
	if _, err := s.Inspect(ctx, v.ID, findings(ly, "2026-06-01")); err != nil {
		t.Fatal(err)
	}
	if got := status(); got != venue.StandardMet {
		t.Fatalf("after passing: %s", got)
	}
	// An inspection entered afterwards but dated earlier does not change it.
	if _, err := s.Inspect(ctx, v.ID, findings(ly, "2026-05-01", "有制度")); err != nil {
		t.Fatal(err)
	}
	if got := status(); got != venue.StandardMet || len(below()) != 0 {
		t.Fatalf("an earlier-dated failure: %s", got)
	}
	got, _ := s.Get(ctx, v.ID)
	if got.LastInspectedOn == nil || *got.LastInspectedOn != "2026-06-01" {
		t.Errorf("last inspected on: %v", got.LastInspectedOn)
	}
	list, total, err := s.Inspections(ctx, v.ID, 1, 20)
	if err != nil || total != store.Exact(3) || list[0].InspectedOn != "2026-06-01" || list[2].InspectedOn != "2026-03-10" {
		t.Fatalf("history: %v %v", total, err)
	}
	for code, want := range map[string]int{venue.StandardMet: 1, venue.StandardNotMet: 0, venue.StandardUnchecked: 0} {
		if _, n, err := s.List(ctx, venue.Filter{Standard: code}); err != nil || n != store.Exact(want) {
			t.Errorf("list %s: %v %v", code, n, err)
		}
	}
}

func TestInspectionRules(t *testing.T) {
	e, ctx, v := setup(t)
	s := e.App.Venues
	ly := checklist(t, e, ctx, "liuyou", 1)
	in := findings(ly, "2026-03-10", "有党旗")
	in.Items[3].Note = ""
	in.Items = in.Items[:5]
	fields := fieldsOf(t, func() error { _, err := s.Inspect(ctx, v.ID, in); return err }())
	if !strings.Contains(fields["items[3].note"], "说明") {
		t.Errorf("a failed item needs a note: %v", fields)
	}
	in = findings(ly, "2026-03-10")
	in.Items = in.Items[:5]
	if f := fieldsOf(t, func() error { _, err := s.Inspect(ctx, v.ID, in); return err }()); !strings.Contains(f["items"], "有制度") {
		t.Errorf("a missing item is named: %v", f)
	}
	if f := fieldsOf(t, func() error { _, err := s.Inspect(ctx, v.ID, findings(ly, "2027-01-01")); return err }()); f["inspected_on"] == "" {
		t.Errorf("a future day: %v", f)
	}
	// A standard for 党群服务中心 does not apply to a 党员活动室.
	sc, err := s.CreateChecklist(ctx, venue.ChecklistInput{Code: "sqyxq", Name: "三区一校七室", Kinds: []string{"service_center"}, EffectiveFrom: "2020-01-01",
		Items: []venue.ChecklistItemInput{{Name: "服务区"}, {Name: "活动区"}, {Name: "展示区"}}})
	if err != nil {
		t.Fatal(err)
	}
	if f := fieldsOf(t, func() error { _, err := s.Inspect(ctx, v.ID, findings(sc, "2026-03-10")); return err }()); !strings.Contains(f["checklist_id"], "不适用") {
		t.Errorf("kind: %v", f)
	}
	// An item of another checklist is refused.
	in = findings(ly, "2026-03-10")
	in.Items = append(in.Items, venue.InspectionItemInput{ItemID: sc.Items[0].ID, Met: true})
	if f := fieldsOf(t, func() error { _, err := s.Inspect(ctx, v.ID, in); return err }()); f["items[6].item_id"] == "" {
		t.Errorf("foreign item: %v", f)
	}
}

// A new version of a standard ends the previous one the day before it takes
// effect; an inspection uses the version in effect on its day.
func TestChecklistVersions(t *testing.T) {
	e, ctx, v := setup(t)
	s := e.App.Venues
	v2, err := s.CreateChecklist(ctx, venue.ChecklistInput{Code: "liuyou", Name: "六有", Kinds: []string{"activity_room"}, EffectiveFrom: "2026-07-01",
		Source: "测试", Items: []venue.ChecklistItemInput{{Name: "有场所"}, {Name: "有设施"}, {Name: "有标志"}, {Name: "有党旗"}, {Name: "有书报"}, {Name: "有制度"}, {Name: "有台账"}}})
	if err != nil {
		t.Fatal(err)
	}
	if v2.Version != 2 || len(v2.Items) != 7 {
		t.Fatalf("v2: %+v", v2)
	}
	v1 := checklist(t, e, ctx, "liuyou", 1)
	if v1.EffectiveTo != "2026-06-30" {
		t.Fatalf("v1 ends %q, want 2026-06-30", v1.EffectiveTo)
	}
	if _, err := s.Inspect(ctx, v.ID, findings(v1, "2026-06-30")); err != nil {
		t.Errorf("v1 on its last day: %v", err)
	}
	fieldsOf(t, func() error { _, err := s.Inspect(ctx, v.ID, findings(v1, "2026-07-01")); return err }())
	if _, err := s.Inspect(ctx, v.ID, findings(v2, "2026-07-01")); err != nil {
		t.Errorf("v2 on its first day: %v", err)
	}
	if f := fieldsOf(t, func() error {
		_, err := s.CreateChecklist(ctx, venue.ChecklistInput{Code: "liuyou", Name: "六有", Kinds: []string{"other"}, EffectiveFrom: "2026-07-01", Items: []venue.ChecklistItemInput{{Name: "x"}}})
		return err
	}()); f["effective_from"] == "" {
		t.Errorf("same day as v2: %v", f)
	}
}

// A failed item opens one service request (source 阵地检查) linked back to it;
// a second attempt answers 409 naming it; a met item has nothing to repair.
func TestRepairRequest(t *testing.T) {
	e, ctx, v := setup(t)
	s := e.App.Venues
	insp, err := s.Inspect(ctx, v.ID, findings(checklist(t, e, ctx, "liuyou", 1), "2026-03-10", "有党旗"))
	if err != nil {
		t.Fatal(err)
	}
	failed, met := insp.Items[3], insp.Items[0]
	out, err := s.OpenRepair(ctx, v.ID, insp.ID, failed.ItemID, venue.RepairInput{CategoryID: 1})
	if err != nil {
		t.Fatal(err)
	}
	id := out.Items[3].RepairRequestID
	if id == nil {
		t.Fatal("not linked")
	}
	req, err := e.App.Services.Get(ctx, *id)
	if err != nil {
		t.Fatal(err)
	}
	if req.Source != "venue_inspection" || req.SourceName != "阵地检查" || !strings.Contains(req.Content, "有党旗") || req.RegionCode != v.RegionCode {
		t.Errorf("request: %+v", req)
	}
	if _, err := s.OpenRepair(ctx, v.ID, insp.ID, failed.ItemID, venue.RepairInput{CategoryID: 1}); !isConflict(err) || !strings.Contains(err.Error(), "已发起") {
		t.Errorf("second: %v", err)
	}
	if _, err := s.OpenRepair(ctx, v.ID, insp.ID, met.ItemID, venue.RepairInput{CategoryID: 1}); !isConflict(err) {
		t.Errorf("met item: %v", err)
	}
	b, _, _ := s.BelowStandardList(ctx, venue.Filter{})
	if len(b) != 1 || b[0].FailedItems[0].RepairRequestID == nil || *b[0].FailedItems[0].RepairRequestID != *id {
		t.Errorf("the work list shows the request: %+v", b)
	}
}

// Concurrent repair requests for one item: exactly one is linked.
func TestRepairRequestRace(t *testing.T) {
	e, ctx, v := setup(t)
	s := e.App.Venues
	insp, err := s.Inspect(ctx, v.ID, findings(checklist(t, e, ctx, "liuyou", 1), "2026-03-10", "有党旗"))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, errs[i] = s.OpenRepair(ctx, v.ID, insp.ID, insp.Items[3].ItemID, venue.RepairInput{CategoryID: 1})
		}(i)
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else if !isConflict(err) {
			t.Errorf("unexpected: %v", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d linked, want 1", ok)
	}
}

func TestDeactivateAndRooms(t *testing.T) {
	e, ctx, v := setup(t)
	s := e.App.Venues
	// 2026-11-30 is a Monday (the clock is 2026-11-23).
	b, err := s.Book(ctx, v.ID, v.Rooms[0].ID, venue.BookingInput{Day: "2026-11-30", Start: "09:00", End: "10:00", UnitName: "共建单位", Purpose: "党课", Attendance: 15})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateRoom(ctx, v.ID, v.Rooms[0].ID, venue.RoomInput{Name: "一号室", Capacity: 10}); !isConflict(err) {
		t.Errorf("capacity below a booking: %v", err)
	}
	if _, err := s.UpdateRoom(ctx, v.ID, v.Rooms[0].ID, venue.RoomInput{Name: "二号室", Capacity: 30}); err == nil {
		t.Error("a duplicate room name was accepted")
	}
	got, err := s.UpdateRoom(ctx, v.ID, v.Rooms[0].ID, venue.RoomInput{Name: "多功能厅", Capacity: 15})
	if err != nil || got.Rooms[0].Name != "多功能厅" || got.Rooms[0].Capacity != 15 {
		t.Fatalf("room: %+v %v", got.Rooms, err)
	}
	if _, err := s.Deactivate(ctx, v.ID, venue.DeactivateInput{Reason: "拆迁"}); !isConflict(err) || !strings.Contains(err.Error(), "1 个") {
		t.Errorf("with a booking ahead: %v", err)
	}
	if _, err := s.Cancel(ctx, v.ID, v.Rooms[0].ID, b.ID, venue.CancelInput{Reason: "改期"}); err != nil {
		t.Fatal(err)
	}
	fieldsOf(t, func() error { _, err := s.Deactivate(ctx, v.ID, venue.DeactivateInput{}); return err }())
	off, err := s.Deactivate(ctx, v.ID, venue.DeactivateInput{Reason: "拆迁"})
	if err != nil || off.Active || off.DeactivatedReason != "拆迁" {
		t.Fatalf("deactivate: %+v %v", off, err)
	}
	if _, err := s.Book(ctx, v.ID, v.Rooms[0].ID, venue.BookingInput{Day: "2026-11-30", Start: "09:00", End: "10:00", UnitName: "共建单位", Purpose: "党课", Attendance: 5}); !isConflict(err) {
		t.Errorf("booking a deactivated venue: %v", err)
	}
	if _, err := s.AddActivity(ctx, v.ID, venue.ActivityInput{HeldOn: "2026-11-01", Title: "x", Participants: 1}); !isConflict(err) {
		t.Errorf("activity at a deactivated venue: %v", err)
	}
	if _, n, _ := s.List(ctx, venue.Filter{Active: "false"}); n != store.Exact(1) {
		t.Errorf("inactive: %v", n)
	}
	if _, n, _ := s.List(ctx, venue.Filter{Active: "true"}); n != store.Exact(0) {
		t.Errorf("active: %v", n)
	}
	on, err := s.Reactivate(ctx, v.ID)
	if err != nil || !on.Active || on.DeactivatedReason != "" {
		t.Fatalf("reactivate: %+v %v", on, err)
	}
}

func TestPhotos(t *testing.T) {
	e, ctx, v := setup(t)
	s := e.App.Venues
	png := append([]byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, make([]byte, 32)...)
	ph, err := s.AddPhoto(ctx, v.ID, 0, strings.NewReader(string(png)))
	if err != nil || ph.ContentType != "image/png" || ph.Size != 40 {
		t.Fatalf("photo: %+v %v", ph, err)
	}
	if f := fieldsOf(t, func() error { _, err := s.AddPhoto(ctx, v.ID, 0, strings.NewReader("GIF89a....")); return err }()); f["file"] == "" {
		t.Error("a GIF was accepted")
	}
	insp, err := s.Inspect(ctx, v.ID, findings(checklist(t, e, ctx, "liuyou", 1), "2026-03-10", "有党旗"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddPhoto(ctx, v.ID, insp.ID, strings.NewReader(string(png))); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Get(ctx, v.ID)
	list, _, _ := s.Inspections(ctx, v.ID, 1, 5)
	if len(got.Photos) != 1 || len(list[0].Photos) != 1 {
		t.Errorf("venue photos %d, evidence %d; want 1 and 1", len(got.Photos), len(list[0].Photos))
	}
	_, data, err := s.OpenPhoto(ctx, v.ID, ph.ID)
	if err != nil || string(data) != string(png) {
		t.Errorf("open: %v", err)
	}
	other := actor.With(context.Background(), actor.Actor{Username: "yuhe", Role: "street", Scope: testenv.Yuhe})
	if _, _, err := s.OpenPhoto(other, v.ID, ph.ID); err == nil {
		t.Error("another street saw the photo")
	}
	if err := s.DeletePhoto(ctx, v.ID, ph.ID); err != nil {
		t.Fatal(err)
	}
}

func TestParseHours(t *testing.T) {
	for text, want := range map[string]string{
		"每天 08:00-21:00": "1 08:00 21:00|2 08:00 21:00|3 08:00 21:00|4 08:00 21:00|5 08:00 21:00|6 08:00 21:00|7 08:00 21:00",
		"周一至周三 8:30–17:30；周六 09:00-12:00": "1 08:30 17:30|2 08:30 17:30|3 08:30 17:30|6 09:00 12:00",
		"周二、周四 14:00~16:00":               "2 14:00 16:00|4 14:00 16:00",
		"星期日 09：00-11：00":                 "7 09:00 11:00",
	} {
		h, ok := venue.ParseHours(text)
		var got []string
		for _, x := range h {
			got = append(got, fmt.Sprintf("%d %s %s", x.Weekday, x.Open, x.Close))
		}
		if !ok || strings.Join(got, "|") != want {
			t.Errorf("ParseHours(%q) = %v, %v; want %s", text, got, ok, want)
		}
	}
	for _, text := range []string{"周八 09:00-10:00", "周五至周一 09:00-10:00", "上午", "周一 9点-10点"} {
		if _, ok := venue.ParseHours(text); ok {
			t.Errorf("ParseHours(%q) accepted", text)
		}
	}
}
