package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"liangxin/internal/auth"
	"liangxin/internal/testenv"
	"liangxin/internal/venue"
)

type venueErr struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

// venueSetup: a street user at 洪桥 and a venue there open Monday 09:00–17:30
// and Saturday 09:00–12:00, with a room of 30 seats. The test clock is
// Monday 2026-11-23, so 2027-01-04 (a Monday: 2027-01-01 is a Friday) lies
// ahead.
func venueSetup(t *testing.T) (*testenv.Env, *testenv.Client, venue.Venue, int64) {
	e := testenv.New(t)
	seq := 0
	f := &fixtures{e: e, seq: &seq}
	po := f.partyOrg(t, true)
	e.User("hq_street", auth.RoleStreet, testenv.Hongqiao)
	c := e.Login("hq_street", testenv.Password)
	res := c.Do("POST", "/api/v1/venues", map[string]any{"name": "洪桥红色驿站", "kind": "red_station", "party_org_id": po.ID,
		"region_code": testenv.Hongqiao, "address": "洪桥街道人民路1号", "area": "85.5", "longitude": "111.9", "latitude": "26.4",
		"hours":        []map[string]any{{"weekday": 1, "open": "09:00", "close": "17:30"}, {"weekday": 6, "open": "09:00", "close": "12:00"}},
		"manager_name": "赵站长", "manager_phone": "139 1234 5678", "rooms": []map[string]any{{"name": "会议室", "capacity": 30}}})
	if res.Status != 201 {
		t.Fatalf("create venue: %d %s", res.Status, res.Body)
	}
	var v venue.Venue
	res.JSON(t, &v)
	return e, c, v, po.ID
}

func TestVenueRegister(t *testing.T) {
	e, c, v, _ := venueSetup(t)
	if v.KindName != "红色驿站" || v.Area != "85.5" || len(v.Rooms) != 1 || v.Rooms[0].Capacity != 30 || len(v.Hours) != 2 {
		t.Fatalf("venue = %+v", v)
	}
	if v.ManagerPhone != "139****5678" {
		t.Errorf("phone shown as %q, want 139****5678", v.ManagerPhone)
	}
	// The number is sealed at rest: not in clear in the table.
	var enc string
	if err := e.App.DB.QueryRow(context.Background(), e.App.DB, `SELECT manager_phone_enc FROM venues WHERE id = ?`, v.ID).Scan(&enc); err != nil {
		t.Fatal(err)
	}
	if enc == "" || strings.Contains(enc, "13912345678") {
		t.Errorf("phone stored as %q", enc)
	}
	var full venue.Venue
	c.Do("POST", fmt.Sprintf("/api/v1/venues/%d/reveal-phone", v.ID), nil).JSON(t, &full)
	if full.ManagerPhone != "13912345678" {
		t.Errorf("revealed %q", full.ManagerPhone)
	}
	var n int
	if err := e.App.DB.QueryRow(context.Background(), e.App.DB, `SELECT COUNT(*) FROM audit_log WHERE action = 'venue_reveal' AND entity_id = ?`, fmt.Sprint(v.ID)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("reveal audited %d times, want 1", n)
	}

	// Bad input: every wrong field named, nothing written.
	var bad venueErr
	res := c.Do("POST", "/api/v1/venues", map[string]any{"name": "", "kind": "castle", "party_org_id": 0, "region_code": testenv.Hongqiao,
		"address": "x", "area": "12.345", "longitude": "200", "latitude": "26.4",
		"hours":         []map[string]any{{"weekday": 8, "open": "09:00", "close": "10:00"}, {"weekday": 2, "open": "18:00", "close": "09:00"}},
		"manager_phone": "12345", "rooms": []map[string]any{{"name": "会议室", "capacity": 0}}})
	res.JSON(t, &bad)
	if res.Status != 422 {
		t.Fatalf("bad venue: %d", res.Status)
	}
	for _, f := range []string{"name", "kind", "party_org_id", "area", "longitude", "hours[0].weekday", "hours[1].close", "manager_phone", "rooms[0].capacity"} {
		if bad.Error.Fields[f] == "" {
			t.Errorf("field %s not named: %v", f, bad.Error.Fields)
		}
	}
	// Filters: kind and text.
	var pg struct {
		Items []venue.Venue `json:"items"`
		Total int           `json:"total"`
	}
	c.Do("GET", "/api/v1/venues?kind=red_station&q=人民路", nil).JSON(t, &pg)
	if pg.Total != 1 || pg.Items[0].ID != v.ID {
		t.Errorf("filtered list = %+v", pg)
	}
	c.Do("GET", "/api/v1/venues?kind=service_center", nil).JSON(t, &pg)
	if pg.Total != 0 {
		t.Errorf("service centers = %d, want 0", pg.Total)
	}
	if res := c.Do("GET", "/api/v1/venues?kind=castle", nil); res.Status != 422 {
		t.Errorf("bad kind filter: %d", res.Status)
	}
}

func TestVenueBooking(t *testing.T) {
	e, c, v, po := venueSetup(t)
	room := v.Rooms[0].ID
	path := fmt.Sprintf("/api/v1/venues/%d/rooms/%d/bookings", v.ID, room)
	book := func(day, start, end string, attendance int) testenv.Response {
		return c.Do("POST", path, map[string]any{"day": day, "start": start, "end": end, "party_org_id": po, "purpose": "主题党日", "attendance": attendance})
	}
	res := book("2027-01-04", "09:00", "11:00", 20)
	if res.Status != 201 {
		t.Fatalf("book: %d %s", res.Status, res.Body)
	}
	var first venue.Booking
	res.JSON(t, &first)
	if first.Start != "09:00" || first.End != "11:00" || first.Status != "confirmed" || first.BookedBy == "" {
		t.Errorf("booking = %+v", first)
	}
	// Overlapping 10:30–12:00: refused, naming the first booking.
	var conflict venueErr
	res = book("2027-01-04", "10:30", "12:00", 5)
	res.JSON(t, &conflict)
	want := fmt.Sprintf("预约编号 %d", first.ID)
	if res.Status != 409 || !strings.Contains(conflict.Error.Message, want) || !strings.Contains(conflict.Error.Message, "09:00–11:00") {
		t.Errorf("overlap: %d %s", res.Status, res.Body)
	}
	// Back to back 11:00–12:00: fine.
	if res := book("2027-01-04", "11:00", "12:00", 30); res.Status != 201 {
		t.Errorf("back to back: %d %s", res.Status, res.Body)
	}
	cases := []struct {
		day, start, end string
		n               int
		field           string
	}{
		{"2027-01-04", "08:00", "09:30", 5, "start"},       // before opening 09:00
		{"2027-01-04", "17:00", "18:00", 5, "start"},       // past closing 17:30
		{"2027-01-05", "09:00", "10:00", 5, "day"},         // Tuesday: closed
		{"2027-01-04", "13:00", "14:00", 31, "attendance"}, // 31 > 30 seats
		{"2026-11-22", "09:00", "10:00", 5, "day"},         // yesterday
		{"2027-01-04", "14:00", "13:00", 5, "end"},
	}
	for _, k := range cases {
		var b venueErr
		res := book(k.day, k.start, k.end, k.n)
		res.JSON(t, &b)
		if res.Status != 422 || b.Error.Fields[k.field] == "" {
			t.Errorf("%+v: %d %s", k, res.Status, res.Body)
		}
	}
	// Saturday 2027-01-09 11:00–12:00 lies inside 09:00–12:00.
	if res := c.Do("POST", path, map[string]any{"day": "2027-01-09", "start": "11:00", "end": "12:00", "unit_name": "区税务局机关党支部", "purpose": "党课", "attendance": 12}); res.Status != 201 {
		t.Errorf("saturday by unit: %d %s", res.Status, res.Body)
	}
	// Cancel with a reason; then the slot is free again.
	cancel := fmt.Sprintf("%s/%d/cancel", path, first.ID)
	if res := c.Do("POST", cancel, map[string]any{"reason": " "}); res.Status != 422 {
		t.Errorf("cancel without reason: %d", res.Status)
	}
	var cancelled venue.Booking
	c.Do("POST", cancel, map[string]any{"reason": "活动改期"}).JSON(t, &cancelled)
	if cancelled.Status != "cancelled" || cancelled.CancelReason != "活动改期" || cancelled.CancelledBy != "hq_street" {
		t.Errorf("cancelled = %+v", cancelled)
	}
	if res := c.Do("POST", cancel, map[string]any{"reason": "再次取消"}); res.Status != 409 {
		t.Errorf("second cancel: %d", res.Status)
	}
	if res := book("2027-01-04", "10:00", "11:00", 10); res.Status != 201 {
		t.Errorf("rebook after cancel: %d %s", res.Status, res.Body)
	}
	// Week of Wednesday 2027-01-06: Monday 01-04 to Sunday 01-10, four
	// bookings (the cancelled one included), by day and start.
	var w venue.Week
	c.Do("GET", fmt.Sprintf("/api/v1/venues/%d/week?week=2027-01-06", v.ID), nil).JSON(t, &w)
	if w.From != "2027-01-04" || w.To != "2027-01-10" || len(w.Days) != 7 || len(w.Items) != 4 {
		t.Fatalf("week = %+v", w)
	}
	got := []string{}
	for _, b := range w.Items {
		got = append(got, b.Day+" "+b.Start+"-"+b.End+" "+b.Status)
	}
	wantItems := "2027-01-04 09:00-11:00 cancelled|2027-01-04 10:00-11:00 confirmed|2027-01-04 11:00-12:00 confirmed|2027-01-09 11:00-12:00 confirmed"
	if strings.Join(got, "|") != wantItems {
		t.Errorf("week items = %v", got)
	}
	var pg struct {
		Total int `json:"total"`
	}
	c.Do("GET", path+"?status=confirmed&from=2027-01-04&to=2027-01-04", nil).JSON(t, &pg)
	if pg.Total != 2 {
		t.Errorf("confirmed on 01-04 = %d, want 2", pg.Total)
	}
	var n int
	if err := e.App.DB.QueryRow(context.Background(), e.App.DB, `SELECT COUNT(*) FROM audit_log WHERE action = 'venue_booking_cancel'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("cancellations audited %d, want 1", n)
	}
}

// Eight requests for the same slot at once: exactly one wins, the others
// answer 409 naming the winner (on PostgreSQL the exclusion constraint, on
// SQLite the single writer).
func TestVenueBookingRace(t *testing.T) {
	_, c, v, po := venueSetup(t)
	path := fmt.Sprintf("/api/v1/venues/%d/rooms/%d/bookings", v.ID, v.Rooms[0].ID)
	const n = 8
	res := make([]testenv.Response, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			res[i] = c.Do("POST", path, map[string]any{"day": "2027-01-04", "start": "14:00", "end": "15:30", "party_org_id": po,
				"purpose": fmt.Sprintf("组织生活会%d", i), "attendance": 10})
		}(i)
	}
	wg.Wait()
	var winner venue.Booking
	wins := 0
	for _, r := range res {
		if r.Status == 201 {
			wins++
			r.JSON(t, &winner)
		}
	}
	if wins != 1 {
		t.Fatalf("%d bookings won, want 1", wins)
	}
	for _, r := range res {
		if r.Status == 201 {
			continue
		}
		var b venueErr
		r.JSON(t, &b)
		if r.Status != 409 || !strings.Contains(b.Error.Message, fmt.Sprintf("预约编号 %d", winner.ID)) {
			t.Errorf("loser: %d %s", r.Status, r.Body)
		}
	}
}
