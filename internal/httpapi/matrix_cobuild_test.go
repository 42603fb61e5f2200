package httpapi_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/cobuild"
	"liangxin/internal/testenv"
)

// community returns the first 社区/村 (level 5) under 洪桥 (in) or 玉合 (out).
func (f *fixtures) community(t *testing.T, in bool) string {
	t.Helper()
	var code string
	if err := f.e.App.DB.QueryRow(f.sys(), f.e.App.DB, `SELECT code FROM regions WHERE parent_code = ? AND level = 5 ORDER BY code LIMIT 1`,
		pick(in, testenv.Hongqiao, testenv.Yuhe)).Scan(&code); err != nil {
		t.Fatal(err)
	}
	return code
}

func (f *fixtures) cobuildUnit(t *testing.T, in bool) cobuild.Unit {
	t.Helper()
	u, err := f.e.App.Cobuild.CreateUnit(f.sys(), cobuild.UnitInput{Kind: "institution", Name: fmt.Sprintf("矩阵单位%d", f.next()),
		RegionCode: pick(in, testenv.Hongqiao, testenv.Yuhe), ContactName: "刘主任", ContactPhone: "13907340001"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (f *fixtures) cobuildAlliance(t *testing.T, in bool) cobuild.Alliance {
	t.Helper()
	a, err := f.e.App.Cobuild.CreateAlliance(f.sys(), cobuild.AllianceInput{Name: fmt.Sprintf("矩阵联盟%d", f.next()), RegionCode: pick(in, testenv.Hongqiao, testenv.Yuhe)})
	if err != nil {
		t.Fatal(err)
	}
	u := f.cobuildUnit(t, in)
	if a, err = f.e.App.Cobuild.AddMember(f.sys(), a.ID, cobuild.MemberInput{UnitID: u.ID, JoinedOn: "2026-01-01"}); err != nil {
		t.Fatal(err)
	}
	return a
}

func (f *fixtures) cobuildMeeting(t *testing.T, in bool) (cobuild.Alliance, cobuild.Meeting) {
	t.Helper()
	a := f.cobuildAlliance(t, in)
	m, err := f.e.App.Cobuild.RecordMeeting(f.sys(), a.ID, cobuild.MeetingInput{HeldOn: "2026-11-01", Topics: "共建议题", Decisions: []string{"开展一次义诊"}})
	if err != nil {
		t.Fatal(err)
	}
	return a, m
}

func (f *fixtures) cobuildReport(t *testing.T, in bool) cobuild.Report {
	t.Helper()
	r, err := f.e.App.Cobuild.CreateReport(f.sys(), cobuild.ReportInput{Kind: "member", CommunityCode: f.community(t, in), PersonName: fmt.Sprintf("在职党员%d", f.next()),
		PersonUnit: "县人民医院", PersonPhone: "13800001111", ReportedOn: "2026-03-01"})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (f *fixtures) cobuildUnitReport(t *testing.T, in bool) (cobuild.Unit, string) {
	t.Helper()
	u := f.cobuildUnit(t, in)
	c := f.community(t, in)
	if _, err := f.e.App.Cobuild.CreateReport(f.sys(), cobuild.ReportInput{Kind: "unit", CommunityCode: c, UnitID: &u.ID, ReportedOn: "2026-03-01"}); err != nil {
		t.Fatal(err)
	}
	return u, c
}

func (f *fixtures) cobuildNeed(t *testing.T, in bool) cobuild.Need {
	t.Helper()
	n, err := f.e.App.Cobuild.CreateNeed(f.sys(), cobuild.NeedInput{CommunityCode: f.community(t, in), Title: fmt.Sprintf("需求%d", f.next()), Category: "health"})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (f *fixtures) cobuildResource(t *testing.T, in bool) cobuild.Resource {
	t.Helper()
	u := f.cobuildUnit(t, in)
	r, err := f.e.App.Cobuild.CreateResource(f.sys(), cobuild.ResourceInput{UnitID: u.ID, Title: fmt.Sprintf("资源%d", f.next()), Category: "health"})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (f *fixtures) cobuildAgreement(t *testing.T, in bool) cobuild.Agreement {
	t.Helper()
	u := f.cobuildUnit(t, in)
	a, err := f.e.App.Cobuild.CreateAgreement(f.sys(), cobuild.AgreementInput{CommunityCode: f.community(t, in), UnitID: u.ID, Title: fmt.Sprintf("协议%d", f.next()),
		StartsOn: "2026-01-01", EndsOn: "2026-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (f *fixtures) cobuildProject(t *testing.T, in bool) cobuild.Project {
	t.Helper()
	p, err := f.e.App.Cobuild.CreateProject(f.sys(), cobuild.ProjectInput{CommunityCode: f.community(t, in), Title: fmt.Sprintf("项目%d", f.next()), Owner: "王书记",
		StartsOn: "2026-01-01", EndsOn: "2026-06-30"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func sheetBook(t *testing.T, headers []string, rows ...[]any) []byte {
	t.Helper()
	x := excelize.NewFile()
	for i, h := range headers {
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

// cobuildMatrixCases are the access-matrix cases of cobuildRoutes.
func cobuildMatrixCases() map[string]matrixCase {
	type F = *fixtures
	byID := func(prefix string, mk func(*testing.T, F, bool) int64, suffix string, body any) func(*testing.T, F, string, bool) (string, any) {
		return func(t *testing.T, f F, _ string, in bool) (string, any) {
			return fmt.Sprintf("%s/%d%s", prefix, mk(t, f, in), suffix), body
		}
	}
	unit := func(t *testing.T, f F, in bool) int64 { return f.cobuildUnit(t, in).ID }
	alliance := func(t *testing.T, f F, in bool) int64 { return f.cobuildAlliance(t, in).ID }
	report := func(t *testing.T, f F, in bool) int64 { return f.cobuildReport(t, in).ID }
	agreement := func(t *testing.T, f F, in bool) int64 { return f.cobuildAgreement(t, in).ID }
	need := func(t *testing.T, f F, in bool) int64 { return f.cobuildNeed(t, in).ID }
	resource := func(t *testing.T, f F, in bool) int64 { return f.cobuildResource(t, in).ID }
	project := func(t *testing.T, f F, in bool) int64 { return f.cobuildProject(t, in).ID }
	const u, a, rp, ag, nd, rs, pj = "/api/v1/cobuild-units", "/api/v1/cobuild-alliances", "/api/v1/cobuild-reports", "/api/v1/cobuild-agreements",
		"/api/v1/cobuild-needs", "/api/v1/cobuild-resources", "/api/v1/cobuild-projects"
	unitBody := func(in bool, n int) map[string]any {
		return map[string]any{"kind": "soe", "name": fmt.Sprintf("国网供电所%d", n), "region_code": pick(in, testenv.Hongqiao, testenv.Yuhe),
			"party_org_name": "中共供电所支部委员会", "contact_phone": "13907340002"}
	}
	return map[string]matrixCase{
		"GET /api/v1/cobuild-options": {unscoped: true, call: static("/api/v1/cobuild-options")},
		"GET " + u:                    {unscoped: true, call: static(u + "?kind=institution&sort=created_desc&q=单位")},
		"GET " + u + "/export":        {unscoped: true, call: static(u + "/export?kind=institution")},
		"POST " + u: {outStatus: 422, call: func(t *testing.T, f F, _ string, in bool) (string, any) {
			return u, unitBody(in, f.next())
		}},
		"GET " + u + "/{id}": {call: byID(u, unit, "", nil)},
		"PUT " + u + "/{id}": {outStatus: 404, call: func(t *testing.T, f F, _ string, in bool) (string, any) {
			return fmt.Sprintf("%s/%d", u, f.cobuildUnit(t, in).ID), unitBody(true, f.next())
		}},
		"POST " + u + "/{id}/reveal-phone":           {call: byID(u, unit, "/reveal-phone", nil)},
		"GET " + u + "/{id}/year-report":             {call: byID(u, unit, "/year-report?year=2026", nil)},
		"GET " + u + "/{id}/year-report/export":      {call: byID(u, unit, "/year-report/export", nil)},
		"GET /api/v1/imports/cobuild-units/template": {unscoped: true, call: static("/api/v1/imports/cobuild-units/template")},
		"POST /api/v1/imports/cobuild-units": {upload: true, outStatus: 422, call: func(t *testing.T, f F, _ string, in bool) (string, any) {
			n := f.next()
			b := sheetBook(t, cobuild.UnitImportHeaders(), []any{fmt.Sprintf("导入单位%d", n), "机关", pick(in, testenv.Hongqiao, testenv.Yuhe), "人民路1号", "", "", ""})
			return fmt.Sprintf("/api/v1/imports/cobuild-units?session=matrix-cobuild-units-%d", n), b
		}},

		"GET " + a:             {unscoped: true, call: static(a + "?sort=created_desc")},
		"GET " + a + "/export": {unscoped: true, call: static(a + "/export")},
		"POST " + a: {outStatus: 422, call: func(t *testing.T, f F, _ string, in bool) (string, any) {
			return a, map[string]any{"name": fmt.Sprintf("商圈党建联盟%d", f.next()), "region_code": pick(in, testenv.Hongqiao, testenv.Yuhe)}
		}},
		"GET " + a + "/{id}": {call: byID(a, alliance, "", nil)},
		"PUT " + a + "/{id}": {call: func(t *testing.T, f F, _ string, in bool) (string, any) {
			return fmt.Sprintf("%s/%d", a, f.cobuildAlliance(t, in).ID), map[string]any{"name": fmt.Sprintf("改名联盟%d", f.next()), "region_code": testenv.Hongqiao}
		}},
		"POST " + a + "/{id}/members": {call: func(t *testing.T, f F, _ string, in bool) (string, any) {
			al := f.cobuildAlliance(t, in)
			return fmt.Sprintf("%s/%d/members", a, al.ID), map[string]any{"unit_id": f.cobuildUnit(t, true).ID, "joined_on": "2026-02-01"}
		}},
		"POST " + a + "/{id}/members/{membership_id}/remove": {call: func(t *testing.T, f F, _ string, in bool) (string, any) {
			al := f.cobuildAlliance(t, in)
			return fmt.Sprintf("%s/%d/members/%d/remove", a, al.ID, al.Members[0].ID), map[string]any{"left_on": "2026-10-01"}
		}},
		"GET " + a + "/{id}/meetings": {call: byID(a, alliance, "/meetings", nil)},
		"POST " + a + "/{id}/meetings": {call: func(t *testing.T, f F, _ string, in bool) (string, any) {
			al := f.cobuildAlliance(t, in)
			return fmt.Sprintf("%s/%d/meetings", a, al.ID), map[string]any{"held_on": "2026-11-02", "topics": "商圈环境整治", "attendee_unit_ids": []int64{al.Members[0].UnitID},
				"decisions": []string{"各单位认领一段路"}}
		}},
		"POST " + a + "/{id}/decisions/{decision_id}/follow": {call: func(t *testing.T, f F, _ string, in bool) (string, any) {
			al, m := f.cobuildMeeting(t, in)
			return fmt.Sprintf("%s/%d/decisions/%d/follow", a, al.ID, m.Decisions[0].ID), map[string]any{"assignee_kind": "region", "region_code": testenv.Hongqiao, "deadline": "2026-12-31"}
		}},

		"GET " + rp:             {unscoped: true, call: static(rp + "?kind=member&sort=hours_desc")},
		"GET " + rp + "/export": {unscoped: true, call: static(rp + "/export?kind=unit")},
		"POST " + rp: {outStatus: 422, call: func(t *testing.T, f F, _ string, in bool) (string, any) {
			return rp, map[string]any{"kind": "member", "community_code": f.community(t, in), "person_name": fmt.Sprintf("报到党员%d", f.next()), "reported_on": "2026-05-01"}
		}},
		"GET " + rp + "/{id}":                         {call: byID(rp, report, "", nil)},
		"POST " + rp + "/{id}/reveal-phone":           {call: byID(rp, report, "/reveal-phone", nil)},
		"GET " + rp + "/{id}/participations":          {call: byID(rp, report, "/participations", nil)},
		"POST " + rp + "/{id}/participations":         {call: byID(rp, report, "/participations", map[string]any{"held_on": "2026-06-01", "activity": "社区义诊", "hours": 2.5})},
		"GET /api/v1/cobuild-community-counts":        {unscoped: true, call: static("/api/v1/cobuild-community-counts?year=2026")},
		"GET /api/v1/cobuild-community-counts/export": {unscoped: true, call: static("/api/v1/cobuild-community-counts/export")},
		"GET /api/v1/cobuild-ratings":                 {unscoped: true, call: static("/api/v1/cobuild-ratings?year=2026")},
		"GET /api/v1/cobuild-ratings/export":          {unscoped: true, call: static("/api/v1/cobuild-ratings/export")},
		"POST /api/v1/cobuild-ratings": {outStatus: 422, call: func(t *testing.T, f F, _ string, in bool) (string, any) {
			un, c := f.cobuildUnitReport(t, in)
			return "/api/v1/cobuild-ratings", map[string]any{"community_code": c, "unit_id": un.ID, "year": 2026, "score": 92, "comment": "积极参与"}
		}},

		"GET " + ag:             {unscoped: true, call: static(ag + "?state=active")},
		"GET " + ag + "/export": {unscoped: true, call: static(ag + "/export")},
		"POST " + ag: {outStatus: 422, call: func(t *testing.T, f F, _ string, in bool) (string, any) {
			return ag, map[string]any{"community_code": f.community(t, in), "unit_id": f.cobuildUnit(t, in).ID, "title": "共建协议", "starts_on": "2026-01-01", "ends_on": "2027-12-31"}
		}},
		"GET " + ag + "/{id}": {call: byID(ag, agreement, "", nil)},
		"PUT " + ag + "/{id}": {call: func(t *testing.T, f F, _ string, in bool) (string, any) {
			x := f.cobuildAgreement(t, in)
			return fmt.Sprintf("%s/%d", ag, x.ID), map[string]any{"community_code": x.CommunityCode, "unit_id": x.UnitID, "title": "改名协议", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "state": "terminated"}
		}},

		"GET " + nd:                {unscoped: true, call: static(nd + "?category=health&urgency=high&sort=urgency")},
		"GET " + nd + "/export":    {unscoped: true, call: static(nd + "/export")},
		"GET " + nd + "/unmatched": {unscoped: true, call: static(nd + "/unmatched?category=legal")},
		"POST " + nd: {outStatus: 422, call: func(t *testing.T, f F, _ string, in bool) (string, any) {
			return nd, map[string]any{"community_code": f.community(t, in), "title": "老旧小区路灯维修", "category": "environment", "urgency": "high"}
		}},
		"GET " + nd + "/{id}": {call: byID(nd, need, "", nil)},
		"PUT " + nd + "/{id}": {call: func(t *testing.T, f F, _ string, in bool) (string, any) {
			x := f.cobuildNeed(t, in)
			return fmt.Sprintf("%s/%d", nd, x.ID), map[string]any{"community_code": x.CommunityCode, "title": "改名需求", "category": "health", "state": "closed"}
		}},
		"GET " + nd + "/{id}/suggestions":                {call: byID(nd, need, "/suggestions", nil)},
		"GET /api/v1/imports/cobuild-needs/template":     {unscoped: true, call: static("/api/v1/imports/cobuild-needs/template")},
		"GET /api/v1/imports/cobuild-resources/template": {unscoped: true, call: static("/api/v1/imports/cobuild-resources/template")},
		"POST /api/v1/imports/cobuild-needs": {upload: true, outStatus: 422, call: func(t *testing.T, f F, _ string, in bool) (string, any) {
			n := f.next()
			b := sheetBook(t, cobuild.NeedImportHeaders(), []any{fmt.Sprintf("导入需求%d", n), "法律服务", f.community(t, in), "居民", "一般", ""})
			return fmt.Sprintf("/api/v1/imports/cobuild-needs?session=matrix-cobuild-needs-%d", n), b
		}},
		"POST /api/v1/imports/cobuild-resources": {upload: true, outStatus: 422, call: func(t *testing.T, f F, _ string, in bool) (string, any) {
			un := f.cobuildUnit(t, in)
			n := f.next()
			b := sheetBook(t, cobuild.ResourceImportHeaders(), []any{fmt.Sprintf("导入资源%d", n), "法律服务", un.Name, un.RegionCode, "2 人", "2026-01-01", "2026-12-31"})
			return fmt.Sprintf("/api/v1/imports/cobuild-resources?session=matrix-cobuild-res-%d", n), b
		}},

		"GET " + rs:             {unscoped: true, call: static(rs + "?state=available&sort=title")},
		"GET " + rs + "/export": {unscoped: true, call: static(rs + "/export")},
		"POST " + rs: {outStatus: 422, call: func(t *testing.T, f F, _ string, in bool) (string, any) {
			return rs, map[string]any{"unit_id": f.cobuildUnit(t, in).ID, "title": "会议室每周开放", "category": "venue", "quantity": "1 间"}
		}},
		"GET " + rs + "/{id}": {call: byID(rs, resource, "", nil)},
		"PUT " + rs + "/{id}": {call: func(t *testing.T, f F, _ string, in bool) (string, any) {
			x := f.cobuildResource(t, in)
			return fmt.Sprintf("%s/%d", rs, x.ID), map[string]any{"unit_id": x.UnitID, "title": "改名资源", "category": "health", "state": "withdrawn"}
		}},

		"GET " + pj:             {unscoped: true, call: static(pj + "?state=planned")},
		"GET " + pj + "/export": {unscoped: true, call: static(pj + "/export")},
		"POST " + pj: {outStatus: 422, call: func(t *testing.T, f F, _ string, in bool) (string, any) {
			return pj, map[string]any{"community_code": f.community(t, in), "title": "银发义诊", "owner": "李书记", "starts_on": "2026-03-01", "ends_on": "2026-09-30"}
		}},
		"GET " + pj + "/{id}": {call: byID(pj, project, "", nil)},
		"PUT " + pj + "/{id}": {call: func(t *testing.T, f F, _ string, in bool) (string, any) {
			x := f.cobuildProject(t, in)
			return fmt.Sprintf("%s/%d", pj, x.ID), map[string]any{"community_code": x.CommunityCode, "title": x.Title, "owner": "李书记", "starts_on": "2026-01-01",
				"ends_on": "2026-06-30", "status": "done", "result": "服务老人 120 人次"}
		}},
		"POST " + pj + "/{id}/files": {upload: true, call: func(t *testing.T, f F, _ string, in bool) (string, any) {
			return fmt.Sprintf("%s/%d/files", pj, f.cobuildProject(t, in).ID), pngBytes
		}},
		"GET " + pj + "/{id}/files/{file_id}": {call: func(t *testing.T, f F, _ string, in bool) (string, any) {
			p := f.cobuildProject(t, in)
			file, err := f.e.App.Cobuild.AddFile(f.sys(), p.ID, "合影.png", bytes.NewReader(pngBytes))
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("%s/%d/files/%d", pj, p.ID, file.ID), nil
		}},
	}
}
