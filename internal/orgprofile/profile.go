// Package orgprofile answers what a 两新组织's detail page shows beyond its
// ledger fields: whether and how it is covered (by which party organizations,
// since when, formed how), its instructors and their visits, and its party
// members on the roster against the declared counts — every code named.
// Later sections (e.g. service requests) join as further fields of Profile.
package orgprofile

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"liangxin/internal/civil"
	"liangxin/internal/member"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/purchase"
	"liangxin/internal/servicereq"
	"liangxin/internal/store"
)

// Coverage states of an organization today.
const (
	CoveredSingle = "single" // by a party organization of its own (单独组建)
	CoveredShared = "shared" // by a joint, regional or industry party organization only
	GuidedOnly    = "guided" // no party organization; an instructor is assigned
	NotCovered    = "none"   // neither
)

var coverageNames = map[string]string{
	CoveredSingle: "已覆盖（单独组建党组织）",
	CoveredShared: "已覆盖（联合、区域或行业党组织）",
	GuidedOnly:    "未建党组织，已选派党建指导员",
	NotCovered:    "未覆盖",
}

// Named is a code with its name.
type Named struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Cover is one party organization covering (or having covered) the organization.
type Cover struct {
	PartyOrgID    int64   `json:"party_org_id"`
	PartyOrgName  string  `json:"party_org_name"`
	Kind          string  `json:"kind"`
	KindName      string  `json:"kind_name"`
	Formation     string  `json:"formation"`
	FormationName string  `json:"formation_name"`
	From          string  `json:"from"`
	To            *string `json:"to"`
	Current       bool    `json:"current"`
	Units         int     `json:"units"` // units it covers today (1 for a single branch)
}

// Instructor is one instructor assigned (now or before) to the organization.
type Instructor struct {
	InstructorID int64   `json:"instructor_id"`
	Name         string  `json:"name"`
	Unit         string  `json:"unit"`
	FullTime     bool    `json:"full_time"`
	From         string  `json:"from"`
	To           *string `json:"to"`
	Current      bool    `json:"current"`
}

// Visit is an instructor's visit to the organization.
type Visit struct {
	ID             int64  `json:"id"`
	InstructorName string `json:"instructor_name"`
	VisitedOn      string `json:"visited_on"`
	Content        string `json:"content"`
	Problems       string `json:"problems"`
	Solved         string `json:"solved"`
}

// Profile is the organization's detail beyond its ledger fields.
type Profile struct {
	OrganizationID int64         `json:"organization_id"`
	RegionName     string        `json:"region_name"`
	IndustryName   string        `json:"industry_name"` // "C 制造业", '' when not set
	Areas          []Named       `json:"areas"`
	Coverage       string        `json:"coverage"`
	CoverageName   string        `json:"coverage_name"`
	Covers         []Cover       `json:"covers"`
	Instructors    []Instructor  `json:"instructors"`
	Visits         []Visit       `json:"visits"`      // newest first, at most MaxVisits
	VisitCount     int           `json:"visit_count"` // all visits
	Members        member.Ledger `json:"members"`
	// ServiceRating is the latest four-party evaluation of the services
	// the organization was contracted for (购买服务); nil when none.
	ServiceRating *purchase.Rating `json:"service_rating"`
	// Requests are the 订单式服务 requests concerning the organization and
	// their outcomes, newest first, at most MaxRequests (no requester data).
	Requests     []RequestOutcome `json:"requests"`
	RequestCount int              `json:"request_count"` // all requests
	RequestsDone int              `json:"requests_done"` // finished, replied or closed
}

// RequestOutcome is one request concerning an organization and how it ended.
type RequestOutcome struct {
	ID               int64   `json:"id"`
	CategoryName     string  `json:"category_name"`
	Content          string  `json:"content"`
	State            string  `json:"state"`
	StateName        string  `json:"state_name"`
	ReceivedOn       string  `json:"received_on"`
	DoneOn           *string `json:"done_on"`
	Satisfaction     string  `json:"satisfaction"`
	SatisfactionName string  `json:"satisfaction_name"`
}

// MaxRequests is how many requests a profile lists.
const MaxRequests = 20

// MaxVisits is how many visits a profile lists.
const MaxVisits = 20

// Service builds profiles.
type Service struct {
	DB      *store.DB
	Orgs    *org.Service
	Members *member.Service
	// Ratings answers the organization's latest purchased-service
	// evaluation; nil leaves the profile without one.
	Ratings Ratings
	Now     func() time.Time
}

// Ratings is what a profile needs of 购买服务.
type Ratings interface {
	RatingOf(ctx context.Context, q store.Querier, orgID int64) (*purchase.Rating, error)
}

// today is the calendar day in China (UTC+8), as the ledger keeps days.
func (s *Service) today() string {
	return civil.Today(s.Now())
}

func nameOf(list []partyorg.Code, code string) string {
	for _, c := range list {
		if c.Code == code {
			return c.Name
		}
	}
	return code
}

// IndustryName is "C 制造业" for "C", ” for ”.
func IndustryName(code string) string {
	if code == "" {
		return ""
	}
	if in, ok := org.IndustryByCodeOrName(code); ok {
		return in.Code + " " + in.Name
	}
	return code
}

// Get returns the profile of an organization in the caller's scope (404 otherwise).
func (s *Service) Get(ctx context.Context, id int64) (Profile, error) {
	ctx = store.WithOp(ctx, "orgprofile.Get")
	o, err := s.Orgs.Get(ctx, id)
	if err != nil {
		return Profile{}, err
	}
	today := s.today()
	p := Profile{OrganizationID: id, RegionName: o.RegionName, IndustryName: IndustryName(o.Industry), Areas: []Named{},
		Covers: []Cover{}, Instructors: []Instructor{}, Visits: []Visit{}, Requests: []RequestOutcome{}}
	for _, code := range o.AreaCodes {
		n := Named{Code: code, Name: code}
		if err := s.DB.QueryRow(ctx, s.DB, `SELECT name FROM regions WHERE code = ?`, code).Scan(&n.Name); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return p, err
		}
		p.Areas = append(p.Areas, n)
	}
	if err := s.covers(ctx, &p, today); err != nil {
		return p, err
	}
	if err := s.instructors(ctx, &p, today); err != nil {
		return p, err
	}
	if err := s.visits(ctx, &p); err != nil {
		return p, err
	}
	if p.Members, err = s.Members.LedgerOf(ctx, id); err != nil {
		return p, err
	}
	if s.Ratings != nil {
		if p.ServiceRating, err = s.Ratings.RatingOf(ctx, s.DB, id); err != nil {
			return p, err
		}
	}
	if err := s.requests(ctx, &p); err != nil {
		return p, err
	}
	p.Coverage = NotCovered
	for _, c := range p.Covers {
		if !c.Current {
			continue
		}
		if c.Formation == partyorg.FormationSingle {
			p.Coverage = CoveredSingle
			break
		}
		p.Coverage = CoveredShared
	}
	if p.Coverage == NotCovered {
		for _, in := range p.Instructors {
			if in.Current {
				p.Coverage = GuidedOnly
			}
		}
	}
	p.CoverageName = coverageNames[p.Coverage]
	return p, nil
}

func current(from string, to *string, today string) bool {
	return from <= today && (to == nil || *to > today)
}

func (s *Service) covers(ctx context.Context, p *Profile, today string) error {
	rows, err := s.DB.Query(ctx, s.DB, `SELECT c.party_org_id, po.name, po.kind, po.formation, c.from_on, c.to_on, po.dissolved_on,
		(SELECT COUNT(*) FROM party_org_covers c2 WHERE c2.party_org_id = c.party_org_id AND c2.from_on <= ? AND (c2.to_on IS NULL OR c2.to_on > ?))
		FROM party_org_covers c JOIN party_orgs po ON po.id = c.party_org_id
		WHERE c.organization_id = ? ORDER BY c.from_on DESC, c.id DESC`, today, today, p.OrganizationID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var c Cover
		var dissolved *string
		if err := rows.Scan(&c.PartyOrgID, &c.PartyOrgName, &c.Kind, &c.Formation, &c.From, &c.To, &dissolved, &c.Units); err != nil {
			return err
		}
		c.KindName, c.FormationName = nameOf(partyorg.Kinds(), c.Kind), nameOf(partyorg.Formations(), c.Formation)
		c.Current = current(c.From, c.To, today) && (dissolved == nil || *dissolved > today)
		p.Covers = append(p.Covers, c)
	}
	return rows.Err()
}

func (s *Service) instructors(ctx context.Context, p *Profile, today string) error {
	rows, err := s.DB.Query(ctx, s.DB, `SELECT i.id, i.name, i.unit, i.full_time, a.from_on, a.to_on
		FROM instructor_assignments a JOIN instructors i ON i.id = a.instructor_id
		WHERE a.organization_id = ? ORDER BY a.from_on DESC, a.id DESC`, p.OrganizationID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var in Instructor
		if err := rows.Scan(&in.InstructorID, &in.Name, &in.Unit, &in.FullTime, &in.From, &in.To); err != nil {
			return err
		}
		in.Current = current(in.From, in.To, today)
		p.Instructors = append(p.Instructors, in)
	}
	return rows.Err()
}

func (s *Service) visits(ctx context.Context, p *Profile) error {
	if err := s.DB.QueryRow(ctx, s.DB, `SELECT COUNT(*) FROM instructor_visits WHERE organization_id = ?`, p.OrganizationID).Scan(&p.VisitCount); err != nil {
		return err
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT v.id, i.name, v.visited_on, v.content, v.problems, v.solved
		FROM instructor_visits v JOIN instructors i ON i.id = v.instructor_id
		WHERE v.organization_id = ? ORDER BY v.visited_on DESC, v.id DESC LIMIT ?`, p.OrganizationID, MaxVisits)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var v Visit
		if err := rows.Scan(&v.ID, &v.InstructorName, &v.VisitedOn, &v.Content, &v.Problems, &v.Solved); err != nil {
			return err
		}
		p.Visits = append(p.Visits, v)
	}
	return rows.Err()
}

func (s *Service) requests(ctx context.Context, p *Profile) error {
	if err := s.DB.QueryRow(ctx, s.DB, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN state IN ('done', 'replied', 'closed') THEN 1 ELSE 0 END), 0)
		FROM service_requests WHERE org_id = ?`, p.OrganizationID).Scan(&p.RequestCount, &p.RequestsDone); err != nil {
		return err
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT r.id, c.name, r.content, r.state, r.received_on, r.done_on, r.satisfaction
		FROM service_requests r JOIN service_categories c ON c.id = r.category_id
		WHERE r.org_id = ? ORDER BY r.received_on DESC, r.id DESC LIMIT ?`, p.OrganizationID, MaxRequests)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r RequestOutcome
		var done sql.NullString
		if err := rows.Scan(&r.ID, &r.CategoryName, &r.Content, &r.State, &r.ReceivedOn, &done, &r.Satisfaction); err != nil {
			return err
		}
		if done.Valid && (r.State == servicereq.StateDone || r.State == servicereq.StateReplied || r.State == servicereq.StateClosed) {
			r.DoneOn = &done.String
		}
		for _, o := range servicereq.States() {
			if o.Code == r.State {
				r.StateName = o.Name
			}
		}
		for _, o := range servicereq.Satisfactions() {
			if o.Code == r.Satisfaction {
				r.SatisfactionName = o.Name
			}
		}
		p.Requests = append(p.Requests, r)
	}
	return rows.Err()
}
