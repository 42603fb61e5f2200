package instructor

import (
	"context"
	"database/sql"
	"strings"

	"liangxin/internal/actor"
	"liangxin/internal/partyorg"
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
