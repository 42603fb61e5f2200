package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/actor"
	"liangxin/internal/instructor"
	"liangxin/internal/org"
	"liangxin/internal/testenv"
)

// TestInstructorAchievementsRoutes: the ranking with its totals, the
// instructor's own figures (another's is 404), marking a problem solved over
// HTTP, and both exports, audited. Today is 2026-11-23.
//
// 甲 (专职, 洪桥) is assigned 一号店 from 2026-01-01 and visits it on 01-10
// (due 02-01: on time, a problem raised) and 03-15 (due 02-10: late); 乙
// (兼职, 玉合) is assigned 二号店 from 2026-01-01 and never visits.
func TestInstructorAchievementsRoutes(t *testing.T) {
	e := testenv.New(t)
	ctx := actor.System(context.Background(), "test")
	mkOrg := func(name, region string) int64 {
		cat := "individual_business"
		o, err := e.App.Orgs.Create(ctx, org.Input{Name: &name, Category: &cat, RegionCode: &region})
		if err != nil {
			t.Fatal(err)
		}
		return o.ID
	}
	mkIn := func(name, region string, full bool, orgID int64) int64 {
		in, err := e.App.Instr.Create(ctx, instructor.Input{Name: &name, RegionCode: &region, FullTime: &full})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Instr.Assign(ctx, in.ID, orgID, "2026-01-01", ""); err != nil {
			t.Fatal(err)
		}
		return in.ID
	}
	one := mkOrg("洪桥一号店", testenv.Hongqiao)
	jia, yi := mkIn("甲指导", testenv.Hongqiao, true, one), mkIn("乙指导", testenv.Yuhe, false, mkOrg("玉合二号店", testenv.Yuhe))
	var firstVisit int64
	for _, v := range []instructor.Visit{{OrganizationID: one, VisitedOn: "2026-01-10", Content: "了解情况", Problems: "缺少党建指导"},
		{OrganizationID: one, VisitedOn: "2026-03-15", Content: "回访"}} {
		got, err := e.App.Instr.AddVisit(ctx, jia, v)
		if err != nil {
			t.Fatal(err)
		}
		if firstVisit == 0 {
			firstVisit = got.ID
		}
	}
	e.User("dist", "district", testenv.Jurisdiction)
	e.InstructorUser("jia", jia)
	dist, me := e.Login("dist", testenv.Password), e.Login("jia", testenv.Password)

	// Marking solved: 422 naming the field, then done by the instructor itself.
	res := me.Do("POST", fmt.Sprintf("/api/v1/instructors/%d/visits/%d/solve", jia, firstVisit), map[string]string{"solved_on": "2026-01-01", "note": "已指导"})
	if res.Status != 422 || res.Map(t)["error"].(map[string]any)["fields"].(map[string]any)["solved_on"] == nil {
		t.Fatalf("solved before the visit: %d %s", res.Status, res.Body)
	}
	if res := me.Do("POST", fmt.Sprintf("/api/v1/instructors/%d/visits/%d/solve", jia, firstVisit), map[string]string{"solved_on": "2026-02-01", "note": "已指导建立党建工作制度"}); res.Status != 200 {
		t.Fatalf("solve: %d %s", res.Status, res.Body)
	}

	type figures struct {
		InstructorName string `json:"instructor_name"`
		Rank           int    `json:"rank"`
		Assigned       int    `json:"assigned"`
		Reached        int    `json:"reached"`
		Visits         int    `json:"visits"`
		OnTime         int    `json:"on_time"`
		ProblemsRaised int    `json:"problems_raised"`
		ProblemsSolved int    `json:"problems_solved"`
	}
	var rank struct {
		Items  []figures `json:"items"`
		Total  int       `json:"total"`
		Totals struct {
			Instructors int `json:"instructors"`
			Visits      int `json:"visits"`
			Contacted   struct {
				Count int `json:"count"`
			} `json:"contacted"`
		} `json:"totals"`
	}
	res = dist.Do("GET", "/api/v1/instructors/achievements?year=2026", nil)
	res.JSON(t, &rank)
	want := []figures{{"甲指导", 1, 1, 1, 2, 1, 1, 1}, {"乙指导", 2, 1, 0, 0, 0, 0, 0}}
	if res.Status != 200 || rank.Total != 2 || fmt.Sprint(rank.Items) != fmt.Sprint(want) || rank.Totals.Instructors != 2 || rank.Totals.Visits != 2 || rank.Totals.Contacted.Count != 2 {
		t.Fatalf("ranking: %d %s\nwant items %v", res.Status, res.Body, want)
	}
	if res := dist.Do("GET", "/api/v1/instructors/achievements?year=2026&sort=fastest", nil); res.Status != 422 {
		t.Fatalf("bad sort: %d %s", res.Status, res.Body)
	}
	if res := dist.Do("GET", "/api/v1/instructors/achievements?from=2026-05-01&to=2026-04-01", nil); res.Status != 422 ||
		res.Map(t)["error"].(map[string]any)["fields"].(map[string]any)["to"] == nil {
		t.Fatalf("to before from: %d %s", res.Status, res.Body)
	}

	// The instructor's own figures over Q1; another instructor's are not found.
	var mine instructor.Achievement
	res = me.Do("GET", fmt.Sprintf("/api/v1/instructors/%d/achievements?year=2026&quarter=1", jia), nil)
	res.JSON(t, &mine)
	if res.Status != 200 || mine.From != "2026-01-01" || mine.To != "2026-03-31" || mine.Visits != 2 || mine.OnTime != 1 || len(mine.VisitList) != 2 ||
		mine.VisitList[1].SolvedOn == nil || *mine.VisitList[1].SolvedOn != "2026-02-01" {
		t.Fatalf("own achievements: %d %s", res.Status, res.Body)
	}
	if res := me.Do("GET", fmt.Sprintf("/api/v1/instructors/%d/achievements", yi), nil); res.Status != 404 {
		t.Fatalf("another's achievements: %d %s", res.Status, res.Body)
	}

	// The 述职 workbook: a summary and three detail sheets.
	res = me.Do("GET", fmt.Sprintf("/api/v1/instructors/%d/achievements/export?year=2026", jia), nil)
	if res.Status != 200 {
		t.Fatalf("export: %d %s", res.Status, res.Body)
	}
	f, err := excelize.OpenReader(bytes.NewReader(res.Body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := fmt.Sprint(f.GetSheetList()); got != "[汇总 走访记录 走访单位 孵化成效]" {
		t.Fatalf("sheets %s", got)
	}
	sum, _ := f.GetRows("汇总")
	visits, _ := f.GetRows("走访记录")
	if len(sum) != 15 || sum[1][1] != "甲指导" || sum[5][1] != "2026-01-01 至 2026-12-31" || sum[8][0] != "走访次数" || sum[8][1] != "2" || sum[9][1] != "1" {
		t.Errorf("summary rows %q", sum)
	}
	if len(visits) != 3 || visits[1][0] != "2026-03-15" || visits[1][3] != "2026-02-10" || visits[1][4] != "否" || visits[2][4] != "是" || visits[2][6] != "2026-02-01" {
		t.Errorf("visit rows %q", visits)
	}
	rows := sheetRows(t, dist.Do("GET", "/api/v1/instructors/achievements/export?year=2026", nil).Body)
	if len(rows) != 6 || rows[1][0] != "1" || rows[1][1] != "甲指导" || rows[1][7] != "2" || rows[3][0] != "合计" || rows[3][7] != "2" {
		t.Errorf("ranking export rows %q", rows)
	}
	var audit struct {
		Items []struct {
			Action string `json:"action"`
			Entity string `json:"entity"`
		} `json:"items"`
		Total int `json:"total"`
	}
	e.User("aud", "audit_admin", testenv.Jurisdiction)
	e.Login("aud", testenv.Password).Do("GET", "/api/v1/audit?entity=instructor_achievement", nil).JSON(t, &audit)
	if audit.Total != 2 || audit.Items[0].Action != "export" {
		t.Errorf("audited exports: %+v", audit)
	}
}
