package servicereq

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"liangxin/internal/apperr"
	"liangxin/internal/civil"
	"liangxin/internal/store"
)

// StatsFilter selects the period (inclusive days) and the subtree of the
// figures. Empty From is the first day of this year, empty To today.
type StatsFilter struct {
	From, To   string
	RegionCode string
}

// Figures are the counts and rates of one slice of the requests.
//
//   - received: requests received (接单) in the period;
//   - done: requests finished (办结) in the period and not reopened since;
//     on_time: of those, finished on or before their due day;
//   - replied: requests answered (回单) in the period with a satisfaction;
//     satisfied: of those, 满意 or 基本满意;
//   - avg_days: calendar days from 接单 to 办结, averaged over done;
//   - reopened: of the requests received in the period, those reopened at
//     least once.
//
// Rates are percentages with one decimal, 0 when there is nothing to divide.
type Figures struct {
	Received         int     `json:"received"`
	Done             int     `json:"done"`
	OnTime           int     `json:"on_time"`
	OnTimeRate       float64 `json:"on_time_rate"`
	Replied          int     `json:"replied"`
	Satisfied        int     `json:"satisfied"`
	SatisfactionRate float64 `json:"satisfaction_rate"`
	AvgDays          float64 `json:"avg_days"`
	Reopened         int     `json:"reopened"`
	ReopenRate       float64 `json:"reopen_rate"`

	doneDays int
}

// CategoryFigures are the figures of one category.
type CategoryFigures struct {
	CategoryID   int64  `json:"category_id"`
	CategoryName string `json:"category_name"`
	Figures
}

// UnitFigures rank a handler unit by the requests it finished.
type UnitFigures struct {
	Rank       int     `json:"rank"`
	UnitID     int64   `json:"unit_id"`
	UnitName   string  `json:"unit_name"`
	Done       int     `json:"done"`
	OnTime     int     `json:"on_time"`
	OnTimeRate float64 `json:"on_time_rate"`
	AvgDays    float64 `json:"avg_days"`

	doneDays int
}

// MonthFigures are the figures of one calendar month (YYYY-MM).
type MonthFigures struct {
	Month string `json:"month"`
	Figures
}

// Stats are the figures of the service desk for a period and subtree.
type Stats struct {
	From       string            `json:"from"`
	To         string            `json:"to"`
	RegionCode string            `json:"region_code"`
	Total      Figures           `json:"total"`
	ByCategory []CategoryFigures `json:"by_category"`
	ByUnit     []UnitFigures     `json:"by_unit"`
	Monthly    []MonthFigures    `json:"monthly"`
}

func rate(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return math.Round(float64(n)*1000/float64(d)) / 10
}

func avg(sum, n int) float64 {
	if n == 0 {
		return 0
	}
	return math.Round(float64(sum)*10/float64(n)) / 10
}

func (f *Figures) finish() {
	f.OnTimeRate = rate(f.OnTime, f.Done)
	f.SatisfactionRate = rate(f.Satisfied, f.Replied)
	f.AvgDays = avg(f.doneDays, f.Done)
	f.ReopenRate = rate(f.Reopened, f.Received)
	f.doneDays = 0 // an accumulator only: the answer compares by value
}

// validate fills the default period and names a wrong field.
func (s *Service) statsPeriod(f *StatsFilter) error {
	bad := apperr.Invalid()
	today := s.today()
	if f.To == "" {
		f.To = today
	} else if d, err := civil.Day("to", f.To); err != nil {
		bad.Field("to", "截止日期格式应为 YYYY-MM-DD")
	} else {
		f.To = d
	}
	if f.From == "" {
		f.From = f.To[:4] + "-01-01"
	} else if d, err := civil.Day("from", f.From); err != nil {
		bad.Field("from", "起始日期格式应为 YYYY-MM-DD")
	} else {
		f.From = d
	}
	if err := bad.OrNil(); err != nil {
		return err
	}
	a, _ := civil.Read(f.From)
	b, _ := civil.Read(f.To)
	switch {
	case a.After(b):
		bad.Field("from", "起始日期不能晚于截止日期")
	case b.Sub(a) > 3*366*24*time.Hour:
		bad.Field("to", "统计区间不能超过 3 年")
	}
	return bad.OrNil()
}

// Stats computes the figures of the requests in the caller's scope (and in
// f.RegionCode's subtree) for the period: totals, by category, handler
// units ranked by requests finished, and a monthly series.
func (s *Service) Stats(ctx context.Context, f StatsFilter) (Stats, error) {
	if err := s.statsPeriod(&f); err != nil {
		return Stats{}, err
	}
	cond, args, err := store.ScopeFilter(ctx, "r.region_code")
	if err != nil {
		return Stats{}, err
	}
	if f.RegionCode != "" {
		rc, ra := store.PrefixRange("r.region_code", f.RegionCode)
		cond, args = cond+" AND "+rc, append(args, ra...)
	}
	out := Stats{From: f.From, To: f.To, RegionCode: f.RegionCode}
	byCat := map[int64]*Figures{}
	byMonth := map[string]*Figures{}
	byUnit := map[int64]*UnitFigures{}
	cat := func(id int64) *Figures {
		if byCat[id] == nil {
			byCat[id] = &Figures{}
		}
		return byCat[id]
	}
	month := func(m string) *Figures {
		if byMonth[m] == nil {
			byMonth[m] = &Figures{}
		}
		return byMonth[m]
	}
	period := append(append([]any{}, f.From, f.To), args...)
	var cats []Category
	names := map[int64]string{}
	err = s.DB.Report(ctx, func(q store.Querier) error {
		// Received and reopened, by category and month.
		if err := eachRow(ctx, s.DB, q, `SELECT r.category_id, substr(r.received_on, 1, 7), COUNT(*), SUM(CASE WHEN r.reopen_count > 0 THEN 1 ELSE 0 END)
			FROM service_requests r WHERE r.received_on >= ? AND r.received_on <= ? AND `+cond+` GROUP BY r.category_id, substr(r.received_on, 1, 7)`, period,
			func(sc func(...any) error) error {
				var c int64
				var m string
				var n, re int
				if err := sc(&c, &m, &n, &re); err != nil {
					return err
				}
				for _, x := range []*Figures{&out.Total, cat(c), month(m)} {
					x.Received += n
					x.Reopened += re
				}
				return nil
			}); err != nil {
			return err
		}
		// Done (still finished), on time and days, by category, month and unit.
		doneArgs := append([]any{StateDone, StateReplied, StateClosed}, period...)
		if err := eachRow(ctx, s.DB, q, `SELECT r.category_id, substr(r.done_on, 1, 7), COALESCE(r.done_by_unit_id, 0), COUNT(*),
			SUM(CASE WHEN r.done_on <= r.due_on THEN 1 ELSE 0 END), COALESCE(SUM(r.done_days), 0)
			FROM service_requests r WHERE r.state IN (?, ?, ?) AND r.done_on >= ? AND r.done_on <= ? AND `+cond+`
			GROUP BY r.category_id, substr(r.done_on, 1, 7), COALESCE(r.done_by_unit_id, 0)`, doneArgs,
			func(sc func(...any) error) error {
				var c, u int64
				var m string
				var n, ot, days int
				if err := sc(&c, &m, &u, &n, &ot, &days); err != nil {
					return err
				}
				for _, x := range []*Figures{&out.Total, cat(c), month(m)} {
					x.Done += n
					x.OnTime += ot
					x.doneDays += days
				}
				if u != 0 {
					if byUnit[u] == nil {
						byUnit[u] = &UnitFigures{UnitID: u}
					}
					byUnit[u].Done += n
					byUnit[u].OnTime += ot
					byUnit[u].doneDays += days
				}
				return nil
			}); err != nil {
			return err
		}
		// Replied with a satisfaction, by category and month.
		repArgs := append([]any{Satisfied, BasicSatisfied}, period...)
		if err := eachRow(ctx, s.DB, q, `SELECT r.category_id, substr(r.replied_on, 1, 7), COUNT(*), SUM(CASE WHEN r.satisfaction IN (?, ?) THEN 1 ELSE 0 END)
			FROM service_requests r WHERE r.replied_on >= ? AND r.replied_on <= ? AND r.satisfaction <> '' AND `+cond+`
			GROUP BY r.category_id, substr(r.replied_on, 1, 7)`, repArgs,
			func(sc func(...any) error) error {
				var c int64
				var m string
				var n, ok int
				if err := sc(&c, &m, &n, &ok); err != nil {
					return err
				}
				for _, x := range []*Figures{&out.Total, cat(c), month(m)} {
					x.Replied += n
					x.Satisfied += ok
				}
				return nil
			}); err != nil {
			return err
		}
		if cats, err = s.categories(ctx, q); err != nil {
			return err
		}
		if len(byUnit) == 0 {
			return nil
		}
		return eachRow(ctx, s.DB, q, `SELECT id, name FROM service_handler_units`, nil, func(sc func(...any) error) error {
			var id int64
			var n string
			if err := sc(&id, &n); err != nil {
				return err
			}
			names[id] = n
			return nil
		})
	})
	if err != nil {
		return Stats{}, fmt.Errorf("servicereq: stats: %w", err)
	}
	out.Total.finish()
	out.ByCategory = []CategoryFigures{}
	for _, c := range cats {
		x, ok := byCat[c.ID]
		if !ok {
			if !c.Active {
				continue
			}
			x = &Figures{}
		}
		x.finish()
		out.ByCategory = append(out.ByCategory, CategoryFigures{CategoryID: c.ID, CategoryName: c.Name, Figures: *x})
	}
	out.ByUnit = []UnitFigures{}
	for _, u := range byUnit {
		u.UnitName = names[u.UnitID]
		u.OnTimeRate = rate(u.OnTime, u.Done)
		u.AvgDays = avg(u.doneDays, u.Done)
		u.doneDays = 0
		out.ByUnit = append(out.ByUnit, *u)
	}
	sort.Slice(out.ByUnit, func(i, j int) bool {
		a, b := out.ByUnit[i], out.ByUnit[j]
		if a.Done != b.Done {
			return a.Done > b.Done
		}
		if a.OnTimeRate != b.OnTimeRate {
			return a.OnTimeRate > b.OnTimeRate
		}
		return a.UnitName < b.UnitName
	})
	for i := range out.ByUnit {
		out.ByUnit[i].Rank = i + 1
	}
	out.Monthly = []MonthFigures{}
	a, _ := civil.Read(f.From)
	b, _ := civil.Read(f.To)
	for m := time.Date(a.Year(), a.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(b); m = m.AddDate(0, 1, 0) {
		key := m.Format(civil.MonthLayout)
		x := byMonth[key]
		if x == nil {
			x = &Figures{}
		}
		x.finish()
		out.Monthly = append(out.Monthly, MonthFigures{Month: key, Figures: *x})
	}
	return out, nil
}

// eachRow runs a query and hands each row's Scan to fn.
func eachRow(ctx context.Context, db *store.DB, q store.Querier, query string, args []any, fn func(func(...any) error) error) error {
	rows, err := db.Query(ctx, q, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}
