package httpapi_test

import (
	"bytes"
	"fmt"
	"testing"

	"liangxin/internal/member"
	"liangxin/internal/pdata"
	"liangxin/internal/testenv"
	"liangxin/internal/volunteer"
	"liangxin/internal/xlsx"
)

// volSeq numbers what these cases create, and volPOs keeps one party
// organization per fixtures and side: the shared sequence (f.next) feeds
// idNumber, which repeats after 5,000 values, so these cases leave it alone.
var (
	volSeq int
	volPOs = map[*fixtures]map[bool]int64{}
)

func volNext() int {
	volSeq++
	return volSeq
}

func (f *fixtures) volPartyOrg(t *testing.T, in bool) int64 {
	t.Helper()
	if volPOs[f] == nil {
		volPOs[f] = map[bool]int64{}
	}
	if id, ok := volPOs[f][in]; ok {
		return id
	}
	id := f.partyOrg(t, in).ID
	volPOs[f][in] = id
	return id
}

// volMember is a roster member in a fresh party organization in or out of
// scope, with ID numbers of their own (birth years 1950–1999) so that the
// many members of these cases never meet those of idNumber.
func (f *fixtures) volMember(t *testing.T, in bool) (member.Member, string) {
	t.Helper()
	po := f.volPartyOrg(t, in)
	n := volNext()
	year := 1950 + (n/500)%50
	first := fmt.Sprintf("430426%04d0101%03d", year, (n*2+1)%1000)
	idn := first + string(pdata.CheckChar(first))
	m, err := f.e.App.Members.Create(f.sys(), member.Input{Name: "志愿党员", Gender: "male", BirthDate: fmt.Sprintf("%04d-01-01", year),
		IDNumber: idn, Category: "full", PartyOrgID: po})
	if err != nil {
		t.Fatal(err)
	}
	return m, idn
}

// volActivity publishes an activity in (洪桥) or out of (玉合) scope on 2026-12-10.
func (f *fixtures) volActivity(t *testing.T, in bool) volunteer.Activity {
	t.Helper()
	a, err := f.e.App.Volunteer.CreateActivity(f.sys(), volunteer.ActivityInput{Title: fmt.Sprintf("志愿活动%d", volNext()), Kind: volunteer.KindElderly,
		StartsAt: "2026-12-10 09:00", EndsAt: "2026-12-10 11:00", Place: "社区广场", PlannedMinutes: 120, Capacity: 50, RegionCode: pick(in, testenv.Hongqiao, testenv.Yuhe)})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// volSignedIn signs a fresh member in by hand; it returns the activity and participant.
func (f *fixtures) volSignedIn(t *testing.T, in bool) (int64, int64) {
	t.Helper()
	a := f.volActivity(t, in)
	m, _ := f.volMember(t, in)
	p, err := f.e.App.Volunteer.SignInManual(f.sys(), a.ID, volunteer.ParticipantInput{MemberID: &m.ID})
	if err != nil {
		t.Fatal(err)
	}
	return a.ID, p.ID
}

// volAccount is a fresh member's account holding 20 points (2 hours of 助老).
func (f *fixtures) volAccount(t *testing.T, in bool) volunteer.Account {
	t.Helper()
	a, p := f.volSignedIn(t, in)
	cp, err := f.e.App.Volunteer.ConfirmHours(f.sys(), a, p, volunteer.ConfirmInput{})
	if err != nil {
		t.Fatal(err)
	}
	var mid int64
	if err := f.e.App.DB.QueryRow(f.sys(), f.e.App.DB, `SELECT member_id FROM vol_participants WHERE id = ?`, cp.ID).Scan(&mid); err != nil {
		t.Fatal(err)
	}
	acc, err := f.e.App.Volunteer.AccountForMember(f.sys(), mid)
	if err != nil {
		t.Fatal(err)
	}
	return acc
}

func (f *fixtures) volReward(t *testing.T) int64 {
	t.Helper()
	r, err := f.e.App.Volunteer.CreateReward(f.sys(), volunteer.RewardInput{Name: fmt.Sprintf("兑换券%d", volNext()), Provider: "党群服务中心", Cost: 5, Stock: 100, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	return r.ID
}

func (f *fixtures) volHoursFile(t *testing.T, in bool) []byte {
	t.Helper()
	m, idn := f.volMember(t, in)
	w, err := xlsx.NewWriter("历史服务时长", volunteer.ImportHeaders(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Row(m.Name, idn, "", "2026-03-01", "2", "敬老院陪护", "助老"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := w.Finish(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// volunteerMatrixCases are the access-matrix cases of volunteerRoutes.
func volunteerMatrixCases() map[string]matrixCase {
	act := func(suffix string, body any) func(*testing.T, *fixtures, string, bool) (string, any) {
		return func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/volunteer/activities/%d%s", f.volActivity(t, in).ID, suffix), body
		}
	}
	team := func(t *testing.T, f *fixtures, in bool) int64 {
		tm, err := f.e.App.Volunteer.CreateTeam(f.sys(), volunteer.TeamInput{Name: fmt.Sprintf("党员服务队%d", volNext()), RegionCode: pick(in, testenv.Hongqiao, testenv.Yuhe)})
		if err != nil {
			t.Fatal(err)
		}
		return tm.ID
	}
	acc := func(suffix string, body any) func(*testing.T, *fixtures, string, bool) (string, any) {
		return func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/timebank/accounts/%d%s", f.volAccount(t, in).ID, suffix), body
		}
	}
	activityBody := func(in bool) map[string]any {
		return map[string]any{"title": "敬老院探访", "kind": "elderly", "starts_at": "2026-12-12 09:00", "ends_at": "2026-12-12 11:30", "place": "敬老院",
			"planned_minutes": 150, "capacity": 20, "region_code": pick(in, testenv.Hongqiao, testenv.Yuhe)}
	}
	return map[string]matrixCase{
		"GET /api/v1/volunteer-options": {unscoped: true, call: static("/api/v1/volunteer-options")},
		"GET /api/v1/timebank/settings": {unscoped: true, call: static("/api/v1/timebank/settings")},
		"PUT /api/v1/timebank/settings": {unscoped: true, call: func(*testing.T, *fixtures, string, bool) (string, any) {
			return "/api/v1/timebank/settings", map[string]any{"family_transfer": true, "expiry_months": 24, "wish_minutes": 60}
		}},
		"GET /api/v1/timebank/rates": {unscoped: true, call: static("/api/v1/timebank/rates")},
		"PUT /api/v1/timebank/rates": {unscoped: true, call: func(*testing.T, *fixtures, string, bool) (string, any) {
			return "/api/v1/timebank/rates", map[string]any{"kind": "aid", "points_per_hour": 10}
		}},
		"POST /api/v1/timebank/expire":       {unscoped: true, call: static("/api/v1/timebank/expire")},
		"GET /api/v1/volunteer/teams":        {unscoped: true, call: static("/api/v1/volunteer/teams?q=服务队&region_code=430426001")},
		"GET /api/v1/volunteer/teams/export": {unscoped: true, call: static("/api/v1/volunteer/teams/export")},
		"POST /api/v1/volunteer/teams": {outStatus: 422, call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			m, _ := f.volMember(t, in)
			return "/api/v1/volunteer/teams", map[string]any{"name": "红色先锋服务队", "region_code": pick(in, testenv.Hongqiao, testenv.Yuhe), "leader_member_id": m.ID, "member_ids": []int64{m.ID}}
		}},
		"GET /api/v1/volunteer/teams/{id}": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/volunteer/teams/%d", team(t, f, in)), nil
		}},
		"PUT /api/v1/volunteer/teams/{id}": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/volunteer/teams/%d", team(t, f, in)), map[string]any{"name": "改名服务队", "region_code": testenv.Hongqiao, "member_ids": []int64{}}
		}},
		"GET /api/v1/volunteer/people": {unscoped: true, call: static("/api/v1/volunteer/people?q=张")},
		"POST /api/v1/volunteer/people": {outStatus: 422, call: func(_ *testing.T, _ *fixtures, _ string, in bool) (string, any) {
			return "/api/v1/volunteer/people", map[string]any{"name": "张居民", "phone": "13912345678", "region_code": pick(in, testenv.Hongqiao, testenv.Yuhe)}
		}},
		"GET /api/v1/volunteer/activities":        {unscoped: true, call: static("/api/v1/volunteer/activities?kind=elderly&from=2026-01-01&to=2026-12-31&status=open&q=活动")},
		"GET /api/v1/volunteer/activities/export": {unscoped: true, call: static("/api/v1/volunteer/activities/export?kind=aid")},
		"POST /api/v1/volunteer/activities": {outStatus: 422, call: func(_ *testing.T, _ *fixtures, _ string, in bool) (string, any) {
			return "/api/v1/volunteer/activities", activityBody(in)
		}},
		"GET /api/v1/volunteer/activities/{id}": {call: act("", nil)},
		"PUT /api/v1/volunteer/activities/{id}": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/volunteer/activities/%d", f.volActivity(t, in).ID), activityBody(true)
		}},
		"POST /api/v1/volunteer/activities/{id}/cancel":             {call: act("/cancel", nil)},
		"GET /api/v1/volunteer/activities/{id}/sign-in-code":        {call: act("/sign-in-code", nil)},
		"GET /api/v1/volunteer/activities/{id}/participants":        {call: act("/participants", nil)},
		"GET /api/v1/volunteer/activities/{id}/participants/export": {call: act("/participants/export", nil)},
		"POST /api/v1/volunteer/activities/{id}/participants": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			m, _ := f.volMember(t, true)
			return fmt.Sprintf("/api/v1/volunteer/activities/%d/participants", f.volActivity(t, in).ID), map[string]any{"member_id": m.ID}
		}},
		"POST /api/v1/volunteer/activities/{id}/sign-ins": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			m, _ := f.volMember(t, true)
			return fmt.Sprintf("/api/v1/volunteer/activities/%d/sign-ins", f.volActivity(t, in).ID), map[string]any{"member_id": m.ID}
		}},
		"POST /api/v1/volunteer/activities/{id}/participants/{participant_id}/confirm": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			a, p := f.volSignedIn(t, in)
			return fmt.Sprintf("/api/v1/volunteer/activities/%d/participants/%d/confirm", a, p), map[string]any{"minutes": 90}
		}},
		"POST /api/v1/volunteer/activities/{id}/confirm-all": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			a, _ := f.volSignedIn(t, in)
			return fmt.Sprintf("/api/v1/volunteer/activities/%d/confirm-all", a), nil
		}},
		"GET /api/v1/timebank/accounts":        {unscoped: true, call: static("/api/v1/timebank/accounts?q=党员&region_code=430426001&kind=member&sort=hours_desc")},
		"GET /api/v1/timebank/accounts/export": {unscoped: true, call: static("/api/v1/timebank/accounts/export?sort=name_asc")},
		"POST /api/v1/timebank/member-accounts": {outStatus: 422, call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			m, _ := f.volMember(t, in)
			return "/api/v1/timebank/member-accounts", map[string]any{"member_id": m.ID}
		}},
		"GET /api/v1/timebank/accounts/{id}":                  {call: acc("", nil)},
		"PUT /api/v1/timebank/accounts/{id}/family":           {call: acc("/family", map[string]any{"family_code": "F-01"})},
		"GET /api/v1/timebank/accounts/{id}/statement":        {call: acc("/statement?year=2026", nil)},
		"GET /api/v1/timebank/accounts/{id}/statement/export": {call: acc("/statement/export?year=2026", nil)},
		"GET /api/v1/timebank/entries":                        {unscoped: true, call: static("/api/v1/timebank/entries?kind=earn&year=2026")},
		"GET /api/v1/timebank/entries/export":                 {unscoped: true, call: static("/api/v1/timebank/entries/export?year=2026")},
		"POST /api/v1/timebank/entries/{id}/reverse": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			a := f.volAccount(t, in)
			var id int64
			if err := f.e.App.DB.QueryRow(f.sys(), f.e.App.DB, `SELECT entry_id FROM tb_postings WHERE account_id = ? ORDER BY id DESC LIMIT 1`, a.ID).Scan(&id); err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("/api/v1/timebank/entries/%d/reverse", id), map[string]any{"reason": "重复确认"}
		}},
		"POST /api/v1/timebank/transfers": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			v := f.e.App.Volunteer
			if _, err := v.SetSettings(f.sys(), volunteer.SettingsInput{FamilyTransfer: true, ExpiryMonths: 24, WishMinutes: 60}); err != nil {
				t.Fatal(err)
			}
			a, b := f.volAccount(t, in), f.volAccount(t, in)
			code := fmt.Sprintf("F%d", volNext())
			for _, id := range []int64{a.ID, b.ID} {
				if _, err := v.SetFamily(f.sys(), id, volunteer.FamilyInput{FamilyCode: code}); err != nil {
					t.Fatal(err)
				}
			}
			return "/api/v1/timebank/transfers", map[string]any{"from_account_id": a.ID, "to_account_id": b.ID, "amount": 3, "memo": "转给家人"}
		}},
		"GET /api/v1/timebank/rewards": {unscoped: true, call: static("/api/v1/timebank/rewards?active=true")},
		"POST /api/v1/timebank/rewards": {unscoped: true, call: func(*testing.T, *fixtures, string, bool) (string, any) {
			return "/api/v1/timebank/rewards", map[string]any{"name": "理发一次", "provider": "红星理发店", "cost": 20, "stock": 10, "active": true}
		}},
		"PUT /api/v1/timebank/rewards/{id}": {unscoped: true, call: func(t *testing.T, f *fixtures, _ string, _ bool) (string, any) {
			return fmt.Sprintf("/api/v1/timebank/rewards/%d", f.volReward(t)), map[string]any{"name": "理发一次", "provider": "红星理发店", "cost": 25, "stock": 5, "active": false}
		}},
		"GET /api/v1/timebank/redemptions": {unscoped: true, call: static("/api/v1/timebank/redemptions?status=reserved")},
		"POST /api/v1/timebank/redemptions": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return "/api/v1/timebank/redemptions", map[string]any{"account_id": f.volAccount(t, in).ID, "reward_id": f.volReward(t)}
		}},
		"POST /api/v1/timebank/redemptions/{id}/decide": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			r, err := f.e.App.Volunteer.Redeem(f.sys(), volunteer.RedeemInput{AccountID: f.volAccount(t, in).ID, RewardID: f.volReward(t)})
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("/api/v1/timebank/redemptions/%d/decide", r.ID), map[string]any{"post": true}
		}},
		"GET /api/v1/timebank/leaderboard":             {unscoped: true, call: static("/api/v1/timebank/leaderboard?region_code=430426001&year=2026&limit=10")},
		"GET /api/v1/imports/volunteer-hours/template": {unscoped: true, call: static("/api/v1/imports/volunteer-hours/template")},
		"POST /api/v1/imports/volunteer-hours": {upload: true, outStatus: 422, call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/imports/volunteer-hours?session=matrix-vol-%d", volNext()), f.volHoursFile(t, in)
		}},
		"GET /api/v1/me/volunteer": {unscoped: true, call: static("/api/v1/me/volunteer")},
		"POST /api/v1/me/volunteer/activities/{id}/signup": {unscoped: true, call: func(t *testing.T, f *fixtures, _ string, _ bool) (string, any) {
			return fmt.Sprintf("/api/v1/me/volunteer/activities/%d/signup", f.volActivity(t, true).ID), nil
		}},
		"POST /api/v1/me/volunteer/sign-in": {unscoped: true, call: func(t *testing.T, f *fixtures, _ string, _ bool) (string, any) {
			if f.ownMember == 0 {
				return "/api/v1/me/volunteer/sign-in", map[string]any{"token": "1.1.x"}
			}
			// The member caller scans the current code of an activity it signed up for.
			a := f.volActivity(t, true)
			if _, err := f.e.App.Volunteer.SignUp(f.sys(), a.ID, volunteer.ParticipantInput{MemberID: &f.ownMember}); err != nil {
				t.Fatal(err)
			}
			code, err := f.e.App.Volunteer.SignInToken(f.sys(), a.ID)
			if err != nil {
				t.Fatal(err)
			}
			return "/api/v1/me/volunteer/sign-in", map[string]any{"token": code.Token}
		}},
		"POST /api/v1/me/timebank/redeem": {unscoped: true, call: func(t *testing.T, f *fixtures, _ string, _ bool) (string, any) {
			if f.ownMember != 0 {
				// The member caller earns 20 points (2 hours of 助老) first; the reward costs 5.
				a := f.volActivity(t, true)
				p, err := f.e.App.Volunteer.SignInManual(f.sys(), a.ID, volunteer.ParticipantInput{MemberID: &f.ownMember})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := f.e.App.Volunteer.ConfirmHours(f.sys(), a.ID, p.ID, volunteer.ConfirmInput{}); err != nil {
					t.Fatal(err)
				}
			}
			return "/api/v1/me/timebank/redeem", map[string]any{"reward_id": f.volReward(t)}
		}},
	}
}
