package assess_test

import (
	"testing"

	"liangxin/internal/assess"
	"liangxin/internal/testenv"
)

// A veto capping at 一星 is a cap like any other: 五星 falls to 一星, and a
// total that rates 一星 anyway is not marked capped.
func TestVetoCapsAtOneStar(t *testing.T) {
	th := assess.DefaultThresholds()
	for _, c := range []struct {
		total  string
		want   int
		capped bool
	}{{"100", 1, true}, {"60", 1, true}, {"59.99", 1, false}} {
		if got, capped := assess.StarsOf(pts(c.total), th, 1); got != c.want || capped != c.capped {
			t.Errorf("StarsOf(%s, cap 1) = %d %v, want %d %v", c.total, got, capped, c.want, c.capped)
		}
	}
	// Cap 4 lowers only 五星.
	if got, capped := assess.StarsOf(pts("90"), th, 4); got != 4 || !capped {
		t.Errorf("StarsOf(90, cap 4) = %d %v", got, capped)
	}
	if got, capped := assess.StarsOf(pts("89.99"), th, 4); got != 4 || capped {
		t.Errorf("StarsOf(89.99, cap 4) = %d %v", got, capped)
	}
}

// In a round, a branch with 90 points and two vetoes found — caps 3 and 1 —
// gets the lower cap, one star, whichever veto comes first on the sheet.
func TestRoundVetoToOneStar(t *testing.T) {
	for _, vetoes := range [][]assess.VetoInput{
		{{Name: "重大安全事故", CapStars: 3}, {Name: "书记严重违纪", CapStars: 1}},
		{{Name: "书记严重违纪", CapStars: 1}, {Name: "重大安全事故", CapStars: 3}},
	} {
		v := setup(t)
		sh, err := v.svc.CreateSheet(v.ctx, assess.SheetInput{Name: "星级党支部评定", Year: 2025, RegionCode: testenv.Jurisdiction,
			Indicators: []assess.IndicatorInput{{Area: "组织建设", Name: "班子建设", MaxPoints: 6000}, {Area: "作用发挥", Name: "服务群众", MaxPoints: 4000}},
			Vetoes:     vetoes})
		if err != nil {
			t.Fatal(err)
		}
		a, b := v.branch(testenv.Hongqiao), v.branch(testenv.Hongqiao)
		r := v.round(sh, testenv.Hongqiao)
		v.score(r, sh, a.ID, "55", "35")
		v.score(r, sh, b.ID, "55", "35")
		hits := []assess.VetoHitInput{{VetoID: sh.Vetoes[0].ID, Hit: true}, {VetoID: sh.Vetoes[1].ID, Hit: true}}
		if _, err := v.svc.SaveOrgScores(v.ctx, r.ID, a.ID, assess.OrgScoresInput{Vetoes: hits}); err != nil {
			t.Fatal(err)
		}
		view, err := v.svc.RoundResults(v.ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, res := range view.Results {
			want, capped := 5, false
			if res.PartyOrgID == a.ID {
				want, capped = 1, true
			}
			if res.Stars != want || res.Capped != capped || res.Total != pts("90") {
				t.Errorf("vetoes %v: party org %d: %s %d星 capped %v; want 90 %d星 capped %v", vetoes, res.PartyOrgID, res.Total, res.Stars, res.Capped, want, capped)
			}
		}
		if len(view.Results) != 2 {
			t.Fatalf("%d results", len(view.Results))
		}
	}
}
