package coverage_test

import (
	"testing"

	"liangxin/internal/testenv"
)

// The trend's points lie before later events: an organization closed after
// the last point, covered by a party organization dissolved after the last
// point, counts (and is covered) in every point; one closed on a point's day
// leaves from that point on; one registered on a point's day joins there.
func TestTrendPointsBeforeLaterClosures(t *testing.T) {
	w := newWorld(t)
	a := w.org(t, orgSpec{full: 5, registered: "2020-01-01", closed: "2025-09-01"}) // closed after the last point
	w.org(t, orgSpec{full: 0, registered: "2020-01-01", closed: "2025-05-31"})      // closed on the second point
	w.org(t, orgSpec{full: 0, registered: "2025-05-31"})                            // registered on the second point
	d := w.org(t, orgSpec{full: 4, registered: "2020-01-01"})
	pa := w.party(t, "single", "2025-01-01", a)
	if _, err := w.e.App.Party.Dissolve(w.ctx, pa.ID, "2025-08-15"); err != nil { // after the last point
		t.Fatal(err)
	}
	w.party(t, "single", "2025-05-01", d)

	trend, err := w.e.App.Cover.Trend(w.ctx, testenv.Jurisdiction, "2025-06-30", 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		day                  string
		total, orgC, singleC int
	}{
		{"2025-04-30", 3, 1, 1}, // a, b, d; a covered
		{"2025-05-31", 3, 2, 2}, // a, c, d; a and d covered
		{"2025-06-30", 3, 2, 2},
	}
	if len(trend) != len(want) {
		t.Fatalf("%d points, want %d", len(trend), len(want))
	}
	for i, wt := range want {
		p := trend[i]
		if p.AsOf != wt.day || p.Total != wt.total || p.OrgCovered != wt.orgC || p.SingleCovered != wt.singleC {
			t.Errorf("point %d: %s total %d org %d single %d; want %s %d %d %d", i, p.AsOf, p.Total, p.OrgCovered, p.SingleCovered,
				wt.day, wt.total, wt.orgC, wt.singleC)
		}
		full := w.report(t, testenv.Jurisdiction, wt.day)
		if figures(p.Counts) != figures(full.Counts) {
			t.Errorf("point %s: %v, the report of that day %v", wt.day, figures(p.Counts), figures(full.Counts))
		}
	}
	// A one-point trend on the day before the closure still counts a.
	one, err := w.e.App.Cover.Trend(w.ctx, testenv.Jurisdiction, "2025-08-31", 1)
	if err != nil || len(one) != 1 || one[0].Total != 3 || one[0].OrgCovered != 1 {
		t.Errorf("trend of 2025-08-31: %+v %v; want total 3 (a, c, d), org-covered 1 (d)", one, err)
	}
}
