package venue

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/civil"
	"liangxin/internal/store"
)

var codeRe = regexp.MustCompile(`^[a-z0-9_]{2,30}$`)

// Checklist is one version of a standard (六有, 六个一 …): its items, the
// venue kinds it applies to and the days it is in effect.
type Checklist struct {
	ID            int64           `json:"id"`
	Code          string          `json:"code"`
	Version       int             `json:"version"`
	Name          string          `json:"name"`
	Kinds         []string        `json:"kinds"`
	EffectiveFrom string          `json:"effective_from"`
	EffectiveTo   string          `json:"effective_to"` // "" = open-ended
	Source        string          `json:"source"`       // where the wording comes from
	Items         []ChecklistItem `json:"items"`
	CreatedBy     string          `json:"created_by"`
	CreatedAt     string          `json:"created_at"`
}

// ChecklistItem is one item of a checklist.
type ChecklistItem struct {
	ID       int64  `json:"id"`
	Position int    `json:"position"`
	Name     string `json:"name"`
	Guidance string `json:"guidance"`
}

// ChecklistInput adds a checklist version. A code already on file gets the
// next version number; the previous open-ended version of that code ends the
// day before the new one takes effect.
type ChecklistInput struct {
	Code          string               `json:"code"`
	Name          string               `json:"name"`
	Kinds         []string             `json:"kinds"`
	EffectiveFrom string               `json:"effective_from"`
	Source        string               `json:"source"`
	Items         []ChecklistItemInput `json:"items"`
}

// ChecklistItemInput is one item of a new checklist version.
type ChecklistItemInput struct {
	Name     string `json:"name"`
	Guidance string `json:"guidance"`
}

// Checklists lists every checklist version with its items, by code and version.
func (s *Service) Checklists(ctx context.Context) ([]Checklist, error) {
	return s.checklists(ctx, s.DB, "1 = 1")
}

func (s *Service) checklists(ctx context.Context, q store.Querier, cond string, args ...any) ([]Checklist, error) {
	rows, err := s.DB.Query(ctx, q, `SELECT id, code, version, name, kinds, effective_from, effective_to, source, created_by, created_at
		FROM venue_checklists WHERE `+cond+` ORDER BY code, version`, args...)
	if err != nil {
		return nil, fmt.Errorf("venue: checklists: %w", err)
	}
	out := []Checklist{}
	at := map[int64]int{}
	for rows.Next() {
		var c Checklist
		var kinds string
		if err := rows.Scan(&c.ID, &c.Code, &c.Version, &c.Name, &kinds, &c.EffectiveFrom, &c.EffectiveTo, &c.Source, &c.CreatedBy, &c.CreatedAt); err != nil {
			rows.Close()
			return nil, err
		}
		c.Kinds = []string{}
		_ = json.Unmarshal([]byte(kinds), &c.Kinds)
		c.Items = []ChecklistItem{}
		at[c.ID] = len(out)
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	irows, err := s.DB.Query(ctx, q, `SELECT checklist_id, id, position, name, guidance FROM venue_checklist_items ORDER BY checklist_id, position`)
	if err != nil {
		return nil, err
	}
	defer irows.Close()
	for irows.Next() {
		var cid int64
		var it ChecklistItem
		if err := irows.Scan(&cid, &it.ID, &it.Position, &it.Name, &it.Guidance); err != nil {
			return nil, err
		}
		if i, ok := at[cid]; ok {
			out[i].Items = append(out[i].Items, it)
		}
	}
	return out, irows.Err()
}

func (s *Service) checklist(ctx context.Context, q store.Querier, id int64) (Checklist, error) {
	cs, err := s.checklists(ctx, q, "id = ?", id)
	if err != nil {
		return Checklist{}, err
	}
	if len(cs) == 0 {
		return Checklist{}, apperr.InvalidField("checklist_id", "所选达标标准不存在")
	}
	return cs[0], nil
}

// CreateChecklist adds a checklist version (a new standard or a new version
// of one on file).
func (s *Service) CreateChecklist(ctx context.Context, in ChecklistInput) (Checklist, error) {
	ctx = store.WithOp(ctx, "venue.CreateChecklist")
	bad := apperr.Invalid()
	in.Code = strings.TrimSpace(in.Code)
	if !codeRe.MatchString(in.Code) {
		bad.Field("code", "标准代码应为 2–30 位小写字母、数字或下划线，如 liuyou")
	}
	in.Name = textField(bad, "name", "标准名称", in.Name, true, 40)
	in.Source = textField(bad, "source", "依据", in.Source, false, 200)
	if len(in.Kinds) == 0 {
		bad.Field("kinds", "请选择适用的阵地类型")
	}
	for i, k := range in.Kinds {
		if optionName(Kinds(), k) == "" {
			bad.Field(fmt.Sprintf("kinds[%d]", i), "阵地类型应为 "+strings.Join(KindCodes(), "、")+" 之一")
		}
	}
	if _, err := civil.Day("effective_from", in.EffectiveFrom); err != nil {
		bad.Field("effective_from", "生效日期格式应为 YYYY-MM-DD")
	}
	if len(in.Items) == 0 || len(in.Items) > 50 {
		bad.Field("items", "检查项应为 1–50 项")
	}
	for i := range in.Items {
		f := fmt.Sprintf("items[%d]", i)
		in.Items[i].Name = textField(bad, f+".name", "检查项名称", in.Items[i].Name, true, 60)
		in.Items[i].Guidance = textField(bad, f+".guidance", "检查要点", in.Items[i].Guidance, false, 200)
	}
	if err := bad.OrNil(); err != nil {
		return Checklist{}, err
	}
	kinds, _ := json.Marshal(in.Kinds)
	var out Checklist
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var version int
		var lastFrom string
		err := s.DB.QueryRow(ctx, tx, `SELECT version, effective_from FROM venue_checklists WHERE code = ? ORDER BY version DESC LIMIT 1`, in.Code).Scan(&version, &lastFrom)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if version > 0 && in.EffectiveFrom <= lastFrom {
			return apperr.InvalidField("effective_from", "新版本的生效日期应晚于上一版本的生效日期 "+lastFrom)
		}
		if version > 0 {
			t, err := civil.Parse("effective_from", in.EffectiveFrom)
			if err != nil {
				return err
			}
			end := t.AddDate(0, 0, -1).Format(civil.Layout)
			if _, err := s.DB.Exec(ctx, tx, `UPDATE venue_checklists SET effective_to = ? WHERE code = ? AND version = ? AND effective_to = ''`, end, in.Code, version); err != nil {
				return err
			}
		}
		var id int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO venue_checklists (code, version, name, kinds, effective_from, source, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.Code, version+1, in.Name, string(kinds), in.EffectiveFrom, in.Source, username(ctx), s.stamp()).Scan(&id); err != nil {
			return err
		}
		for i, it := range in.Items {
			if _, err := s.DB.Exec(ctx, tx, `INSERT INTO venue_checklist_items (checklist_id, position, name, guidance) VALUES (?, ?, ?, ?)`, id, i+1, it.Name, it.Guidance); err != nil {
				return err
			}
		}
		if out, err = s.checklist(ctx, tx, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "venue_checklist_create", Entity: "venue_checklist", EntityID: fmt.Sprint(id),
			Before: map[string]any{"code": in.Code, "previous_version": version, "previous_effective_from": lastFrom}, After: out, Note: fmt.Sprintf("新增达标标准「%s」第 %d 版，%s 起生效", out.Name, out.Version, out.EffectiveFrom)})
	})
	if err != nil {
		return Checklist{}, fmt.Errorf("venue: create checklist: %w", err)
	}
	return out, nil
}

// Inspection results.
const (
	ResultPass = "pass"
	ResultFail = "fail"
)

// Results lists the inspection results.
func Results() []Option { return []Option{{ResultPass, "达标"}, {ResultFail, "未达标"}} }

// Inspection is a check of a venue against one checklist version on a day.
type Inspection struct {
	ID               int64            `json:"id"`
	VenueID          int64            `json:"venue_id"`
	ChecklistID      int64            `json:"checklist_id"`
	ChecklistName    string           `json:"checklist_name"`
	ChecklistVersion int              `json:"checklist_version"`
	InspectedOn      string           `json:"inspected_on"`
	Inspector        string           `json:"inspector"`
	Result           string           `json:"result"`
	ResultName       string           `json:"result_name"`
	Note             string           `json:"note"`
	Items            []InspectionItem `json:"items"`
	Photos           []Photo          `json:"photos"` // evidence
	CreatedBy        string           `json:"created_by"`
	CreatedAt        string           `json:"created_at"`
}

// InspectionItem is the finding on one checklist item.
type InspectionItem struct {
	ItemID          int64  `json:"item_id"`
	Position        int    `json:"position"`
	Name            string `json:"name"`
	Met             bool   `json:"met"`
	Note            string `json:"note"`
	RepairRequestID *int64 `json:"repair_request_id"` // the service request opened for its repair
}

// InspectionInput records an inspection: every item of the checklist once.
type InspectionInput struct {
	ChecklistID int64                 `json:"checklist_id"`
	InspectedOn string                `json:"inspected_on"` // not in the future
	Inspector   string                `json:"inspector"`
	Note        string                `json:"note"`
	Items       []InspectionItemInput `json:"items"`
}

// InspectionItemInput is the finding on one item; a failed item needs a note.
type InspectionItemInput struct {
	ItemID int64  `json:"item_id"`
	Met    bool   `json:"met"`
	Note   string `json:"note"`
}

// Applies reports whether the checklist applies to a venue kind on a day.
func (c Checklist) Applies(kind, day string) bool {
	if day < c.EffectiveFrom || (c.EffectiveTo != "" && day > c.EffectiveTo) {
		return false
	}
	for _, k := range c.Kinds {
		if k == kind {
			return true
		}
	}
	return false
}

// Inspect records an inspection of a venue; the venue's standard status then
// follows it if it is the latest.
func (s *Service) Inspect(ctx context.Context, venueID int64, in InspectionInput) (Inspection, error) {
	bad := apperr.Invalid()
	if in.ChecklistID <= 0 {
		bad.Field("checklist_id", "请选择达标标准")
	}
	day, err := civil.Day("inspected_on", in.InspectedOn)
	switch {
	case err != nil:
		bad.Field("inspected_on", "检查日期格式应为 YYYY-MM-DD")
	case day > s.today():
		bad.Field("inspected_on", "检查日期不能晚于今天")
	}
	in.Inspector = textField(bad, "inspector", "检查人", in.Inspector, true, 50)
	in.Note = textField(bad, "note", "检查说明", in.Note, false, 500)
	for i := range in.Items {
		f := fmt.Sprintf("items[%d]", i)
		in.Items[i].Note = textField(bad, f+".note", "说明", in.Items[i].Note, false, 200)
		if !in.Items[i].Met && in.Items[i].Note == "" {
			bad.Field(f+".note", "未达标的项目请说明问题")
		}
	}
	if err := bad.OrNil(); err != nil {
		return Inspection{}, err
	}
	var out Inspection
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		v, err := s.get(ctx, tx, venueID)
		if err != nil {
			return err
		}
		if !v.Active {
			return apperr.Conflict("阵地「" + v.Name + "」已停用，不能检查")
		}
		c, err := s.checklist(ctx, tx, in.ChecklistID)
		if err != nil {
			return err
		}
		if !c.Applies(v.Kind, day) {
			return apperr.InvalidField("checklist_id", fmt.Sprintf("「%s」第 %d 版不适用于%s或在 %s 未生效", c.Name, c.Version, v.KindName, day))
		}
		given := map[int64]InspectionItemInput{}
		for i, it := range in.Items {
			if _, dup := given[it.ItemID]; dup {
				bad.Field(fmt.Sprintf("items[%d].item_id", i), "检查项重复")
			}
			given[it.ItemID] = it
		}
		result := ResultPass
		for _, it := range c.Items {
			g, ok := given[it.ID]
			if !ok {
				bad.Field("items", "请逐项填写检查结果（缺少「"+it.Name+"」）")
				continue
			}
			if !g.Met {
				result = ResultFail
			}
			delete(given, it.ID)
		}
		for i, it := range in.Items {
			if _, extra := given[it.ItemID]; extra {
				bad.Field(fmt.Sprintf("items[%d].item_id", i), "该检查项不属于所选标准")
			}
		}
		if err := bad.OrNil(); err != nil {
			return err
		}
		var id int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO venue_inspections (venue_id, checklist_id, inspected_on, inspector, result, note, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, venueID, c.ID, day, in.Inspector, result, in.Note, username(ctx), s.stamp()).Scan(&id); err != nil {
			return err
		}
		for _, it := range in.Items {
			if _, err := s.DB.Exec(ctx, tx, `INSERT INTO venue_inspection_items (inspection_id, item_id, met, note) VALUES (?, ?, ?, ?)`, id, it.ItemID, it.Met, it.Note); err != nil {
				return err
			}
		}
		if out, err = s.inspection(ctx, tx, venueID, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "venue_inspect", Entity: "venue", EntityID: fmt.Sprint(venueID), After: out,
			Note: fmt.Sprintf("检查阵地「%s」（%s 第 %d 版）：%s", v.Name, c.Name, c.Version, out.ResultName)})
	})
	if err != nil {
		return Inspection{}, fmt.Errorf("venue: inspect: %w", err)
	}
	return out, nil
}

const inspCols = `i.id, i.venue_id, i.checklist_id, c.name, c.version, i.inspected_on, i.inspector, i.result, i.note, i.created_by, i.created_at`

const inspFrom = ` FROM venue_inspections i JOIN venue_checklists c ON c.id = i.checklist_id`

func scanInspection(row interface{ Scan(...any) error }) (Inspection, error) {
	var i Inspection
	err := row.Scan(&i.ID, &i.VenueID, &i.ChecklistID, &i.ChecklistName, &i.ChecklistVersion, &i.InspectedOn, &i.Inspector, &i.Result, &i.Note, &i.CreatedBy, &i.CreatedAt)
	i.ResultName = optionName(Results(), i.Result)
	i.Items, i.Photos = []InspectionItem{}, []Photo{}
	return i, err
}

// fillInspections loads the items and photos of inspections.
func (s *Service) fillInspections(ctx context.Context, q store.Querier, list []Inspection) error {
	for n := range list {
		rows, err := s.DB.Query(ctx, q, `SELECT x.item_id, it.position, it.name, x.met, x.note, x.repair_request_id FROM venue_inspection_items x
			JOIN venue_checklist_items it ON it.id = x.item_id WHERE x.inspection_id = ? ORDER BY it.position`, list[n].ID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var it InspectionItem
			var req sql.NullInt64
			if err := rows.Scan(&it.ItemID, &it.Position, &it.Name, &it.Met, &it.Note, &req); err != nil {
				rows.Close()
				return err
			}
			if req.Valid {
				it.RepairRequestID = &req.Int64
			}
			list[n].Items = append(list[n].Items, it)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if list[n].Photos, err = s.photos(ctx, q, list[n].VenueID, list[n].ID); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) inspection(ctx context.Context, q store.Querier, venueID, id int64) (Inspection, error) {
	i, err := scanInspection(s.DB.QueryRow(ctx, q, `SELECT `+inspCols+inspFrom+` WHERE i.id = ? AND i.venue_id = ?`, id, venueID))
	if errors.Is(err, sql.ErrNoRows) {
		return i, apperr.NotFound("检查记录")
	}
	if err != nil {
		return i, err
	}
	list := []Inspection{i}
	err = s.fillInspections(ctx, q, list)
	return list[0], err
}

// Inspections returns a page of a venue's inspections, latest first.
func (s *Service) Inspections(ctx context.Context, venueID int64, page, size int) ([]Inspection, store.Total, error) {
	if _, err := s.get(ctx, s.DB, venueID); err != nil {
		return nil, store.Total{}, err
	}
	page, size = pageOf(page, size)
	out, total, err := store.List(ctx, s.DB, store.ListQuery{Cols: inspCols, From: inspFrom[1:], CountFrom: "FROM venue_inspections i", Cond: "i.venue_id = ?",
		Args: []any{venueID}, Order: "i.inspected_on DESC, i.id DESC"}, store.Page{Number: page, Size: size}, scanInspection)
	if err != nil {
		return nil, store.Total{}, fmt.Errorf("venue: inspections: %w", err)
	}
	return out, total, s.fillInspections(ctx, s.DB, out)
}

func pageOf(page, size int) (int, int) { return store.ClampPage(page, size, 0) }

// BelowStandard is a venue whose latest inspection failed, with the failed
// items: one row of the work list.
type BelowStandard struct {
	VenueID       int64            `json:"venue_id"`
	VenueName     string           `json:"venue_name"`
	Kind          string           `json:"kind"`
	KindName      string           `json:"kind_name"`
	RegionCode    string           `json:"region_code"`
	RegionName    string           `json:"region_name"`
	PartyOrgName  string           `json:"party_org_name"`
	InspectionID  int64            `json:"inspection_id"`
	InspectedOn   string           `json:"inspected_on"`
	Inspector     string           `json:"inspector"`
	ChecklistName string           `json:"checklist_name"`
	FailedItems   []InspectionItem `json:"failed_items"`
}

// BelowStandardList returns a page of the active venues in the caller's
// scope whose latest inspection failed, the longest-waiting first.
func (s *Service) BelowStandardList(ctx context.Context, f Filter) ([]BelowStandard, store.Total, error) {
	f.Standard, f.Active = StandardNotMet, "true"
	if err := f.Validate(); err != nil {
		return nil, store.Total{}, err
	}
	cond, args, err := s.listCond(ctx, f)
	if err != nil {
		return nil, store.Total{}, err
	}
	f.Page, f.PageSize = pageOf(f.Page, f.PageSize)
	out, total, err := store.List(ctx, s.DB, store.ListQuery{
		Cols:      `v.id, v.name, v.kind, v.region_code, COALESCE(g.name, ''), COALESCE(p.name, ''), i.id, i.inspected_on, i.inspector, c.name`,
		From:      venueFrom[1:] + ` JOIN venue_inspections i ON i.id = ` + latestInspection + ` JOIN venue_checklists c ON c.id = i.checklist_id`,
		CountFrom: "FROM venues v", Cond: cond, Args: args, Order: "i.inspected_on, v.id"}, store.Page{Number: f.Page, Size: f.PageSize},
		func(r store.Scanner) (BelowStandard, error) {
			var b BelowStandard
			err := r.Scan(&b.VenueID, &b.VenueName, &b.Kind, &b.RegionCode, &b.RegionName, &b.PartyOrgName, &b.InspectionID, &b.InspectedOn, &b.Inspector, &b.ChecklistName)
			b.KindName = optionName(Kinds(), b.Kind)
			return b, err
		})
	if err != nil {
		return nil, store.Total{}, fmt.Errorf("venue: below standard: %w", err)
	}
	for n := range out {
		list := []Inspection{{ID: out[n].InspectionID, VenueID: out[n].VenueID, Items: []InspectionItem{}}}
		if err := s.fillInspections(ctx, s.DB, list); err != nil {
			return nil, store.Total{}, err
		}
		out[n].FailedItems = []InspectionItem{}
		for _, it := range list[0].Items {
			if !it.Met {
				out[n].FailedItems = append(out[n].FailedItems, it)
			}
		}
	}
	return out, total, nil
}

// RepairInput opens a service request for the repair of a failed item.
type RepairInput struct {
	CategoryID int64 `json:"category_id"`
}

// RequestOpener opens a service request (internal/servicereq, wired by the
// application) and returns its id. It runs in its own transaction.
type RequestOpener func(ctx context.Context, categoryID int64, content, requester, regionCode string, partyOrgID int64) (int64, error)

// OpenRepair opens a service request (source 阵地检查) for the repair of a
// failed item of an inspection and links it to the item. An item already
// linked answers 409 naming the request.
func (s *Service) OpenRepair(ctx context.Context, venueID, inspectionID, itemID int64, in RepairInput) (Inspection, error) {
	if in.CategoryID <= 0 {
		return Inspection{}, apperr.InvalidField("category_id", "请选择诉求类别")
	}
	if s.OpenRequest == nil {
		return Inspection{}, errors.New("venue: no request opener wired")
	}
	v, err := s.get(ctx, s.DB, venueID)
	if err != nil {
		return Inspection{}, err
	}
	insp, err := s.inspection(ctx, s.DB, venueID, inspectionID)
	if err != nil {
		return Inspection{}, err
	}
	var item *InspectionItem
	for i := range insp.Items {
		if insp.Items[i].ItemID == itemID {
			item = &insp.Items[i]
		}
	}
	switch {
	case item == nil:
		return Inspection{}, apperr.NotFound("检查项")
	case item.Met:
		return Inspection{}, apperr.Conflict("「" + item.Name + "」已达标，无需整改")
	case item.RepairRequestID != nil:
		return Inspection{}, apperr.Conflict(fmt.Sprintf("「%s」已发起整改诉求（编号 %d）", item.Name, *item.RepairRequestID))
	}
	content := fmt.Sprintf("阵地「%s」（%s，%s）%s 检查「%s」未达标：%s。请整改。", v.Name, v.KindName, v.Address, insp.InspectedOn, item.Name, item.Note)
	requester := v.ManagerName
	if requester == "" {
		requester = insp.Inspector
	}
	reqID, err := s.OpenRequest(ctx, in.CategoryID, content, requester, v.RegionCode, v.PartyOrgID)
	if err != nil {
		return Inspection{}, err
	}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		res, err := s.DB.Exec(ctx, tx, `UPDATE venue_inspection_items SET repair_request_id = ? WHERE inspection_id = ? AND item_id = ? AND repair_request_id IS NULL`,
			reqID, inspectionID, itemID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.Conflict(fmt.Sprintf("「%s」已由他人发起整改诉求（本次诉求编号 %d 未关联，请在诉求台办结）", item.Name, reqID))
		}
		if insp, err = s.inspection(ctx, tx, venueID, inspectionID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "venue_repair_request", Entity: "venue", EntityID: fmt.Sprint(venueID),
			After: map[string]any{"inspection_id": inspectionID, "item_id": itemID, "request_id": reqID},
			Note:  fmt.Sprintf("阵地「%s」未达标项「%s」发起整改诉求（编号 %d）", v.Name, item.Name, reqID)})
	})
	if err != nil {
		return Inspection{}, fmt.Errorf("venue: open repair: %w", err)
	}
	return insp, nil
}
