package cobuild

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/sheetimport"
	"liangxin/internal/store"
	"liangxin/internal/xlsx"
)

// ImportResult counts what an import wrote.
type ImportResult = sheetimport.Result

var errRejected = errors.New("import rejected")

// importSpec is one kind of import: its columns, how a row becomes a
// record (ok false: already there), its audit action and name.
type importSpec struct {
	columns  []xlsx.Column
	fields   map[string]string // input field → column
	fallback string
	action   string
	entity   string
	what     string
	prepare  func(ctx context.Context, tx *sql.Tx) error
	// row writes one row; failed reports whether bad was called for it
	// (then row writes nothing and returns).
	row func(ctx context.Context, tx *sql.Tx, x xlsx.Row, bad func(col, msg string), failed func() bool) (created bool, err error)
}

func (s *Service) runImport(ctx context.Context, spec importSpec, ra io.ReaderAt, size int64, limits xlsx.Limits, progress func(string, int)) (ImportResult, []xlsx.CellError, error) {
	var res ImportResult
	r, err := xlsx.OpenImport(ra, size, spec.columns, limits)
	if err != nil {
		return res, nil, err
	}
	defer r.Close()
	var errs []xlsx.CellError
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if spec.prepare != nil {
			if err := spec.prepare(ctx, tx); err != nil {
				return err
			}
		}
		for r.Next() {
			x := r.Row()
			res.Rows++
			before := len(errs)
			bad := func(col, msg string) { errs = append(errs, xlsx.CellError{Row: x.Number, Column: col, Message: msg}) }
			// Each row in a savepoint: a refused row leaves nothing behind
			// while the rest of the file is still checked.
			if _, err := s.DB.Exec(ctx, tx, `SAVEPOINT cobuild_row`); err != nil {
				return err
			}
			created, err := spec.row(ctx, tx, x, bad, func() bool { return len(errs) > before })
			if err != nil {
				cells, ok := xlsx.ServiceCells(x.Number, err, spec.fields, spec.fallback)
				if !ok {
					return err
				}
				errs = append(errs, cells...)
			}
			if len(errs) > before {
				if _, err := s.DB.Exec(ctx, tx, `ROLLBACK TO SAVEPOINT cobuild_row`); err != nil {
					return err
				}
				continue
			}
			if _, err := s.DB.Exec(ctx, tx, `RELEASE SAVEPOINT cobuild_row`); err != nil {
				return err
			}
			if created {
				res.Created++
			} else {
				res.Unchanged++
			}
			if progress != nil && res.Rows%200 == 0 {
				progress("writing", res.Rows)
			}
		}
		if err := r.Err(); err != nil {
			return xlsx.ReadError(err)
		}
		if len(errs) > 0 {
			return errRejected
		}
		if res.Rows == 0 {
			return apperr.InvalidField("file", "表格中没有数据行")
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: spec.action, Entity: spec.entity, After: res,
			Note: fmt.Sprintf("导入%s %d 行：新增 %d，已存在 %d", spec.what, res.Rows, res.Created, res.Unchanged)})
	})
	if errors.Is(err, errRejected) {
		return ImportResult{Rows: res.Rows}, errs, nil
	}
	if err != nil {
		return ImportResult{Rows: res.Rows}, nil, err
	}
	return res, nil, nil
}

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

// UnitImportHeaders are the headers of the unit template.
func UnitImportHeaders() []string {
	return []string{ColUnitName, ColUnitKind, ColUnitRegion, ColUnitAddress, ColUnitParty, ColUnitContact, ColUnitPhone}
}

// UnitImportColumns are the columns the unit import reads.
func UnitImportColumns() []xlsx.Column {
	return []xlsx.Column{{Name: ColUnitName, Aliases: []string{"名称", "共建单位"}}, {Name: ColUnitKind, Aliases: []string{"类别", "单位性质"}},
		{Name: ColUnitRegion, Aliases: []string{"区域代码", "行政区划代码"}}, {Name: ColUnitAddress, Optional: true},
		{Name: ColUnitParty, Aliases: []string{"党组织", "党组织名称"}, Optional: true}, {Name: ColUnitContact, Optional: true},
		{Name: ColUnitPhone, Aliases: []string{"联系人电话"}, Optional: true}}
}

// UnitTemplate writes the unit import template with an example row.
func UnitTemplate(w io.Writer) error {
	xw, err := xlsx.NewWriter("共建单位", UnitImportHeaders(), []float64{30, 12, 16, 30, 30, 10, 16})
	if err != nil {
		return err
	}
	if err := xw.Row("县人民医院", "事业单位", "430426001", "洪桥街道人民路8号", "中共县人民医院委员会", "刘主任", "13907340001"); err != nil {
		return err
	}
	return xw.Finish(w)
}

// ImportUnits registers units all or nothing. A two-new unit (两新组织) is
// linked to the ledger organization of the same name; a party organization
// named as in the ledger is linked, any other name kept as text. A unit
// already registered under its name in its region is left unchanged.
func (s *Service) ImportUnits(ctx context.Context, ra io.ReaderAt, size int64, limits xlsx.Limits, progress func(string, int)) (ImportResult, []xlsx.CellError, error) {
	kinds := byName(UnitKinds())
	seen := map[string]int{}
	spec := importSpec{columns: UnitImportColumns(), fallback: ColUnitName, action: "cobuild_unit_import", entity: "cobuild_unit", what: "共建单位",
		fields: map[string]string{"name": ColUnitName, "kind": ColUnitKind, "region_code": ColUnitRegion, "address": ColUnitAddress, "org_id": ColUnitName,
			"party_org_id": ColUnitParty, "party_org_name": ColUnitParty, "contact_name": ColUnitContact, "contact_phone": ColUnitPhone}}
	spec.row = func(ctx context.Context, tx *sql.Tx, x xlsx.Row, bad func(string, string), failed func() bool) (bool, error) {
		in := UnitInput{Name: x.Get(ColUnitName).Text(), Address: x.Get(ColUnitAddress).Text(), PartyOrgName: x.Get(ColUnitParty).Text(),
			ContactName: x.Get(ColUnitContact).Text(), ContactPhone: x.Get(ColUnitPhone).Text()}
		if in.Kind = kinds[x.Get(ColUnitKind).Text()]; in.Kind == "" {
			bad(ColUnitKind, "单位类别应为 机关、事业单位、国有企业、两新组织、其他 之一")
		}
		code, err := xlsx.ParseCode(x.Get(ColUnitRegion).Raw, x.Get(ColUnitRegion).Numeric)
		if err != nil || code == "" {
			bad(ColUnitRegion, "请填写所在区域的行政区划代码（如 430426001）")
		}
		in.RegionCode = code
		key := code + "|" + in.Name
		if first, dup := seen[key]; dup && in.Name != "" {
			bad(ColUnitName, fmt.Sprintf("与第 %d 行重复（同一区域同名单位）", first))
		}
		seen[key] = x.Number
		if in.Kind == "liangxin" && in.Name != "" {
			id, err := s.uniqueID(ctx, tx, "organizations", "region_code", in.Name)
			if err != nil {
				return false, err
			}
			if id == 0 {
				bad(ColUnitName, "两新组织应与台账中的组织同名（台账中没有或有重名）")
			} else {
				in.OrgID = &id
			}
		}
		if in.PartyOrgName != "" {
			id, err := s.uniqueID(ctx, tx, "party_orgs", "region_code", in.PartyOrgName)
			if err != nil {
				return false, err
			}
			if id != 0 {
				in.PartyOrgID = &id
			}
		}
		if in.RegionCode != "" {
			if _, err := s.regionLevel(ctx, tx, "region_code", in.RegionCode); err != nil {
				return false, err
			}
		}
		var n int
		if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM cobuild_units WHERE region_code = ? AND name = ?`, in.RegionCode, in.Name).Scan(&n); err != nil {
			return false, err
		}
		if n > 0 || failed() {
			return false, nil
		}
		_, err = s.createUnit(ctx, tx, in)
		return err == nil, err
	}
	return s.runImport(ctx, spec, ra, size, limits, progress)
}

// uniqueID finds the one record of table named name in the caller's scope
// (0 when none or several).
func (s *Service) uniqueID(ctx context.Context, tx *sql.Tx, table, regionCol, name string) (int64, error) {
	cond, args, err := store.ScopeFilter(ctx, regionCol)
	if err != nil {
		return 0, err
	}
	rows, err := s.DB.Query(ctx, tx, `SELECT id FROM `+table+` WHERE name = ? AND `+cond, append([]any{name}, args...)...)
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

// NeedImportHeaders are the headers of the need template.
func NeedImportHeaders() []string {
	return []string{ColNeedTitle, ColNeedCategory, ColNeedCommunity, ColNeedRequester, ColNeedUrgency, ColNeedDetail}
}

// NeedImportColumns are the columns the need import reads.
func NeedImportColumns() []xlsx.Column {
	return []xlsx.Column{{Name: ColNeedTitle, Aliases: []string{"需求"}}, {Name: ColNeedCategory, Aliases: []string{"类别"}},
		{Name: ColNeedCommunity, Aliases: []string{"社区代码", "区域代码"}}, {Name: ColNeedRequester, Optional: true},
		{Name: ColNeedUrgency, Optional: true}, {Name: ColNeedDetail, Aliases: []string{"说明"}, Optional: true}}
}

// NeedTemplate writes the need import template with an example row.
func NeedTemplate(w io.Writer) error {
	xw, err := xlsx.NewWriter("需求清单", NeedImportHeaders(), []float64{30, 12, 16, 20, 10, 40})
	if err != nil {
		return err
	}
	if err := xw.Row("独居老人每周上门测血压", "医疗健康", "430426001001", "独居老人 12 户", "紧急", "每周一次，需要医护人员"); err != nil {
		return err
	}
	return xw.Finish(w)
}

// ImportNeeds records needs all or nothing; a need of the same title in
// the same community is left unchanged.
func (s *Service) ImportNeeds(ctx context.Context, ra io.ReaderAt, size int64, limits xlsx.Limits, progress func(string, int)) (ImportResult, []xlsx.CellError, error) {
	cats, urg := byName(Categories()), byName(Urgencies())
	spec := importSpec{columns: NeedImportColumns(), fallback: ColNeedTitle, action: "cobuild_need_import", entity: "cobuild_need", what: "需求清单",
		fields: map[string]string{"title": ColNeedTitle, "category": ColNeedCategory, "community_code": ColNeedCommunity, "requester": ColNeedRequester,
			"urgency": ColNeedUrgency, "detail": ColNeedDetail}}
	spec.row = func(ctx context.Context, tx *sql.Tx, x xlsx.Row, bad func(string, string), failed func() bool) (bool, error) {
		in := NeedInput{Title: x.Get(ColNeedTitle).Text(), Requester: x.Get(ColNeedRequester).Text(), Detail: x.Get(ColNeedDetail).Text()}
		if in.Category = cats[x.Get(ColNeedCategory).Text()]; in.Category == "" {
			bad(ColNeedCategory, "需求类别应为 "+names(Categories())+" 之一")
		}
		if t := x.Get(ColNeedUrgency).Text(); t != "" {
			if in.Urgency = urg[t]; in.Urgency == "" {
				bad(ColNeedUrgency, "紧急程度应为 紧急、一般、不急 之一")
			}
		}
		code, err := xlsx.ParseCode(x.Get(ColNeedCommunity).Raw, x.Get(ColNeedCommunity).Numeric)
		if err != nil || code == "" {
			bad(ColNeedCommunity, "请填写社区（村）的 12 位区划代码")
		}
		in.CommunityCode = code
		if code != "" {
			if err := s.community(ctx, tx, "community_code", code); err != nil {
				return false, err
			}
		}
		var n int
		if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM cobuild_needs WHERE community_code = ? AND title = ?`, in.CommunityCode, in.Title).Scan(&n); err != nil {
			return false, err
		}
		if n > 0 || failed() {
			return false, nil
		}
		_, err = s.createNeed(ctx, tx, in)
		return err == nil, err
	}
	return s.runImport(ctx, spec, ra, size, limits, progress)
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

// ResourceImportHeaders are the headers of the resource template.
func ResourceImportHeaders() []string {
	return []string{ColResTitle, ColResCategory, ColResUnit, ColResRegion, ColResQuantity, ColResFrom, ColResTo}
}

// ResourceImportColumns are the columns the resource import reads.
func ResourceImportColumns() []xlsx.Column {
	return []xlsx.Column{{Name: ColResTitle, Aliases: []string{"资源"}}, {Name: ColResCategory, Aliases: []string{"类别"}},
		{Name: ColResUnit, Aliases: []string{"共建单位", "单位名称"}}, {Name: ColResRegion, Aliases: []string{"所在区域代码", "区域代码"}},
		{Name: ColResQuantity, Optional: true}, {Name: ColResFrom, Aliases: []string{"开始日期"}, Optional: true},
		{Name: ColResTo, Aliases: []string{"截止日期"}, Optional: true}}
}

// ResourceTemplate writes the resource import template with an example row.
func ResourceTemplate(w io.Writer) error {
	xw, err := xlsx.NewWriter("资源清单", ResourceImportHeaders(), []float64{30, 12, 30, 16, 14, 14, 14})
	if err != nil {
		return err
	}
	if err := xw.Row("义诊医生每月 2 名", "医疗健康", "县人民医院", "430426001", "每月 2 人次", "2026-01-01", "2026-12-31"); err != nil {
		return err
	}
	return xw.Finish(w)
}

// ImportResources records resources all or nothing; the unit is found by
// name in its region; a resource of the same title of the same unit is
// left unchanged.
func (s *Service) ImportResources(ctx context.Context, ra io.ReaderAt, size int64, limits xlsx.Limits, progress func(string, int)) (ImportResult, []xlsx.CellError, error) {
	cats := byName(Categories())
	spec := importSpec{columns: ResourceImportColumns(), fallback: ColResTitle, action: "cobuild_resource_import", entity: "cobuild_resource", what: "资源清单",
		fields: map[string]string{"title": ColResTitle, "category": ColResCategory, "unit_id": ColResUnit, "quantity": ColResQuantity,
			"available_from": ColResFrom, "available_to": ColResTo}}
	spec.row = func(ctx context.Context, tx *sql.Tx, x xlsx.Row, bad func(string, string), failed func() bool) (bool, error) {
		in := ResourceInput{Title: x.Get(ColResTitle).Text(), Quantity: x.Get(ColResQuantity).Text()}
		if in.Category = cats[x.Get(ColResCategory).Text()]; in.Category == "" {
			bad(ColResCategory, "资源类别应为 "+names(Categories())+" 之一")
		}
		var ok bool
		if in.AvailableFrom, ok = x.Get(ColResFrom).Day(); !ok {
			bad(ColResFrom, xlsx.DateHint)
		}
		if in.AvailableTo, ok = x.Get(ColResTo).Day(); !ok {
			bad(ColResTo, xlsx.DateHint)
		}
		code, err := xlsx.ParseCode(x.Get(ColResRegion).Raw, x.Get(ColResRegion).Numeric)
		if err != nil || code == "" {
			bad(ColResRegion, "请填写提供单位所在区域的行政区划代码")
		}
		cond, args, err := store.ScopeFilter(ctx, "region_code")
		if err != nil {
			return false, err
		}
		err = s.DB.QueryRow(ctx, tx, `SELECT id FROM cobuild_units WHERE region_code = ? AND name = ? AND `+cond, append([]any{code, x.Get(ColResUnit).Text()}, args...)...).Scan(&in.UnitID)
		if errors.Is(err, sql.ErrNoRows) {
			bad(ColResUnit, "该区域没有这个共建单位（或不在您的管辖范围内），请先登记或导入共建单位")
			return false, nil
		}
		if err != nil {
			return false, err
		}
		var n int
		if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM cobuild_resources WHERE unit_id = ? AND title = ?`, in.UnitID, in.Title).Scan(&n); err != nil {
			return false, err
		}
		if n > 0 || failed() {
			return false, nil
		}
		_, err = s.createResource(ctx, tx, in)
		return err == nil, err
	}
	return s.runImport(ctx, spec, ra, size, limits, progress)
}
