package assess

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/store"
)

// Pair is a "1+1" 结对帮带: a model party organization helps another.
type Pair struct {
	ID         int64        `json:"id"`
	ModelID    int64        `json:"model_party_org_id"`
	ModelName  string       `json:"model_party_org_name"`
	HelpedID   int64        `json:"helped_party_org_id"`
	HelpedName string       `json:"helped_party_org_name"`
	From       string       `json:"from"`
	To         string       `json:"to"`
	Goals      string       `json:"goals"`
	Activities []Activity   `json:"activities"`
	Before     PairSnapshot `json:"before"`
	After      PairSnapshot `json:"after"`
	StatusName string       `json:"status_name"`
}

// Activity is one 帮带 activity of a pair.
type Activity struct {
	ID      int64  `json:"id"`
	HeldOn  string `json:"held_on"`
	Content string `json:"content"`
}

// PairSnapshot is the helped party organization's compliance and rating
// before the pair started (the 12 months before) or since.
type PairSnapshot struct {
	From       string  `json:"from"`
	To         string  `json:"to"`
	Compliance *string `json:"compliance"` // percentage; nil when not computable
	Note       string  `json:"note"`
	RoundName  string  `json:"round_name"`
	Stars      *int    `json:"stars"`
	StarName   string  `json:"star_name"`
	Total      *Points `json:"total"`
}

// PairInput creates a pair.
type PairInput struct {
	ModelID  int64  `json:"model_party_org_id"`
	HelpedID int64  `json:"helped_party_org_id"`
	From     string `json:"from"`
	To       string `json:"to"`
	Goals    string `json:"goals"`
}

// ActivityInput records an activity of a pair.
type ActivityInput struct {
	HeldOn  string `json:"held_on"`
	Content string `json:"content"`
}

const pairCols = `x.id, x.model_party_org_id, m.name, x.helped_party_org_id, h.name, x.from_on, x.to_on, x.goals`
const pairFrom = ` FROM assess_pairs x JOIN party_orgs m ON m.id = x.model_party_org_id JOIN party_orgs h ON h.id = x.helped_party_org_id`

// pairScope: a pair is visible when either party organization is.
func pairScope(ctx context.Context) (string, []any, error) {
	a, args, err := store.PartyOrgFilter(ctx, "x.model_party_org_id")
	if err != nil {
		return "", nil, err
	}
	b, args2, _ := store.PartyOrgFilter(ctx, "x.helped_party_org_id")
	return "(" + a + " OR " + b + ")", append(args, args2...), nil
}

func scanPair(row interface{ Scan(...any) error }) (Pair, error) {
	var p Pair
	err := row.Scan(&p.ID, &p.ModelID, &p.ModelName, &p.HelpedID, &p.HelpedName, &p.From, &p.To, &p.Goals)
	p.Activities = []Activity{}
	return p, err
}

// GetPair returns a pair with its activities and before/after comparison.
func (s *Service) GetPair(ctx context.Context, id int64) (Pair, error) {
	ctx = store.WithOp(ctx, "assess.GetPair")
	p, err := s.getPair(ctx, s.DB, id)
	if err != nil {
		return p, err
	}
	return p, s.decoratePair(ctx, &p)
}

func (s *Service) getPair(ctx context.Context, q store.Querier, id int64) (Pair, error) {
	cond, args, err := pairScope(ctx)
	if err != nil {
		return Pair{}, err
	}
	p, err := scanPair(s.DB.QueryRow(ctx, q, `SELECT `+pairCols+pairFrom+` WHERE x.id = ? AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return p, apperr.NotFound("结对")
	}
	if err != nil {
		return p, err
	}
	rows, err := s.DB.Query(ctx, q, `SELECT id, held_on, content FROM assess_pair_activities WHERE pair_id = ? ORDER BY held_on, id`, id)
	if err != nil {
		return p, err
	}
	defer rows.Close()
	for rows.Next() {
		var a Activity
		if err := rows.Scan(&a.ID, &a.HeldOn, &a.Content); err != nil {
			return p, err
		}
		p.Activities = append(p.Activities, a)
	}
	return p, rows.Err()
}

// rating finds the latest closed round rating a party organization whose
// period ends before (before=true) or on/after the day.
func (s *Service) rating(ctx context.Context, partyOrgID int64, day string, before bool) (name string, total Points, stars int, ok bool, err error) {
	op := "r.period_to >= ?"
	if before {
		op = "r.period_to < ?"
	}
	err = s.DB.QueryRow(ctx, s.DB, `SELECT r.name, x.total, x.stars FROM assess_results x JOIN assess_rounds r ON r.id = x.round_id
		WHERE x.party_org_id = ? AND r.status = ? AND x.total IS NOT NULL AND `+op+` ORDER BY r.period_to DESC, r.id DESC LIMIT 1`,
		partyOrgID, StatusClosed, day).Scan(&name, &total, &stars)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, 0, false, nil
	}
	return name, total, stars, err == nil, err
}

func (s *Service) snapshot(ctx context.Context, partyOrgID int64, from, to, ratingDay string, before bool) (PairSnapshot, error) {
	sn := PairSnapshot{From: from, To: to}
	switch {
	case to < from:
		sn.Note = "结对尚未开始"
	case s.Meetings == nil:
		sn.Note = "组织生活数据来源未接入，无法计算完成率"
	default:
		c, err := s.Meetings.PartyOrgRate(ctx, partyOrgID, from, to)
		switch {
		case err != nil:
			sn.Note = "组织生活数据读取失败"
		case c == nil:
			sn.Note = "期间内无应开的组织生活"
		default:
			v := pct(toValue(*c))
			sn.Compliance = &v
		}
	}
	name, total, stars, ok, err := s.rating(ctx, partyOrgID, ratingDay, before)
	if err != nil {
		return sn, err
	}
	if ok {
		sn.RoundName, sn.Stars, sn.Total, sn.StarName = name, &stars, &total, StarName(stars)
	}
	return sn, nil
}

func (s *Service) decoratePair(ctx context.Context, p *Pair) error {
	today := s.today()
	switch {
	case today < p.From:
		p.StatusName = "未开始"
	case today > p.To:
		p.StatusName = "已结束"
	default:
		p.StatusName = "帮带中"
	}
	var err error
	if p.Before, err = s.snapshot(ctx, p.HelpedID, addDays(p.From, -1, 0, 0), addDays(p.From, 0, 0, -1), p.From, true); err != nil {
		return err
	}
	end := p.To
	if today < end {
		end = today
	}
	p.After, err = s.snapshot(ctx, p.HelpedID, p.From, end, p.From, false)
	return err
}

// CreatePair pairs a model party organization with one it helps.
func (s *Service) CreatePair(ctx context.Context, in PairInput) (Pair, error) {
	ctx = store.WithOp(ctx, "assess.CreatePair")
	bad := apperr.Invalid()
	in.Goals = textField(bad, "goals", "帮带目标", in.Goals, true, 2000)
	from, err := parseDay("from", in.From)
	if err != nil {
		bad.Field("from", "请填写结对开始日期（YYYY-MM-DD）")
	}
	to, err := parseDay("to", in.To)
	if err != nil {
		bad.Field("to", "请填写结对结束日期（YYYY-MM-DD）")
	} else if from != "" && to < from {
		bad.Field("to", "结束日期不能早于开始日期")
	}
	if in.ModelID == in.HelpedID {
		bad.Field("helped_party_org_id", "帮带对象不能是示范党组织本身")
	}
	if err := bad.OrNil(); err != nil {
		return Pair{}, err
	}
	var out Pair
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		for _, id := range []int64{in.ModelID, in.HelpedID} {
			_, code, err := s.inScopePartyOrg(ctx, tx, id)
			if err != nil {
				return err
			}
			if !owns(ctx, code) {
				return apperr.NotFound("党组织")
			}
		}
		var overlap int
		if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM assess_pairs WHERE model_party_org_id = ? AND helped_party_org_id = ? AND from_on <= ? AND to_on >= ?`,
			in.ModelID, in.HelpedID, to, from).Scan(&overlap); err != nil {
			return err
		}
		if overlap > 0 {
			return apperr.Conflict("这两个党组织在该期间已经结对")
		}
		now := s.stamp()
		var id int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO assess_pairs (model_party_org_id, helped_party_org_id, from_on, to_on, goals, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.ModelID, in.HelpedID, from, to, in.Goals, now, now).Scan(&id); err != nil {
			return err
		}
		var err error
		if out, err = s.getPair(ctx, tx, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "assess_pair_create", Entity: "assess_pair", EntityID: fmt.Sprint(id), After: out})
	})
	if err != nil {
		return out, err
	}
	return out, s.decoratePair(ctx, &out)
}

// AddActivity records a 帮带 activity held within the pair's period.
func (s *Service) AddActivity(ctx context.Context, pairID int64, in ActivityInput) (Pair, error) {
	var out Pair
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		p, err := s.getPair(ctx, tx, pairID)
		if err != nil {
			return err
		}
		bad := apperr.Invalid()
		content := textField(bad, "content", "活动内容", in.Content, true, 2000)
		on, err := parseDay("held_on", in.HeldOn)
		switch {
		case err != nil:
			bad.Field("held_on", "请填写活动日期（YYYY-MM-DD）")
		case on < p.From || on > p.To:
			bad.Field("held_on", fmt.Sprintf("活动日期应在结对期间（%s至%s）内", p.From, p.To))
		case on > s.today():
			bad.Field("held_on", "活动日期不能晚于今天")
		}
		if err := bad.OrNil(); err != nil {
			return err
		}
		var id int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO assess_pair_activities (pair_id, held_on, content, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
			pairID, on, content, s.stamp()).Scan(&id); err != nil {
			return err
		}
		if out, err = s.getPair(ctx, tx, pairID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "assess_pair_activity", Entity: "assess_pair", EntityID: fmt.Sprint(pairID),
			After: Activity{ID: id, HeldOn: on, Content: content}})
	})
	if err != nil {
		return out, err
	}
	return out, s.decoratePair(ctx, &out)
}

// ListPairs lists the pairs the caller may see with their comparison.
func (s *Service) ListPairs(ctx context.Context) ([]Pair, error) {
	ctx = store.WithOp(ctx, "assess.ListPairs")
	cond, args, err := pairScope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT `+pairCols+pairFrom+` WHERE `+cond+` ORDER BY x.from_on DESC, x.id DESC LIMIT 2000`, args...)
	if err != nil {
		return nil, err
	}
	out := []Pair{}
	for rows.Next() {
		p, err := scanPair(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		full, err := s.getPair(ctx, s.DB, out[i].ID)
		if err != nil {
			return nil, err
		}
		out[i] = full
		if err := s.decoratePair(ctx, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}
