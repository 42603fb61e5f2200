package instructor_test

import (
	"fmt"
	"testing"

	"liangxin/internal/instructor"
	"liangxin/internal/org"
	"liangxin/internal/testenv"
)

// BenchmarkAchievementRanking ranks 100 instructors, each assigned to 3
// organizations with 6 visits in the year (docs/benchmarks.md).
func BenchmarkAchievementRanking(b *testing.B) {
	e := testenv.New(b)
	ctx := districtCtx()
	cat, region := "individual_business", testenv.Hongqiao
	for i := range 100 {
		name := fmt.Sprintf("指导员%03d", i)
		full := i%2 == 0
		in, err := e.App.Instr.Create(ctx, instructor.Input{Name: &name, RegionCode: &region, FullTime: &full})
		if err != nil {
			b.Fatal(err)
		}
		for k := range 3 {
			oname := fmt.Sprintf("单位%03d-%d", i, k)
			o, err := e.App.Orgs.Create(ctx, org.Input{Name: &oname, Category: &cat, RegionCode: &region})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := e.App.Instr.Assign(ctx, in.ID, o.ID, "2026-01-01", ""); err != nil {
				b.Fatal(err)
			}
			for _, d := range []string{"2026-02-10", "2026-06-20"} {
				if _, err := e.App.Instr.AddVisit(ctx, in.ID, instructor.Visit{OrganizationID: o.ID, VisitedOn: d, Content: "走访", Problems: "问题"}); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	p := instructor.Period{From: "2026-01-01", To: "2026-12-31"}
	b.ResetTimer()
	for b.Loop() {
		items, total, _, err := e.App.Instr.Ranking(ctx, instructor.RankingFilter{Period: p}, 1, 20)
		if err != nil || total != 100 || items[0].Visits != 6 {
			b.Fatalf("ranking: %d %v", total, err)
		}
	}
}
