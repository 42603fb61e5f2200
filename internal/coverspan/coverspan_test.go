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
// An organization's day: its state, whether a valid party organization
// covers it (有效覆盖) and whether an instructor is assigned.
type dayState struct {
	State                 int
	Effective, Instructed bool
}

func stateOn(o Org, links []Link, d string) dayState {
	if (o.RegisteredOn != "" && o.RegisteredOn > d) || (o.ClosedOn != "" && o.ClosedOn <= d) {
		return dayState{}
	}
	var s dayState
	for _, l := range links {
		if l.From <= d && (l.To == "" || l.To > d) {
			if l.State > s.State {
				s.State = l.State
			}
			if l.State >= Covered && l.Valid {
				s.Effective = true
			}
			if l.State == Guided {
				s.Instructed = true
			}
		}
	}
	return s
}

func spanOn(spans []Span, d string) dayState {
	var s dayState
	for _, sp := range spans {
		if sp.From <= d && (sp.To == "" || sp.To > d) {
			if s.State != 0 {
				return dayState{State: -1} // two spans on one day: an organization counted twice
			}
			s = dayState{sp.State, sp.Effective, sp.Instructed}
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
			[]Span{{From: "2024-01-01", To: "2024-03-01", State: Guided, Instructed: true}}},
		{"two party orgs covering at once count once", Org{},
			[]Link{{From: "2024-01-01", State: Covered}, {From: "2024-02-01", To: "2024-05-01", State: Covered}},
			[]Span{{From: "2024-01-01", State: Covered}}},
		{"single beats joint beats instructor", Org{},
			[]Link{{From: "2024-01-01", State: Guided}, {From: "2024-02-01", To: "2024-06-01", State: Covered}, {From: "2024-03-01", To: "2024-04-01", State: Single}},
			[]Span{{From: "2024-01-01", To: "2024-02-01", State: Guided, Instructed: true}, {From: "2024-02-01", To: "2024-03-01", State: Covered, Instructed: true},
				{From: "2024-03-01", To: "2024-04-01", State: Single, Instructed: true}, {From: "2024-04-01", To: "2024-06-01", State: Covered, Instructed: true},
				{From: "2024-06-01", State: Guided, Instructed: true}}},
		{"effective while a valid party organization covers", Org{},
			[]Link{{From: "2024-01-01", State: Single}, {From: "2024-02-01", To: "2024-03-01", State: Covered, Valid: true}},
			[]Span{{From: "2024-01-01", To: "2024-02-01", State: Single}, {From: "2024-02-01", To: "2024-03-01", State: Single, Effective: true},
				{From: "2024-03-01", State: Single}}},
		{"an instructor's link is never effective", Org{}, []Link{{From: "2024-01-01", State: Guided, Valid: true}},
			[]Span{{From: "2024-01-01", State: Guided, Instructed: true}}},
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
			l := Link{From: day(from), State: 1 + r.IntN(3), Valid: r.IntN(2) == 0}
			if r.IntN(2) == 0 {
				l.To = day(from + 1 + r.IntN(20))
			}
			links = append(links, l)
		}
		spans := Compute(o, links)
		for n := -1; n <= horizon+25; n++ {
			d := day(n)
			if got, want := spanOn(spans, d), stateOn(o, links, d); got != want {
				t.Fatalf("trial %d, %s: spans say %+v, the rules %+v\norg %+v\nlinks %+v\nspans %+v", trial, d, got, want, o, links, spans)
			}
		}
		for i := 1; i < len(spans); i++ {
			a, b := spans[i-1], spans[i]
			if a.To == b.From && a.State == b.State && a.Effective == b.Effective && a.Instructed == b.Instructed {
				t.Fatalf("trial %d: touching spans of the same state %+v", trial, spans)
			}
			if spans[i-1].To == "" || spans[i-1].To > spans[i].From {
				t.Fatalf("trial %d: overlapping spans %+v", trial, spans)
			}
		}
		for _, sp := range spans {
			if sp.State < Guided || sp.State > Single || (sp.To != "" && sp.To <= sp.From) || (sp.Effective && sp.State < Covered) {
				t.Fatalf("trial %d: bad span %+v", trial, sp)
			}
		}
	}
}

func TestValidPartyOrg(t *testing.T) {
	cases := []struct {
		rosterFull, rosterAll, declared int
		want                            bool
	}{
		{0, 0, 0, false},
		{0, 0, 2, false},
		{0, 0, 3, true},   // no roster: the declared counts
		{2, 5, 10, false}, // a roster: it alone counts, 2 正式党员 (3 预备)
		{3, 3, 0, true},
	}
	for _, c := range cases {
		if got := ValidPartyOrg(c.rosterFull, c.rosterAll, c.declared); got != c.want {
			t.Errorf("ValidPartyOrg(%d, %d, %d) = %v", c.rosterFull, c.rosterAll, c.declared, got)
		}
	}
}
