package venue_test

import (
	"context"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
	"liangxin/internal/venue"
)

func TestParseClock(t *testing.T) {
	for s, want := range map[string]int{"00:00": 0, "09:00": 540, "17:30": 1050, "23:59": 1439, "24:00": 1440} {
		if got, ok := venue.ParseClock(s); !ok || got != want {
			t.Errorf("ParseClock(%q) = %d, %v; want %d", s, got, ok, want)
		}
	}
	for _, s := range []string{"9:00", "24:01", "25:00", "12:60", "", "0900"} {
		if _, ok := venue.ParseClock(s); ok {
			t.Errorf("ParseClock(%q) accepted", s)
		}
	}
	if got := venue.FormatClock(1050); got != "17:30" {
		t.Errorf("FormatClock(1050) = %q", got)
	}
}

func setup(t *testing.T) (*testenv.Env, context.Context, venue.Venue) {
	e := testenv.New(t)
	ctx := actor.System(context.Background(), "test")
	name, cat, region, five := "测试企业", "individual_business", testenv.Hongqiao, 5
	o, err := e.App.Orgs.Create(ctx, org.Input{Name: &name, Category: &cat, RegionCode: &region, FullMembers: &five})
	if err != nil {
		t.Fatal(err)
	}
	po, err := e.App.Party.Create(ctx, partyorg.Input{Name: "测试党支部", Kind: "branch", Formation: "regional", EstablishedOn: "2024-01-01", Covers: []int64{o.ID}})
	if err != nil {
		t.Fatal(err)
	}
	v, err := e.App.Venues.Create(ctx, venue.Input{Name: "党员活动室", Kind: "activity_room", PartyOrgID: po.ID, RegionCode: testenv.Hongqiao,
		Address: "人民路1号", Hours: []venue.Hours{{Weekday: 1, Open: "09:00", Close: "17:30"}},
		Rooms: []venue.RoomInput{{Name: "一号室", Capacity: 20}, {Name: "二号室", Capacity: 8}}})
	if err != nil {
		t.Fatal(err)
	}
	return e, ctx, v
}

// On PostgreSQL the database itself refuses an overlapping confirmed booking
// of the same room even when the service's check is bypassed; back-to-back
// slots, other rooms and cancelled rows do not collide.
func TestExclusionConstraint(t *testing.T) {
	e, ctx, v := setup(t)
	if e.App.DB.Dialect != store.Postgres {
		t.Skip("the exclusion constraint exists on PostgreSQL only; SQLite checks in the write transaction (TestVenueBookingRace)")
	}
	r1, r2 := v.Rooms[0].ID, v.Rooms[1].ID
	insert := func(room int64, day string, start, end int, status string) error {
		_, err := e.App.DB.Exec(ctx, e.App.DB, `INSERT INTO venue_bookings (venue_id, room_id, day, start_min, end_min, unit_name, purpose, attendance, status, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, '共建单位', '测试', 1, ?, 'test', '2026-11-23T09:00:00Z')`, v.ID, room, day, start, end, status)
		return err
	}
	steps := []struct {
		room       int64
		day        string
		start, end int
		status     string
		ok         bool
	}{
		{r1, "2027-01-04", 540, 660, "confirmed", true},  // 09:00–11:00
		{r1, "2027-01-04", 600, 720, "confirmed", false}, // 10:00–12:00 overlaps
		{r1, "2027-01-04", 660, 720, "confirmed", true},  // 11:00–12:00 back to back
		{r1, "2027-01-04", 480, 541, "confirmed", false}, // 08:00–09:01 overlaps one minute
		{r2, "2027-01-04", 600, 720, "confirmed", true},  // other room
		{r1, "2027-01-05", 540, 660, "confirmed", true},  // other day
		{r1, "2027-01-04", 600, 630, "cancelled", true},  // cancelled rows do not count
	}
	for i, s := range steps {
		err := insert(s.room, s.day, s.start, s.end, s.status)
		if (err == nil) != s.ok {
			t.Errorf("step %d %+v: err %v", i, s, err)
		}
	}
}
