package venue

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/sheetimport"
	"liangxin/internal/xlsx"
)

// The columns of the venue import template (Chinese headers; a few common
// variants are accepted).
const (
	ColName     = "阵地名称"
	ColKind     = "阵地类型"
	ColPartyOrg = "所属党组织"
	ColRegion   = "所在区域代码"
	ColAddress  = "地址"
	ColArea     = "面积（平方米）"
	ColLng      = "经度"
	ColLat      = "纬度"
	ColHours    = "开放时间"
	ColManager  = "管理员"
	ColPhone    = "管理员电话"
	ColRooms    = "房间"
	ColUnits    = "服务单位"
)

// importSheet declares the venue sheet for the import driver.
var importSheet = sheetimport.Sheet{
	Name: "阵地",
	Columns: []sheetimport.Column{
		{Header: ColName, Synonyms: []string{"名称", "阵地"}, Required: true, Width: 28},
		{Header: ColKind, Synonyms: []string{"类型"}, Required: true, Width: 16},
		{Header: ColPartyOrg, Synonyms: []string{"党组织", "所属党组织名称"}, Required: true, Width: 34},
		{Header: ColRegion, Synonyms: []string{"区域代码", "行政区划代码", "区划代码"}, Required: true, Width: 16},
		{Header: ColAddress, Synonyms: []string{"详细地址"}, Required: true, Width: 30},
		{Header: ColArea, Synonyms: []string{"面积", "面积（㎡）", "面积(平方米)"}, Width: 14},
		{Header: ColLng, Width: 12},
		{Header: ColLat, Width: 12},
		{Header: ColHours, Synonyms: []string{"开放时段"}, Width: 34},
		{Header: ColManager, Synonyms: []string{"管理员姓名", "负责人"}, Width: 12},
		{Header: ColPhone, Synonyms: []string{"联系电话", "负责人电话"}, Width: 16},
		{Header: ColRooms, Synonyms: []string{"房间（名称:人数）", "功能室"}, Width: 30},
		{Header: ColUnits, Synonyms: []string{"服务单位（名称或统一社会信用代码）", "服务企业", "服务的两新组织"}, Width: 40},
	},
	AuditAction: "venue_import",
	AuditNote: func(r sheetimport.Result) string {
		return fmt.Sprintf("导入阵地 %d 行：新增 %d，已存在 %d", r.Rows, r.Created, r.Unchanged)
	},
	AuditEntity: "venue",
}

// ImportHeaders are the template's headers, in order.
func ImportHeaders() []string { return importSheet.Headers() }

// ImportColumns are the columns the import reads.
func ImportColumns() []xlsx.Column { return importSheet.ReaderColumns() }

var importFieldColumn = map[string]string{"name": ColName, "kind": ColKind, "party_org_id": ColPartyOrg, "region_code": ColRegion,
	"address": ColAddress, "area": ColArea, "longitude": ColLng, "latitude": ColLat, "manager_name": ColManager, "manager_phone": ColPhone}

// ImportTemplate writes the venue import template: the headers and one
// example row.
func ImportTemplate(w io.Writer) error {
	return importSheet.Template(w, "洪桥街道红色驿站", "红色驿站", "中共某某公司支部委员会", "430426001", "洪桥街道人民路1号", "85.5", "", "",
		"周一至周五 08:30-17:30；周六 09:00-12:00", "赵站长", "13907341234", "会议室:30；阅览室:12",
		"某某商贸有限公司、91430426MA4L00000X")
}

var (
	hoursSegRe = regexp.MustCompile(`^(.+?)\s*([0-9]{1,2}[:：][0-9]{2})\s*[-–—~至到]\s*([0-9]{1,2}[:：][0-9]{2})$`)
	dayNames   = map[string]int{"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7, "七": 7}
	listSplit  = regexp.MustCompile(`[；;，,\n]+`)
)

func clock(s string) string {
	s = strings.ReplaceAll(s, "：", ":")
	if len(s) == 4 {
		s = "0" + s
	}
	return s
}

func weekdayOf(s string) (int, bool) {
	s = strings.TrimSpace(s)
	for _, p := range []string{"周", "星期", "礼拜"} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			d, ok := dayNames[rest]
			return d, ok
		}
	}
	return 0, false
}

// ParseHours reads opening hours written as "每天 08:00-21:00" or
// "周一至周五 08:30-17:30；周六 09:00-12:00" (a range with 至 or -, or a list
// with 、).
func ParseHours(text string) ([]Hours, bool) {
	var out []Hours
	for _, seg := range listSplit.Split(strings.TrimSpace(text), -1) {
		seg = strings.TrimSpace(seg)
		if seg == "" {
			continue
		}
		m := hoursSegRe.FindStringSubmatch(seg)
		if m == nil {
			return nil, false
		}
		var days []int
		spec := strings.TrimSpace(m[1])
		switch {
		case spec == "每天" || spec == "每日" || spec == "全天" || spec == "周一至周日":
			days = []int{1, 2, 3, 4, 5, 6, 7}
		case strings.ContainsAny(spec, "至-~到"):
			parts := regexp.MustCompile(`[至\-~到]`).Split(spec, 2)
			a, ok1 := weekdayOf(parts[0])
			b, ok2 := weekdayOf(parts[1])
			if !ok1 || !ok2 || b < a {
				return nil, false
			}
			for d := a; d <= b; d++ {
				days = append(days, d)
			}
		default:
			for _, p := range strings.Split(spec, "、") {
				d, ok := weekdayOf(p)
				if !ok {
					return nil, false
				}
				days = append(days, d)
			}
		}
		for _, d := range days {
			out = append(out, Hours{Weekday: d, Open: clock(m[2]), Close: clock(m[3])})
		}
	}
	return out, true
}

// parseRooms reads rooms written as "会议室:30；阅览室:12".
func parseRooms(text string) ([]RoomInput, bool) {
	var out []RoomInput
	for _, seg := range listSplit.Split(strings.TrimSpace(text), -1) {
		seg = strings.TrimSpace(seg)
		if seg == "" {
			continue
		}
		name, n, ok := strings.Cut(strings.ReplaceAll(seg, "：", ":"), ":")
		if !ok {
			return nil, false
		}
		c, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(n), "人"))
		if err != nil {
			return nil, false
		}
		out = append(out, RoomInput{Name: strings.TrimSpace(name), Capacity: c})
	}
	return out, true
}

// ImportResult counts what an import wrote.
type ImportResult = sheetimport.Result

// importRow is one checked row: the venue and its manager's phone as
// validate normalized it.
type importRow struct {
	in    Input
	phone string
}

// Import reads venues from a workbook and registers them all or nothing,
// each through the same rules as a venue registered by hand. The 服务单位
// column lists the units served by name or 统一社会信用代码; one not found in
// the caller's jurisdiction (or a name shared by two units) is named in the
// cell's error. A venue whose
// name is already registered in its region is left unchanged, so a file
// imports twice without duplicates.
func (s *Service) Import(ctx context.Context, ra io.ReaderAt, size int64, limits xlsx.Limits, progress func(phase string, n int)) (ImportResult, []xlsx.CellError, error) {
	pos := map[string][]int64{}
	var unitsOf *unitResolver
	prepare := func(ctx context.Context) error {
		idx, err := sheetimport.PartyOrgsByName(ctx, s.DB)
		if err != nil {
			return err
		}
		pos = idx
		unitsOf, err = s.loadUnitResolver(ctx)
		return err
	}
	kindByName := map[string]string{}
	for _, k := range Kinds() {
		kindByName[k.Name], kindByName[k.Code] = k.Code, k.Code
	}
	seen := map[string]int{}
	var failed error // a failure of validate that is not a refusal
	mapRow := func(x xlsx.Row, c *sheetimport.Cells) importRow {
		in := Input{Name: x.Get(ColName).Text(), Address: x.Get(ColAddress).Text(), Area: x.Get(ColArea).Text(),
			Longitude: x.Get(ColLng).Text(), Latitude: x.Get(ColLat).Text(), ManagerName: x.Get(ColManager).Text(), ManagerPhone: x.Get(ColPhone).Text()}
		if in.Kind = kindByName[x.Get(ColKind).Text()]; in.Kind == "" {
			c.Bad(ColKind, "阵地类型应为 党群服务中心、红色驿站、党建工作指导站、流动党员服务站、党员活动室、其他 之一")
		}
		code, cerr := xlsx.ParseCode(x.Get(ColRegion).Raw, x.Get(ColRegion).Numeric)
		if cerr != nil || code == "" {
			c.Bad(ColRegion, "请填写所在区域的行政区划代码（如 430426001）")
		}
		in.RegionCode = code
		if ids := pos[strings.ReplaceAll(x.Get(ColPartyOrg).Text(), " ", "")]; len(ids) == 1 {
			in.PartyOrgID = ids[0]
		} else {
			c.Bad(ColPartyOrg, "党组织不存在、不在您的管辖范围内或有重名")
		}
		if t := x.Get(ColHours).Text(); t != "" {
			h, ok := ParseHours(t)
			if !ok {
				c.Bad(ColHours, "开放时间无法识别（可写作“每天 08:00-21:00”或“周一至周五 08:30-17:30；周六 09:00-12:00”）")
			}
			in.Hours = h
		}
		if t := x.Get(ColRooms).Text(); t != "" {
			rooms, ok := parseRooms(t)
			if !ok {
				c.Bad(ColRooms, "房间应写作“名称:人数”，多个用；分隔（如 会议室:30；阅览室:12）")
			}
			in.Rooms = rooms
		}
		if t := x.Get(ColUnits).Text(); t != "" {
			ids, problem := unitsOf.resolve(t)
			if problem != "" {
				c.Bad(ColUnits, problem)
			}
			in.UnitIDs = ids
		}
		key := in.RegionCode + "|" + in.Name
		if first, dup := seen[key]; dup && in.Name != "" {
			c.Bad(ColName, fmt.Sprintf("与第 %d 行重复（同一区域同名阵地）", first))
		}
		seen[key] = c.Row()
		if !c.OK() {
			return importRow{in: in}
		}
		phone, verr := in.validate(true)
		if verr != nil {
			e, ok := apperr.As(verr)
			if !ok {
				if failed == nil {
					failed = verr
				}
				return importRow{in: in}
			}
			for f, m := range e.Fields {
				c.Bad(columnOf(f), m)
			}
		}
		return importRow{in: in, phone: phone}
	}
	write := func(ctx context.Context, tx *sql.Tx, rw importRow, c *sheetimport.Cells) (sheetimport.Result, error) {
		if failed != nil {
			return sheetimport.Nothing, failed
		}
		var n int
		if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM venues WHERE region_code = ? AND name = ?`, rw.in.RegionCode, rw.in.Name).Scan(&n); err != nil {
			return sheetimport.Nothing, err
		}
		if n > 0 {
			return sheetimport.Unchanged, nil
		}
		if _, err := s.createTx(ctx, tx, rw.in, rw.phone); err != nil {
			if apperr.IsKind(err, apperr.KindNotFound) {
				c.Bad(ColRegion, "区域不存在或不在您的管辖范围内")
				return sheetimport.Nothing, nil
			}
			return sheetimport.Nothing, c.Refused(err, importFieldColumn, ColName)
		}
		return sheetimport.Created, nil
	}
	res, errs, err := sheetimport.Run(ctx, sheetimport.Env{DB: s.DB, Audit: s.Audit}, sheetimport.Import[importRow]{
		Sheet: importSheet, Prepare: prepare, Map: mapRow, Write: write,
	}, ra, size, limits, progress)
	if failed != nil && err == nil {
		return ImportResult{Rows: res.Rows}, nil, failed
	}
	return res, errs, err
}

// columnOf is the template column of a field of the venue input.
func columnOf(field string) string {
	switch {
	case strings.HasPrefix(field, "rooms"):
		return ColRooms
	case strings.HasPrefix(field, "hours"):
		return ColHours
	case strings.HasPrefix(field, "unit_ids"):
		return ColUnits
	case importFieldColumn[field] != "":
		return importFieldColumn[field]
	}
	return ColName
}
