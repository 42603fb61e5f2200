package httpapi_test

import (
	"fmt"
	"testing"

	"liangxin/internal/assess"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/region"
	"liangxin/internal/testenv"
)

// assessSheet creates an unused sheet owned by 洪桥 (in) or 玉合 (out): one
// manual indicator of 100 points and one veto.
func (f *fixtures) assessSheet(t *testing.T, in bool) assess.Sheet {
	t.Helper()
	sh, err := f.e.App.Assess.CreateSheet(f.sys(), assess.SheetInput{Name: fmt.Sprintf("矩阵指标体系%d", f.next()), Year: 2025,
		RegionCode: pick(in, testenv.Hongqiao, testenv.Yuhe),
		Indicators: []assess.IndicatorInput{{Area: "组织建设", Name: "班子建设", MaxPoints: 10000}},
		Vetoes:     []assess.VetoInput{{Name: "严重违纪", CapStars: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	return sh
}

// assessRound opens a round over 洪桥 (in) or 玉合 (out) with a fresh party organization in it.
func (f *fixtures) assessRound(t *testing.T, in bool) (assess.Round, assess.Sheet, int64) {
	t.Helper()
	po := f.partyOrg(t, in)
	sh := f.assessSheet(t, in)
	r, err := f.e.App.Assess.CreateRound(f.sys(), assess.RoundInput{SheetID: sh.ID, Name: fmt.Sprintf("矩阵考评%d", f.next()),
		RegionCode: pick(in, testenv.Hongqiao, testenv.Yuhe), From: "2025-01-01", To: "2025-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	return r, sh, po.ID
}

// scoredRound is a round whose every party organization is scored (closed
// when asked). It runs over one village of 洪桥 (in) or 玉合 (out), taken in
// turn, so that it holds a handful of party organizations rather than every
// one the matrix has created.
func (f *fixtures) scoredRound(t *testing.T, in, closed bool) int64 {
	t.Helper()
	children, err := f.e.App.Regions.Children(f.sys(), pick(in, testenv.Hongqiao, testenv.Yuhe))
	if err != nil {
		t.Fatal(err)
	}
	var villages []region.Region
	for _, c := range children {
		if c.Level == "village" {
			villages = append(villages, c)
		}
	}
	if len(villages) == 0 {
		t.Fatal("no villages")
	}
	n := f.next()
	village := villages[n%len(villages)].Code
	name, cat, five := fmt.Sprintf("考评企业%d", n), "individual_business", 5
	o, err := f.e.App.Orgs.Create(f.sys(), org.Input{Name: &name, Category: &cat, RegionCode: &village, FullMembers: &five})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.e.App.Party.Create(f.sys(), partyorg.Input{Name: fmt.Sprintf("考评党支部%d", n), Kind: "branch", Formation: "single",
		EstablishedOn: "2024-01-01", Covers: []int64{o.ID}}); err != nil {
		t.Fatal(err)
	}
	sh := f.assessSheet(t, in)
	r, err := f.e.App.Assess.CreateRound(f.sys(), assess.RoundInput{SheetID: sh.ID, Name: fmt.Sprintf("矩阵考评%d", n),
		RegionCode: village, From: "2025-01-01", To: "2025-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	v, err := f.e.App.Assess.RoundResults(f.sys(), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	p := assess.Points(8500)
	for _, res := range v.Results {
		if _, err := f.e.App.Assess.SaveOrgScores(f.sys(), r.ID, res.PartyOrgID, assess.OrgScoresInput{Scores: []assess.ScoreInput{{IndicatorID: sh.Indicators[0].ID, Points: &p}}}); err != nil {
			t.Fatal(err)
		}
	}
	if closed {
		if _, err := f.e.App.Assess.CloseRound(f.sys(), r.ID); err != nil {
			t.Fatal(err)
		}
	}
	return r.ID
}

func (f *fixtures) rectification(t *testing.T, in bool) int64 {
	t.Helper()
	c, err := f.e.App.Assess.Designate(f.sys(), assess.RectificationInput{PartyOrgID: f.partyOrg(t, in).ID, DesignatedOn: "2026-03-01",
		Reasons: "书记空缺超过3个月", Deadline: "2026-09-30"})
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func (f *fixtures) pair(t *testing.T, in bool) int64 {
	t.Helper()
	p, err := f.e.App.Assess.CreatePair(f.sys(), assess.PairInput{ModelID: f.partyOrg(t, in).ID, HelpedID: f.partyOrg(t, in).ID,
		From: "2026-01-01", To: "2026-12-31", Goals: "一年内规范三会一课"})
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

func (f *fixtures) honour(t *testing.T, in bool) int64 {
	t.Helper()
	h, err := f.e.App.Assess.Recommend(f.sys(), assess.HonourInput{Subject: assess.SubjectPartyOrg, PartyOrgID: f.partyOrg(t, in).ID,
		Kind: assess.HonourAdvancedOrg, Level: "county", Year: 2026, RecommendedOn: "2026-06-01"})
	if err != nil {
		t.Fatal(err)
	}
	return h.ID
}

// assessMatrixCases are the access-matrix cases of assessRoutes.
func assessMatrixCases() map[string]matrixCase {
	sheetPath := func(suffix string, body func(*fixtures) any) func(*testing.T, *fixtures, string, bool) (string, any) {
		return func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			var b any
			if body != nil {
				b = body(f)
			}
			return fmt.Sprintf("/api/v1/assess/sheets/%d%s", f.assessSheet(t, in).ID, suffix), b
		}
	}
	roundPath := func(suffix string, scored, closed bool, body any) func(*testing.T, *fixtures, string, bool) (string, any) {
		return func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			var id int64
			if scored {
				id = f.scoredRound(t, in, closed)
			} else {
				r, _, _ := f.assessRound(t, in)
				id = r.ID
			}
			return fmt.Sprintf("/api/v1/assess/rounds/%d%s", id, suffix), body
		}
	}
	sheetBody := func(*fixtures) any {
		return map[string]any{"name": "修改后的指标体系", "year": 2025, "indicators": []map[string]any{{"area": "组织建设", "name": "班子", "max_points": 100}}}
	}
	return map[string]matrixCase{
		"GET /api/v1/assess/options": {unscoped: true, call: static("/api/v1/assess/options")},
		"GET /api/v1/assess/sheets":  {unscoped: true, call: static("/api/v1/assess/sheets")},
		"POST /api/v1/assess/sheets": {unscoped: true, call: func(*testing.T, *fixtures, string, bool) (string, any) {
			return "/api/v1/assess/sheets", sheetBody(nil)
		}},
		"GET /api/v1/assess/sheets/{id}":       {call: sheetPath("", nil)},
		"PUT /api/v1/assess/sheets/{id}":       {call: sheetPath("", sheetBody)},
		"POST /api/v1/assess/sheets/{id}/copy": {call: sheetPath("/copy", func(*fixtures) any { return map[string]any{"year": 2026} })},
		"GET /api/v1/assess/rounds":            {unscoped: true, call: static("/api/v1/assess/rounds")},
		"POST /api/v1/assess/rounds": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			f.partyOrg(t, in)
			return "/api/v1/assess/rounds", map[string]any{"sheet_id": f.assessSheet(t, true).ID, "name": "年度考评", "region_code": pick(in, testenv.Hongqiao, testenv.Yuhe),
				"from": "2025-01-01", "to": "2025-12-31"}
		}},
		"GET /api/v1/assess/rounds/{id}":          {call: roundPath("", false, false, nil)},
		"GET /api/v1/assess/rounds/{id}/export":   {call: roundPath("/export", false, false, nil)},
		"POST /api/v1/assess/rounds/{id}/prefill": {call: roundPath("/prefill", false, false, nil)},
		"POST /api/v1/assess/rounds/{id}/close":   {call: roundPath("/close", true, false, nil)},
		"POST /api/v1/assess/rounds/{id}/reopen":  {call: roundPath("/reopen", true, true, map[string]string{"reason": "更正评分"})},
		"GET /api/v1/assess/rounds/{id}/orgs/{party_org_id}": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			r, _, po := f.assessRound(t, in)
			return fmt.Sprintf("/api/v1/assess/rounds/%d/orgs/%d", r.ID, po), nil
		}},
		"PUT /api/v1/assess/rounds/{id}/orgs/{party_org_id}": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			r, sh, po := f.assessRound(t, in)
			return fmt.Sprintf("/api/v1/assess/rounds/%d/orgs/%d", r.ID, po), map[string]any{
				"scores": []map[string]any{{"indicator_id": sh.Indicators[0].ID, "points": 88.5, "note": "查阅记录"}}, "satisfaction": 92}
		}},
		"GET /api/v1/assess/signals":        {unscoped: true, call: static("/api/v1/assess/signals?all=true")},
		"GET /api/v1/assess/signals/export": {unscoped: true, call: static("/api/v1/assess/signals/export")},
		"GET /api/v1/assess/settings":       {unscoped: true, call: static("/api/v1/assess/settings")},
		"PUT /api/v1/assess/settings": {unscoped: true, call: func(*testing.T, *fixtures, string, bool) (string, any) {
			return "/api/v1/assess/settings", map[string]any{"min_compliance": 80, "min_satisfaction": 60}
		}},
		"GET /api/v1/assess/rectifications":        {unscoped: true, call: static("/api/v1/assess/rectifications?status=open")},
		"GET /api/v1/assess/rectifications/export": {unscoped: true, call: static("/api/v1/assess/rectifications/export")},
		"POST /api/v1/assess/rectifications": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return "/api/v1/assess/rectifications", map[string]any{"party_org_id": f.partyOrg(t, in).ID, "designated_on": "2026-03-01",
				"reasons": "连续两年未发展党员", "measures": "选派第一书记", "responsible": "张三", "deadline": "2026-12-31"}
		}},
		"PATCH /api/v1/assess/rectifications/{id}": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/assess/rectifications/%d", f.rectification(t, in)), map[string]any{"measures": "配齐班子", "done_on": "2026-10-01"}
		}},
		"GET /api/v1/assess/pairs":        {unscoped: true, call: static("/api/v1/assess/pairs")},
		"GET /api/v1/assess/pairs/export": {unscoped: true, call: static("/api/v1/assess/pairs/export")},
		"POST /api/v1/assess/pairs": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return "/api/v1/assess/pairs", map[string]any{"model_party_org_id": f.partyOrg(t, in).ID, "helped_party_org_id": f.partyOrg(t, in).ID,
				"from": "2026-01-01", "to": "2026-12-31", "goals": "规范组织生活"}
		}},
		"GET /api/v1/assess/pairs/{id}": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/assess/pairs/%d", f.pair(t, in)), nil
		}},
		"POST /api/v1/assess/pairs/{id}/activities": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/assess/pairs/%d/activities", f.pair(t, in)), map[string]any{"held_on": "2026-03-01", "content": "联合开展主题党日"}
		}},
		"GET /api/v1/assess/honours":        {unscoped: true, call: static("/api/v1/assess/honours?year=2026")},
		"GET /api/v1/assess/honours/stats":  {unscoped: true, call: static("/api/v1/assess/honours/stats")},
		"GET /api/v1/assess/honours/export": {unscoped: true, call: static("/api/v1/assess/honours/export")},
		"POST /api/v1/assess/honours": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return "/api/v1/assess/honours", map[string]any{"subject": "party_org", "party_org_id": f.partyOrg(t, in).ID, "kind": "advanced_org",
				"level": "county", "year": 2026, "recommended_on": "2026-06-01"}
		}},
		"PATCH /api/v1/assess/honours/{id}": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/assess/honours/%d", f.honour(t, in)), map[string]any{"status": "awarded", "decided_on": "2026-07-01"}
		}},
	}
}
