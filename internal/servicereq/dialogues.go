package servicereq

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/civil"
	"liangxin/internal/store"
)

// Origins of a request raised from a record of the ledger.
const (
	OriginDialogue = "dialogue" // a 政企对话 record
	OriginVisit    = "visit"    // an instructor's visit
)

// ScopeDoneByMyUnit is the list scope of a handler account's history: the
// requests its unit finished earlier (本单位已办结).
const ScopeDoneByMyUnit = "done_by_my_unit"

// originSource is the request source that follows from its origin.
var originSource = map[string]string{OriginDialogue: "dialogue", OriginVisit: "instructor_visit"}

// Dialogue is a 政企对话 (government–enterprise dialogue) record: the
// departments and enterprises present and the problems raised, with the
// requests raised from it.
type Dialogue struct {
	ID           int64         `json:"id"`
	HeldOn       string        `json:"held_on"`
	Title        string        `json:"title"`
	RegionCode   string        `json:"region_code"`
	RegionName   string        `json:"region_name"`
	PartyOrgID   *int64        `json:"party_org_id"`
	PartyOrgName string        `json:"party_org_name"`
	Departments  []string      `json:"departments"`
	Orgs         []DialogueOrg `json:"orgs"`
	Problems     string        `json:"problems"`
	RequestCount int           `json:"request_count"`
	// Requests are the requests raised from the dialogue (on the detail only).
	Requests  []Request `json:"requests"`
	Version   int       `json:"version"`
	CreatedBy string    `json:"created_by"`
	CreatedAt string    `json:"created_at"`
	UpdatedAt string    `json:"updated_at"`
}

// DialogueOrg is an enterprise or social organization present at a dialogue.
type DialogueOrg struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// DialogueInput records or changes a dialogue. Version is required on a
// change (the version the caller saw; a stale one answers 409).
type DialogueInput struct {
	HeldOn      string   `json:"held_on"`
	Title       string   `json:"title"`
	RegionCode  string   `json:"region_code"`
	PartyOrgID  *int64   `json:"party_org_id"`
	Departments []string `json:"departments"`
	OrgIDs      []int64  `json:"org_ids"`
	Problems    string   `json:"problems"`
	Version     int      `json:"version"`
}

// DialogueFilter selects dialogues.
type DialogueFilter struct {
	Q          string
	RegionCode string
	From, To   string
	Page       int
	PageSize   int
}

const dlgCols = `d.id, d.held_on, d.title, d.region_code, COALESCE(g.name, ''), d.party_org_id, COALESCE(p.name, ''), d.departments,
	d.problems, d.version, d.created_by, d.created_at, d.updated_at,
	(SELECT COUNT(*) FROM service_requests r WHERE r.origin_kind = 'dialogue' AND r.origin_id = d.id)`
const dlgFrom = ` FROM service_dialogues d LEFT JOIN regions g ON g.code = d.region_code LEFT JOIN party_orgs p ON p.id = d.party_org_id`

func scanDialogue(row interface{ Scan(...any) error }) (Dialogue, error) {
	var d Dialogue
	var po sql.NullInt64
	var deps string
	err := row.Scan(&d.ID, &d.HeldOn, &d.Title, &d.RegionCode, &d.RegionName, &po, &d.PartyOrgName, &deps,
		&d.Problems, &d.Version, &d.CreatedBy, &d.CreatedAt, &d.UpdatedAt, &d.RequestCount)
	if po.Valid {
		d.PartyOrgID = &po.Int64
	}
	d.Departments = []string{}
	_ = json.Unmarshal([]byte(deps), &d.Departments)
	d.Orgs = []DialogueOrg{}
	d.Requests = []Request{}
	return d, err
}

// ListDialogues returns one page of the dialogues in the caller's scope,
// newest first.
func (s *Service) ListDialogues(ctx context.Context, f DialogueFilter) ([]Dialogue, store.Total, error) {
	ctx = store.WithOp(ctx, "servicereq.ListDialogues")
	bad := apperr.Invalid()
	if f.From != "" {
		civil.Check(bad, "from", f.From)
	}
	if f.To != "" {
		civil.Check(bad, "to", f.To)
	}
	if err := bad.OrNil(); err != nil {
		return nil, store.Total{}, err
	}
	cond, args, err := store.ScopeFilter(ctx, "d.region_code")
	if err != nil {
		return nil, store.Total{}, err
	}
	add := func(c string, a ...any) { cond += " AND " + c; args = append(args, a...) }
	if f.RegionCode != "" {
		rc, ra := store.PrefixRange("d.region_code", f.RegionCode)
		add(rc, ra...)
	}
	if f.From != "" {
		add("d.held_on >= ?", f.From)
	}
	if f.To != "" {
		add("d.held_on <= ?", f.To)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		like := "%" + store.LikeEscape(q) + "%"
		add(`(d.title LIKE ? ESCAPE '\' OR d.problems LIKE ? ESCAPE '\' OR d.departments LIKE ? ESCAPE '\')`, like, like, like)
	}
	var out []Dialogue
	var total store.Total
	err = s.DB.Report(ctx, func(q store.Querier) error {
		var err error
		out, total, err = store.ListIn(ctx, s.DB, q, store.ListQuery{Cols: dlgCols, From: strings.TrimSpace(dlgFrom), CountFrom: "FROM service_dialogues d",
			Cond: cond, Args: args, Order: "d.held_on DESC, d.id DESC"}, store.Page{Number: f.Page, Size: f.PageSize}, scanDialogue)
		if err != nil {
			return err
		}
		for i := range out {
			if out[i].Orgs, err = s.dialogueOrgs(ctx, q, out[i].ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, store.Total{}, fmt.Errorf("servicereq: list dialogues: %w", err)
	}
	return out, total, nil
}

func (s *Service) dialogueOrgs(ctx context.Context, q store.Querier, id int64) ([]DialogueOrg, error) {
	rows, err := s.DB.Query(ctx, q, `SELECT o.id, o.name FROM service_dialogue_orgs x JOIN organizations o ON o.id = x.org_id
		WHERE x.dialogue_id = ? ORDER BY o.name, o.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []DialogueOrg{}
	for rows.Next() {
		var o DialogueOrg
		if err := rows.Scan(&o.ID, &o.Name); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

func (s *Service) getDialogue(ctx context.Context, q store.Querier, id int64) (Dialogue, error) {
	cond, args, err := store.ScopeFilter(ctx, "d.region_code")
	if err != nil {
		return Dialogue{}, err
	}
	d, err := scanDialogue(s.DB.QueryRow(ctx, q, `SELECT `+dlgCols+dlgFrom+` WHERE d.id = ? AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return d, apperr.NotFound("政企对话")
	}
	if err != nil {
		return d, fmt.Errorf("servicereq: dialogue %d: %w", id, err)
	}
	d.Orgs, err = s.dialogueOrgs(ctx, q, id)
	return d, err
}

// GetDialogue returns one dialogue in the caller's scope with the requests
// raised from it.
func (s *Service) GetDialogue(ctx context.Context, id int64) (Dialogue, error) {
	ctx = store.WithOp(ctx, "servicereq.GetDialogue")
	d, err := s.getDialogue(ctx, s.DB, id)
	if err != nil {
		return d, err
	}
	d.Requests, _, err = s.List(ctx, Filter{OriginKind: OriginDialogue, OriginID: id, Sort: "received_asc", Page: 1, PageSize: 200})
	return d, err
}

func (s *Service) checkDialogue(in *DialogueInput) error {
	bad := apperr.Invalid()
	if d, err := civil.Day("held_on", in.HeldOn); err != nil {
		bad.Field("held_on", "请填写对话日期（YYYY-MM-DD）")
	} else if d > s.today() {
		bad.Field("held_on", "对话日期不能晚于今天")
	} else {
		in.HeldOn = d
	}
	in.Title = textField(bad, "title", "对话主题", in.Title, true, 100)
	in.Problems = textField(bad, "problems", "企业反映的问题", in.Problems, false, 5000)
	if strings.TrimSpace(in.RegionCode) == "" {
		bad.Field("region_code", "请选择对话所在区域")
	}
	deps := []string{}
	seen := map[string]bool{}
	for i, d := range in.Departments {
		d = strings.TrimSpace(d)
		switch {
		case d == "":
			continue
		case utf8.RuneCountInString(d) > 50:
			bad.Field(fmt.Sprintf("departments[%d]", i), "部门名称不能超过 50 个字")
		case !seen[d]:
			seen[d] = true
			deps = append(deps, d)
		}
	}
	if len(deps) > 50 {
		bad.Field("departments", "参加部门不能超过 50 个")
	}
	in.Departments = deps
	if len(in.OrgIDs) > 200 {
		bad.Field("org_ids", "参加企业不能超过 200 家")
	}
	return bad.OrNil()
}

// writeDialogue checks the references of in and writes its enterprises.
func (s *Service) dialogueRefs(ctx context.Context, tx *sql.Tx, in DialogueInput) ([]int64, error) {
	if err := s.regionInScope(ctx, tx, in.RegionCode); err != nil {
		return nil, err
	}
	if in.PartyOrgID != nil {
		if err := s.partyOrgInScope(ctx, tx, *in.PartyOrgID); err != nil {
			return nil, err
		}
	}
	ids := []int64{}
	seen := map[int64]bool{}
	for i, id := range in.OrgIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		if err := s.orgInScope(ctx, tx, id); err != nil {
			return nil, apperr.InvalidField(fmt.Sprintf("org_ids[%d]", i), "所选参加企业不存在或不在管辖范围内")
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func (s *Service) setDialogueOrgs(ctx context.Context, tx *sql.Tx, id int64, orgs []int64) error {
	if _, err := s.DB.Exec(ctx, tx, `DELETE FROM service_dialogue_orgs WHERE dialogue_id = ?`, id); err != nil {
		return err
	}
	for _, o := range orgs {
		if _, err := s.DB.Exec(ctx, tx, `INSERT INTO service_dialogue_orgs (dialogue_id, org_id) VALUES (?, ?)`, id, o); err != nil {
			return err
		}
	}
	return nil
}

// CreateDialogue records a 政企对话 in a region of the caller's scope.
func (s *Service) CreateDialogue(ctx context.Context, in DialogueInput) (Dialogue, error) {
	ctx = store.WithOp(ctx, "servicereq.CreateDialogue")
	if err := s.checkDialogue(&in); err != nil {
		return Dialogue{}, err
	}
	var out Dialogue
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		orgs, err := s.dialogueRefs(ctx, tx, in)
		if err != nil {
			return err
		}
		now := s.stamp()
		var id int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO service_dialogues (held_on, title, region_code, party_org_id, departments, problems,
			created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			in.HeldOn, in.Title, in.RegionCode, in.PartyOrgID, mustJSON(in.Departments), in.Problems, s.username(ctx), now, now).Scan(&id); err != nil {
			return err
		}
		if err := s.setDialogueOrgs(ctx, tx, id, orgs); err != nil {
			return err
		}
		if out, err = s.getDialogue(ctx, tx, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "service_dialogue_create", Entity: "service_dialogue", EntityID: fmt.Sprint(id),
			After: out, Note: fmt.Sprintf("登记政企对话「%s」（%s）", out.Title, out.HeldOn)})
	})
	if err != nil {
		return Dialogue{}, fmt.Errorf("servicereq: create dialogue: %w", err)
	}
	out.Requests = []Request{}
	return out, nil
}

// UpdateDialogue changes a dialogue; a stale version answers 409.
func (s *Service) UpdateDialogue(ctx context.Context, id int64, in DialogueInput) (Dialogue, error) {
	ctx = store.WithOp(ctx, "servicereq.UpdateDialogue")
	if err := s.checkDialogue(&in); err != nil {
		return Dialogue{}, err
	}
	var out Dialogue
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := s.getDialogue(ctx, tx, id)
		if err != nil {
			return err
		}
		if in.Version != before.Version {
			return apperr.Conflict("该政企对话记录已被他人修改，请刷新后重试")
		}
		orgs, err := s.dialogueRefs(ctx, tx, in)
		if err != nil {
			return err
		}
		res, err := s.DB.Exec(ctx, tx, `UPDATE service_dialogues SET held_on = ?, title = ?, region_code = ?, party_org_id = ?, departments = ?,
			problems = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
			in.HeldOn, in.Title, in.RegionCode, in.PartyOrgID, mustJSON(in.Departments), in.Problems, s.stamp(), id, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.Conflict("该政企对话记录已被他人修改，请刷新后重试")
		}
		if err := s.setDialogueOrgs(ctx, tx, id, orgs); err != nil {
			return err
		}
		if out, err = s.getDialogue(ctx, tx, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "service_dialogue_update", Entity: "service_dialogue", EntityID: fmt.Sprint(id),
			Before: before, After: out, Note: fmt.Sprintf("修改政企对话「%s」（%s）", out.Title, out.HeldOn)})
	})
	if err != nil {
		return Dialogue{}, fmt.Errorf("servicereq: update dialogue %d: %w", id, err)
	}
	out.Requests, _, err = s.List(ctx, Filter{OriginKind: OriginDialogue, OriginID: id, Sort: "received_asc", Page: 1, PageSize: 200})
	return out, err
}

// originInScope checks that the dialogue or visit a request is raised from
// lies in the caller's scope, and returns the visited organization.
func (s *Service) originInScope(ctx context.Context, q store.Querier, kind string, id int64) (*int64, error) {
	switch kind {
	case OriginDialogue:
		cond, args, err := store.ScopeFilter(ctx, "region_code")
		if err != nil {
			return nil, err
		}
		var n int
		if err := s.DB.QueryRow(ctx, q, `SELECT COUNT(*) FROM service_dialogues WHERE id = ? AND `+cond, append([]any{id}, args...)...).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, apperr.InvalidField("origin_id", "所选政企对话不存在或不在管辖范围内")
		}
		return nil, nil
	default:
		cond, args, err := store.ScopeFilter(ctx, "o.region_code")
		if err != nil {
			return nil, err
		}
		var org int64
		err = s.DB.QueryRow(ctx, q, `SELECT v.organization_id FROM instructor_visits v JOIN organizations o ON o.id = v.organization_id
			WHERE v.id = ? AND `+cond, append([]any{id}, args...)...).Scan(&org)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, apperr.InvalidField("origin_id", "所选走访记录不存在或不在管辖范围内")
		}
		if err != nil {
			return nil, err
		}
		return &org, nil
	}
}

// originTitle names the dialogue or visit a request was raised from.
func (s *Service) originTitle(ctx context.Context, q store.Querier, kind string, id int64) (string, error) {
	var day, name string
	var err error
	switch kind {
	case OriginDialogue:
		err = s.DB.QueryRow(ctx, q, `SELECT held_on, title FROM service_dialogues WHERE id = ?`, id).Scan(&day, &name)
	case OriginVisit:
		err = s.DB.QueryRow(ctx, q, `SELECT v.visited_on, o.name FROM instructor_visits v JOIN organizations o ON o.id = v.organization_id
			WHERE v.id = ?`, id).Scan(&day, &name)
		name = "走访「" + name + "」"
	default:
		return "", nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("servicereq: origin %s %d: %w", kind, id, err)
	}
	return day + " " + name, nil
}
