package httpapi_test

import (
	"context"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/instructor"
	"liangxin/internal/org"
	"liangxin/internal/testenv"
)

// TestOverdueVisitsRoute: GET /instructors/due-visits lists every
// instructor's overdue organizations of the caller's scope, most overdue
// first, filtered by kind, and exports the same rows. Today is 2026-11-23.
func TestOverdueVisitsRoute(t *testing.T) {
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
	mkIn := func(name, region string, full bool) int64 {
		in, err := e.App.Instr.Create(ctx, instructor.Input{Name: &name, RegionCode: &region, FullTime: &full})
		if err != nil {
			t.Fatal(err)
		}
		return in.ID
	}
	jia, yi := mkIn("洪桥甲", testenv.Hongqiao, true), mkIn("玉合乙", testenv.Yuhe, false)
	for _, a := range []struct {
		who  int64
		org  string
		reg  string
		from string
	}{
		{jia, "洪桥一号店", testenv.Hongqiao, "2026-09-10"}, // 专职: due 2026-10-10, 21 + 23 = 44 days
		{yi, "玉合二号店", testenv.Yuhe, "2026-05-31"},      // 兼职: due 2026-08-31, 30 + 31 + 23 = 84 days
		{yi, "洪桥三号店", testenv.Hongqiao, "2026-11-01"},  // 兼职: due 2027-02-01, not yet
	} {
		if _, err := e.App.Instr.Assign(ctx, a.who, mkOrg(a.org, a.reg), a.from, ""); err != nil {
			t.Fatal(err)
		}
	}
	type pageOf struct {
		Items []struct {
			InstructorName string `json:"instructor_name"`
			KindName       string `json:"kind_name"`
			Name           string `json:"name"`
			DueOn          string `json:"due_on"`
			DaysOverdue    int    `json:"days_overdue"`
		} `json:"items"`
		Total int `json:"total"`
	}
	e.User("dist", "district", testenv.Jurisdiction)
	e.User("hq_street", "street", testenv.Hongqiao)
	dist, hq := e.Login("dist", testenv.Password), e.Login("hq_street", testenv.Password)
	for _, tc := range []struct {
		who  string
		c    *testenv.Client
		path string
		want []string // 指导员/单位/应走访日期/逾期天数
	}{
		{"区", dist, "/api/v1/instructors/due-visits", []string{"玉合乙/玉合二号店/2026-08-31/84", "洪桥甲/洪桥一号店/2026-10-10/44"}},
		{"区 兼职", dist, "/api/v1/instructors/due-visits?full_time=false", []string{"玉合乙/玉合二号店/2026-08-31/84"}},
		{"区 第二页", dist, "/api/v1/instructors/due-visits?page=2&page_size=1", []string{"洪桥甲/洪桥一号店/2026-10-10/44"}},
		{"洪桥街道", hq, "/api/v1/instructors/due-visits", []string{"洪桥甲/洪桥一号店/2026-10-10/44"}},
	} {
		res := tc.c.Do("GET", tc.path, nil)
		var p pageOf
		res.JSON(t, &p)
		got := []string{}
		for _, it := range p.Items {
			got = append(got, it.InstructorName+"/"+it.Name+"/"+it.DueOn+"/"+itoa(int64(it.DaysOverdue)))
		}
		wantTotal := len(tc.want)
		if tc.who == "区 第二页" {
			wantTotal = 2
		}
		if res.Status != 200 || p.Total != wantTotal || len(got) != len(tc.want) {
			t.Fatalf("%s: %d total %d %v, want %v", tc.who, res.Status, p.Total, got, tc.want)
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Fatalf("%s: %v, want %v", tc.who, got, tc.want)
			}
		}
	}
	res := dist.Do("GET", "/api/v1/instructors/due-visits?full_time=maybe", nil)
	if res.Status != 422 {
		t.Fatalf("bad full_time: %d %s", res.Status, res.Body)
	}
	if m := res.Map(t); m["error"].(map[string]any)["fields"].(map[string]any)["full_time"] == nil {
		t.Fatalf("422 does not name full_time: %s", res.Body)
	}
	res = dist.Do("GET", "/api/v1/instructors/due-visits/export", nil)
	if res.Status != 200 {
		t.Fatalf("export: %d %s", res.Status, res.Body)
	}
	rows := sheetRows(t, res.Body)
	if len(rows) != 3 || rows[0][0] != "指导员" || rows[0][8] != "逾期天数" || rows[1][0] != "玉合乙" || rows[1][1] != "兼职" || rows[1][2] != "每 3 个月" ||
		rows[1][7] != "2026-08-31" || rows[1][8] != "84" || rows[2][3] != "洪桥一号店" {
		t.Fatalf("export rows: %v", rows)
	}
	// A street's export holds only its organizations.
	if rows := sheetRows(t, hq.Do("GET", "/api/v1/instructors/due-visits/export", nil).Body); len(rows) != 2 || rows[1][3] != "洪桥一号店" {
		t.Fatalf("street export rows: %v", rows)
	}
}
