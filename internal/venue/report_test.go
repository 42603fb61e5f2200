package venue_test

import (
	"context"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
	"liangxin/internal/venue"
)

// TestReport checks the year report, the per-venue year and the visitor
// entries against counts worked out by hand (see the comments).
func TestReport(t *testing.T) {
	e, ctx, v := setup(t) // 党员活动室 at 洪桥, rooms 一号室 (20) and 二号室 (8)
	s := e.App.Venues
	v2, err := s.Create(ctx, venue.Input{Name: "玉合红色驿站", Kind: "red_station", PartyOrgID: v.PartyOrgID, RegionCode: testenv.Yuhe,
		Address: "建设路2号", Rooms: []venue.RoomInput{{Name: "驿站", Capacity: 10}}})
	if err != nil {
		t.Fatal(err)
	}
	ly := checklist(t, e, ctx, "liuyou", 1)
	if _, err := s.Inspect(ctx, v.ID, findings(ly, "2025-05-01", "有书报")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Inspect(ctx, v.ID, findings(ly, "2026-02-01")); err != nil {
		t.Fatal(err)
	}
	for _, a := range []struct {
		venue        int64
		day          string
		participants int
	}{{v.ID, "2025-03-05", 20}, {v.ID, "2025-03-20", 10}, {v.ID, "2025-07-01", 30}, {v2.ID, "2025-07-15", 8}, {v.ID, "2026-01-10", 5}} {
		if _, err := s.AddActivity(ctx, a.venue, venue.ActivityInput{HeldOn: a.day, Title: "主题党日", Participants: a.participants}); err != nil {
			t.Fatal(err)
		}
	}
	// Past bookings go in past the service (it refuses past days).
	for _, b := range []struct {
		venue, room int64
		day         string
		start, end  int
		status      string
	}{{v.ID, v.Rooms[0].ID, "2025-03-03", 540, 660, "confirmed"}, {v.ID, v.Rooms[1].ID, "2025-03-04", 840, 930, "confirmed"},
		{v.ID, v.Rooms[0].ID, "2025-04-01", 540, 600, "cancelled"}, {v2.ID, v2.Rooms[0].ID, "2025-07-15", 600, 660, "confirmed"}} {
		if _, err := e.App.DB.Exec(ctx, e.App.DB, `INSERT INTO venue_bookings (venue_id, room_id, day, start_min, end_min, unit_name, purpose, attendance, status, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, '共建单位', '测试', 5, ?, 'test', '2025-01-01T00:00:00Z')`, b.venue, b.room, b.day, b.start, b.end, b.status); err != nil {
			t.Fatal(err)
		}
	}
	for _, x := range []struct {
		venue    int64
		month    string
		visitors int
	}{{v.ID, "2025-03", 999}, {v.ID, "2025-03", 200}, {v.ID, "2025-07", 150}, {v2.ID, "2025-07", 50}} {
		if _, err := s.SetVisitors(ctx, x.venue, x.month, venue.VisitorsInput{Visitors: x.visitors}); err != nil {
			t.Fatal(err)
		}
	}
	if f := fieldsOf(t, func() error {
		_, err := s.SetVisitors(ctx, v.ID, "2026-12", venue.VisitorsInput{Visitors: 1})
		return err
	}()); f["month"] == "" {
		t.Error("a future month was accepted")
	}

	rep, rows, err := s.VenueReport(ctx, 2025, "")
	if err != nil {
		t.Fatal(err)
	}
	// 2025: v failed on 2025-05-01 (its pass is in 2026), v2 never inspected.
	// Bookings: 120 + 90 minutes at v, 60 at v2 (the cancelled one not
	// counted); activities 20 + 10 + 30 at v and 8 at v2; visitors 200 + 150
	// at v (the 999 was replaced) and 50 at v2.
	want := venue.Tally{Name: "合计", Venues: 2, NotMet: 1, Unchecked: 1, Bookings: 3, BookedMinutes: 270, Activities: 4, Participants: 68, Visitors: 400}
	if rep.Total != want {
		t.Errorf("total %+v\nwant  %+v", rep.Total, want)
	}
	if rep.AsOf != "2025-12-31" || len(rows) != 2 {
		t.Errorf("as of %s, %d rows", rep.AsOf, len(rows))
	}
	kinds := map[string]venue.Tally{}
	for _, k := range rep.ByKind {
		kinds[k.Code] = k
	}
	if k := kinds["activity_room"]; k.Venues != 1 || k.NotMet != 1 {
		t.Errorf("activity rooms: %+v", k)
	}
	if k := kinds["red_station"]; k.Venues != 1 || k.Unchecked != 1 {
		t.Errorf("red stations: %+v", k)
	}
	if len(rep.ByKind) != 6 || kinds["service_center"].Venues != 0 {
		t.Errorf("every kind is listed: %+v", rep.ByKind)
	}
	if len(rep.ByStreet) != 2 {
		t.Fatalf("streets: %+v", rep.ByStreet)
	}
	hq, yh := rep.ByStreet[0], rep.ByStreet[1]
	if hq.Code != testenv.Hongqiao || hq.Name != "洪桥街道" || hq.Bookings != 2 || hq.BookedMinutes != 210 || hq.Activities != 3 || hq.Participants != 60 || hq.Visitors != 350 {
		t.Errorf("洪桥: %+v", hq)
	}
	if yh.Code != testenv.Yuhe || yh.Bookings != 1 || yh.BookedMinutes != 60 || yh.Activities != 1 || yh.Participants != 8 || yh.Visitors != 50 {
		t.Errorf("玉合: %+v", yh)
	}
	mar, apr, jul := rep.Months[2], rep.Months[3], rep.Months[6]
	if mar.Month != "2025-03" || mar.Activities != 2 || mar.Participants != 30 || mar.Bookings != 2 || mar.BookedMinutes != 210 || mar.Visitors == nil || *mar.Visitors != 200 {
		t.Errorf("March: %+v", mar)
	}
	if apr.Cancelled != 1 || apr.Bookings != 0 || apr.Visitors != nil {
		t.Errorf("April: %+v", apr)
	}
	if jul.Activities != 2 || jul.Participants != 38 || jul.Bookings != 1 || jul.Visitors == nil || *jul.Visitors != 200 {
		t.Errorf("July: %+v", jul)
	}
	// 2026 (as of today, 2026-11-23): v passed on 2026-02-01.
	rep26, _, err := s.VenueReport(ctx, 2026, "")
	if err != nil {
		t.Fatal(err)
	}
	if rep26.Total.Met != 1 || rep26.Total.Unchecked != 1 || rep26.Total.Activities != 1 || rep26.AsOf != "2026-11-23" {
		t.Errorf("2026: %+v as of %s", rep26.Total, rep26.AsOf)
	}
	// A street sees its own venues only; a region filter narrows the same way.
	hqCtx := actor.With(context.Background(), actor.Actor{Username: "hq", Role: "street", Scope: testenv.Hongqiao})
	for _, r := range []struct {
		ctx    context.Context
		region string
	}{{hqCtx, ""}, {ctx, testenv.Hongqiao}} {
		got, _, err := s.VenueReport(r.ctx, 2025, r.region)
		if err != nil || got.Total.Venues != 1 || got.Total.Visitors != 350 {
			t.Errorf("洪桥 only: %+v %v", got.Total, err)
		}
	}
	year, err := s.Year(ctx, v.ID, 2025)
	if err != nil || year.Total.Activities != 3 || year.Total.Visitors == nil || *year.Total.Visitors != 350 || year.Total.Bookings != 2 || year.Total.Cancelled != 1 {
		t.Errorf("v's 2025: %+v %v", year.Total, err)
	}
	acts, n, err := s.Activities(ctx, v.ID, venue.ActivityFilter{From: "2025-01-01", To: "2025-12-31"})
	if err != nil || n != store.Exact(3) || acts[0].HeldOn != "2025-07-01" {
		t.Errorf("activities: %v %v", n, err)
	}
}
