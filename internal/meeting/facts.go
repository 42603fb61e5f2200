package meeting

import (
	"context"
	"database/sql"
	"sort"
	"strings"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/partyorg"
	"liangxin/internal/region/divisions"
	"liangxin/internal/store"
)

// Reports over many party organizations (compliance, reminders, vacancies,
// the 软弱涣散 signals) load each kind of fact for all of them at once — one
// query per kind and per chunk of at most chunkSize ids — and assemble the
// result in Go, so the number of queries does not grow with the number of
// party organizations (up to chunkSize; by one per chunk beyond).

// chunkSize bounds the ids of one IN list (a variable for the tests).
var chunkSize = 500

// chunks splits ids into runs of at most chunkSize.
func chunks(ids []int64) [][]int64 {
	var out [][]int64
	for len(ids) > 0 {
		n := min(chunkSize, len(ids))
		out = append(out, ids[:n])
		ids = ids[n:]
	}
	return out
}

// inList is the placeholder list and the arguments of an IN (…) of ids.
func inList(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", "), args
}

// orgSet is the party organizations a report loads facts for: their ids
// and, when the caller knows it, a subquery selecting a superset of them
// (the report's scope, "SELECT p.id FROM party_orgs p WHERE …") with its
// arguments. Facts of ids outside the set are loaded too and ignored.
type orgSet struct {
	ids     []int64
	sub     string
	subArgs []any
	// bySub loads through sub whatever the number of ids (a rebuild's id range).
	bySub bool
}

// inPart is the inside of one IN (…) and its arguments.
type inPart struct {
	in   string
	args []any
}

// parts gives the IN lists to load the set with: the ids in chunks of at
// most chunkSize, or — when there are more ids than one chunk and the scope
// is known — the scope's subquery once, so that a county-wide report reads
// each table once (a join on the scope) instead of once per chunk.
func (o orgSet) parts() []inPart {
	if o.sub != "" && (o.bySub || len(o.ids) > chunkSize) {
		return []inPart{{in: o.sub, args: append([]any{}, o.subArgs...)}}
	}
	var out []inPart
	for _, c := range chunks(o.ids) {
		in, args := inList(c)
		out = append(out, inPart{in: in, args: args})
	}
	return out
}

// term is a committee member's time in office; to is "" while in office.
type term struct{ role, from, to string }

// inOfficeOn counts the terms in office on day.
func inOfficeOn(terms []term, day string) int {
	n := 0
	for _, t := range terms {
		if t.from <= day && (t.to == "" || t.to > day) {
			n++
		}
	}
	return n
}

// orgFacts holds, per party organization, what compliance and reminders need.
type orgFacts struct {
	held   map[int64][]heldMeeting // with its 党小组's 党小组会, by day then id
	groups map[int64][]groupSpan   // its 党小组
	terms  map[int64][]term        // committee terms overlapping the window
}

// loadFacts loads, for the party organizations ids, the meetings held in
// [heldFrom, heldTo] (a branch's with the 党小组会 of its 党小组), their
// 党小组 and the committee terms overlapping [termFrom, termTo].
func (s *Service) loadFacts(ctx context.Context, set orgSet, heldFrom, heldTo, termFrom, termTo string) (orgFacts, error) {
	return s.loadFactsQ(ctx, s.DB, set, heldFrom, heldTo, termFrom, termTo)
}

// loadFactsQ is loadFacts through q (a writer's transaction).
func (s *Service) loadFactsQ(ctx context.Context, q store.Querier, set orgSet, heldFrom, heldTo, termFrom, termTo string) (orgFacts, error) {
	f := orgFacts{held: map[int64][]heldMeeting{}, groups: map[int64][]groupSpan{}, terms: map[int64][]term{}}
	type idMeeting struct {
		id int64
		heldMeeting
	}
	held := map[int64][]idMeeting{}
	for _, part := range set.parts() {
		in, args := part.in, part.args
		cols := `m.kind, m.held_on, m.late` + attendanceAgg
		mq := `SELECT m.id, m.party_org_id, ` + cols + ` FROM meetings m
			WHERE m.party_org_id IN (` + in + `) AND m.status = 'held' AND m.held_on >= ? AND m.held_on <= ?
			UNION ALL SELECT m.id, g.parent_id, ` + cols + ` FROM meetings m JOIN party_orgs g ON g.id = m.party_org_id
			WHERE g.parent_id IN (` + in + `) AND g.kind = ? AND m.kind = ? AND m.status = 'held' AND m.held_on >= ? AND m.held_on <= ?`
		qa := append(append(append([]any{}, args...), heldFrom, heldTo), args...)
		qa = append(qa, partyorg.KindGroup, KindGroupMeeting, heldFrom, heldTo)
		err := s.eachRowQ(ctx, q, mq, qa, func(r *sql.Rows) error {
			var m idMeeting
			var po int64
			var exp, pre, exc int
			if err := r.Scan(&m.id, &po, &m.kind, &m.day, &m.late, &exp, &pre, &exc); err != nil {
				return err
			}
			m.attendance = Attendance(exp, pre, exc)
			held[po] = append(held[po], m)
			return nil
		})
		if err != nil {
			return f, err
		}
		err = s.eachRowQ(ctx, q, `SELECT parent_id, established_on, COALESCE(dissolved_on, '') FROM party_orgs WHERE parent_id IN (`+in+`) AND kind = ?`,
			append(args, partyorg.KindGroup), func(r *sql.Rows) error {
				var po int64
				var g groupSpan
				if err := r.Scan(&po, &g.from, &g.to); err != nil {
					return err
				}
				f.groups[po] = append(f.groups[po], g)
				return nil
			})
		if err != nil {
			return f, err
		}
		err = s.eachRowQ(ctx, q, `SELECT party_org_id, role, from_on, COALESCE(to_on, '') FROM committee_members
			WHERE party_org_id IN (`+in+`) AND from_on <= ? AND (to_on IS NULL OR to_on > ?)`,
			append(args, termTo, termFrom), func(r *sql.Rows) error {
				var po int64
				var t term
				if err := r.Scan(&po, &t.role, &t.from, &t.to); err != nil {
					return err
				}
				f.terms[po] = append(f.terms[po], t)
				return nil
			})
		if err != nil {
			return f, err
		}
	}
	for po, ms := range held {
		sort.Slice(ms, func(i, j int) bool {
			if ms[i].day != ms[j].day {
				return ms[i].day < ms[j].day
			}
			return ms[i].id < ms[j].id
		})
		out := make([]heldMeeting, len(ms))
		for i, m := range ms {
			out[i] = m.heldMeeting
		}
		f.held[po] = out
	}
	return f, nil
}

// eachRow runs a query and calls fn for every row.
func (s *Service) eachRow(ctx context.Context, query string, args []any, fn func(*sql.Rows) error) error {
	return s.eachRowQ(ctx, s.DB, query, args, fn)
}

// idsQ returns the ids the query selects (its one column), in its order,
// through q.
func (s *Service) idsQ(ctx context.Context, q store.Querier, query string, args []any) ([]int64, error) {
	var ids []int64
	err := s.eachRowQ(ctx, q, query, args, func(r *sql.Rows) error {
		var id int64
		if err := r.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	})
	return ids, err
}

// eachRowQ is eachRow through q.
func (s *Service) eachRowQ(ctx context.Context, q store.Querier, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := s.DB.Query(ctx, q, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// orgResult is one party organization's compliance with its attendance sum.
type orgResult struct {
	oc     OrgCompliance
	attSum float64
	attN   int
}

// complianceOf computes the compliance of each party organization of orgs
// (not 党小组, whose 党小组会 count for their branch) over [from, to], in
// the order of orgs, leaving out those with nothing required and nothing held.
func (s *Service) complianceOf(ctx context.Context, orgs []poInfo, scope orgSet, fs frequencies, from, to time.Time) ([]orgResult, error) {
	set := orgSet{sub: scope.sub, subArgs: scope.subArgs}
	for _, p := range orgs {
		if p.Kind != partyorg.KindGroup {
			set.ids = append(set.ids, p.ID)
		}
	}
	// Slots may start before from (a year slot for a from in March): load the widest span.
	wideFrom := time.Date(from.Year(), 1, 1, 0, 0, 0, 0, time.UTC).Format(store.DateFormat)
	fromS, toS := from.Format(store.DateFormat), to.Format(store.DateFormat)
	facts, err := s.loadFacts(ctx, set, wideFrom, toS, fromS, toS)
	if err != nil {
		return nil, err
	}
	var out []orgResult
	for _, p := range orgs {
		if p.Kind == partyorg.KindGroup {
			continue
		}
		oc, sum, n := orgCompliance(p, fs, from, to, facts.held[p.ID], facts.groups[p.ID], facts.terms[p.ID])
		if oc.Required == 0 && oc.Meetings == 0 {
			continue
		}
		out = append(out, orgResult{oc: oc, attSum: sum, attN: n})
	}
	return out, nil
}

// streetOf is the street (乡镇/街道) code of a region code.
func streetOf(code string) string {
	if len(code) >= 9 {
		return code[:9]
	}
	return code
}

// regionNames names the regions of codes that lie in the caller's scope, in
// one query (none without a region service).
func (s *Service) regionNames(ctx context.Context, codes []string) (map[string]string, error) {
	out := map[string]string{}
	if s.Regions == nil || len(codes) == 0 {
		return out, nil
	}
	a, _ := actor.From(ctx)
	byNorm := map[string][]string{}
	var list []any
	for _, c := range codes {
		n := strings.TrimSpace(c)
		if !strings.ContainsRune(n, 'A') {
			if v, err := divisions.Normalize(n); err == nil {
				n = v
			}
		}
		if !a.InScope(n) {
			continue
		}
		if _, seen := byNorm[n]; !seen {
			list = append(list, n)
		}
		if !contains(byNorm[n], c) {
			byNorm[n] = append(byNorm[n], c)
		}
	}
	for len(list) > 0 {
		c := list[:min(chunkSize, len(list))]
		list = list[len(c):]
		err := s.eachRow(ctx, `SELECT code, name FROM regions WHERE code IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(c)), ", ")+`)`, c,
			func(r *sql.Rows) error {
				var code, name string
				if err := r.Scan(&code, &name); err != nil {
					return err
				}
				for _, orig := range byNorm[code] {
					out[orig] = name
				}
				return nil
			})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// partyOrgsByID loads the party organizations of ids that the caller may see.
func (s *Service) partyOrgsByID(ctx context.Context, ids []int64) (map[int64]poInfo, error) {
	cond, cargs, err := store.PartyOrgFilter(ctx, "p.id")
	if err != nil {
		return nil, err
	}
	out := map[int64]poInfo{}
	for _, c := range chunks(ids) {
		in, args := inList(c)
		err := s.eachRow(ctx, `SELECT p.id, p.name, p.kind, p.region_code, p.established_on, COALESCE(p.dissolved_on, ''), COALESCE(p.term_started_on, p.established_on)
			FROM party_orgs p WHERE p.id IN (`+in+`) AND `+cond, append(args, cargs...), func(r *sql.Rows) error {
			var p poInfo
			if err := r.Scan(&p.ID, &p.Name, &p.Kind, &p.RegionCode, &p.Established, &p.Dissolved, &p.TermStarted); err != nil {
				return err
			}
			out[p.ID] = p
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
