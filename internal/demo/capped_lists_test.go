package demo

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/app"
	"liangxin/internal/assess"
	"liangxin/internal/auth"
	"liangxin/internal/briefing"
	"liangxin/internal/develop"
	"liangxin/internal/funds"
	"liangxin/internal/meeting"
	"liangxin/internal/member"
	"liangxin/internal/purchase"
	"liangxin/internal/servicereq"
	"liangxin/internal/store"
	"liangxin/internal/venue"
	"liangxin/internal/volunteer"
	"liangxin/internal/wish"
	"liangxin/internal/workloop"
)

// listed adapts a list function to the table: its page as JSON and its total.
func listed[T any](items []T, total store.Total, err error) (string, store.Total, error) {
	b, _ := json.Marshal(items)
	return string(b), total, err
}

// testListsPastTheCap: every list that moved onto store.List (issue 18)
// reports total_capped past its cap. With the cap at the list's exact
// count n (read at the default cap) the total is exact; one row past it (cap
// n−1) the total is n−1 and capped; the page is the same rows either way.
// The cap is lowered through store's test hook, not with 10,000 rows.
func testListsPastTheCap(t *testing.T, a *app.App, sum *Summary) {
	ctx := actor.System(context.Background(), "test")
	year, _ := strconv.Atoi(sum.Today[:4])
	var venueID, roomID, actVenue, inspVenue, noticeID int64
	for _, q := range []struct {
		sql string
		to  *int64
	}{
		{`SELECT venue_id FROM venue_activities GROUP BY venue_id ORDER BY COUNT(*) DESC, venue_id LIMIT 1`, &actVenue},
		{`SELECT r.venue_id FROM venue_bookings b JOIN venue_rooms r ON r.id = b.room_id GROUP BY r.venue_id, b.room_id ORDER BY COUNT(*) DESC, b.room_id LIMIT 1`, &venueID},
		{`SELECT room_id FROM venue_bookings GROUP BY room_id ORDER BY COUNT(*) DESC, room_id LIMIT 1`, &roomID},
		{`SELECT venue_id FROM venue_inspections GROUP BY venue_id ORDER BY COUNT(*) DESC, venue_id LIMIT 1`, &inspVenue},
		{`SELECT notice_id FROM notice_recipients GROUP BY notice_id ORDER BY COUNT(*) DESC, notice_id LIMIT 1`, &noticeID},
	} {
		if err := a.DB.QueryRow(ctx, a.DB, q.sql).Scan(q.to); err != nil {
			t.Logf("%s: %v", q.sql, err)
		}
	}
	// The demo writes no contract and one volunteer, team and supervision
	// plan: two of each for the lists below.
	var orgID int64
	if err := a.DB.QueryRow(ctx, a.DB, `SELECT MIN(id) FROM organizations WHERE category IN ('social_group', 'private_non_enterprise', 'foundation', 'intermediary')`).Scan(&orgID); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if _, err := a.Contracts.Create(ctx, purchase.Input{OrgID: orgID, Department: "县民政局", Content: "社区服务" + strconv.Itoa(i), StartsOn: sum.YearStart,
			EndsOn: sum.Today, AmountFen: 100000, Status: "active"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Volunteer.CreatePerson(ctx, volunteer.PersonInput{Name: "志愿者乙", Phone: "13800000002", RegionCode: "430426"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Volunteer.CreateTeam(ctx, volunteer.TeamInput{Name: "第二志愿服务队", RegionCode: "430426"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Work.CreatePlan(ctx, workloop.PlanInput{Kind: "research", Title: "第二次调研", PeriodFrom: sum.YearStart, PeriodTo: sum.Today, RegionCode: "430426"}); err != nil {
		t.Fatal(err)
	}
	const n = 5 // page size: the page below the cap holds the same rows either way
	cases := []struct {
		name string
		list func() (string, store.Total, error)
	}{
		{"assess.ListHonours", func() (string, store.Total, error) {
			return listed(a.Assess.ListHonours(ctx, assess.HonourFilter{Page: 1, PageSize: n}))
		}},
		{"auth.ListUsers", func() (string, store.Total, error) {
			return listed(a.Auth.ListUsers(ctx, auth.UserFilter{Page: 1, PageSize: n}))
		}},
		{"briefing.List", func() (string, store.Total, error) {
			return listed(a.Briefing.List(ctx, briefing.Filter{Page: 1, PageSize: n}))
		}},
		{"develop.List", func() (string, store.Total, error) {
			return listed(a.Develop.List(ctx, develop.Filter{Page: 1, PageSize: n}))
		}},
		{"funds.ListApplications", func() (string, store.Total, error) {
			return listed(a.Funds.ListApplications(ctx, funds.AppFilter{Year: year, Page: 1, PageSize: n}))
		}},
		{"funds.ListEntries", func() (string, store.Total, error) {
			return listed(a.Funds.ListEntries(ctx, funds.EntryFilter{Year: year, Page: 1, PageSize: n}))
		}},
		{"meeting.List", func() (string, store.Total, error) {
			return listed(a.Meet.List(ctx, meeting.Filter{Page: 1, PageSize: n}))
		}},
		{"member.ListTransfers", func() (string, store.Total, error) {
			return listed(a.Members.ListTransfers(ctx, member.TransferFilter{Page: 1, PageSize: n}))
		}},
		{"purchase.List", func() (string, store.Total, error) {
			return listed(a.Contracts.List(ctx, purchase.Filter{Page: 1, PageSize: n}))
		}},
		{"region.Search", func() (string, store.Total, error) {
			return listed(a.Regions.Search(ctx, "", 1, n))
		}},
		{"servicereq.ListDialogues", func() (string, store.Total, error) {
			return listed(a.Services.ListDialogues(ctx, servicereq.DialogueFilter{Page: 1, PageSize: n}))
		}},
		{"servicereq.List", func() (string, store.Total, error) {
			return listed(a.Services.List(ctx, servicereq.Filter{Page: 1, PageSize: n}))
		}},
		{"servicereq.ListUnits", func() (string, store.Total, error) {
			return listed(a.Services.ListUnits(ctx, servicereq.UnitFilter{Page: 1, PageSize: n}))
		}},
		{"venue.Activities", func() (string, store.Total, error) {
			return listed(a.Venues.Activities(ctx, actVenue, venue.ActivityFilter{Page: 1, PageSize: n}))
		}},
		{"venue.Bookings", func() (string, store.Total, error) {
			return listed(a.Venues.Bookings(ctx, venueID, roomID, venue.BookingFilter{Page: 1, PageSize: n}))
		}},
		{"venue.BelowStandardList", func() (string, store.Total, error) {
			return listed(a.Venues.BelowStandardList(ctx, venue.Filter{Page: 1, PageSize: n}))
		}},
		{"venue.Inspections", func() (string, store.Total, error) {
			return listed(a.Venues.Inspections(ctx, inspVenue, 1, n))
		}},
		{"venue.List", func() (string, store.Total, error) {
			return listed(a.Venues.List(ctx, venue.Filter{Page: 1, PageSize: n}))
		}},
		{"volunteer.ListActivities", func() (string, store.Total, error) {
			return listed(a.Volunteer.ListActivities(ctx, volunteer.ActivityFilter{Page: 1, PageSize: n}))
		}},
		{"volunteer.ListAccounts", func() (string, store.Total, error) {
			return listed(a.Volunteer.ListAccounts(ctx, volunteer.AccountFilter{Page: 1, PageSize: n}))
		}},
		{"volunteer.ListEntries", func() (string, store.Total, error) {
			return listed(a.Volunteer.ListEntries(ctx, volunteer.EntryFilter{Page: 1, PageSize: n}))
		}},
		{"volunteer.ListRedemptions", func() (string, store.Total, error) {
			return listed(a.Volunteer.ListRedemptions(ctx, volunteer.RedemptionFilter{Page: 1, PageSize: n}))
		}},
		{"volunteer.ListPeople", func() (string, store.Total, error) {
			return listed(a.Volunteer.ListPeople(ctx, "", 1, n))
		}},
		{"volunteer.ListTeams", func() (string, store.Total, error) {
			return listed(a.Volunteer.ListTeams(ctx, volunteer.TeamFilter{Page: 1, PageSize: n}))
		}},
		{"wish.List", func() (string, store.Total, error) {
			return listed(a.Wishes.List(ctx, wish.Filter{Page: 1, PageSize: n}))
		}},
		{"workloop.ListNotices", func() (string, store.Total, error) {
			return listed(a.Work.ListNotices(ctx, workloop.NoticeFilter{Page: 1, PageSize: n}))
		}},
		{"workloop.Receipts", func() (string, store.Total, error) {
			return listed(a.Work.Receipts(ctx, noticeID, workloop.ReceiptFilter{Page: 1, PageSize: n}))
		}},
		{"workloop.ListPlans", func() (string, store.Total, error) {
			return listed(a.Work.ListPlans(ctx, workloop.PlanFilter{Page: 1, PageSize: n}))
		}},
		{"workloop.ListTasks", func() (string, store.Total, error) {
			return listed(a.Work.ListTasks(ctx, workloop.TaskFilter{Page: 1, PageSize: n}))
		}},
	}
	defer a.DB.SetTotalCap(0)
	for _, c := range cases {
		a.DB.SetTotalCap(0)
		page, exact, err := c.list()
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if exact.Capped || exact.N < 2 {
			t.Errorf("%s: the demo holds %+v rows; the test needs at least 2 below the default cap", c.name, exact)
			continue
		}
		for _, k := range []struct {
			cap  int
			want store.Total
		}{
			{exact.N, exact}, // at the cap: exact
			{exact.N - 1, store.Total{N: exact.N - 1, Capped: true}}, // one past it
			{1, store.Total{N: 1, Capped: true}},
		} {
			a.DB.SetTotalCap(k.cap)
			got, total, err := c.list()
			if err != nil || total != k.want || got != page {
				t.Errorf("%s with the cap at %d: total %+v, %v (page the same: %v); want %+v", c.name, k.cap, total, err, got == page, k.want)
			}
		}
	}
}
