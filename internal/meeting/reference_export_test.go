package meeting

// The per-party-organization code that compliance, reminders and vacancies
// ran before they loaded their facts in batches, kept as the reference of
// the differential test (reference_test.go in meeting_test).

import (
	"context"
	"fmt"
	"sort"
	"time"

	"liangxin/internal/apperr"
	"liangxin/internal/civil"
	"liangxin/internal/partyorg"
	"liangxin/internal/store"
)

// Compliance computes required vs held per party organization and kind for
// every complete month, quarter or year inside [from, to] during which the
// party organization existed. 支委会 is required only while the party
// organization has a committee (≥3 committee members in office at the end
// of the period).
func (s *Service) ComplianceReference(ctx context.Context, f ReportFilter) (Report, error) {
	bad := apperr.Invalid()
	from, ok1 := civil.Check(bad, "from", f.From)
	to, ok2 := civil.Check(bad, "to", f.To)
	if ok1 && ok2 && (to.Before(from) || to.Sub(from) > 10*366*24*time.Hour) {
		bad.Field("to", "结束日期应不早于开始日期，且区间不超过 10 年")
	}
	if err := bad.OrNil(); err != nil {
		return Report{}, err
	}
	orgs, err := s.scopeOrgs(ctx, f)
	if err != nil {
		return Report{}, err
	}
	fs, err := s.loadFrequencies(ctx, s.DB)
	if err != nil {
		return Report{}, err
	}
	rep := Report{From: f.From, To: f.To, Orgs: []OrgCompliance{}, Missing: []string{}}
	streets := map[string]*GroupRate{}
	kinds := map[string]*GroupRate{}
	var attSum float64
	var attN int
	for _, p := range orgs {
		if p.Kind == partyorg.KindGroup {
			continue // its 党小组会 count for its branch
		}
		oc, sum, n, err := s.refOrgCompliance(ctx, p, fs, from, to)
		if err != nil {
			return Report{}, err
		}
		if oc.Required == 0 && oc.Meetings == 0 {
			continue
		}
		attSum += sum
		attN += n
		rep.Required += oc.Required
		rep.Held += oc.Held
		rep.Missing = append(rep.Missing, oc.Missing...)
		if len(p.RegionCode) >= 9 {
			oc.StreetCode = p.RegionCode[:9]
		} else {
			oc.StreetCode = p.RegionCode
		}
		g := streets[oc.StreetCode]
		if g == nil {
			g = &GroupRate{Code: oc.StreetCode}
			if s.Regions != nil {
				if r, err := s.Regions.Get(ctx, oc.StreetCode); err == nil {
					g.Name = r.Name
				}
			}
			streets[oc.StreetCode] = g
		}
		oc.StreetName = g.Name
		g.Required += oc.Required
		g.Held += oc.Held
		g.Orgs++
		for _, k := range oc.Kinds {
			kg := kinds[k.Kind]
			if kg == nil {
				kg = &GroupRate{Code: k.Kind, Name: k.KindName}
				kinds[k.Kind] = kg
			}
			kg.Required += k.Required
			kg.Held += k.Held
			if k.Required > 0 {
				kg.Orgs++
			}
		}
		rep.Orgs = append(rep.Orgs, oc)
	}
	rep.Rate = rate(rep.Held, rep.Required)
	if attN > 0 {
		v := attSum / float64(attN)
		rep.Attendance = &v
	}
	rep.ByStreet = []GroupRate{}
	for _, g := range streets {
		g.Rate = rate(g.Held, g.Required)
		rep.ByStreet = append(rep.ByStreet, *g)
	}
	sort.Slice(rep.ByStreet, func(i, j int) bool { return rep.ByStreet[i].Code < rep.ByStreet[j].Code })
	rep.ByKind = []GroupRate{}
	for _, k := range Kinds() {
		if g := kinds[k.Code]; g != nil {
			g.Rate = rate(g.Held, g.Required)
			rep.ByKind = append(rep.ByKind, *g)
		}
	}
	return rep, nil
}

// committeeSize is the number of committee members in office on day.
func (s *Service) refCommitteeSize(ctx context.Context, q store.Querier, partyOrgID int64, day string) (int, error) {
	var n int
	err := s.DB.QueryRow(ctx, q, `SELECT COUNT(*) FROM committee_members WHERE party_org_id = ? AND from_on <= ? AND (to_on IS NULL OR to_on > ?)`,
		partyOrgID, day, day).Scan(&n)
	return n, err
}

// heldMeetings lists the meetings a party organization held in [from, to],
// with the 党小组会 of its 党小组.
func (s *Service) refHeldMeetings(ctx context.Context, partyOrgID int64, from, to string) ([]heldMeeting, error) {
	rows, err := s.DB.Query(ctx, s.DB, `SELECT m.kind, m.held_on, m.late`+attendanceAgg+` FROM meetings m
		WHERE (m.party_org_id = ? OR (m.kind = ? AND m.party_org_id IN (SELECT g.id FROM party_orgs g WHERE g.parent_id = ? AND g.kind = ?)))
		AND m.status = 'held' AND m.held_on >= ? AND m.held_on <= ? ORDER BY m.held_on`,
		partyOrgID, KindGroupMeeting, partyOrgID, partyorg.KindGroup, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []heldMeeting
	for rows.Next() {
		var h heldMeeting
		var exp, pre, exc int
		if err := rows.Scan(&h.kind, &h.day, &h.late, &exp, &pre, &exc); err != nil {
			return nil, err
		}
		h.attendance = Attendance(exp, pre, exc)
		out = append(out, h)
	}
	return out, rows.Err()
}

func (s *Service) refOrgCompliance(ctx context.Context, p poInfo, fs frequencies, from, to time.Time) (OrgCompliance, float64, int, error) {
	oc := OrgCompliance{PartyOrgID: p.ID, PartyOrgName: p.Name, RegionCode: p.RegionCode, Kinds: []KindCompliance{}, Missing: []string{}}
	// Slots may start before from (a year slot for a from in March): load the widest span.
	wideFrom := time.Date(from.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	held, err := s.refHeldMeetings(ctx, p.ID, wideFrom.Format(store.DateFormat), to.Format(store.DateFormat))
	if err != nil {
		return oc, 0, 0, err
	}
	var attSum float64
	var attN int
	fromS, toS := from.Format(store.DateFormat), to.Format(store.DateFormat)
	for _, h := range held {
		if h.day >= fromS && h.day <= toS {
			oc.Meetings++
			if h.attendance != nil {
				attSum += *h.attendance
				attN++
			}
		}
	}
	committee := map[string]bool{}
	groups, err := s.refGroupSpans(ctx, p.ID)
	if err != nil {
		return oc, 0, 0, err
	}
	asked := map[string]bool{}
	for _, k := range fs.kinds(p.Kind) {
		asked[k.Code] = true
	}
	for _, k := range Kinds() {
		kc := KindCompliance{Kind: k.Code, KindName: k.Name, Missing: []string{}}
		for _, h := range held {
			if h.kind == k.Code && h.day >= fromS && h.day <= toS {
				kc.Total++
				if h.late {
					kc.Late++
				}
			}
		}
		if !asked[k.Code] {
			// Not asked of this kind of party organization: listed only when held.
			if kc.Total > 0 {
				oc.Kinds = append(oc.Kinds, kc)
			}
			continue
		}
		// Walk the slots of the period in force, starting at the slot holding from.
		day := from
		for !day.After(to) {
			fq := fs.at(p.Kind, k.Code, day.Format(store.DateFormat))
			period := fq.Period
			if period == PeriodNone {
				period = PeriodMonth
			}
			start, end, label := slotOf(day, period)
			next := end.AddDate(0, 0, 1)
			startS, endS := start.Format(store.DateFormat), end.Format(store.DateFormat)
			complete := !start.Before(from) && !end.After(to)
			existed := p.Established <= startS && (p.Dissolved == "" || p.Dissolved > endS)
			if fq.Period != PeriodNone && fq.Times > 0 && complete && existed {
				required := true
				if k.Code == KindGroupMeeting {
					// 党小组会 only of a branch that has a 党小组 in the period.
					required = hasGroup(groups, startS, endS)
				}
				if k.Code == KindCommitteeMeeting {
					has, ok := committee[endS]
					if !ok {
						n, err := s.refCommitteeSize(ctx, s.DB, p.ID, endS)
						if err != nil {
							return oc, 0, 0, err
						}
						has = n >= 3
						committee[endS] = has
					}
					required = has
				}
				if required {
					n := 0
					for _, h := range held {
						if h.kind == k.Code && h.day >= startS && h.day <= endS {
							n++
						}
					}
					kc.Required += fq.Times
					kc.Held += min(n, fq.Times)
					if n < fq.Times {
						kc.Missing = append(kc.Missing, label)
						if n == 0 {
							oc.Missing = append(oc.Missing, fmt.Sprintf("%s：%s未召开%s", p.Name, label, k.Name))
						} else {
							oc.Missing = append(oc.Missing, fmt.Sprintf("%s：%s%s召开%d次，应召开%d次", p.Name, label, k.Name, n, fq.Times))
						}
					}
				}
			}
			day = next
		}
		kc.Rate = rate(kc.Held, kc.Required)
		oc.Required += kc.Required
		oc.Held += kc.Held
		oc.Kinds = append(oc.Kinds, kc)
	}
	oc.Rate = rate(oc.Held, oc.Required)
	if attN > 0 {
		v := attSum / float64(attN)
		oc.Attendance = &v
	}
	return oc, attSum, attN, nil
}

// Reminders lists, for each party organization in scope (or one), the kinds
// still to be held in the period of today (本月/本季度/本年度).
func (s *Service) RemindersReference(ctx context.Context, partyOrgID int64) ([]Reminder, error) {
	orgs, err := s.scopeOrgs(ctx, ReportFilter{PartyOrgID: partyOrgID})
	if err != nil {
		return nil, err
	}
	fs, err := s.loadFrequencies(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	todayS := s.today()
	today, _ := time.Parse(store.DateFormat, todayS)
	out := []Reminder{}
	for _, p := range orgs {
		if p.Dissolved != "" && p.Dissolved <= todayS || p.Kind == partyorg.KindGroup {
			continue
		}
		ys, _, _ := slotOf(today, PeriodYear)
		held, err := s.refHeldMeetings(ctx, p.ID, ys.Format(store.DateFormat), todayS)
		if err != nil {
			return nil, err
		}
		r := Reminder{PartyOrgID: p.ID, PartyOrgName: p.Name, Items: []string{}, Due: []Due{}}
		groups, err := s.refGroupSpans(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		for _, k := range fs.kinds(p.Kind) {
			fq := fs.at(p.Kind, k.Code, todayS)
			if fq.Period == PeriodNone || fq.Times == 0 {
				continue
			}

			if k.Code == KindCommitteeMeeting {
				n, err := s.refCommitteeSize(ctx, s.DB, p.ID, todayS)
				if err != nil {
					return nil, err
				}
				if n < 3 {
					continue
				}
			}
			start, end, _ := slotOf(today, fq.Period)
			if k.Code == KindGroupMeeting && !hasGroup(groups, start.Format(store.DateFormat), todayS) {
				continue
			}
			n := 0
			for _, h := range held {
				if h.kind == k.Code && h.day >= start.Format(store.DateFormat) {
					n++
				}
			}
			if n < fq.Times {
				when := map[string]string{PeriodMonth: "本月", PeriodQuarter: "本季度", PeriodYear: "本年度"}[fq.Period]
				left := int(end.Sub(today).Hours()/24) + 1
				r.Items = append(r.Items, fmt.Sprintf("%s还需召开%s%d次（剩余%d天）", when, k.Name, fq.Times-n, left))
				r.Due = append(r.Due, Due{Kind: k.Code, KindName: k.Name, Period: fq.Period, PeriodName: when, Times: fq.Times - n, DaysLeft: left})
			}
		}
		if len(r.Items) > 0 {
			out = append(out, r)
		}
	}
	return out, nil
}

// refGroupSpans lists the 党小组 of a branch.
func (s *Service) refGroupSpans(ctx context.Context, branchID int64) ([]groupSpan, error) {
	rows, err := s.DB.Query(ctx, s.DB, `SELECT established_on, COALESCE(dissolved_on, '') FROM party_orgs WHERE parent_id = ? AND kind = ?`,
		branchID, partyorg.KindGroup)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []groupSpan
	for rows.Next() {
		var g groupSpan
		if err := rows.Scan(&g.from, &g.to); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// VacanciesReference is Vacancies as it was: one SecretaryVacancy per party
// organization (but 党小组, which have no 书记).
func (s *Service) VacanciesReference(ctx context.Context) ([]Vacancy, error) {
	orgs, err := s.scopeOrgs(ctx, ReportFilter{})
	if err != nil {
		return nil, err
	}
	today := s.today()
	t, _ := time.Parse(store.DateFormat, today)
	out := []Vacancy{}
	for _, p := range orgs {
		if p.Dissolved != "" && p.Dissolved <= today || p.Kind == partyorg.KindGroup {
			continue
		}
		since, vacant, err := s.SecretaryVacancy(ctx, p.ID, today)
		if err != nil {
			return nil, err
		}
		if !vacant {
			continue
		}
		v, _ := time.Parse(store.DateFormat, since)
		out = append(out, Vacancy{PartyOrgID: p.ID, PartyOrgName: p.Name, VacantSince: since, Days: int(t.Sub(v).Hours() / 24), Flagged: VacancyFlagged(since, today)})
	}
	return out, nil
}

// SetChunkSize sets the number of ids of one IN list and returns the
// function that restores the previous size.
func SetChunkSize(n int) func() {
	old := chunkSize
	chunkSize = n
	return func() { chunkSize = old }
}
