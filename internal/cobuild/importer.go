package cobuild

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"

	"liangxin/internal/sheetimport"
	"liangxin/internal/store"
	"liangxin/internal/xlsx"
)

// ImportResult counts what an import wrote.
type ImportResult = sheetimport.Result

// lookups runs the reads a row's mapping needs (outside the import's
// transaction, which the file's own rows do not change). A refusal goes
// on the row's cells; the first other failure is kept in err: it ends the
// import (write returns it, and Import returns it in place of Run's
// outcome).
type lookups struct {
	err      error
	fields   map[string]string
	fallback string
}

// refused records err on c; it reports whether the row's checks may go on.
func (l *lookups) refused(c *sheetimport.Cells, err error) bool {
	if err == nil {
		return true
	}
	if e := c.Refused(err, l.fields, l.fallback); e != nil && l.err == nil {
		l.err = e
	}
	return false
}

// run ends Import: the kept failure, if any, replaces Run's outcome.
func (l *lookups) run(res sheetimport.Result, errs []xlsx.CellError, err error) (ImportResult, []xlsx.CellError, error) {
	if l.err != nil && err == nil {
		return ImportResult{Rows: res.Rows}, nil, l.err
	}
	return res, errs, err
}

// write writes one row in a savepoint, so that a refused row leaves
// nothing behind while the rest of the file is still checked; create
// reports whether it created the row's record (false: already there).
func (s *Service) write(ctx context.Context, tx *sql.Tx, l *lookups, c *sheetimport.Cells, create func() (bool, error)) (sheetimport.Result, error) {
	if l.err != nil {
		return sheetimport.Nothing, l.err
	}
	if _, err := s.DB.Exec(ctx, tx, `SAVEPOINT cobuild_row`); err != nil {
		return sheetimport.Nothing, err
	}
	created, err := create()
	if err != nil {
		if err := c.Refused(err, l.fields, l.fallback); err != nil {
			return sheetimport.Nothing, err
		}
	}
	if !c.OK() {
		_, err := s.DB.Exec(ctx, tx, `ROLLBACK TO SAVEPOINT cobuild_row`)
		return sheetimport.Nothing, err
	}
	if _, err := s.DB.Exec(ctx, tx, `RELEASE SAVEPOINT cobuild_row`); err != nil {
		return sheetimport.Nothing, err
	}
	if created {
		return sheetimport.Created, nil
	}
	return sheetimport.Unchanged, nil
}

func (s *Service) env() sheetimport.Env { return sheetimport.Env{DB: s.DB, Audit: s.Audit} }

func byName(opts []Option) map[string]string {
	m := map[string]string{}
	for _, o := range opts {
		m[o.Name], m[o.Code] = o.Code, o.Code
	}
	return m
}

// Unit import columns.
const (
	ColUnitName    = "单位名称"
	ColUnitKind    = "单位类别"
	ColUnitRegion  = "所在区域代码"
	ColUnitAddress = "地址"
	ColUnitParty   = "单位党组织"
	ColUnitContact = "联系人"
	ColUnitPhone   = "联系电话"
)

var unitSheet = sheetimport.Sheet{
	Name: "共建单位",
	Columns: []sheetimport.Column{
		{Header: ColUnitName, Synonyms: []string{"名称", "共建单位"}, Required: true, Width: 30},
		{Header: ColUnitKind, Synonyms: []string{"类别", "单位性质"}, Required: true, Width: 12},
		{Header: ColUnitRegion, Synonyms: []string{"区域代码", "行政区划代码"}, Required: true, Width: 16},
		{Header: ColUnitAddress, Width: 30},
		{Header: ColUnitParty, Synonyms: []string{"党组织", "党组织名称"}, Width: 30},
		{Header: ColUnitContact, Width: 10},
		{Header: ColUnitPhone, Synonyms: []string{"联系人电话"}, Width: 16},
	},
	AuditAction: "cobuild_unit_import",
	AuditNote: func(r sheetimport.Result) string {
		return fmt.Sprintf("导入共建单位 %d 行：新增 %d，已存在 %d", r.Rows, r.Created, r.Unchanged)
	},
	AuditEntity: "cobuild_unit",
}

var unitFields = map[string]string{"name": ColUnitName, "kind": ColUnitKind, "region_code": ColUnitRegion, "address": ColUnitAddress, "org_id": ColUnitName,
	"party_org_id": ColUnitParty, "party_org_name": ColUnitParty, "contact_name": ColUnitContact, "contact_phone": ColUnitPhone}

// UnitImportHeaders are the headers of the unit template.
func UnitImportHeaders() []string { return unitSheet.Headers() }

// UnitImportColumns are the columns the unit import reads.
func UnitImportColumns() []xlsx.Column { return unitSheet.ReaderColumns() }

// UnitTemplate writes the unit import template with an example row.
func UnitTemplate(w io.Writer) error {
	return unitSheet.Template(w, "县人民医院", "事业单位", "430426001", "洪桥街道人民路8号", "中共县人民医院委员会", "刘主任", "13907340001")
}

// ImportUnits registers units all or nothing. A two-new unit (两新组织) is
// linked to the ledger organization of the same name; a party organization
// named as in the ledger is linked, any other name kept as text. A unit
// already registered under its name in its region is left unchanged.
func (s *Service) ImportUnits(ctx context.Context, ra io.ReaderAt, size int64, limits xlsx.Limits, progress func(string, int)) (ImportResult, []xlsx.CellError, error) {
	kinds := byName(UnitKinds())
	seen := map[string]int{}
	l := &lookups{fields: unitFields, fallback: ColUnitName}
	mapRow := func(x xlsx.Row, c *sheetimport.Cells) UnitInput {
		in := UnitInput{Name: x.Get(ColUnitName).Text(), Address: x.Get(ColUnitAddress).Text(), PartyOrgName: x.Get(ColUnitParty).Text(),
			ContactName: x.Get(ColUnitContact).Text(), ContactPhone: x.Get(ColUnitPhone).Text()}
		if in.Kind = kinds[x.Get(ColUnitKind).Text()]; in.Kind == "" {
			c.Bad(ColUnitKind, "单位类别应为 机关、事业单位、国有企业、两新组织、其他 之一")
		}
		code, err := xlsx.ParseCode(x.Get(ColUnitRegion).Raw, x.Get(ColUnitRegion).Numeric)
		if err != nil || code == "" {
			c.Bad(ColUnitRegion, "请填写所在区域的行政区划代码（如 430426001）")
		}
		in.RegionCode = code
		key := code + "|" + in.Name
		if first, dup := seen[key]; dup && in.Name != "" {
			c.Bad(ColUnitName, fmt.Sprintf("与第 %d 行重复（同一区域同名单位）", first))
		}
		seen[key] = c.Row()
		if l.err != nil {
			return in
		}
		if in.Kind == "liangxin" && in.Name != "" {
			id, err := s.uniqueID(ctx, s.DB, "organizations", "region_code", in.Name)
			if !l.refused(c, err) {
				return in
			}
			if id == 0 {
				c.Bad(ColUnitName, "两新组织应与台账中的组织同名（台账中没有或有重名）")
			} else {
				in.OrgID = &id
			}
		}
		if in.PartyOrgName != "" {
			id, err := s.uniqueID(ctx, s.DB, "party_orgs", "region_code", in.PartyOrgName)
			if !l.refused(c, err) {
				return in
			}
			if id != 0 {
				in.PartyOrgID = &id
			}
		}
		if in.RegionCode != "" {
			_, err := s.regionLevel(ctx, s.DB, "region_code", in.RegionCode)
			l.refused(c, err)
		}
		return in
	}
	write := func(ctx context.Context, tx *sql.Tx, in UnitInput, c *sheetimport.Cells) (sheetimport.Result, error) {
		return s.write(ctx, tx, l, c, func() (bool, error) {
			var n int
			if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM cobuild_units WHERE region_code = ? AND name = ?`, in.RegionCode, in.Name).Scan(&n); err != nil || n > 0 {
				return false, err
			}
			_, err := s.createUnit(ctx, tx, in)
			return err == nil, err
		})
	}
	return l.run(sheetimport.Run(ctx, s.env(), sheetimport.Import[UnitInput]{Sheet: unitSheet, Map: mapRow, Write: write}, ra, size, limits, progress))
}

// uniqueID finds the one record of table named name in the caller's scope
// (0 when none or several).
func (s *Service) uniqueID(ctx context.Context, q store.Querier, table, regionCol, name string) (int64, error) {
	cond, args, err := store.ScopeFilter(ctx, regionCol)
	if err != nil {
		return 0, err
	}
	rows, err := s.DB.Query(ctx, q, `SELECT id FROM `+table+` WHERE name = ? AND `+cond, append([]any{name}, args...)...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return 0, err
		}
		ids = append(ids, id)
	}
	if len(ids) != 1 {
		return 0, rows.Err()
	}
	return ids[0], rows.Err()
}

// Need import columns.
const (
	ColNeedTitle     = "需求名称"
	ColNeedCategory  = "需求类别"
	ColNeedCommunity = "所在社区代码"
	ColNeedRequester = "需求对象"
	ColNeedUrgency   = "紧急程度"
	ColNeedDetail    = "需求说明"
)

var needSheet = sheetimport.Sheet{
	Name: "需求清单",
	Columns: []sheetimport.Column{
		{Header: ColNeedTitle, Synonyms: []string{"需求"}, Required: true, Width: 30},
		{Header: ColNeedCategory, Synonyms: []string{"类别"}, Required: true, Width: 12},
		{Header: ColNeedCommunity, Synonyms: []string{"社区代码", "区域代码"}, Required: true, Width: 16},
		{Header: ColNeedRequester, Width: 20},
		{Header: ColNeedUrgency, Width: 10},
		{Header: ColNeedDetail, Synonyms: []string{"说明"}, Width: 40},
	},
	AuditAction: "cobuild_need_import",
	AuditNote: func(r sheetimport.Result) string {
		return fmt.Sprintf("导入需求清单 %d 行：新增 %d，已存在 %d", r.Rows, r.Created, r.Unchanged)
	},
	AuditEntity: "cobuild_need",
}

// NeedImportHeaders are the headers of the need template.
func NeedImportHeaders() []string { return needSheet.Headers() }

// NeedImportColumns are the columns the need import reads.
func NeedImportColumns() []xlsx.Column { return needSheet.ReaderColumns() }

// NeedTemplate writes the need import template with an example row.
func NeedTemplate(w io.Writer) error {
	return needSheet.Template(w, "独居老人每周上门测血压", "医疗健康", "430426001001", "独居老人 12 户", "紧急", "每周一次，需要医护人员")
}

// ImportNeeds records needs all or nothing; a need of the same title in
// the same community is left unchanged.
func (s *Service) ImportNeeds(ctx context.Context, ra io.ReaderAt, size int64, limits xlsx.Limits, progress func(string, int)) (ImportResult, []xlsx.CellError, error) {
	cats, urg := byName(Categories()), byName(Urgencies())
	l := &lookups{fallback: ColNeedTitle, fields: map[string]string{"title": ColNeedTitle, "category": ColNeedCategory, "community_code": ColNeedCommunity,
		"requester": ColNeedRequester, "urgency": ColNeedUrgency, "detail": ColNeedDetail}}
	mapRow := func(x xlsx.Row, c *sheetimport.Cells) NeedInput {
		in := NeedInput{Title: x.Get(ColNeedTitle).Text(), Requester: x.Get(ColNeedRequester).Text(), Detail: x.Get(ColNeedDetail).Text()}
		if in.Category = cats[x.Get(ColNeedCategory).Text()]; in.Category == "" {
			c.Bad(ColNeedCategory, "需求类别应为 "+names(Categories())+" 之一")
		}
		if t := x.Get(ColNeedUrgency).Text(); t != "" {
			if in.Urgency = urg[t]; in.Urgency == "" {
				c.Bad(ColNeedUrgency, "紧急程度应为 紧急、一般、不急 之一")
			}
		}
		code, err := xlsx.ParseCode(x.Get(ColNeedCommunity).Raw, x.Get(ColNeedCommunity).Numeric)
		if err != nil || code == "" {
			c.Bad(ColNeedCommunity, "请填写社区（村）的 12 位区划代码")
		}
		in.CommunityCode = code
		if code != "" && l.err == nil {
			l.refused(c, s.community(ctx, s.DB, "community_code", code))
		}
		return in
	}
	write := func(ctx context.Context, tx *sql.Tx, in NeedInput, c *sheetimport.Cells) (sheetimport.Result, error) {
		return s.write(ctx, tx, l, c, func() (bool, error) {
			// Counted in the transaction: the file's own earlier rows count.
			var n int
			if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM cobuild_needs WHERE community_code = ? AND title = ?`, in.CommunityCode, in.Title).Scan(&n); err != nil || n > 0 {
				return false, err
			}
			_, err := s.createNeed(ctx, tx, in)
			return err == nil, err
		})
	}
	return l.run(sheetimport.Run(ctx, s.env(), sheetimport.Import[NeedInput]{Sheet: needSheet, Map: mapRow, Write: write}, ra, size, limits, progress))
}

func names(opts []Option) string {
	out := make([]string, len(opts))
	for i, o := range opts {
		out[i] = o.Name
	}
	return strings.Join(out, "、")
}

// Resource import columns.
const (
	ColResTitle    = "资源名称"
	ColResCategory = "资源类别"
	ColResUnit     = "提供单位"
	ColResRegion   = "单位所在区域代码"
	ColResQuantity = "数量"
	ColResFrom     = "可提供开始日期"
	ColResTo       = "可提供截止日期"
)

var resourceSheet = sheetimport.Sheet{
	Name: "资源清单",
	Columns: []sheetimport.Column{
		{Header: ColResTitle, Synonyms: []string{"资源"}, Required: true, Width: 30},
		{Header: ColResCategory, Synonyms: []string{"类别"}, Required: true, Width: 12},
		{Header: ColResUnit, Synonyms: []string{"共建单位", "单位名称"}, Required: true, Width: 30},
		{Header: ColResRegion, Synonyms: []string{"所在区域代码", "区域代码"}, Required: true, Width: 16},
		{Header: ColResQuantity, Width: 14},
		{Header: ColResFrom, Synonyms: []string{"开始日期"}, Width: 14},
		{Header: ColResTo, Synonyms: []string{"截止日期"}, Width: 14},
	},
	AuditAction: "cobuild_resource_import",
	AuditNote: func(r sheetimport.Result) string {
		return fmt.Sprintf("导入资源清单 %d 行：新增 %d，已存在 %d", r.Rows, r.Created, r.Unchanged)
	},
	AuditEntity: "cobuild_resource",
}

// ResourceImportHeaders are the headers of the resource template.
func ResourceImportHeaders() []string { return resourceSheet.Headers() }

// ResourceImportColumns are the columns the resource import reads.
func ResourceImportColumns() []xlsx.Column { return resourceSheet.ReaderColumns() }

// ResourceTemplate writes the resource import template with an example row.
func ResourceTemplate(w io.Writer) error {
	return resourceSheet.Template(w, "义诊医生每月 2 名", "医疗健康", "县人民医院", "430426001", "每月 2 人次", "2026-01-01", "2026-12-31")
}

// ImportResources records resources all or nothing; the unit is found by
// name in its region; a resource of the same title of the same unit is
// left unchanged.
func (s *Service) ImportResources(ctx context.Context, ra io.ReaderAt, size int64, limits xlsx.Limits, progress func(string, int)) (ImportResult, []xlsx.CellError, error) {
	cats := byName(Categories())
	l := &lookups{fallback: ColResTitle, fields: map[string]string{"title": ColResTitle, "category": ColResCategory, "unit_id": ColResUnit,
		"quantity": ColResQuantity, "available_from": ColResFrom, "available_to": ColResTo}}
	mapRow := func(x xlsx.Row, c *sheetimport.Cells) ResourceInput {
		in := ResourceInput{Title: x.Get(ColResTitle).Text(), Quantity: x.Get(ColResQuantity).Text()}
		if in.Category = cats[x.Get(ColResCategory).Text()]; in.Category == "" {
			c.Bad(ColResCategory, "资源类别应为 "+names(Categories())+" 之一")
		}
		var ok bool
		if in.AvailableFrom, ok = x.Get(ColResFrom).Day(); !ok {
			c.Bad(ColResFrom, xlsx.DateHint)
		}
		if in.AvailableTo, ok = x.Get(ColResTo).Day(); !ok {
			c.Bad(ColResTo, xlsx.DateHint)
		}
		code, err := xlsx.ParseCode(x.Get(ColResRegion).Raw, x.Get(ColResRegion).Numeric)
		if err != nil || code == "" {
			c.Bad(ColResRegion, "请填写提供单位所在区域的行政区划代码")
		}
		if l.err != nil {
			return in
		}
		cond, args, err := store.ScopeFilter(ctx, "region_code")
		if !l.refused(c, err) {
			return in
		}
		err = s.DB.QueryRow(ctx, s.DB, `SELECT id FROM cobuild_units WHERE region_code = ? AND name = ? AND `+cond, append([]any{code, x.Get(ColResUnit).Text()}, args...)...).Scan(&in.UnitID)
		if errors.Is(err, sql.ErrNoRows) {
			c.Bad(ColResUnit, "该区域没有这个共建单位（或不在您的管辖范围内），请先登记或导入共建单位")
			return in
		}
		l.refused(c, err)
		return in
	}
	write := func(ctx context.Context, tx *sql.Tx, in ResourceInput, c *sheetimport.Cells) (sheetimport.Result, error) {
		return s.write(ctx, tx, l, c, func() (bool, error) {
			// Counted in the transaction: the file's own earlier rows count.
			var n int
			if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM cobuild_resources WHERE unit_id = ? AND title = ?`, in.UnitID, in.Title).Scan(&n); err != nil || n > 0 {
				return false, err
			}
			_, err := s.createResource(ctx, tx, in)
			return err == nil, err
		})
	}
	return l.run(sheetimport.Run(ctx, s.env(), sheetimport.Import[ResourceInput]{Sheet: resourceSheet, Map: mapRow, Write: write}, ra, size, limits, progress))
}
