package instructor

import (
	"context"
	"database/sql"
	"sort"
	"strings"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/civil"
	"liangxin/internal/partyorg"
	"liangxin/internal/store"
)

// AssignedOrg is an organization an instructor is assigned to today, with
// the party organizations covering it and their members working there
// (personal data masked).
type AssignedOrg struct {
	OrganizationID int64          `json:"organization_id"`
	Name           string         `json:"name"`
	USCC           string         `json:"uscc"`
	RegionName     string         `json:"region_name"`
	From           string         `json:"from"`
	LastVisitOn    *string        `json:"last_visit_on"`
	PartyOrgs      []AssignedPO   `json:"party_orgs"`
	Members        []MaskedMember `json:"members"`
}

// AssignedPO is a party organization covering an assigned organization.
type AssignedPO struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	KindName string `json:"kind_name"`
}

// MaskedMember is a party member working in an assigned organization, as
// an instructor sees it: 身份证号 and phone masked, never revealed.
type MaskedMember struct {
	Name     string `json:"name"`
	Gender   string `json:"gender"`
	Category string `json:"category"`
	IDNumber string `json:"id_number"`
	Phone    string `json:"phone"`
	Position string `json:"position"`
}

var memberCategories = map[string]string{"full": "正式党员", "probationary": "预备党员"}

// Organizations lists the organizations the instructor is assigned to
// today. Besides the instructor itself, callers see only those inside their
// own scope.
func (s *Service) Organizations(ctx context.Context, id int64) ([]AssignedOrg, error) {
	if _, err := s.get(ctx, s.DB, id); err != nil {
		return nil, err
	}
	a, _ := actor.From(ctx)
	_, bound := a.BoundInstructor()
	today := s.today()
	rows, err := s.DB.Query(ctx, s.DB, `SELECT o.id, o.name, COALESCE(o.uscc, ''), o.region_code, COALESCE(r.name, ''), a.from_on,
		(SELECT MAX(v.visited_on) FROM instructor_visits v WHERE v.instructor_id = a.instructor_id AND v.organization_id = o.id)
		FROM instructor_assignments a JOIN organizations o ON o.id = a.organization_id LEFT JOIN regions r ON r.code = o.region_code
		WHERE a.instructor_id = ? AND a.from_on <= ? AND (a.to_on IS NULL OR a.to_on > ?) ORDER BY o.name, o.id`, id, today, today)
	if err != nil {
		return nil, err
	}
	out := []AssignedOrg{}
	for rows.Next() {
		var o AssignedOrg
		var region string
		var last sql.NullString
		if err := rows.Scan(&o.OrganizationID, &o.Name, &o.USCC, &region, &o.RegionName, &o.From, &last); err != nil {
			rows.Close()
			return nil, err
		}
		if !bound && !a.InScope(region) {
			continue
		}
		if last.Valid {
			o.LastVisitOn = &last.String
		}
		o.PartyOrgs, o.Members = []AssignedPO{}, []MaskedMember{}
		out = append(out, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	kinds := partyorg.Kinds()
	for i := range out {
		o := &out[i]
		prows, err := s.DB.Query(ctx, s.DB, `SELECT p.id, p.name, p.kind FROM party_org_covers c JOIN party_orgs p ON p.id = c.party_org_id
			WHERE c.organization_id = ? AND c.from_on <= ? AND (c.to_on IS NULL OR c.to_on > ?) AND (p.dissolved_on IS NULL OR p.dissolved_on > ?)
			ORDER BY p.id`, o.OrganizationID, today, today, today)
		if err != nil {
			return nil, err
		}
		for prows.Next() {
			var p AssignedPO
			var kind string
			if err := prows.Scan(&p.ID, &p.Name, &kind); err != nil {
				prows.Close()
				return nil, err
			}
			for _, k := range kinds {
				if k.Code == kind {
					p.KindName = k.Name
				}
			}
			o.PartyOrgs = append(o.PartyOrgs, p)
		}
		prows.Close()
		if err := prows.Err(); err != nil {
			return nil, err
		}
		mrows, err := s.DB.Query(ctx, s.DB, `SELECT name, gender, category, id_number_mask, phone_mask, position FROM members
			WHERE organization_id = ? AND status = 'active' ORDER BY name, id`, o.OrganizationID)
		if err != nil {
			return nil, err
		}
		for mrows.Next() {
			var m MaskedMember
			if err := mrows.Scan(&m.Name, &m.Gender, &m.Category, &m.IDNumber, &m.Phone, &m.Position); err != nil {
				mrows.Close()
				return nil, err
			}
			if n, ok := memberCategories[m.Category]; ok {
				m.Category = n
			}
			m.Gender = map[string]string{"male": "男", "female": "女"}[strings.TrimSpace(m.Gender)]
			o.Members = append(o.Members, m)
		}
		mrows.Close()
		if err := mrows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// VisitEveryMonths is the default of how often an instructor should visit
// each organization it is assigned to: 专职 every month, 兼职 every quarter.
// The versioned setting (Frequencies) overrides it from a date on; the
// version in force today applies.
func VisitEveryMonths(fullTime bool) int {
	if fullTime {
		return 1
	}
	return 3
}

// addMonths adds n calendar months to a day, keeping to the last day of a
// shorter month (01-31 plus one month is 02-28, not 03-03).
func addMonths(d time.Time, n int) time.Time {
	first := time.Date(d.Year(), d.Month()+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d.Day(), last)-1)
}

// DueVisit is an assigned organization whose last visit (or, never visited,
// the start of the assignment) is older than the visit frequency.
type DueVisit struct {
	OrganizationID int64   `json:"organization_id"`
	Name           string  `json:"name"`
	RegionName     string  `json:"region_name"`
	From           string  `json:"from"`
	LastVisitOn    *string `json:"last_visit_on"`
	DueOn          string  `json:"due_on"`
	DaysOverdue    int     `json:"days_overdue"`
}

// DueVisits lists the organizations assigned to the instructor today whose
// next visit was due before today, most overdue first. The next visit is due
// the frequency in force today after the last visit made while assigned, or after the
// start of the assignment when there is none.
func (s *Service) DueVisits(ctx context.Context, id int64) (every int, out []DueVisit, err error) {
	in, err := s.get(ctx, s.DB, id)
	if err != nil {
		return 0, nil, err
	}
	if every, err = s.visitEvery(ctx, in.FullTime); err != nil {
		return 0, nil, err
	}
	orgs, err := s.Organizations(ctx, id)
	if err != nil {
		return 0, nil, err
	}
	today, _ := civil.Read(s.today())
	out = []DueVisit{}
	for _, o := range orgs {
		due, err := nextDue(o.From, o.LastVisitOn, every)
		if err != nil {
			return 0, nil, err
		}
		if !today.After(due) {
			continue
		}
		out = append(out, DueVisit{OrganizationID: o.OrganizationID, Name: o.Name, RegionName: o.RegionName, From: o.From, LastVisitOn: o.LastVisitOn,
			DueOn: due.Format(civil.Layout), DaysOverdue: int(today.Sub(due).Hours() / 24)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].DaysOverdue > out[j].DaysOverdue })
	return every, out, nil
}

// nextDue is the day the next visit is due: every months after the last
// visit, or after the start of the assignment when there is none or the
// last visit came before it.
func nextDue(from string, last *string, every int) (time.Time, error) {
	base := from
	if last != nil && *last > base {
		base = *last
	}
	b, err := civil.Read(base)
	if err != nil {
		return time.Time{}, err
	}
	return addMonths(b, every), nil
}

// OverdueVisit is one row of the district's list of who is behind: an
// instructor, an organization it is assigned to today and how late its next
// visit is.
type OverdueVisit struct {
	InstructorID   int64   `json:"instructor_id"`
	InstructorName string  `json:"instructor_name"`
	FullTime       bool    `json:"full_time"`
	KindName       string  `json:"kind_name"`
	EveryMonths    int     `json:"every_months"`
	OrganizationID int64   `json:"organization_id"`
	Name           string  `json:"name"`
	RegionName     string  `json:"region_name"`
	From           string  `json:"from"`
	LastVisitOn    *string `json:"last_visit_on"`
	DueOn          string  `json:"due_on"`
	DaysOverdue    int     `json:"days_overdue"`
}

// KindName is the Chinese name of an instructor kind.
func KindName(fullTime bool) string {
	if fullTime {
		return "专职"
	}
	return "兼职"
}

// AllDueVisits lists, over every instructor, the organizations of the
// caller's scope assigned today whose next visit was due before today: most
// overdue first, then by instructor and organization name. fullTime, when
// set, keeps only 专职 (true) or 兼职 (false) instructors. Pages start at 1;
// the total counts every overdue row.
func (s *Service) AllDueVisits(ctx context.Context, fullTime *bool, page, size int) ([]OverdueVisit, int, error) {
	cond, args, err := store.ScopeFilter(ctx, "o.region_code")
	if err != nil {
		return nil, 0, err
	}
	today := s.today()
	q := `SELECT i.id, i.name, i.full_time, o.id, o.name, COALESCE(r.name, ''), a.from_on,
		(SELECT MAX(v.visited_on) FROM instructor_visits v WHERE v.instructor_id = a.instructor_id AND v.organization_id = o.id)
		FROM instructor_assignments a JOIN instructors i ON i.id = a.instructor_id JOIN organizations o ON o.id = a.organization_id
		LEFT JOIN regions r ON r.code = o.region_code
		WHERE a.from_on <= ? AND (a.to_on IS NULL OR a.to_on > ?) AND ` + cond
	args = append([]any{today, today}, args...)
	if fullTime != nil {
		q += ` AND i.full_time = ?`
		args = append(args, *fullTime)
	}
	fs, err := s.loadFrequencies(ctx, s.DB)
	if err != nil {
		return nil, 0, err
	}
	rows, err := s.DB.Query(ctx, s.DB, q, args...)
	if err != nil {
		return nil, 0, err
	}
	now, _ := civil.Read(today)
	all := []OverdueVisit{}
	for rows.Next() {
		var v OverdueVisit
		var last sql.NullString
		if err := rows.Scan(&v.InstructorID, &v.InstructorName, &v.FullTime, &v.OrganizationID, &v.Name, &v.RegionName, &v.From, &last); err != nil {
			rows.Close()
			return nil, 0, err
		}
		if last.Valid {
			v.LastVisitOn = &last.String
		}
		v.EveryMonths, v.KindName = fs.at(v.FullTime, today), KindName(v.FullTime)
		due, err := nextDue(v.From, v.LastVisitOn, v.EveryMonths)
		if err != nil {
			rows.Close()
			return nil, 0, err
		}
		if !now.After(due) {
			continue
		}
		v.DueOn, v.DaysOverdue = due.Format(civil.Layout), int(now.Sub(due).Hours()/24)
		all = append(all, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	sort.SliceStable(all, func(i, j int) bool {
		x, y := all[i], all[j]
		if x.DaysOverdue != y.DaysOverdue {
			return x.DaysOverdue > y.DaysOverdue
		}
		if x.InstructorName != y.InstructorName {
			return x.InstructorName < y.InstructorName
		}
		if x.InstructorID != y.InstructorID {
			return x.InstructorID < y.InstructorID
		}
		if x.Name != y.Name {
			return x.Name < y.Name
		}
		return x.OrganizationID < y.OrganizationID
	})
	page, size = store.ClampPage(page, size, 500)
	start := min((page-1)*size, len(all))
	end := min(start+size, len(all))
	return all[start:end], len(all), nil
}
