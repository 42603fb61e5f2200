// Package partyorg keeps the party organizations that cover 两新组织: their
// kind, how they were formed, their place in the tree (隶属关系), the
// organizations each covers over time, and their terms (换届). The rules of
// domain.md §2 are checked when one is set up.
package partyorg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/civil"
	"liangxin/internal/compliancehook"
	"liangxin/internal/coverspan"
	"liangxin/internal/org"
	"liangxin/internal/region"
	"liangxin/internal/store"
)

// Kinds and formations.
const (
	KindCommittee     = "committee"
	KindGeneralBranch = "general_branch"
	KindBranch        = "branch"
	// KindGroup is a 党小组 (党统 code 641): set up under a 党支部 only, it
	// covers no unit and holds 党小组会 counted for its branch.
	KindGroup = "group"

	FormationSingle   = "single"
	FormationJoint    = "joint"
	FormationRegional = "regional"
	FormationIndustry = "industry"
)

// Code is a code with its Chinese name.
type Code struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Kinds lists the kinds of party organization.
func Kinds() []Code {
	return []Code{{KindCommittee, "党委"}, {KindGeneralBranch, "党总支"}, {KindBranch, "党支部"}, {KindGroup, "党小组"}}
}

// Formations lists how a party organization can be formed.
func Formations() []Code {
	return []Code{{FormationSingle, "单独组建"}, {FormationJoint, "联合组建"}, {FormationRegional, "区域组建"}, {FormationIndustry, "行业组建"}}
}

// The status filter of the list: not dissolved, or dissolved, as of today.
const (
	StatusActive    = "active"
	StatusDissolved = "dissolved"
)

// StatusFilters are the status values the list accepts.
var StatusFilters = []string{StatusActive, StatusDissolved}

// Codes are the codes of list (the API documents them as enums).
func Codes(list []Code) []string {
	out := make([]string, len(list))
	for i, c := range list {
		out[i] = c.Code
	}
	return out
}

func name(list []Code, code string) string {
	for _, c := range list {
		if c.Code == code {
			return c.Name
		}
	}
	return ""
}

// Rule thresholds of domain.md §2 (warnings unless said otherwise).
const (
	MinSingleMembers    = 3   // a unit needs ≥3 正式党员 for its own branch (hard rule)
	MaxJointUnits       = 5   // a joint branch normally covers ≤5 units
	MaxBranchMembers    = 50  // a branch normally has ≤50 members
	MinGeneralBranch    = 50  // 50–100 members → 党总支
	MinCommittee        = 100 // ≥100 members → 基层党委
	BranchTermYears     = 3
	CommitteeTermYears  = 5
	RenewalNoticeDays   = 90
	DefaultRenewalRange = 90
)

// TermYears is the term length of a kind: 党委 5 years, 总支 and 支部 3.
func TermYears(kind string) int {
	if kind == KindCommittee {
		return CommitteeTermYears
	}
	return BranchTermYears
}

// Cover is one organization covered over a period.
type Cover struct {
	ID               int64  `json:"id"`
	OrganizationID   int64  `json:"organization_id"`
	OrganizationName string `json:"organization_name"`
	OrganizationUSCC string `json:"organization_uscc"`
	// OrganizationRegion names the unit's region, for export labels.
	OrganizationRegion string  `json:"-"`
	From               string  `json:"from"`
	To                 *string `json:"to"`
}

// PartyOrg is a party organization.
type PartyOrg struct {
	ID            int64     `json:"id"`
	Name          string    `json:"name"`
	Kind          string    `json:"kind"`
	KindName      string    `json:"kind_name"`
	Formation     string    `json:"formation"`
	FormationName string    `json:"formation_name"`
	ParentID      *int64    `json:"parent_id"`
	ParentName    string    `json:"parent_name"`
	RegionCode    string    `json:"region_code"`
	RegionName    string    `json:"region_name"`
	EstablishedOn string    `json:"established_on"`
	DissolvedOn   *string   `json:"dissolved_on"`
	TermStartedOn string    `json:"term_started_on"`
	TermYears     int       `json:"term_years"`
	TermDueOn     string    `json:"term_due_on"`
	Covers        []Cover   `json:"covers"`
	Members       int       `json:"members"` // declared 正式党员 of the units covered today
	Warnings      []string  `json:"warnings,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// Input sets up a party organization.
type Input struct {
	Name          string  `json:"name"`
	Kind          string  `json:"kind"`
	Formation     string  `json:"formation"`
	ParentID      *int64  `json:"parent_id"`
	RegionCode    string  `json:"region_code"`
	EstablishedOn string  `json:"established_on"`
	TermStartedOn string  `json:"term_started_on"`
	Covers        []int64 `json:"covers"`
}

// Patch changes a party organization; nil fields stay.
type Patch struct {
	Name          *string `json:"name"`
	ParentID      *int64  `json:"parent_id"`
	TermStartedOn *string `json:"term_started_on"`
}

// Service manages party organizations.
type Service struct {
	DB      *store.DB
	Audit   *audit.Logger
	Regions *region.Service
	Orgs    *org.Service
	Now     func() time.Time
}

const cols = `p.id, p.name, p.kind, p.formation, p.parent_id, COALESCE(pp.name, ''), p.region_code, COALESCE(r.name, ''),
	p.established_on, p.dissolved_on, COALESCE(p.term_started_on, p.established_on), p.created_at, p.updated_at`

const from = ` FROM party_orgs p LEFT JOIN party_orgs pp ON pp.id = p.parent_id LEFT JOIN regions r ON r.code = p.region_code`

func scan(row interface{ Scan(...any) error }) (PartyOrg, error) {
	var p PartyOrg
	var parent sql.NullInt64
	var dissolved sql.NullString
	var created, updated string
	if err := row.Scan(&p.ID, &p.Name, &p.Kind, &p.Formation, &parent, &p.ParentName, &p.RegionCode, &p.RegionName,
		&p.EstablishedOn, &dissolved, &p.TermStartedOn, &created, &updated); err != nil {
		return p, err
	}
	if parent.Valid {
		v := parent.Int64
		p.ParentID = &v
	}
	if dissolved.Valid {
		v := dissolved.String
		p.DissolvedOn = &v
	}
	p.KindName, p.FormationName = name(Kinds(), p.Kind), name(Formations(), p.Formation)
	p.TermYears = TermYears(p.Kind)
	if t, err := civil.Read(p.TermStartedOn); err == nil {
		p.TermDueOn = t.AddDate(p.TermYears, 0, 0).Format(civil.Layout)
	}
	p.CreatedAt, _ = store.ParseTime(created)
	p.UpdatedAt, _ = store.ParseTime(updated)
	p.Covers = []Cover{}
	return p, nil
}

func (s *Service) today() string {
	return civil.Today(s.Now())
}

// Get returns one party organization inside the caller's scope.
func (s *Service) Get(ctx context.Context, id int64) (PartyOrg, error) {
	ctx = store.WithOp(ctx, "partyorg.Get")
	return s.get(ctx, s.DB, id)
}

func (s *Service) get(ctx context.Context, q store.Querier, id int64) (PartyOrg, error) {
	cond, args, err := store.ScopeFilter(ctx, "p.region_code")
	if err != nil {
		return PartyOrg{}, err
	}
	sub, subArgs := store.PartyOrgSubtreeFilter(ctx, "p.id")
	args = append(args, subArgs...)
	p, err := scan(s.DB.QueryRow(ctx, q, `SELECT `+cols+from+` WHERE p.id = ? AND `+cond+` AND `+sub, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return p, apperr.NotFound("党组织")
	}
	if err != nil {
		return p, err
	}
	list := []PartyOrg{p}
	if err := s.loadCovers(ctx, q, list); err != nil {
		return p, err
	}
	return list[0], nil
}

func (s *Service) loadCovers(ctx context.Context, q store.Querier, ps []PartyOrg) error {
	if len(ps) == 0 {
		return nil
	}
	ph := make([]string, len(ps))
	args := make([]any, len(ps))
	for i, p := range ps {
		ph[i], args[i] = "?", p.ID
	}
	return s.loadCoversIn(ctx, q, ps, strings.Join(ph, ","), args)
}

// loadCoversIn fills the covers of ps, reading those whose party_org_id is
// IN (in) — a list of ps's ids or a subquery selecting them (ids not in ps
// are skipped).
func (s *Service) loadCoversIn(ctx context.Context, q store.Querier, ps []PartyOrg, in string, args []any) error {
	if len(ps) == 0 {
		return nil
	}
	idx := map[int64]int{}
	for i, p := range ps {
		idx[p.ID] = i
	}
	today := s.today()
	rows, err := s.DB.Query(ctx, q, `SELECT c.id, c.party_org_id, c.organization_id, o.name, COALESCE(o.uscc, ''), COALESCE(r.name, ''), c.from_on, c.to_on, o.full_members
		FROM party_org_covers c JOIN organizations o ON o.id = c.organization_id LEFT JOIN regions r ON r.code = o.region_code
		WHERE c.party_org_id IN (`+in+`) ORDER BY c.from_on, c.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var c Cover
		var pid int64
		var to sql.NullString
		var members int
		if err := rows.Scan(&c.ID, &pid, &c.OrganizationID, &c.OrganizationName, &c.OrganizationUSCC, &c.OrganizationRegion, &c.From, &to, &members); err != nil {
			return err
		}
		if to.Valid {
			v := to.String
			c.To = &v
		}
		i, ok := idx[pid]
		if !ok {
			continue
		}
		p := &ps[i]
		p.Covers = append(p.Covers, c)
		if c.From <= today && (c.To == nil || *c.To > today) {
			p.Members += members
		}
	}
	return rows.Err()
}

func parseDate(field, s string) (string, error) {
	return civil.Day(field, s)
}

// Create sets up a party organization after checking the rules of domain.md §2.
// Hard rules refuse with a field error; soft rules come back as warnings.
func (s *Service) Create(ctx context.Context, in Input) (PartyOrg, error) {
	ctx = store.WithOp(ctx, "partyorg.Create")
	pl, err := s.prepare(ctx, in, nil)
	if err != nil {
		return PartyOrg{}, err
	}
	out, err := store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (PartyOrg, error) { return s.insertTx(ctx, tx, pl) })
	out.Warnings = pl.warnings
	return out, err
}

// plan is a validated new party organization, ready to insert.
type plan struct {
	in         Input
	est, term  string
	parent     *PartyOrg // nil for a root; its ID may be set only at insert (an import's row above)
	units      []org.Organization
	regionCode string
	warnings   []string
}

// prepare checks a new party organization against the rules of domain.md
// §2. A pending parent (one created earlier in the same import) stands in
// for in.ParentID.
func (s *Service) prepare(ctx context.Context, in Input, pending *PartyOrg) (plan, error) {
	bad := apperr.Invalid()
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		bad.Field("name", "请填写党组织全称")
	} else if utf8.RuneCountInString(in.Name) > 100 {
		bad.Field("name", "党组织名称不能超过 100 个字")
	}
	if name(Kinds(), in.Kind) == "" {
		bad.Field("kind", "组织类别应为党委、党总支、党支部或党小组")
	}
	if in.Kind == KindGroup && in.Formation == "" {
		in.Formation = FormationSingle // a 党小组 is formed inside its branch
	}
	if name(Formations(), in.Formation) == "" {
		bad.Field("formation", "组建方式应为单独组建、联合组建、区域组建或行业组建")
	}
	est, err := parseDate("established_on", in.EstablishedOn)
	if err != nil {
		bad.Field("established_on", "成立日期格式应为 YYYY-MM-DD")
	}
	term := est
	if in.TermStartedOn != "" {
		if term, err = parseDate("term_started_on", in.TermStartedOn); err != nil {
			bad.Field("term_started_on", "本届开始日期格式应为 YYYY-MM-DD")
		} else if est != "" && term < est {
			bad.Field("term_started_on", "本届开始日期不能早于成立日期")
		}
	}
	parent := pending
	if pending != nil {
		if pending.EstablishedOn > est && est != "" {
			bad.Field("parent_id", "上级党组织成立于 "+pending.EstablishedOn+"，晚于本组织的成立日期")
		}
	} else if in.ParentID != nil {
		p, err := s.get(ctx, s.DB, *in.ParentID)
		if err != nil {
			bad.Field("parent_id", "上级党组织不存在或不在您的管辖范围内")
		} else if p.DissolvedOn != nil && *p.DissolvedOn <= est {
			bad.Field("parent_id", "上级党组织已撤销")
		} else if est != "" && p.EstablishedOn > est {
			bad.Field("parent_id", "上级党组织成立于 "+p.EstablishedOn+"，晚于本组织的成立日期")
		} else {
			parent = &p
		}
	}
	if parent != nil && parent.Kind == KindGroup {
		bad.Field("parent_id", "党小组「"+parent.Name+"」下不能再设立党组织")
	}
	if in.Kind == KindGroup {
		switch {
		case in.ParentID == nil && pending == nil:
			bad.Field("parent_id", "党小组须设在党支部之下，请选择所属党支部")
		case parent != nil && parent.Kind != KindBranch:
			bad.Field("parent_id", "党小组只能设在党支部之下，「"+parent.Name+"」是"+name(Kinds(), parent.Kind))
		}
		if len(in.Covers) > 0 {
			bad.Field("covers", "党小组不覆盖单位，单位由所属党支部覆盖")
		}
		in.RegionCode = "" // inherited from the branch
	}
	// The units covered: each inside the caller's scope and operating on the day.
	var units []org.Organization
	seen := map[int64]bool{}
	for _, id := range in.Covers {
		if seen[id] {
			continue
		}
		seen[id] = true
		o, err := s.Orgs.Get(ctx, id)
		if err != nil {
			bad.Field("covers", fmt.Sprintf("两新组织 %d 不存在或不在您的管辖范围内", id))
			continue
		}
		if o.ClosedOn != nil && est != "" && *o.ClosedOn <= est {
			bad.Field("covers", "「"+o.Name+"」在成立日期前已注销")
		}
		units = append(units, o)
	}
	var warnings []string
	members := 0
	for _, u := range units {
		members += u.FullMembers
	}
	switch in.Formation {
	case FormationSingle:
		if in.Kind == KindGroup {
			break
		}
		if len(units) != 1 {
			bad.Field("covers", "单独组建的党组织应覆盖且只覆盖 1 个单位")
		} else if units[0].FullMembers < MinSingleMembers {
			bad.Field("formation", fmt.Sprintf("「%s」只有 %d 名正式党员，单独组建党支部须有 %d 名以上正式党员，建议与邻近或同行业单位联合组建",
				units[0].Name, units[0].FullMembers, MinSingleMembers))
		}
	case FormationJoint:
		if len(units) < 2 {
			bad.Field("covers", "联合组建的党组织应覆盖 2 个以上单位")
		} else if len(units) > MaxJointUnits {
			warnings = append(warnings, fmt.Sprintf("联合党支部覆盖 %d 个单位，一般不超过 %d 个", len(units), MaxJointUnits))
		}
		if len(units) >= 2 && members < MinSingleMembers {
			warnings = append(warnings, fmt.Sprintf("所覆盖单位共有 %d 名正式党员，成立党支部须有 %d 名以上正式党员", members, MinSingleMembers))
		}
	case FormationRegional, FormationIndustry:
		// A regional branch (and an industry one) has no roster yet: the
		// units' declared 正式党员 must reach the minimum. Regional branches
		// are refused below it (issue 17 item 4), industry ones and
		// 党总支/党委 (whose members sit in the branches below) warned.
		// One set up before it covers any unit (a 楼宇党支部 whose members
		// are put on its roster next) covers nothing yet and passes; units
		// added later without 3 正式党员 show in the 有形无效 work list.
		if len(units) > 0 && members < MinSingleMembers {
			msg := fmt.Sprintf("所覆盖单位共有 %d 名正式党员，成立党支部须有 %d 名以上正式党员", members, MinSingleMembers)
			if in.Formation == FormationRegional && in.Kind == KindBranch {
				bad.Field("covers", "区域组建的党支部"+msg+"，不足的可先选派党建指导员开展工作覆盖")
			} else {
				warnings = append(warnings, msg+"，未达到的不计入有效覆盖")
			}
		}
	}
	switch in.Kind {
	case KindBranch:
		if members > MaxBranchMembers {
			warnings = append(warnings, fmt.Sprintf("党支部有 %d 名正式党员，一般不超过 %d 人，可考虑设立党总支", members, MaxBranchMembers))
		}
	case KindGeneralBranch:
		if members < MinGeneralBranch {
			warnings = append(warnings, fmt.Sprintf("党员 %d 人以上一般才设立党总支（现有 %d 人），如因工作需要请报批", MinGeneralBranch, members))
		}
	case KindCommittee:
		if members < MinCommittee {
			warnings = append(warnings, fmt.Sprintf("党员 %d 人以上一般才设立基层党委（现有 %d 人），如因工作需要请报批", MinCommittee, members))
		}
	}
	// Region: given, or where all covered units lie, or the parent's, or the caller's scope.
	regionCode := strings.TrimSpace(in.RegionCode)
	if in.Kind == KindGroup && parent != nil {
		regionCode = parent.RegionCode
	}
	if regionCode == "" {
		regionCode = commonRegion(units)
	}
	if regionCode == "" && parent != nil {
		regionCode = parent.RegionCode
	}
	if regionCode == "" {
		if a, ok := actor.From(ctx); ok {
			regionCode = a.Scope
		}
	}
	if rg, err := s.Regions.Get(ctx, regionCode); err != nil {
		bad.Field("region_code", "所属区划不存在或不在您的管辖范围内")
	} else {
		regionCode = rg.Code
	}
	if err := bad.OrNil(); err != nil {
		return plan{}, err
	}
	return plan{in: in, est: est, term: term, parent: parent, units: units, regionCode: regionCode, warnings: warnings}, nil
}

// insertTx writes a prepared party organization with its covers.
func (s *Service) insertTx(ctx context.Context, tx *sql.Tx, pl plan) (PartyOrg, error) {
	in, est, term, parent, units, regionCode := pl.in, pl.est, pl.term, pl.parent, pl.units, pl.regionCode
	var out PartyOrg
	err := func() error {
		if in.Formation == FormationSingle && in.Kind != KindGroup {
			var n int
			if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM party_org_covers c JOIN party_orgs p ON p.id = c.party_org_id
				WHERE c.organization_id = ? AND p.formation = 'single' AND (c.to_on IS NULL OR c.to_on > ?)`, units[0].ID, est).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return apperr.Conflict("「" + units[0].Name + "」已有单独组建的党组织")
			}
		}
		now := store.FormatTime(s.Now())
		var parentID any
		if parent != nil {
			parentID = parent.ID
		}
		var id int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO party_orgs (name, kind, formation, parent_id, region_code, established_on, term_started_on, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.Name, in.Kind, in.Formation, parentID, regionCode, est, term, now, now).Scan(&id); err != nil {
			return err
		}
		for _, u := range units {
			// A unit registered after the founding day is covered from its registration.
			from := est
			if u.RegisteredOn != nil && *u.RegisteredOn > est {
				from = *u.RegisteredOn
			}
			if _, err := s.DB.Exec(ctx, tx, `INSERT INTO party_org_covers (party_org_id, organization_id, from_on) VALUES (?, ?, ?)`, id, u.ID, from); err != nil {
				return err
			}
		}
		unitIDs := make([]int64, len(units))
		for i, u := range units {
			unitIDs[i] = u.ID
		}
		if err := coverspan.Refresh(ctx, s.DB, tx, unitIDs...); err != nil {
			return err
		}
		// Its compliance slots (a 党小组: its branch's 党小组会 requirement).
		if err := compliancehook.Refresh(ctx, s.DB, tx, id); err != nil {
			return err
		}
		var err error
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "party_org_create", Entity: "party_org", EntityID: fmt.Sprint(id), After: out})
	}()
	return out, err
}

// commonRegion is the deepest town or village that contains every unit ("" if none).
func commonRegion(units []org.Organization) string {
	if len(units) == 0 {
		return ""
	}
	prefix := units[0].RegionCode
	for _, u := range units[1:] {
		for !strings.HasPrefix(u.RegionCode, prefix) {
			prefix = prefix[:len(prefix)-1]
		}
	}
	for _, n := range []int{12, 9, 6, 4, 2} {
		if len(prefix) >= n {
			return prefix[:n]
		}
	}
	return ""
}

// Update renames, moves in the tree or records a new term (换届).
func (s *Service) Update(ctx context.Context, id int64, p Patch) (PartyOrg, error) {
	ctx = store.WithOp(ctx, "partyorg.Update")
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (PartyOrg, error) { return s.updateTx(ctx, tx, id, p) })
}

func (s *Service) updateTx(ctx context.Context, tx *sql.Tx, id int64, p Patch) (out PartyOrg, err error) {
	err = func() error {
		before, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		after := before
		bad := apperr.Invalid()
		if p.Name != nil {
			after.Name = strings.TrimSpace(*p.Name)
			if after.Name == "" || utf8.RuneCountInString(after.Name) > 100 {
				bad.Field("name", "党组织名称不能为空且不能超过 100 个字")
			}
		}
		if p.ParentID != nil {
			if *p.ParentID == id {
				bad.Field("parent_id", "上级党组织不能是自己")
			} else if np, err := s.get(ctx, tx, *p.ParentID); err != nil {
				bad.Field("parent_id", "上级党组织不存在或不在您的管辖范围内")
			} else if np.DissolvedOn != nil {
				bad.Field("parent_id", "上级党组织已撤销")
			} else if cyc, err := s.isDescendant(ctx, tx, *p.ParentID, id); err != nil {
				return err
			} else if cyc {
				bad.Field("parent_id", "上级党组织不能是本组织的下级")
			} else if before.Kind == KindGroup && np.Kind != KindBranch {
				bad.Field("parent_id", "党小组只能设在党支部之下，「"+np.Name+"」是"+name(Kinds(), np.Kind))
			} else if np.Kind == KindGroup {
				bad.Field("parent_id", "党小组「"+np.Name+"」下不能再设立党组织")
			}
			after.ParentID = p.ParentID
		}
		if p.TermStartedOn != nil {
			d, err := parseDate("term_started_on", *p.TermStartedOn)
			if err != nil {
				bad.Field("term_started_on", "本届开始日期格式应为 YYYY-MM-DD")
			} else if d < before.EstablishedOn {
				bad.Field("term_started_on", "本届开始日期不能早于成立日期")
			}
			after.TermStartedOn = d
		}
		if err := bad.OrNil(); err != nil {
			return err
		}
		var parent any
		if after.ParentID != nil {
			parent = *after.ParentID
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE party_orgs SET name = ?, parent_id = ?, term_started_on = ?, updated_at = ? WHERE id = ?`,
			after.Name, parent, after.TermStartedOn, store.FormatTime(s.Now()), id); err != nil {
			return err
		}
		// A move changes the rosters the old and the new parent count (the
		// ≥3 正式党员 rule of 有效覆盖, internal/coverspan).
		if (before.ParentID == nil) != (after.ParentID == nil) || (before.ParentID != nil && after.ParentID != nil && *before.ParentID != *after.ParentID) {
			for _, p := range []*int64{before.ParentID, after.ParentID} {
				if p != nil {
					if err := coverspan.RefreshPartyOrg(ctx, s.DB, tx, *p); err != nil {
						return err
					}
				}
			}
			// A 党小组 moved: both branches' 党小组会 requirement and meetings.
			ids := []int64{id}
			if before.ParentID != nil {
				ids = append(ids, *before.ParentID)
			}
			if err := compliancehook.Refresh(ctx, s.DB, tx, ids...); err != nil {
				return err
			}
		} else if before.Name != after.Name {
			// A rename: the compliance pages sorted by a figure keep the
			// name in their stored sums (internal/meeting/windows.go).
			if err := compliancehook.Refresh(ctx, s.DB, tx, id); err != nil {
				return err
			}
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "party_org_update", Entity: "party_org", EntityID: fmt.Sprint(id), Before: before, After: out})
	}()
	return out, err
}

// isDescendant reports whether candidate lies beneath root in the tree.
func (s *Service) isDescendant(ctx context.Context, q store.Querier, candidate, root int64) (bool, error) {
	for cur, steps := candidate, 0; steps < 1000; steps++ {
		var parent sql.NullInt64
		if err := s.DB.QueryRow(ctx, q, `SELECT parent_id FROM party_orgs WHERE id = ?`, cur).Scan(&parent); err != nil {
			return false, err
		}
		if !parent.Valid {
			return false, nil
		}
		if parent.Int64 == root {
			return true, nil
		}
		cur = parent.Int64
	}
	return true, nil
}

// Dissolve ends a party organization on a day; the units it covered stop
// being covered by it from that day.
func (s *Service) Dissolve(ctx context.Context, id int64, on string) (PartyOrg, error) {
	d, err := parseDate("on", on)
	if err != nil {
		return PartyOrg{}, apperr.InvalidField("on", "撤销日期格式应为 YYYY-MM-DD")
	}
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (PartyOrg, error) { return s.dissolveTx(ctx, tx, id, d) })
}

func (s *Service) dissolveTx(ctx context.Context, tx *sql.Tx, id int64, d string) (out PartyOrg, err error) {
	err = func() error {
		before, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.DissolvedOn != nil {
			return apperr.Conflict("该党组织已于 " + *before.DissolvedOn + " 撤销")
		}
		if d < before.EstablishedOn {
			return apperr.InvalidField("on", "撤销日期不能早于成立日期 "+before.EstablishedOn)
		}
		var active int
		if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM party_orgs WHERE parent_id = ? AND (dissolved_on IS NULL OR dissolved_on > ?)`, id, d).Scan(&active); err != nil {
			return err
		}
		if active > 0 {
			return apperr.Conflict(fmt.Sprintf("该党组织下还有 %d 个未撤销的下级党组织，请先调整其隶属关系或撤销", active))
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE party_orgs SET dissolved_on = ?, updated_at = ? WHERE id = ?`, d, store.FormatTime(s.Now()), id); err != nil {
			return err
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE party_org_covers SET to_on = ? WHERE party_org_id = ? AND (to_on IS NULL OR to_on > ?)`, d, id, d); err != nil {
			return err
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE party_group_members SET to_on = ? WHERE group_id = ? AND (to_on IS NULL OR to_on > ?)`, d, id, d); err != nil {
			return err
		}
		if err := coverspan.RefreshPartyOrg(ctx, s.DB, tx, id); err != nil {
			return err
		}
		// Its slots (a 党小组: its branch's 党小组会 requirement).
		if err := compliancehook.Refresh(ctx, s.DB, tx, id); err != nil {
			return err
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "party_org_dissolve", Entity: "party_org", EntityID: fmt.Sprint(id), Before: before, After: out})
	}()
	return out, err
}

// AddCover makes the party organization cover one more unit from a day (a joint branch taking in a unit).
func (s *Service) AddCover(ctx context.Context, id, orgID int64, fromDay string) (PartyOrg, error) {
	d, err := parseDate("from", fromDay)
	if err != nil {
		return PartyOrg{}, apperr.InvalidField("from", "开始日期格式应为 YYYY-MM-DD")
	}
	out, err := store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (PartyOrg, error) { return s.addCoverTx(ctx, tx, id, orgID, d) })
	if err == nil && p2(out) > MaxJointUnits && out.Formation == FormationJoint {
		out.Warnings = append(out.Warnings, fmt.Sprintf("联合党支部覆盖 %d 个单位，一般不超过 %d 个", p2(out), MaxJointUnits))
	}
	return out, err
}

func (s *Service) addCoverTx(ctx context.Context, tx *sql.Tx, id, orgID int64, d string) (out PartyOrg, err error) {
	err = func() error {
		p, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if p.Kind == KindGroup {
			return apperr.InvalidField("organization_id", "党小组不覆盖单位，单位由所属党支部覆盖")
		}
		if p.Formation == FormationSingle {
			return apperr.InvalidField("organization_id", "单独组建的党组织只覆盖本单位")
		}
		if p.DissolvedOn != nil {
			return apperr.Conflict("该党组织已撤销")
		}
		if d < p.EstablishedOn {
			return apperr.InvalidField("from", "开始日期不能早于党组织成立日期")
		}
		o, err := s.Orgs.Get(ctx, orgID)
		if err != nil {
			return apperr.InvalidField("organization_id", "两新组织不存在或不在您的管辖范围内")
		}
		if o.ClosedOn != nil && *o.ClosedOn <= d {
			return apperr.InvalidField("organization_id", "「"+o.Name+"」已于 "+*o.ClosedOn+" 注销")
		}
		if o.RegisteredOn != nil && *o.RegisteredOn > d {
			return apperr.InvalidField("from", "「"+o.Name+"」成立于 "+*o.RegisteredOn+"，开始日期不能早于此")
		}
		for _, c := range p.Covers {
			if c.OrganizationID == orgID && (c.To == nil || *c.To > d) {
				return apperr.Conflict("「" + o.Name + "」已在该党组织覆盖范围内")
			}
		}
		if _, err := s.DB.Exec(ctx, tx, `INSERT INTO party_org_covers (party_org_id, organization_id, from_on) VALUES (?, ?, ?)`, id, orgID, d); err != nil {
			return err
		}
		// The new unit's declared 正式党员 count in the party organization's
		// validity, so every unit it covers is refreshed.
		if err := coverspan.RefreshPartyOrg(ctx, s.DB, tx, id); err != nil {
			return err
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "party_org_update", Entity: "party_org", EntityID: fmt.Sprint(id),
			Note: fmt.Sprintf("自 %s 起覆盖「%s」", d, o.Name)})
	}()
	return out, err
}

// p2 counts the units covered today.
func p2(p PartyOrg) int {
	n := 0
	for _, c := range p.Covers {
		if c.To == nil {
			n++
		}
	}
	return n
}

// EndCover stops covering a unit from a day.
func (s *Service) EndCover(ctx context.Context, id, coverID int64, on string) (PartyOrg, error) {
	d, err := parseDate("on", on)
	if err != nil {
		return PartyOrg{}, apperr.InvalidField("on", "结束日期格式应为 YYYY-MM-DD")
	}
	var out PartyOrg
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		p, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		var found *Cover
		for i := range p.Covers {
			if p.Covers[i].ID == coverID {
				found = &p.Covers[i]
			}
		}
		if found == nil {
			return apperr.NotFound("覆盖记录")
		}
		if found.To != nil {
			return apperr.Conflict("该覆盖记录已于 " + *found.To + " 结束")
		}
		if d < found.From {
			return apperr.InvalidField("on", "结束日期不能早于开始日期 "+found.From)
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE party_org_covers SET to_on = ? WHERE id = ?`, d, coverID); err != nil {
			return err
		}
		if err := coverspan.Refresh(ctx, s.DB, tx, found.OrganizationID); err != nil {
			return err
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "party_org_update", Entity: "party_org", EntityID: fmt.Sprint(id),
			Note: fmt.Sprintf("自 %s 起不再覆盖「%s」", d, found.OrganizationName)})
	})
	return out, err
}

// Filter selects party organizations.
type Filter struct {
	Q          string
	Kind       string
	Formation  string
	RegionCode string
	ParentID   *int64
	Status     string // active | dissolved
	Page       int
	PageSize   int
}

// List returns one page of party organizations.
func (s *Service) List(ctx context.Context, f Filter) ([]PartyOrg, store.Total, error) {
	ctx = store.WithOp(ctx, "partyorg.List")
	cond, args, err := store.ScopeFilter(ctx, "p.region_code")
	if err != nil {
		return nil, store.Total{}, err
	}
	sub, subArgs := store.PartyOrgSubtreeFilter(ctx, "p.id")
	where := " WHERE " + cond + " AND " + sub
	args = append(args, subArgs...)
	bad := apperr.Invalid()
	if q := strings.TrimSpace(f.Q); q != "" {
		where += ` AND p.name LIKE ? ESCAPE '\'`
		args = append(args, "%"+store.LikeEscape(q)+"%")
	}
	if f.Kind != "" {
		if name(Kinds(), f.Kind) == "" {
			bad.Field("kind", "组织类别无效")
		}
		where += " AND p.kind = ?"
		args = append(args, f.Kind)
	}
	if f.Formation != "" {
		if name(Formations(), f.Formation) == "" {
			bad.Field("formation", "组建方式无效")
		}
		where += " AND p.formation = ?"
		args = append(args, f.Formation)
	}
	if f.RegionCode != "" {
		rc, ra := store.PrefixRange("p.region_code", f.RegionCode)
		where, args = where+" AND "+rc, append(args, ra...)
	}
	if f.ParentID != nil {
		where += " AND p.parent_id = ?"
		args = append(args, *f.ParentID)
	}
	switch f.Status {
	case "":
	case StatusActive:
		where += " AND (p.dissolved_on IS NULL OR p.dissolved_on > ?)"
		args = append(args, s.today())
	case StatusDissolved:
		where += " AND p.dissolved_on <= ?"
		args = append(args, s.today())
	default:
		bad.Field("status", "状态应为 active（存续）或 dissolved（已撤销）")
	}
	if err := bad.OrNil(); err != nil {
		return nil, store.Total{}, err
	}
	out, total, err := store.List(ctx, s.DB, store.ListQuery{Cols: cols, From: strings.TrimSpace(from), CountFrom: "FROM party_orgs p",
		Cond: strings.TrimPrefix(where, " WHERE "), Args: args, Order: "p.id"}, store.PageOf(f.Page, f.PageSize, 500), scan)
	if err != nil {
		return nil, store.Total{}, err
	}
	return out, total, s.loadCovers(ctx, s.DB, out)
}

// Renewal is a party organization whose term ends soon or has ended.
type Renewal struct {
	PartyOrg
	DaysLeft int  `json:"days_left"`
	Overdue  bool `json:"overdue"`
}

// Renewals lists active party organizations whose 换届 falls due within the
// given days of today, or is overdue, soonest first. A 党小组 elects no
// committee and has no term to renew (domain.md §2: terms are those of
// 支部/总支/党委), so it is never listed. It runs two queries
// whatever the number of party organizations: the party organizations whose
// term may be due (a bound per kind on the term's start, checked exactly in
// Go), then their covers.
func (s *Service) Renewals(ctx context.Context, withinDays int) ([]Renewal, error) {
	if withinDays < 0 || withinDays > 3650 {
		return nil, apperr.InvalidField("within_days", "天数应为 0–3650")
	}
	cond, args, err := store.ScopeFilter(ctx, "p.region_code")
	if err != nil {
		return nil, err
	}
	sub, subArgs := store.PartyOrgSubtreeFilter(ctx, "p.id")
	todayS := s.today()
	today, _ := civil.Read(todayS)
	limit := today.AddDate(0, 0, withinDays)
	where := " WHERE " + cond + " AND " + sub + " AND p.kind <> ? AND (p.dissolved_on IS NULL OR p.dissolved_on > ?) AND ("
	args = append(append(args, subArgs...), KindGroup, todayS)
	// A term due on or before limit started on or before limit minus its
	// years; two days of slack cover AddDate's normalisation of 29 February.
	var kinds []any
	for _, k := range Kinds() {
		where += "(p.kind = ? AND COALESCE(p.term_started_on, p.established_on) <= ?) OR "
		args = append(args, k.Code, limit.AddDate(-TermYears(k.Code), 0, 2).Format(civil.Layout))
		kinds = append(kinds, k.Code)
	}
	where += "p.kind NOT IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(kinds)), ", ") + "))"
	args = append(args, kinds...)
	rows, err := s.DB.Query(ctx, s.DB, `SELECT `+cols+from+where+` ORDER BY p.id`, args...)
	if err != nil {
		return nil, err
	}
	var list []Renewal
	for rows.Next() {
		p, err := scan(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		d, err := civil.Read(p.TermDueOn)
		if err != nil {
			continue
		}
		if days := int(d.Sub(today).Hours() / 24); days <= withinDays {
			list = append(list, Renewal{PartyOrg: p, DaysLeft: days, Overdue: days < 0})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Covers of the listed party organizations, in one query over the same condition.
	ps := make([]PartyOrg, len(list))
	for i := range list {
		ps[i] = list[i].PartyOrg
	}
	if err := s.loadCoversIn(ctx, s.DB, ps, "SELECT p.id FROM party_orgs p"+where, args); err != nil {
		return nil, err
	}
	out := []Renewal{}
	for i := range list {
		list[i].PartyOrg = ps[i]
		out = append(out, list[i])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].DaysLeft < out[j].DaysLeft })
	return out, nil
}

// TreeNode is a party organization with its children.
type TreeNode struct {
	ID            int64      `json:"id"`
	Name          string     `json:"name"`
	Kind          string     `json:"kind"`
	KindName      string     `json:"kind_name"`
	Formation     string     `json:"formation"`
	FormationName string     `json:"formation_name"`
	Units         int        `json:"units"`
	Children      []TreeNode `json:"children"`
}

// Tree returns the active party organizations of the caller's scope as a
// forest: roots are those whose parent is absent or outside the scope.
func (s *Service) Tree(ctx context.Context) ([]TreeNode, error) {
	cond, args, err := store.ScopeFilter(ctx, "p.region_code")
	if err != nil {
		return nil, err
	}
	today := s.today()
	rows, err := s.DB.Query(ctx, s.DB, `SELECT p.id, p.name, p.kind, p.formation, p.parent_id,
		(SELECT COUNT(*) FROM party_org_covers c WHERE c.party_org_id = p.id AND c.from_on <= ? AND (c.to_on IS NULL OR c.to_on > ?))
		FROM party_orgs p WHERE `+cond+` AND (p.dissolved_on IS NULL OR p.dissolved_on > ?) ORDER BY p.id`,
		append(append([]any{today, today}, args...), today)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type item struct {
		node   TreeNode
		parent int64
	}
	var items []item
	byID := map[int64]int{}
	for rows.Next() {
		var it item
		var parent sql.NullInt64
		if err := rows.Scan(&it.node.ID, &it.node.Name, &it.node.Kind, &it.node.Formation, &parent, &it.node.Units); err != nil {
			return nil, err
		}
		it.node.KindName, it.node.FormationName = name(Kinds(), it.node.Kind), name(Formations(), it.node.Formation)
		it.node.Children = []TreeNode{}
		it.parent = parent.Int64
		byID[it.node.ID] = len(items)
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	children := map[int64][]int64{}
	var roots []int64
	for _, it := range items {
		if _, ok := byID[it.parent]; ok && it.parent != 0 {
			children[it.parent] = append(children[it.parent], it.node.ID)
		} else {
			roots = append(roots, it.node.ID)
		}
	}
	var build func(id int64, depth int) TreeNode
	build = func(id int64, depth int) TreeNode {
		n := items[byID[id]].node
		if depth < 20 {
			for _, c := range children[id] {
				n.Children = append(n.Children, build(c, depth+1))
			}
		}
		return n
	}
	out := []TreeNode{}
	for _, r := range roots {
		out = append(out, build(r, 0))
	}
	return out, nil
}

// PartyOrgScope returns the region code and name of an existing party
// organization that is not dissolved, for binding a user to it.
func (s *Service) PartyOrgScope(ctx context.Context, id int64) (string, string, error) {
	p, err := s.Get(ctx, id)
	if err != nil {
		return "", "", err
	}
	if p.DissolvedOn != nil && *p.DissolvedOn <= s.today() {
		return "", "", apperr.NotFound("党组织")
	}
	return p.RegionCode, p.Name, nil
}
