package httpapi_test

import (
	"fmt"
	"testing"

	"liangxin/internal/testenv"
	"liangxin/internal/venue"
)

// allWeek opens a venue 08:00–21:00 every day.
func allWeek() []venue.Hours {
	var h []venue.Hours
	for d := 1; d <= 7; d++ {
		h = append(h, venue.Hours{Weekday: d, Open: "08:00", Close: "21:00"})
	}
	return h
}

// venue registers a venue at 洪桥 (in) or 玉合 (out) with one room of 30 seats.
func (f *fixtures) venue(t *testing.T, in bool) venue.Venue {
	t.Helper()
	po := f.partyOrg(t, in)
	v, err := f.e.App.Venues.Create(f.sys(), venue.Input{Name: fmt.Sprintf("矩阵红色驿站%d", f.next()), Kind: "red_station", PartyOrgID: po.ID,
		RegionCode: pick(in, testenv.Hongqiao, testenv.Yuhe), Address: "洪桥街道人民路1号", Hours: allWeek(),
		ManagerName: "赵站长", ManagerPhone: "13912345678", Rooms: []venue.RoomInput{{Name: "会议室", Capacity: 30}}})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// venueMatrixCases are the access-matrix cases of venueRoutes.
func venueMatrixCases() map[string]matrixCase {
	at := func(suffix string, body func(*testing.T, *fixtures, venue.Venue) any) func(*testing.T, *fixtures, string, bool) (string, any) {
		return func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			v := f.venue(t, in)
			var b any
			if body != nil {
				b = body(t, f, v)
			}
			return fmt.Sprintf("/api/v1/venues/%d%s", v.ID, suffix), b
		}
	}
	bookings := func(suffix string, body func(*testing.T, *fixtures, venue.Venue) any) func(*testing.T, *fixtures, string, bool) (string, any) {
		return func(t *testing.T, f *fixtures, caller string, in bool) (string, any) {
			v := f.venue(t, in)
			b, err := f.e.App.Venues.Book(f.sys(), v.ID, v.Rooms[0].ID, venue.BookingInput{Day: "2030-01-07", Start: "09:00", End: "10:00",
				UnitName: "共建单位", Purpose: "主题党日", Attendance: 10})
			if err != nil {
				t.Fatal(err)
			}
			var body2 any
			if body != nil {
				body2 = body(t, f, v)
			}
			p := fmt.Sprintf("/api/v1/venues/%d/rooms/%d/bookings", v.ID, v.Rooms[0].ID)
			if suffix != "" {
				p += fmt.Sprintf("/%d%s", b.ID, suffix)
			}
			return p, body2
		}
	}
	input := func(t *testing.T, f *fixtures, in bool) map[string]any {
		po := f.partyOrg(t, in)
		return map[string]any{"name": fmt.Sprintf("矩阵党群服务中心%d", f.next()), "kind": "service_center", "party_org_id": po.ID,
			"region_code": pick(in, testenv.Hongqiao, testenv.Yuhe), "address": "玉合街道建设路2号", "area": "120.5",
			"hours": []map[string]any{{"weekday": 1, "open": "09:00", "close": "17:30"}}, "manager_name": "钱主任", "manager_phone": "0734-1234567",
			"rooms": []map[string]any{{"name": "活动室", "capacity": 20}}}
	}
	m := map[string]matrixCase{
		"GET /api/v1/venue-options": {unscoped: true, call: static("/api/v1/venue-options")},
		"GET /api/v1/venues":        {unscoped: true, call: static("/api/v1/venues?kind=red_station&q=驿站")},
		"POST /api/v1/venues": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return "/api/v1/venues", input(t, f, in)
		}},
		"GET /api/v1/venues/{id}": {call: at("", nil)},
		"PUT /api/v1/venues/{id}": {call: func(t *testing.T, f *fixtures, caller string, in bool) (string, any) {
			v := f.venue(t, in)
			return fmt.Sprintf("/api/v1/venues/%d", v.ID), input(t, f, in)
		}},
		"POST /api/v1/venues/{id}/rooms": {call: at("/rooms", func(*testing.T, *fixtures, venue.Venue) any {
			return map[string]any{"name": "阅览室", "capacity": 12}
		})},
		"PUT /api/v1/venues/{id}/units": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			v := f.venue(t, in)
			return fmt.Sprintf("/api/v1/venues/%d/units", v.ID), map[string]any{"unit_ids": []int64{f.organization(t, in)}}
		}},
		"POST /api/v1/venues/{id}/reveal-phone":            {call: at("/reveal-phone", nil)},
		"GET /api/v1/venues/{id}/week":                     {call: at("/week?week=2030-01-09", nil)},
		"GET /api/v1/venues/{id}/rooms/{room_id}/bookings": {call: bookings("", nil)},
		"POST /api/v1/venues/{id}/rooms/{room_id}/bookings": {call: bookings("", func(*testing.T, *fixtures, venue.Venue) any {
			return map[string]any{"day": "2030-01-07", "start": "10:00", "end": "11:30", "unit_name": "区税务局机关党支部", "purpose": "党课", "attendance": 25}
		})},
		"POST /api/v1/venues/{id}/rooms/{room_id}/bookings/{booking_id}/cancel": {call: bookings("/cancel", func(*testing.T, *fixtures, venue.Venue) any {
			return map[string]any{"reason": "活动改期"}
		})},
	}
	for k, v := range venueStandardMatrixCases() {
		m[k] = v
	}
	return m
}
