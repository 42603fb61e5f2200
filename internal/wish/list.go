package wish

import (
	"context"
	"fmt"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/store"
)

var sorts = map[string]string{
	"created_desc": "w.created_at DESC, w.id DESC",
	"created_asc":  "w.created_at, w.id",
	"value_desc":   "COALESCE(w.value_cents, -1) DESC, w.id DESC",
}

// SortCodes lists the accepted sort orders (the first is the default).
func SortCodes() []string { return []string{"created_desc", "created_asc", "value_desc"} }

// Filter selects wishes. Empty fields do not filter.
type Filter struct {
	State      string
	Category   string
	RegionCode string // this region and its subtree
	Q          string
	Sort       string
	Page       int
	PageSize   int
}

// Validate checks the filter's codes and names the wrong field.
func (f Filter) Validate() error {
	bad := apperr.Invalid()
	if f.State != "" && optionName(States(), f.State) == "" {
		bad.Field("state", "状态应为 submitted、open、claimed、fulfilled、confirmed 或 cancelled")
	}
	if f.Category != "" && optionName(Categories(), f.Category) == "" {
		bad.Field("category", "心愿类别代码不存在")
	}
	if f.Sort != "" && sorts[f.Sort] == "" {
		bad.Field("sort", "排序应为 "+strings.Join(SortCodes(), "、")+" 之一")
	}
	return bad.OrNil()
}

func (s *Service) where(ctx context.Context, f Filter, withState bool) (string, []any, error) {
	cond, args, err := store.ScopeFilter(ctx, "w.region_code")
	if err != nil {
		return "", nil, err
	}
	add := func(c string, a ...any) {
		cond += " AND " + c
		args = append(args, a...)
	}
	if withState && f.State != "" {
		add(effState+" = ?", s.today(), f.State)
	}
	if f.Category != "" {
		add("w.category = ?", f.Category)
	}
	if f.RegionCode != "" {
		rc, ra := store.PrefixRange("w.region_code", f.RegionCode)
		add(rc, ra...)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		add(`w.content LIKE ? ESCAPE '\'`, "%"+store.LikeEscape(q)+"%")
	}
	return cond, args, nil
}

// List returns one page of the wishes in the caller's scope (the board):
// each with DisplayName, the wisher's own name left out.
func (s *Service) List(ctx context.Context, f Filter) ([]Wish, store.Total, error) {
	ctx = store.WithOp(ctx, "wish.List")
	out, total, err := s.list(ctx, f, true)
	if err != nil {
		return nil, store.Total{}, err
	}
	for i := range out {
		out[i].WisherName = ""
	}
	return out, total, nil
}

// All returns every wish matching f (no paging), for the export.
func (s *Service) All(ctx context.Context, f Filter) ([]Wish, error) {
	out, _, err := s.list(ctx, f, false)
	return out, err
}

func (s *Service) list(ctx context.Context, f Filter, paged bool) ([]Wish, store.Total, error) {
	if err := f.Validate(); err != nil {
		return nil, store.Total{}, err
	}
	cond, args, err := s.where(ctx, f, true)
	if err != nil {
		return nil, store.Total{}, err
	}
	order := sorts[f.Sort]
	if order == "" {
		order = sorts[SortCodes()[0]]
	}
	today := s.today()
	scan := func(r store.Scanner) (Wish, error) {
		w, err := scanWish(r)
		w.decorate(today)
		return w, err
	}
	lq := store.ListQuery{Cols: wishCols, From: wishFrom[1:], Cond: cond, Args: args, Order: order}
	if paged {
		out, total, err := store.List(ctx, s.DB, lq, store.Page{Number: f.Page, Size: f.PageSize}, scan)
		if err != nil {
			return nil, store.Total{}, fmt.Errorf("wish: list: %w", err)
		}
		return out, total, nil
	}
	out := []Wish{}
	err = s.DB.Report(ctx, func(q store.Querier) error {
		rows, err := s.DB.Query(ctx, q, `SELECT `+lq.Cols+` `+lq.From+` WHERE `+cond+` ORDER BY `+order, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			w, err := scan(rows)
			if err != nil {
				return err
			}
			out = append(out, w)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, store.Total{}, fmt.Errorf("wish: list: %w", err)
	}
	return out, store.Exact(len(out)), nil
}

// StateCount is the number of wishes in one state.
type StateCount struct {
	State string `json:"state"`
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// Counts are the wishes per state in a subtree (a lapsed claim counts as open).
type Counts struct {
	States []StateCount `json:"states"`
	All    int          `json:"all"`
}

// Count counts the wishes of f per state (f's state is ignored).
func (s *Service) Count(ctx context.Context, f Filter) (Counts, error) {
	ctx = store.WithOp(ctx, "wish.Count")
	f.State = ""
	if err := f.Validate(); err != nil {
		return Counts{}, err
	}
	cond, args, err := s.where(ctx, f, false)
	if err != nil {
		return Counts{}, err
	}
	by := map[string]int{}
	err = s.DB.Report(ctx, func(q store.Querier) error {
		rows, err := s.DB.Query(ctx, q, `SELECT st, COUNT(*) FROM (SELECT `+effState+` AS st`+wishFrom+` WHERE `+cond+`) x GROUP BY st`,
			append([]any{s.today()}, args...)...)
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
			by[st] += n
		}
		return rows.Err()
	})
	if err != nil {
		return Counts{}, fmt.Errorf("wish: count: %w", err)
	}
	var out Counts
	for _, st := range States() {
		out.States = append(out.States, StateCount{State: st.Code, Name: st.Name, Count: by[st.Code]})
		out.All += by[st.Code]
	}
	return out, nil
}

// Timeline returns the steps of one wish, oldest first.
func (s *Service) Timeline(ctx context.Context, id int64) ([]Event, error) {
	if _, err := s.get(ctx, s.DB, id); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT id, action, from_state, to_state, note, username, at FROM wish_events WHERE wish_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("wish: timeline %d: %w", id, err)
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.ID, &e.Action, &e.FromState, &e.ToState, &e.Note, &e.Username, &e.At); err != nil {
			return nil, err
		}
		e.ActionName = optionName(Actions(), e.Action)
		e.ToStateName = optionName(States(), e.ToState)
		out = append(out, e)
	}
	return out, rows.Err()
}
