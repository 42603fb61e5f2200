package coverspan

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

// stateOn is the state of an organization on day d straight from the rules
// of domain.md §7 (an organization counts while registered and not closed; a
// link counts from its first day up to the day before its end).
func stateOn(o Org, links []Link, d string) int {
	if (o.RegisteredOn != "" && o.RegisteredOn > d) || (o.ClosedOn != "" && o.ClosedOn <= d) {
		return 0
	}
	s := 0
	for _, l := range links {
		if l.From <= d && (l.To == "" || l.To > d) && l.State > s {
			s = l.State
		}
	}
	return s
}

func spanOn(spans []Span, d string) int {
	s := 0
	for _, sp := range spans {
		if sp.From <= d && (sp.To == "" || sp.To > d) {
			if s != 0 {
				return -1 // two spans on one day: an organization counted twice
			}
			s = sp.State
		}
	}
	return s
}

func TestComputeCases(t *testing.T) {
	cases := []struct {
		name  string
		o     Org
		links []Link
		want  []Span
	}{
		{"no links", Org{}, nil, nil},
		{"one open cover", Org{}, []Link{{From: "2024-01-01", State: Covered}}, []Span{{From: "2024-01-01", State: Covered}}},
		{"ends the day before to_on", Org{}, []Link{{From: "2024-01-01", To: "2024-03-01", State: Guided}},
			[]Span{{From: "2024-01-01", To: "2024-03-01", State: Guided}}},
		{"two party orgs covering at once count once", Org{},
			[]Link{{From: "2024-01-01", State: Covered}, {From: "2024-02-01", To: "2024-05-01", State: Covered}},
			[]Span{{From: "2024-01-01", State: Covered}}},
		{"single beats joint beats instructor", Org{},
			[]Link{{From: "2024-01-01", State: Guided}, {From: "2024-02-01", To: "2024-06-01", State: Covered}, {From: "2024-03-01", To: "2024-04-01", State: Single}},
			[]Span{{From: "2024-01-01", To: "2024-02-01", State: Guided}, {From: "2024-02-01", To: "2024-03-01", State: Covered},
				{From: "2024-03-01", To: "2024-04-01", State: Single}, {From: "2024-04-01", To: "2024-06-01", State: Covered}, {From: "2024-06-01", State: Guided}}},
		{"back-to-back links merge", Org{},
			[]Link{{From: "2024-01-01", To: "2024-02-01", State: Covered}, {From: "2024-02-01", State: Covered}},
			[]Span{{From: "2024-01-01", State: Covered}}},
		{"a gap stays a gap", Org{},
			[]Link{{From: "2024-01-01", To: "2024-02-01", State: Covered}, {From: "2024-03-01", State: Covered}},
			[]Span{{From: "2024-01-01", To: "2024-02-01", State: Covered}, {From: "2024-03-01", State: Covered}}},
		{"clipped to the ledger days", Org{RegisteredOn: "2024-02-01", ClosedOn: "2024-04-01"},
			[]Link{{From: "2024-01-01", State: Single}},
			[]Span{{From: "2024-02-01", To: "2024-04-01", State: Single}}},
		{"closed before the link starts", Org{ClosedOn: "2024-01-01"}, []Link{{From: "2024-01-01", State: Single}}, nil},
	}
	for _, c := range cases {
		if got := Compute(c.o, c.links); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
}

func TestCoverLinkFoldsThePartyOrgDates(t *testing.T) {
	cases := []struct {
		from, to, est, diss, formation string
		want                           Link
		ok                             bool
	}{
		{"2024-01-01", "", "2023-06-01", "", "joint", Link{From: "2024-01-01", State: Covered}, true},
		{"2024-01-01", "", "2024-03-01", "", "single", Link{From: "2024-03-01", State: Single}, true},
		{"2024-01-01", "2024-09-01", "2024-01-01", "2024-05-01", "regional", Link{From: "2024-01-01", To: "2024-05-01", State: Covered}, true},
		{"2024-01-01", "2024-05-01", "2024-01-01", "2024-09-01", "joint", Link{From: "2024-01-01", To: "2024-05-01", State: Covered}, true},
		{"2024-01-01", "", "2024-01-01", "2024-01-01", "single", Link{}, false}, // dissolved on the founding day
		{"2024-06-01", "", "2024-01-01", "2024-05-01", "joint", Link{}, false},  // linked after the dissolution
	}
	for _, c := range cases {
		got, ok := CoverLink(c.from, c.to, c.est, c.diss, c.formation)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("CoverLink(%q, %q, %q, %q, %q) = %+v, %v; want %+v, %v", c.from, c.to, c.est, c.diss, c.formation, got, ok, c.want, c.ok)
		}
	}
}

// TestComputeAgreesWithTheRulesOnEveryDay draws random histories and checks
// the spans against the rules day by day, and that they are maximal (no two
// touching spans of the same state) and never overlap.
func TestComputeAgreesWithTheRulesOnEveryDay(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	day := func(n int) string { return start.AddDate(0, 0, n).Format("2006-01-02") }
	const horizon = 60
	for trial := 0; trial < 2000; trial++ {
		var o Org
		if r.IntN(3) == 0 {
			o.RegisteredOn = day(r.IntN(horizon))
		}
		if r.IntN(3) == 0 {
			o.ClosedOn = day(r.IntN(horizon))
		}
		var links []Link
		for i := r.IntN(5); i > 0; i-- {
			from := r.IntN(horizon)
			l := Link{From: day(from), State: 1 + r.IntN(3)}
			if r.IntN(2) == 0 {
				l.To = day(from + 1 + r.IntN(20))
			}
			links = append(links, l)
		}
		spans := Compute(o, links)
		for n := -1; n <= horizon+25; n++ {
			d := day(n)
			if got, want := spanOn(spans, d), stateOn(o, links, d); got != want {
				t.Fatalf("trial %d, %s: spans say %d, the rules %d\norg %+v\nlinks %+v\nspans %+v", trial, d, got, want, o, links, spans)
			}
		}
		for i := 1; i < len(spans); i++ {
			if spans[i-1].To == spans[i].From && spans[i-1].State == spans[i].State {
				t.Fatalf("trial %d: touching spans of the same state %+v", trial, spans)
			}
			if spans[i-1].To == "" || spans[i-1].To > spans[i].From {
				t.Fatalf("trial %d: overlapping spans %+v", trial, spans)
			}
		}
		for _, sp := range spans {
			if sp.State < Guided || sp.State > Single || (sp.To != "" && sp.To <= sp.From) {
				t.Fatalf("trial %d: bad span %+v", trial, sp)
			}
		}
	}
}
