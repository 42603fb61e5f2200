package httpapi_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/actor"
	"liangxin/internal/instructor"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/testenv"
)

func sheetRows(t *testing.T, b []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestExportScopeAndCells: a street-scoped user's exports hold its street's
// records only, headers are Chinese and formula-like text is neutralised.
func TestExportScopeAndCells(t *testing.T) {
	e := testenv.New(t)
	ctx := actor.System(context.Background(), "test")
	mk := func(name, region string) int64 {
		cat, five := "individual_business", 5
		o, err := e.App.Orgs.Create(ctx, org.Input{Name: &name, Category: &cat, RegionCode: &region, FullMembers: &five})
		if err != nil {
			t.Fatal(err)
		}
		return o.ID
	}
	inOrg, outOrg := mk("洪桥修车铺", testenv.Hongqiao), mk("玉合修车铺", testenv.Yuhe)
	mk("洪桥应建单位", testenv.Hongqiao)
	mk("玉合应建单位", testenv.Yuhe)
	for _, p := range []struct {
		name string
		org  int64
	}{{"=洪桥联合党支部", inOrg}, {"玉合联合党支部", outOrg}} {
		if _, err := e.App.Party.Create(ctx, partyorg.Input{Name: p.name, Kind: "branch", Formation: "regional", EstablishedOn: "2024-01-01", Covers: []int64{p.org}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []struct{ name, region string }{{"洪桥指导员", testenv.Hongqiao}, {"玉合指导员", testenv.Yuhe}} {
		name, region := s.name, s.region
		if _, err := e.App.Instr.Create(ctx, instructor.Input{Name: &name, RegionCode: &region}); err != nil {
			t.Fatal(err)
		}
	}
	e.User("hq_street", "street", testenv.Hongqiao)
	c := e.Login("hq_street", testenv.Password)
	for _, tc := range []struct {
		path, header, want, not string
		rows                    int
	}{
		{"/api/v1/party-orgs/export", "党组织名称", "'=洪桥联合党支部", "玉合", 2},
		{"/api/v1/instructors/export", "指导员姓名", "洪桥指导员", "玉合", 2},
		{"/api/v1/stats/coverage/export", "范围", "合计", "玉合", 0},
		{"/api/v1/stats/worklists/should_build/export", "单位名称", "洪桥修车铺", "玉合", 3},
	} {
		r := c.Do("GET", tc.path, nil)
		if r.Status != 200 {
			t.Fatalf("%s: %d %s", tc.path, r.Status, r.Body)
		}
		rows := sheetRows(t, r.Body)
		// A regional branch is not the unit's own party organization, so both
		// 洪桥 units with 5 members stay on 应建未建.
		if tc.rows > 0 && len(rows) != tc.rows {
			t.Fatalf("%s: %d rows, want %d: %v", tc.path, len(rows), tc.rows, rows)
		}
		if rows[0][0] != tc.header || rows[1][0] != tc.want {
			t.Errorf("%s: got %q / %q", tc.path, rows[0][0], rows[1][0])
		}
		for _, row := range rows[1:] {
			if strings.Contains(strings.Join(row, "|"), tc.not) {
				t.Errorf("%s: out-of-scope data %v", tc.path, row)
			}
		}
	}
}
