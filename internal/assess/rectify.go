package assess

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/civil"
	"liangxin/internal/store"
)

// Rectification is a 软弱涣散 designation with its rectification record.
type Rectification struct {
	ID           int64   `json:"id"`
	PartyOrgID   int64   `json:"party_org_id"`
	PartyOrgName string  `json:"party_org_name"`
	RegionCode   string  `json:"region_code"`
	RegionName   string  `json:"region_name"`
	DesignatedOn string  `json:"designated_on"`
	Reasons      string  `json:"reasons"`
	Measures     string  `json:"measures"`
	Responsible  string  `json:"responsible"`
	Deadline     string  `json:"deadline"`
	DoneOn       *string `json:"done_on"`
	Outcome      string  `json:"outcome"`
	Overdue      bool    `json:"overdue"`
	DaysOverdue  int     `json:"days_overdue"`
	StatusName   string  `json:"status_name"`
}

// RectificationInput designates a party organization as 软弱涣散.
type RectificationInput struct {
	PartyOrgID   int64  `json:"party_org_id"`
	DesignatedOn string `json:"designated_on"`
	Reasons      string `json:"reasons"`
	Measures     string `json:"measures"`
	Responsible  string `json:"responsible"`
	Deadline     string `json:"deadline"`
}

// RectificationPatch updates the rectification record; nil fields stay.
type RectificationPatch struct {
	Measures    *string `json:"measures"`
	Responsible *string `json:"responsible"`
	Deadline    *string `json:"deadline"`
	DoneOn      *string `json:"done_on"`
	Outcome     *string `json:"outcome"`
}

const rectCols = `c.id, c.party_org_id, p.name, p.region_code, COALESCE(g.name, ''), c.designated_on, c.reasons, c.measures, c.responsible, c.deadline, c.done_on, c.outcome`
const rectFrom = ` FROM assess_rectifications c JOIN party_orgs p ON p.id = c.party_org_id LEFT JOIN regions g ON g.code = p.region_code`

func (s *Service) scanRect(row interface{ Scan(...any) error }) (Rectification, error) {
	var c Rectification
	var done sql.NullString
	err := row.Scan(&c.ID, &c.PartyOrgID, &c.PartyOrgName, &c.RegionCode, &c.RegionName, &c.DesignatedOn, &c.Reasons, &c.Measures, &c.Responsible, &c.Deadline, &done, &c.Outcome)
	if done.Valid {
		v := done.String
		c.DoneOn = &v
	}
	c.decorate(s.today())
	return c, err
}

// decorate sets the overdue flag: not done and the deadline is before today.
func (c *Rectification) decorate(today string) {
	switch {
	case c.DoneOn != nil:
		c.StatusName = "已完成整改"
	case c.Deadline < today:
		c.Overdue = true
		d, _ := civil.Read(c.Deadline)
		t, _ := civil.Read(today)
		c.DaysOverdue = int(t.Sub(d).Hours() / 24)
		c.StatusName = "逾期未完成"
	default:
		c.StatusName = "整改中"
	}
}

func (s *Service) getRect(ctx context.Context, q store.Querier, id int64) (Rectification, error) {
	cond, args, err := store.PartyOrgFilter(ctx, "c.party_org_id")
	if err != nil {
		return Rectification{}, err
	}
	c, err := s.scanRect(s.DB.QueryRow(ctx, q, `SELECT `+rectCols+rectFrom+` WHERE c.id = ? AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return c, apperr.NotFound("整改记录")
	}
	return c, err
}

func textField(bad *apperr.Error, field, label, v string, required bool, max int) string {
	v = strings.TrimSpace(v)
	if required && v == "" {
		bad.Field(field, "请填写"+label)
	}
	if utf8.RuneCountInString(v) > max {
		bad.Field(field, fmt.Sprintf("%s不能超过 %d 个字", label, max))
	}
	return v
}

// Designate records a party organization as 软弱涣散 with its rectification
// plan. One unfinished rectification per party organization at a time.
func (s *Service) Designate(ctx context.Context, in RectificationInput) (Rectification, error) {
	bad := apperr.Invalid()
	in.Reasons = textField(bad, "reasons", "认定原因", in.Reasons, true, 1000)
	in.Measures = textField(bad, "measures", "整改措施", in.Measures, false, 2000)
	in.Responsible = textField(bad, "responsible", "责任人", in.Responsible, false, 50)
	on, err := parseDay("designated_on", in.DesignatedOn)
	if err != nil {
		bad.Field("designated_on", "请填写认定日期（YYYY-MM-DD）")
	} else if on > s.today() {
		bad.Field("designated_on", "认定日期不能晚于今天")
	}
	deadline, err := parseDay("deadline", in.Deadline)
	if err != nil {
		bad.Field("deadline", "请填写整改期限（YYYY-MM-DD）")
	} else if on != "" && deadline < on {
		bad.Field("deadline", "整改期限不能早于认定日期")
	}
	if err := bad.OrNil(); err != nil {
		return Rectification{}, err
	}
	var out Rectification
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		_, code, err := s.inScopePartyOrg(ctx, tx, in.PartyOrgID)
		if err != nil {
			return err
		}
		if !owns(ctx, code) {
			return apperr.NotFound("党组织")
		}
		var open int
		if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM assess_rectifications WHERE party_org_id = ? AND done_on IS NULL`, in.PartyOrgID).Scan(&open); err != nil {
			return err
		}
		if open > 0 {
			return apperr.Conflict("该党组织已认定为软弱涣散且整改尚未完成，请在原整改记录中更新")
		}
		now := s.stamp()
		var id int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO assess_rectifications (party_org_id, designated_on, reasons, measures, responsible, deadline, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.PartyOrgID, on, in.Reasons, in.Measures, in.Responsible, deadline, now, now).Scan(&id); err != nil {
			return err
		}
		if out, err = s.getRect(ctx, tx, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "assess_weak_designate", Entity: "assess_rectification", EntityID: fmt.Sprint(id), After: out})
	})
	return out, err
}

// UpdateRectification records progress: measures, responsible person,
// deadline, and the day it was done.
func (s *Service) UpdateRectification(ctx context.Context, id int64, p RectificationPatch) (Rectification, error) {
	ctx = store.WithOp(ctx, "assess.UpdateRectification")
	var out Rectification
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := s.getRect(ctx, tx, id)
		if err != nil {
			return err
		}
		next := before
		bad := apperr.Invalid()
		if p.Measures != nil {
			next.Measures = textField(bad, "measures", "整改措施", *p.Measures, false, 2000)
		}
		if p.Responsible != nil {
			next.Responsible = textField(bad, "responsible", "责任人", *p.Responsible, false, 50)
		}
		if p.Outcome != nil {
			next.Outcome = textField(bad, "outcome", "整改成效", *p.Outcome, false, 2000)
		}
		if p.Deadline != nil {
			d, err := parseDay("deadline", *p.Deadline)
			if err != nil {
				bad.Field("deadline", "整改期限格式应为 YYYY-MM-DD")
			} else if d < before.DesignatedOn {
				bad.Field("deadline", "整改期限不能早于认定日期")
			}
			next.Deadline = d
		}
		if p.DoneOn != nil {
			if strings.TrimSpace(*p.DoneOn) == "" {
				next.DoneOn = nil
			} else {
				d, err := parseDay("done_on", *p.DoneOn)
				switch {
				case err != nil:
					bad.Field("done_on", "完成日期格式应为 YYYY-MM-DD")
				case d < before.DesignatedOn:
					bad.Field("done_on", "完成日期不能早于认定日期")
				case d > s.today():
					bad.Field("done_on", "完成日期不能晚于今天")
				}
				next.DoneOn = &d
			}
		}
		if next.DoneOn != nil && strings.TrimSpace(next.Measures) == "" {
			bad.Field("measures", "整改完成前请填写整改措施")
		}
		if err := bad.OrNil(); err != nil {
			return err
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE assess_rectifications SET measures = ?, responsible = ?, deadline = ?, done_on = ?, outcome = ?, updated_at = ? WHERE id = ?`,
			next.Measures, next.Responsible, next.Deadline, next.DoneOn, next.Outcome, s.stamp(), id); err != nil {
			return err
		}
		if out, err = s.getRect(ctx, tx, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "assess_rectification_update", Entity: "assess_rectification", EntityID: fmt.Sprint(id), Before: before, After: out})
	})
	return out, err
}

// RectificationFilter selects rectifications; Status is "", "open", "overdue" or "done".
type RectificationFilter struct {
	RegionCode string
	Status     string
}

// ListRectifications lists the rectifications in the caller's scope, overdue first.
func (s *Service) ListRectifications(ctx context.Context, f RectificationFilter) ([]Rectification, error) {
	ctx = store.WithOp(ctx, "assess.ListRectifications")
	cond, args, err := store.PartyOrgFilter(ctx, "c.party_org_id")
	if err != nil {
		return nil, err
	}
	where := " WHERE " + cond
	if f.RegionCode != "" {
		rc, ra := store.PrefixRange("p.region_code", f.RegionCode)
		where, args = where+" AND "+rc, append(args, ra...)
	}
	switch f.Status {
	case "":
	case RectOpen:
		where += " AND c.done_on IS NULL"
	case RectOverdue:
		where += " AND c.done_on IS NULL AND c.deadline < ?"
		args = append(args, s.today())
	case RectDone:
		where += " AND c.done_on IS NOT NULL"
	default:
		return nil, apperr.InvalidField("status", "状态应为 open（整改中）、overdue（逾期）或 done（已完成）")
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT `+rectCols+rectFrom+where+` ORDER BY CASE WHEN c.done_on IS NULL THEN 0 ELSE 1 END, c.deadline, c.id LIMIT 5000`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Rectification{}
	for rows.Next() {
		c, err := s.scanRect(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// The status filter of the rectification list.
const (
	RectOpen    = "open"    // 整改中
	RectOverdue = "overdue" // 整改中且已过期限
	RectDone    = "done"    // 已完成
)

// RectificationStatusFilters are the status values the list accepts.
var RectificationStatusFilters = []string{RectOpen, RectOverdue, RectDone}

// RectificationBrief reads a rectification the caller may see, for a task
// made from it (internal/workloop): the party organization, a title and the
// rectification's deadline; 404 outside the caller's scope.
func (s *Service) RectificationBrief(ctx context.Context, id int64) (int64, string, string, error) {
	c, err := s.getRect(ctx, s.DB, id)
	if err != nil {
		return 0, "", "", err
	}
	return c.PartyOrgID, "软弱涣散整改：" + c.PartyOrgName, c.Deadline, nil
}
