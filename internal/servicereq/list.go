package servicereq

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/store"
)

// Sort orders of the request list.
var sorts = map[string]string{
	"received_desc": "r.received_on DESC, r.id DESC",
	"received_asc":  "r.received_on, r.id",
	"due_asc":       "r.due_on, r.id",
	"due_desc":      "r.due_on DESC, r.id DESC",
}

// SortCodes lists the accepted sort orders (the first is the default).
func SortCodes() []string { return []string{"received_desc", "received_asc", "due_asc", "due_desc"} }

// Filter selects requests. Empty fields do not filter.
type Filter struct {
	State         string
	CategoryID    int64
	RegionCode    string // this region and its subtree
	HandlerUnitID int64
	Overdue       bool // open, clock running and past due
	OrgID         int64
	OriginKind    string // dialogue or visit (with OriginID)
	OriginID      int64
	// Scope is, for a handler account, "" (its inbox) or ScopeDoneByMyUnit
	// (the requests its unit finished earlier, read-only).
	Scope    string
	Q        string
	Sort     string
	Page     int
	PageSize int
}

// Validate checks the filter's codes and names the wrong field.
func (f Filter) Validate() error {
	bad := apperr.Invalid()
	if f.State != "" && optionName(States(), f.State) == "" {
		bad.Field("state", "状态应为 received、handling、transferred、done、replied 或 closed")
	}
	if f.Scope != "" && f.Scope != ScopeDoneByMyUnit {
		bad.Field("scope", "范围应为 done_by_my_unit（本单位已办结）")
	}
	if f.OriginKind != "" && f.OriginKind != OriginDialogue && f.OriginKind != OriginVisit {
		bad.Field("origin_kind", "诉求出处应为 dialogue（政企对话）或 visit（指导员走访）")
	}
	if f.Sort != "" && sorts[f.Sort] == "" {
		bad.Field("sort", "排序应为 "+strings.Join(SortCodes(), "、")+" 之一")
	}
	return bad.OrNil()
}

// where builds the condition of f (without the state when withState is false).
func (s *Service) where(ctx context.Context, f Filter, withState bool) (string, []any, error) {
	cond, args, bound := handlerListScope(ctx, f.Scope)
	if !bound {
		if f.Scope != "" {
			// Only a handler account has a unit of its own.
			return "1=0", nil, nil
		}
		var err error
		if cond, args, err = requestScope(ctx); err != nil {
			return "", nil, err
		}
	}
	add := func(c string, a ...any) {
		cond += " AND " + c
		args = append(args, a...)
	}
	if withState && f.State != "" {
		add("r.state = ?", f.State)
	}
	if f.CategoryID != 0 {
		add("r.category_id = ?", f.CategoryID)
	}
	if f.RegionCode != "" {
		rc, ra := store.PrefixRange("r.region_code", f.RegionCode)
		add(rc, ra...)
	}
	if f.HandlerUnitID != 0 {
		add("r.handler_unit_id = ?", f.HandlerUnitID)
	}
	if f.OrgID != 0 {
		add("r.org_id = ?", f.OrgID)
	}
	if f.OriginKind != "" {
		add("r.origin_kind = ?", f.OriginKind)
	}
	if f.OriginID != 0 {
		add("r.origin_id = ?", f.OriginID)
	}
	if f.Overdue {
		add("r.state IN (?, ?, ?) AND r.paused_on IS NULL AND r.due_on < ?", StateReceived, StateHandling, StateTransferred, s.today())
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		like := "%" + store.LikeEscape(q) + "%"
		add(`(r.content LIKE ? ESCAPE '\' OR r.requester_name LIKE ? ESCAPE '\' OR COALESCE(o.name, '') LIKE ? ESCAPE '\')`, like, like, like)
	}
	return cond, args, nil
}

// List returns one page of the requests in the caller's scope (a street
// sees its subtree, so the level above sees its children's overdue
// requests), with the total.
func (s *Service) List(ctx context.Context, f Filter) ([]Request, store.Total, error) {
	ctx = store.WithOp(ctx, "servicereq.List")
	if err := f.Validate(); err != nil {
		return nil, store.Total{}, err
	}
	cond, args, err := s.where(ctx, f, true)
	if err != nil {
		return nil, store.Total{}, err
	}
	order := sorts[f.Sort]
	if order == "" {
		order = sorts["received_desc"]
	}
	var out []Request
	var total store.Total
	err = s.DB.Report(ctx, func(q store.Querier) error {
		// The count stops at the cap (store.CountIn); the page is read
		// below by a query of its own.
		var err error
		if total, err = store.CountIn(ctx, s.DB, q, store.ListQuery{From: strings.TrimSpace(countFrom(f)), Cond: cond, Args: args}); err != nil {
			return err
		}
		if s.DB.Dialect == store.Postgres {
			// The page joins six small tables to the requests by key, in
			// the order written: searching for another order costs the
			// planner tens of milliseconds, many times the query itself
			// (the first page of a million requests reads 20 index
			// entries). Local to this read-only transaction.
			if _, err := q.ExecContext(ctx, "SET LOCAL join_collapse_limit = 1"); err != nil {
				return err
			}
		}
		page := `SELECT ` + reqCols + reqFrom + ` WHERE ` + cond + ` ORDER BY ` + order + ` LIMIT ? OFFSET ?`
		if strings.TrimSpace(f.Q) == "" {
			// The page's ids first, from the table alone (an index-only
			// scan where an index holds the filter's columns: a street's
			// overdue requests are picked from the open requests' partial
			// index without reading the other streets' rows), then the
			// joins for those rows only.
			page = `SELECT ` + reqCols + ` FROM (SELECT r.id FROM service_requests r WHERE ` + cond + ` ORDER BY ` + order +
				` LIMIT ? OFFSET ?) k JOIN service_requests r ON r.id = k.id` + strings.TrimPrefix(reqFrom, ` FROM service_requests r`) +
				` ORDER BY ` + order
		}
		rows, err := s.DB.Query(ctx, q, page, append(args, f.PageSize, (f.Page-1)*f.PageSize)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		out = []Request{}
		for rows.Next() {
			r, err := scanRequest(rows)
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		cal, err := s.calendar(ctx, q)
		if err != nil {
			return err
		}
		today := s.today()
		for i := range out {
			out[i].decorate(cal, today)
			limitSteps(ctx, &out[i])
		}
		return nil
	})
	if err != nil {
		return nil, store.Total{}, fmt.Errorf("servicereq: list: %w", err)
	}
	return out, total, nil
}

// countFrom is the FROM of a count of f's requests: the table alone unless
// the search reads the organization's name. The joins of reqFrom never
// change the number of rows (category_id is NOT NULL and references a
// category; the rest are LEFT JOINs on keys), and without them a count
// reads an index only (the open requests' partial index for the overdue
// list).
func countFrom(f Filter) string {
	if strings.TrimSpace(f.Q) != "" {
		return reqFrom
	}
	return ` FROM service_requests r`
}

// StateCount is the number of requests in one state.
type StateCount struct {
	State string `json:"state"`
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// Counts are the tab counts of the desk: per state, all and overdue.
type Counts struct {
	States  []StateCount `json:"states"`
	All     int          `json:"all"`
	Overdue int          `json:"overdue"`
}

// Count counts the requests of f per state (f's state is ignored).
func (s *Service) Count(ctx context.Context, f Filter) (Counts, error) {
	f.State = ""
	if err := f.Validate(); err != nil {
		return Counts{}, err
	}
	cond, args, err := s.where(ctx, f, false)
	if err != nil {
		return Counts{}, err
	}
	by := map[string]int{}
	var out Counts
	err = s.DB.Report(ctx, func(q store.Querier) error {
		rows, err := s.DB.Query(ctx, q, `SELECT r.state, COUNT(*)`+countFrom(f)+` WHERE `+cond+` GROUP BY r.state`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var st string
			var n int
			if err := rows.Scan(&st, &n); err != nil {
				return err
			}
			by[st] = n
		}
		if err := rows.Err(); err != nil {
			return err
		}
		f.Overdue = true
		oc, oargs, err := s.where(ctx, f, false)
		if err != nil {
			return err
		}
		return s.DB.QueryRow(ctx, q, `SELECT COUNT(*)`+countFrom(f)+` WHERE `+oc, oargs...).Scan(&out.Overdue)
	})
	if err != nil {
		return Counts{}, fmt.Errorf("servicereq: count: %w", err)
	}
	for _, st := range States() {
		out.States = append(out.States, StateCount{State: st.Code, Name: st.Name, Count: by[st.Code]})
		out.All += by[st.Code]
	}
	return out, nil
}

// Timeline returns the steps of one request, oldest first.
func (s *Service) Timeline(ctx context.Context, id int64) ([]Event, error) {
	if _, err := s.get(ctx, s.DB, id); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT e.id, e.action, e.from_state, e.to_state, e.handler_unit_id, COALESCE(u.name, ''), e.note, e.detail,
		e.due_on, e.username, e.at FROM service_request_events e LEFT JOIN service_handler_units u ON u.id = e.handler_unit_id
		WHERE e.request_id = ? ORDER BY e.id`, id)
	if err != nil {
		return nil, fmt.Errorf("servicereq: timeline %d: %w", id, err)
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		var e Event
		var unit sql.NullInt64
		var detail string
		if err := rows.Scan(&e.ID, &e.Action, &e.FromState, &e.ToState, &unit, &e.HandlerUnitName, &e.Note, &detail, &e.DueOn, &e.Username, &e.At); err != nil {
			return nil, err
		}
		if unit.Valid {
			e.HandlerUnitID = &unit.Int64
		}
		e.Detail = map[string]string{}
		_ = json.Unmarshal([]byte(detail), &e.Detail)
		e.ActionName = optionName(Actions(), e.Action)
		e.ToStateName = optionName(States(), e.ToState)
		out = append(out, e)
	}
	return out, rows.Err()
}

// RevealPhone returns one request with the requester's phone in full and
// audits the view. The caller checks the reveal permission.
func (s *Service) RevealPhone(ctx context.Context, id int64) (Request, error) {
	var out Request
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		r, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		out = r
		if r.phoneEnc != "" {
			p, err := s.protector()
			if err != nil {
				return err
			}
			if out.RequesterPhone, err = p.Decrypt(r.phoneEnc); err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "service_request_reveal", Entity: "service_request", EntityID: fmt.Sprint(id),
			After: map[string]any{"id": id, "requester_name": r.RequesterName, "phone": r.RequesterPhone},
			Note:  fmt.Sprintf("查看诉求（编号 %d）诉求人「%s」的完整联系电话 %s", id, r.RequesterName, r.RequesterPhone)})
	})
	if err != nil {
		return Request{}, fmt.Errorf("servicereq: reveal %d: %w", id, err)
	}
	return out, nil
}
