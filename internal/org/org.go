package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/civil"
	"liangxin/internal/coverspan"
	"liangxin/internal/region"
	"liangxin/internal/store"
	"liangxin/internal/uscc"
)

// Organization is one 两新组织 of the ledger.
type Organization struct {
	ID                  int64    `json:"id"`
	Name                string   `json:"name"`
	USCC                string   `json:"uscc"`
	Category            string   `json:"category"`
	CategoryName        string   `json:"category_name"`
	Sector              string   `json:"sector"`
	RegionCode          string   `json:"region_code"`
	RegionName          string   `json:"region_name"`
	AreaCodes           []string `json:"area_codes"`
	Industry            string   `json:"industry"`
	Employees           int      `json:"employees"`
	AboveScale          bool     `json:"above_scale"`
	FullMembers         int      `json:"full_members"`
	ProbationaryMembers int      `json:"probationary_members"`
	OwnerIsMember       bool     `json:"owner_is_member"`
	HasCharter          bool     `json:"has_charter"`
	CharterHasParty     bool     `json:"charter_has_party"`
	// 党统 fields (domain.md §11): Ownership is one of Ownerships (私有经济控制
	// … 外商独资, '' unknown), enterprises only; StaffOnPost (在岗职工) and
	// StaffMembers (其中党员); LegalRepMember (法定代表人是党员) and
	// LegalRepSecretary (兼任党组织书记); IntermediaryKind (律师/会计师/税务师
	// 事务所) for 中介服务组织 only.
	Ownership         string    `json:"ownership"`
	StaffOnPost       int       `json:"staff_on_post"`
	StaffMembers      int       `json:"staff_members"`
	LegalRepMember    bool      `json:"legal_rep_member"`
	LegalRepSecretary bool      `json:"legal_rep_secretary"`
	IntermediaryKind  string    `json:"intermediary_kind"`
	Tags              []string  `json:"tags"`
	RegisteredOn      *string   `json:"registered_on"`
	ClosedOn          *string   `json:"closed_on"`
	NoOrgReason       string    `json:"no_org_reason"`
	PlannedOn         *string   `json:"planned_on"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
}

// Input creates or changes an organization; nil fields are absent (on update: unchanged).
type Input struct {
	Name                *string   `json:"name"`
	USCC                *string   `json:"uscc"`
	Category            *string   `json:"category"`
	RegionCode          *string   `json:"region_code"`
	AreaCodes           *[]string `json:"area_codes"`
	Industry            *string   `json:"industry"`
	Employees           *int      `json:"employees"`
	AboveScale          *bool     `json:"above_scale"`
	FullMembers         *int      `json:"full_members"`
	ProbationaryMembers *int      `json:"probationary_members"`
	OwnerIsMember       *bool     `json:"owner_is_member"`
	HasCharter          *bool     `json:"has_charter"`
	CharterHasParty     *bool     `json:"charter_has_party"`
	Ownership           *string   `json:"ownership"`
	StaffOnPost         *int      `json:"staff_on_post"`
	StaffMembers        *int      `json:"staff_members"`
	LegalRepMember      *bool     `json:"legal_rep_member"`
	LegalRepSecretary   *bool     `json:"legal_rep_secretary"`
	IntermediaryKind    *string   `json:"intermediary_kind"`
	Tags                *[]string `json:"tags"`
	RegisteredOn        *string   `json:"registered_on"`
	ClosedOn            *string   `json:"closed_on"`
	NoOrgReason         *string   `json:"no_org_reason"`
	PlannedOn           *string   `json:"planned_on"`
}

// Service manages the ledger.
type Service struct {
	DB      *store.DB
	Audit   *audit.Logger
	Regions *region.Service
	Now     func() time.Time
	// NoStaging makes the spreadsheet import on SQLite write in one
	// transaction instead of staging (tests and the benchmark's "before").
	NoStaging bool
}

const cols = `o.id, o.name, COALESCE(o.uscc, ''), o.category, o.region_code, COALESCE(r.name, ''), o.industry, o.employees,
	o.above_scale, o.full_members, o.probationary_members, o.owner_is_member, o.has_charter, o.charter_has_party, o.tags,
	o.registered_on, o.closed_on, o.no_org_reason, o.planned_on, o.created_at, o.updated_at,
	o.ownership, o.staff_on_post, o.staff_members, o.legal_rep_member, o.legal_rep_secretary, o.intermediary_kind`

const from = ` FROM organizations o LEFT JOIN regions r ON r.code = o.region_code`

func scan(row interface{ Scan(...any) error }) (Organization, error) {
	var o Organization
	var tags, created, updated string
	var reg, closed, planned sql.NullString
	err := row.Scan(&o.ID, &o.Name, &o.USCC, &o.Category, &o.RegionCode, &o.RegionName, &o.Industry, &o.Employees,
		&o.AboveScale, &o.FullMembers, &o.ProbationaryMembers, &o.OwnerIsMember, &o.HasCharter, &o.CharterHasParty, &tags,
		&reg, &closed, &o.NoOrgReason, &planned, &created, &updated,
		&o.Ownership, &o.StaffOnPost, &o.StaffMembers, &o.LegalRepMember, &o.LegalRepSecretary, &o.IntermediaryKind)
	if err != nil {
		return o, err
	}
	if c, ok := CategoryByCode(o.Category); ok {
		o.CategoryName, o.Sector = c.Name, c.Sector
	}
	o.Tags = splitTags(tags)
	o.RegisteredOn, o.ClosedOn, o.PlannedOn = nullDate(reg), nullDate(closed), nullDate(planned)
	o.CreatedAt, _ = store.ParseTime(created)
	o.UpdatedAt, _ = store.ParseTime(updated)
	o.AreaCodes = []string{}
	return o, nil
}

func nullDate(s sql.NullString) *string {
	if !s.Valid || s.String == "" {
		return nil
	}
	v := s.String
	return &v
}

func splitTags(s string) []string {
	out := []string{}
	for _, t := range strings.Split(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

func (s *Service) loadAreas(ctx context.Context, q store.Querier, os []Organization) error {
	if len(os) == 0 {
		return nil
	}
	idx := map[int64]int{}
	ph := make([]string, len(os))
	args := make([]any, len(os))
	for i, o := range os {
		idx[o.ID] = i
		ph[i] = "?"
		args[i] = o.ID
	}
	rows, err := s.DB.Query(ctx, q, `SELECT organization_id, area_code FROM organization_areas WHERE organization_id IN (`+strings.Join(ph, ",")+`) ORDER BY area_code`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			return err
		}
		os[idx[id]].AreaCodes = append(os[idx[id]].AreaCodes, code)
	}
	return rows.Err()
}

// Get returns one organization inside the caller's scope (404 otherwise).
func (s *Service) Get(ctx context.Context, id int64) (Organization, error) {
	ctx = store.WithOp(ctx, "org.Get")
	return s.get(ctx, s.DB, id)
}

func (s *Service) get(ctx context.Context, q store.Querier, id int64) (Organization, error) {
	cond, args, err := store.ScopeFilter(ctx, "o.region_code")
	if err != nil {
		return Organization{}, err
	}
	o, err := scan(s.DB.QueryRow(ctx, q, `SELECT `+cols+from+` WHERE o.id = ? AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return o, apperr.NotFound("两新组织")
	}
	if err != nil {
		return o, err
	}
	list := []Organization{o}
	if err := s.loadAreas(ctx, q, list); err != nil {
		return o, err
	}
	return list[0], nil
}

// apply validates in over base and returns the record to write.
// regionCacheKey holds, in a bulk write's context, the regions already looked up.
type regionCacheKey struct{}

type regionResult struct {
	r   region.Region
	err error
}

// region is Regions.Get, remembered for the length of a bulk write (whose
// rows name the same few streets again and again).
func (s *Service) region(ctx context.Context, code string) (region.Region, error) {
	cache, _ := ctx.Value(regionCacheKey{}).(map[string]regionResult)
	if cache == nil {
		return s.Regions.Get(ctx, code)
	}
	if hit, ok := cache[code]; ok {
		return hit.r, hit.err
	}
	r, err := s.Regions.Get(ctx, code)
	cache[code] = regionResult{r, err}
	return r, err
}

func (s *Service) apply(ctx context.Context, base Organization, in Input) (Organization, error) {
	o := base
	bad := apperr.Invalid()
	if in.Name != nil {
		// Chinese names take full-width brackets; spreadsheets mix both forms.
		o.Name = fullWidthParens.Replace(strings.Join(strings.Fields(*in.Name), " "))
	}
	if o.Name == "" {
		bad.Field("name", "请填写单位名称")
	} else if utf8.RuneCountInString(o.Name) > 100 {
		bad.Field("name", "单位名称不能超过 100 个字")
	}
	if in.Category != nil {
		o.Category = strings.TrimSpace(*in.Category)
	}
	cat, ok := CategoryByCode(o.Category)
	if !ok {
		bad.Field("category", "单位类别无效")
	}
	o.CategoryName, o.Sector = cat.Name, cat.Sector
	if in.USCC != nil {
		o.USCC = uscc.Normalize(*in.USCC)
	}
	switch {
	case o.USCC != "":
		if err := uscc.Validate(o.USCC); err != nil {
			bad.Field("uscc", err.Error())
		}
	case ok && o.Category != "individual_business":
		bad.Field("uscc", "请填写统一社会信用代码（只有个体工商户可以不填）")
	}
	if in.RegionCode != nil {
		o.RegionCode = strings.TrimSpace(*in.RegionCode)
	}
	if o.RegionCode == "" {
		bad.Field("region_code", "请选择所属区划")
	} else if rg, err := s.region(ctx, o.RegionCode); err != nil {
		bad.Field("region_code", "所属区划不存在或不在您的管辖范围内")
	} else if rg.Level != "town" && rg.Level != "village" {
		bad.Field("region_code", "所属区划应为街道（乡镇）或社区（村）；商圈、楼宇等请填在片区中")
	} else {
		o.RegionCode, o.RegionName = rg.Code, rg.Name
	}
	if in.AreaCodes != nil {
		o.AreaCodes = []string{}
		seen := map[string]bool{}
		for _, c := range *in.AreaCodes {
			c = strings.TrimSpace(c)
			if c == "" || seen[c] {
				continue
			}
			seen[c] = true
			rg, err := s.region(ctx, c)
			switch {
			case err != nil:
				bad.Field("area_codes", "片区 "+c+" 不存在或不在您的管辖范围内")
			case rg.Level != "area":
				bad.Field("area_codes", c+" 不是片区（商圈、楼宇、园区、网格）")
			case len(o.RegionCode) >= 9 && !strings.HasPrefix(rg.Code, o.RegionCode[:9]):
				bad.Field("area_codes", "片区「"+rg.Name+"」不在该单位所属的街道（乡镇）内")
			default:
				o.AreaCodes = append(o.AreaCodes, rg.Code)
			}
		}
	}
	if in.Industry != nil {
		v := strings.TrimSpace(*in.Industry)
		if v == "" {
			o.Industry = ""
		} else if ind, ok := IndustryByCodeOrName(v); ok {
			o.Industry = ind.Code
		} else {
			bad.Field("industry", "行业门类应为 GB/T 4754 的门类字母 A–T")
		}
	}
	nonNeg := func(field, label string, p *int, dst *int) {
		if p == nil {
			return
		}
		if *p < 0 || *p > 10_000_000 {
			bad.Field(field, label+"应为 0 至 10000000 之间的整数")
			return
		}
		*dst = *p
	}
	nonNeg("employees", "从业人员数", in.Employees, &o.Employees)
	nonNeg("full_members", "正式党员数", in.FullMembers, &o.FullMembers)
	nonNeg("probationary_members", "预备党员数", in.ProbationaryMembers, &o.ProbationaryMembers)
	if o.Employees > 0 && o.FullMembers+o.ProbationaryMembers > o.Employees {
		bad.Field("full_members", "正式党员与预备党员之和不能超过从业人员数")
	}
	nonNeg("staff_on_post", "在岗职工数", in.StaffOnPost, &o.StaffOnPost)
	nonNeg("staff_members", "在岗职工中的党员数", in.StaffMembers, &o.StaffMembers)
	for _, b := range []struct {
		p   *bool
		dst *bool
	}{{in.AboveScale, &o.AboveScale}, {in.OwnerIsMember, &o.OwnerIsMember}, {in.HasCharter, &o.HasCharter}, {in.CharterHasParty, &o.CharterHasParty},
		{in.LegalRepMember, &o.LegalRepMember}, {in.LegalRepSecretary, &o.LegalRepSecretary}} {
		if b.p != nil {
			*b.dst = *b.p
		}
	}
	if o.CharterHasParty && !o.HasCharter {
		bad.Field("charter_has_party", "没有章程的单位不能“党建入章”")
	}
	applyDangtong(bad, &o, in)
	if in.Tags != nil {
		o.Tags = []string{}
		for _, t := range *in.Tags {
			t = strings.TrimSpace(strings.ReplaceAll(t, ",", ""))
			if t == "" {
				continue
			}
			if utf8.RuneCountInString(t) > 20 {
				bad.Field("tags", "每个标签不能超过 20 个字")
			}
			o.Tags = append(o.Tags, t)
		}
		if len(o.Tags) > 10 {
			bad.Field("tags", "标签不能超过 10 个")
		}
	}
	date := func(field string, p *string, dst **string) {
		if p == nil {
			return
		}
		if strings.TrimSpace(*p) == "" {
			*dst = nil
			return
		}
		d, err := civil.Day(field, *p)
		if err != nil {
			bad.Field(field, civil.Message(err, field))
			return
		}
		*dst = &d
	}
	date("registered_on", in.RegisteredOn, &o.RegisteredOn)
	date("closed_on", in.ClosedOn, &o.ClosedOn)
	date("planned_on", in.PlannedOn, &o.PlannedOn)
	if o.RegisteredOn != nil && o.ClosedOn != nil && *o.ClosedOn < *o.RegisteredOn {
		bad.Field("closed_on", "注销（吊销）日期不能早于成立日期")
	}
	if in.NoOrgReason != nil {
		o.NoOrgReason = strings.TrimSpace(*in.NoOrgReason)
		if utf8.RuneCountInString(o.NoOrgReason) > 200 {
			bad.Field("no_org_reason", "未建原因不能超过 200 个字")
		}
	}
	return o, bad.OrNil()
}

func nullable(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

func usccValue(o Organization) any {
	if o.USCC == "" {
		return nil
	}
	return o.USCC
}

func (s *Service) conflict(err error, o Organization) error {
	if !store.IsUniqueViolation(err) {
		return err
	}
	if o.USCC != "" {
		return apperr.Conflict("统一社会信用代码 "+o.USCC+" 已登记").Field("uscc", "该统一社会信用代码已登记")
	}
	return apperr.Conflict("本区划内已有同名的无代码单位「"+o.Name+"」").Field("name", "本区划内已有同名的无代码单位")
}

func (s *Service) writeAreas(ctx context.Context, tx store.Querier, o Organization) error {
	if _, err := s.DB.Exec(ctx, tx, `DELETE FROM organization_areas WHERE organization_id = ?`, o.ID); err != nil {
		return err
	}
	for _, c := range o.AreaCodes {
		if _, err := s.DB.Exec(ctx, tx, `INSERT INTO organization_areas (organization_id, area_code) VALUES (?, ?)`, o.ID, c); err != nil {
			return err
		}
	}
	return nil
}

// Create adds an organization.
func (s *Service) Create(ctx context.Context, in Input) (Organization, error) {
	ctx = store.WithOp(ctx, "org.Create")
	o, err := s.apply(ctx, Organization{AreaCodes: []string{}, Tags: []string{}}, in)
	if err != nil {
		return o, err
	}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.insert(ctx, tx, &o, func(ctx context.Context, e audit.Entry) error { return s.Audit.Record(ctx, tx, e) }); err != nil {
			return err
		}
		// The coverage counts count it from its registration day.
		return coverspan.Refresh(ctx, s.DB, tx, o.ID)
	})
	return o, err
}

// insert writes a new organization; rec writes its audit entry (at once,
// or queued by a bulk write).
func (s *Service) insert(ctx context.Context, tx store.Querier, o *Organization, rec func(context.Context, audit.Entry) error) error {
	now := s.Now()
	err := s.DB.QueryRow(ctx, tx, `INSERT INTO organizations (name, uscc, category, region_code, industry, employees, above_scale,
		full_members, probationary_members, owner_is_member, has_charter, charter_has_party, tags, registered_on, closed_on,
		no_org_reason, planned_on, created_at, updated_at, ownership, staff_on_post, staff_members, legal_rep_member, legal_rep_secretary,
		intermediary_kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		o.Name, usccValue(*o), o.Category, o.RegionCode, o.Industry, o.Employees, o.AboveScale, o.FullMembers, o.ProbationaryMembers,
		o.OwnerIsMember, o.HasCharter, o.CharterHasParty, strings.Join(o.Tags, ","), nullable(o.RegisteredOn), nullable(o.ClosedOn),
		o.NoOrgReason, nullable(o.PlannedOn), store.FormatTime(now), store.FormatTime(now),
		o.Ownership, o.StaffOnPost, o.StaffMembers, o.LegalRepMember, o.LegalRepSecretary, o.IntermediaryKind).Scan(&o.ID)
	if err != nil {
		return s.conflict(err, *o)
	}
	o.CreatedAt, o.UpdatedAt = now.UTC().Truncate(time.Microsecond), now.UTC().Truncate(time.Microsecond)
	for _, c := range o.AreaCodes { // a new row has no areas to replace
		if _, err := s.DB.Exec(ctx, tx, `INSERT INTO organization_areas (organization_id, area_code) VALUES (?, ?)`, o.ID, c); err != nil {
			return err
		}
	}
	return rec(ctx, audit.Entry{Action: "organization_create", Entity: "organization", EntityID: fmt.Sprint(o.ID), After: *o})
}

// Update changes an organization inside the caller's scope.
func (s *Service) Update(ctx context.Context, id int64, in Input) (Organization, error) {
	ctx = store.WithOp(ctx, "org.Update")
	var out Organization
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		o, err := s.apply(ctx, before, in)
		if err != nil {
			return err
		}
		if err := s.update(ctx, tx, before, o); err != nil {
			return err
		}
		out = o
		return nil
	})
	return out, err
}

func (s *Service) update(ctx context.Context, tx store.Querier, before, o Organization) error {
	return s.updateRec(ctx, tx, before, o, func(ctx context.Context, e audit.Entry) error { return s.Audit.Record(ctx, tx, e) })
}

// updateRec is update with its audit entry given to rec: a bulk write
// passes its buffer, so that an organization's update is recorded after its
// creation earlier in the same write (whose entry waits in that buffer).
func (s *Service) updateRec(ctx context.Context, tx store.Querier, before, o Organization, rec func(context.Context, audit.Entry) error) error {
	now := s.Now()
	_, err := s.DB.Exec(ctx, tx, `UPDATE organizations SET name = ?, uscc = ?, category = ?, region_code = ?, industry = ?, employees = ?,
		above_scale = ?, full_members = ?, probationary_members = ?, owner_is_member = ?, has_charter = ?, charter_has_party = ?, tags = ?,
		registered_on = ?, closed_on = ?, no_org_reason = ?, planned_on = ?, updated_at = ?, ownership = ?, staff_on_post = ?,
		staff_members = ?, legal_rep_member = ?, legal_rep_secretary = ?, intermediary_kind = ? WHERE id = ?`,
		o.Name, usccValue(o), o.Category, o.RegionCode, o.Industry, o.Employees, o.AboveScale, o.FullMembers, o.ProbationaryMembers,
		o.OwnerIsMember, o.HasCharter, o.CharterHasParty, strings.Join(o.Tags, ","), nullable(o.RegisteredOn), nullable(o.ClosedOn),
		o.NoOrgReason, nullable(o.PlannedOn), store.FormatTime(now),
		o.Ownership, o.StaffOnPost, o.StaffMembers, o.LegalRepMember, o.LegalRepSecretary, o.IntermediaryKind, o.ID)
	if err != nil {
		return s.conflict(err, o)
	}
	if err := s.writeAreas(ctx, tx, o); err != nil {
		return err
	}
	if before.FullMembers != o.FullMembers {
		// The declared 正式党员 count in the validity of every party
		// organization covering it, so its peers' spans change too.
		if err := coverspan.RefreshPeers(ctx, s.DB, tx, o.ID); err != nil {
			return err
		}
	} else if spanFieldsChanged(before, o) {
		if err := coverspan.Refresh(ctx, s.DB, tx, o.ID); err != nil {
			return err
		}
	}
	return rec(ctx, audit.Entry{Action: "organization_update", Entity: "organization", EntityID: fmt.Sprint(o.ID), Before: before, After: o})
}

// spanFieldsChanged tells whether an update changes what the organization's
// coverage spans copy or are clipped to, or what the coverage counts count
// (internal/coverspan).
func spanFieldsChanged(a, b Organization) bool {
	return a.RegionCode != b.RegionCode || a.Category != b.Category || a.Industry != b.Industry ||
		a.AboveScale != b.AboveScale || a.Employees != b.Employees || a.HasCharter != b.HasCharter || a.CharterHasParty != b.CharterHasParty ||
		str(a.RegisteredOn) != str(b.RegisteredOn) || str(a.ClosedOn) != str(b.ClosedOn)
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// Delete removes an organization entered by mistake. One with party
// organization or instructor links must be closed (注销) instead, so its history stays.
func (s *Service) Delete(ctx context.Context, id int64) error {
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		var links int
		if err := s.DB.QueryRow(ctx, tx, `SELECT (SELECT COUNT(*) FROM party_org_covers WHERE organization_id = ?) +
			(SELECT COUNT(*) FROM instructor_assignments WHERE organization_id = ?)`, id, id).Scan(&links); err != nil {
			return err
		}
		if links > 0 {
			return apperr.Conflict("该单位已有党组织覆盖或指导员联系记录，不能删除；如已注销或吊销，请填写注销日期")
		}
		if _, err := s.DB.Exec(ctx, tx, `DELETE FROM organizations WHERE id = ?`, id); err != nil {
			return err
		}
		if err := coverspan.Refresh(ctx, s.DB, tx, id); err != nil { // uncount it
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "organization_delete", Entity: "organization", EntityID: fmt.Sprint(id), Before: before})
	})
}

// fullWidthParens turns half-width parentheses in a name into full-width
// ones (built once: a Replacer builds its table on first use, which cost
// the import about 3% of its CPU when it was made per row).
var fullWidthParens = strings.NewReplacer("(", "（", ")", "）")
