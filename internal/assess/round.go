package assess

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/store"
)

// Round statuses.
const (
	StatusOpen   = "open"
	StatusClosed = "closed"
)

// frozenMsg is the message of every write refused on a closed round.
const frozenMsg = "本轮考评已结束，结果已冻结，不能修改；如需修改，请由考评管理员重新开启本轮考评"

// Round is an assessment round.
type Round struct {
	ID         int64   `json:"id"`
	SheetID    int64   `json:"sheet_id"`
	SheetName  string  `json:"sheet_name"`
	Name       string  `json:"name"`
	RegionCode string  `json:"region_code"`
	RegionName string  `json:"region_name"`
	From       string  `json:"from"`
	To         string  `json:"to"`
	Status     string  `json:"status"`
	StatusName string  `json:"status_name"`
	ClosedAt   *string `json:"closed_at"`
	ClosedBy   string  `json:"closed_by"`
	PartyOrgs  int     `json:"party_orgs"`
	CreatedAt  string  `json:"created_at"`
}

// RoundInput starts a round.
type RoundInput struct {
	SheetID    int64  `json:"sheet_id"`
	Name       string `json:"name"`
	RegionCode string `json:"region_code"`
	From       string `json:"from"`
	To         string `json:"to"`
}

const roundCols = `r.id, r.sheet_id, s.name, r.name, r.region_code, COALESCE(g.name, ''), r.period_from, r.period_to, r.status, r.closed_at, r.closed_by,
	(SELECT COUNT(*) FROM assess_results x WHERE x.round_id = r.id), r.created_at`

const roundFrom = ` FROM assess_rounds r JOIN assess_sheets s ON s.id = r.sheet_id LEFT JOIN regions g ON g.code = r.region_code`

func scanRound(row interface{ Scan(...any) error }) (Round, error) {
	var r Round
	var closed sql.NullString
	err := row.Scan(&r.ID, &r.SheetID, &r.SheetName, &r.Name, &r.RegionCode, &r.RegionName, &r.From, &r.To, &r.Status, &closed, &r.ClosedBy, &r.PartyOrgs, &r.CreatedAt)
	if closed.Valid {
		v := closed.String
		r.ClosedAt = &v
	}
	r.StatusName = map[string]string{StatusOpen: "评分中", StatusClosed: "已结束"}[r.Status]
	return r, err
}

// GetRound returns a round the caller may see (its region inside the
// caller's scope or above it).
func (s *Service) GetRound(ctx context.Context, id int64) (Round, error) {
	ctx = store.WithOp(ctx, "assess.GetRound")
	return s.getRound(ctx, s.DB, id)
}

func (s *Service) getRound(ctx context.Context, q store.Querier, id int64) (Round, error) {
	cond, args, err := visibleRegion(ctx, "r.region_code")
	if err != nil {
		return Round{}, err
	}
	r, err := scanRound(s.DB.QueryRow(ctx, q, `SELECT `+roundCols+roundFrom+` WHERE r.id = ? AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return r, apperr.NotFound("考评")
	}
	return r, err
}

// ListRounds lists the rounds the caller may see, latest period first.
func (s *Service) ListRounds(ctx context.Context) ([]Round, error) {
	ctx = store.WithOp(ctx, "assess.ListRounds")
	cond, args, err := visibleRegion(ctx, "r.region_code")
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT `+roundCols+roundFrom+` WHERE `+cond+` ORDER BY r.period_to DESC, r.id DESC LIMIT 500`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Round{}
	for rows.Next() {
		r, err := scanRound(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

type poInfo struct {
	ID          int64
	Name        string
	RegionCode  string
	Established string
}

// roundPartyOrgs are the party organizations a round over region and period
// rates: the 党支部 and 党总支 of the subtree existing during the period.
func (s *Service) roundPartyOrgs(ctx context.Context, q store.Querier, regionCode, from, to string) ([]poInfo, error) {
	rc, ra := store.PrefixRange("region_code", regionCode)
	rows, err := s.DB.Query(ctx, q, `SELECT id, name, region_code, established_on FROM party_orgs
		WHERE `+rc+` AND kind IN ('branch', 'general_branch') AND established_on <= ? AND (dissolved_on IS NULL OR dissolved_on > ?) ORDER BY id`,
		append(ra, to, from)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []poInfo
	for rows.Next() {
		var p poInfo
		if err := rows.Scan(&p.ID, &p.Name, &p.RegionCode, &p.Established); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// CreateRound starts a round and pre-fills its computed indicators.
func (s *Service) CreateRound(ctx context.Context, in RoundInput) (Round, error) {
	ctx = store.WithOp(ctx, "assess.CreateRound")
	bad := apperr.Invalid()
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 100 {
		bad.Field("name", "请填写考评名称（不超过 100 个字）")
	}
	from, err1 := parseDay("from", in.From)
	to, err2 := parseDay("to", in.To)
	if err1 != nil {
		bad.Field("from", "考评期开始日期格式应为 YYYY-MM-DD")
	}
	if err2 != nil {
		bad.Field("to", "考评期结束日期格式应为 YYYY-MM-DD")
	}
	if err1 == nil && err2 == nil && from > to {
		bad.Field("to", "考评期结束日期不能早于开始日期")
	}
	if in.RegionCode == "" {
		a, _ := actor.From(ctx)
		in.RegionCode = a.Scope
	}
	if in.RegionCode == "" {
		bad.Field("region_code", "请选择考评范围")
	}
	if err := bad.OrNil(); err != nil {
		return Round{}, err
	}
	if _, err := s.Regions.Get(ctx, in.RegionCode); err != nil {
		return Round{}, err
	}
	if !owns(ctx, in.RegionCode) {
		return Round{}, apperr.NotFound("区划")
	}
	sheet, err := s.GetSheet(ctx, in.SheetID)
	if err != nil {
		if apperr.IsKind(err, apperr.KindNotFound) {
			return Round{}, apperr.InvalidField("sheet_id", "指标体系不存在")
		}
		return Round{}, err
	}
	orgs, err := s.roundPartyOrgs(ctx, s.DB, in.RegionCode, from, to)
	if err != nil {
		return Round{}, err
	}
	if len(orgs) == 0 {
		return Round{}, apperr.InvalidField("region_code", "该范围在考评期内没有党支部或党总支")
	}
	pre := s.computeAll(ctx, sheet, orgs, from, to)
	var out Round
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		now := s.stamp()
		var id int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO assess_rounds (sheet_id, name, region_code, period_from, period_to, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, sheet.ID, in.Name, in.RegionCode, from, to, StatusOpen, now, now).Scan(&id); err != nil {
			return err
		}
		for _, p := range orgs {
			if _, err := s.DB.Exec(ctx, tx, `INSERT INTO assess_results (round_id, party_org_id, updated_at) VALUES (?, ?, ?)`, id, p.ID, now); err != nil {
				return err
			}
		}
		if err := s.writePrefill(ctx, tx, id, sheet, orgs, pre); err != nil {
			return err
		}
		var err error
		if out, err = s.getRound(ctx, tx, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "assess_round_create", Entity: "assess_round", EntityID: fmt.Sprint(id), After: out})
	})
	return out, err
}

type computed struct {
	computable bool
	value      int64
	evidence   string
}

func (s *Service) computeAll(ctx context.Context, sheet Sheet, orgs []poInfo, from, to string) map[[2]int64]computed {
	out := map[[2]int64]computed{}
	for _, p := range orgs {
		for _, ind := range sheet.Indicators {
			if ind.Method == MethodManual {
				continue
			}
			out[[2]int64{p.ID, ind.ID}] = s.compute(ctx, ind.Method, p, from, to)
		}
	}
	return out
}

func notComputable(what string) computed {
	return computed{evidence: what + "数据来源未接入，无法自动计算，请人工评分并写明依据"}
}

func failed(what string) computed {
	return computed{evidence: what + "数据读取失败，无法自动计算，请稍后重新预填或人工评分"}
}

// compute evaluates one computed indicator for a party organization over a period.
func (s *Service) compute(ctx context.Context, method string, p poInfo, from, to string) computed {
	period := from + "至" + to
	switch method {
	case MethodMeetingCompliance, MethodAttendance:
		if s.Meetings == nil {
			return notComputable("组织生活")
		}
		c, a, err := s.Meetings.PartyOrgCompliance(ctx, p.ID, from, to)
		if err != nil {
			return failed("组织生活")
		}
		if method == MethodMeetingCompliance {
			v := toValue(c)
			return computed{true, v, fmt.Sprintf("%s 组织生活完成率 %s", period, pct(v))}
		}
		v := toValue(a)
		return computed{true, v, fmt.Sprintf("%s 组织生活平均出席率 %s", period, pct(v))}
	case MethodDuesOnTime:
		if s.Dues == nil {
			return notComputable("党费")
		}
		r, err := s.Dues.OnTimeRate(ctx, p.ID, from, to)
		if err != nil {
			return failed("党费")
		}
		v := toValue(r)
		return computed{true, v, fmt.Sprintf("%s 党费按时交纳率 %s", period, pct(v))}
	case MethodDevelopment:
		if s.Development == nil {
			return notComputable("发展党员")
		}
		on, ok, err := s.Development.LastDevelopmentObject(ctx, p.ID)
		if err != nil {
			return failed("发展党员")
		}
		since := addDays(to, -2, 0, 0)
		switch {
		case ok && on > to:
			return computed{evidence: "最近一次确定发展对象（" + on + "）在考评期之后，无法判断考评期内情况，请人工评分"}
		case ok && on > since:
			return computed{true, scale, fmt.Sprintf("%s 确定了发展对象（两年内：%s 之后）", on, since)}
		case ok:
			return computed{true, 0, fmt.Sprintf("最近一次确定发展对象为 %s，截至 %s 已满两年", on, to)}
		default:
			return computed{true, 0, "没有确定发展对象的记录"}
		}
	case MethodUnitCoverage:
		var total, covered int
		rc, ra := store.PrefixRange("o.region_code", p.RegionCode)
		err := s.DB.QueryRow(ctx, s.DB, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN
			EXISTS (SELECT 1 FROM party_org_covers c WHERE c.organization_id = o.id AND c.from_on <= ? AND (c.to_on IS NULL OR c.to_on > ?))
			OR EXISTS (SELECT 1 FROM instructor_assignments a WHERE a.organization_id = o.id AND a.from_on <= ? AND (a.to_on IS NULL OR a.to_on > ?))
			THEN 1 ELSE 0 END), 0)
			FROM organizations o WHERE `+rc+` AND (o.registered_on IS NULL OR o.registered_on <= ?) AND (o.closed_on IS NULL OR o.closed_on > ?)`,
			append(append([]any{to, to, to, to}, ra...), to, to)...).Scan(&total, &covered)
		if err != nil {
			return failed("台账")
		}
		if total == 0 {
			return computed{evidence: "所在区划截至 " + to + " 没有在营的两新组织，无法计算覆盖率，请人工评分"}
		}
		v := (int64(covered)*scale + int64(total)/2) / int64(total)
		return computed{true, v, fmt.Sprintf("截至 %s，所在区划在营两新组织 %d 个，已组织覆盖或工作覆盖 %d 个，覆盖率 %s", to, total, covered, pct(v))}
	}
	return computed{evidence: "未知的评分方式"}
}

// writePrefill stores computed values. A computed indicator that is not
// computable keeps the points an assessor entered by hand.
func (s *Service) writePrefill(ctx context.Context, tx *sql.Tx, roundID int64, sheet Sheet, orgs []poInfo, pre map[[2]int64]computed) error {
	now := s.stamp()
	for _, p := range orgs {
		for _, ind := range sheet.Indicators {
			if ind.Method == MethodManual {
				if _, err := s.DB.Exec(ctx, tx, `INSERT INTO assess_scores (round_id, party_org_id, indicator_id) VALUES (?, ?, ?)
					ON CONFLICT (round_id, party_org_id, indicator_id) DO NOTHING`, roundID, p.ID, ind.ID); err != nil {
					return err
				}
				continue
			}
			c := pre[[2]int64{p.ID, ind.ID}]
			if c.computable {
				pts := pointsOf(c.value, ind.MaxPoints)
				if _, err := s.DB.Exec(ctx, tx, `INSERT INTO assess_scores (round_id, party_org_id, indicator_id, computable, value, points, evidence, note, scored_by, scored_at)
					VALUES (?, ?, ?, ?, ?, ?, ?, '', '系统', ?)
					ON CONFLICT (round_id, party_org_id, indicator_id) DO UPDATE SET computable = excluded.computable, value = excluded.value,
					points = excluded.points, evidence = excluded.evidence, note = '', scored_by = excluded.scored_by, scored_at = excluded.scored_at`,
					roundID, p.ID, ind.ID, true, c.value, pts, c.evidence, now); err != nil {
					return err
				}
				continue
			}
			if _, err := s.DB.Exec(ctx, tx, `INSERT INTO assess_scores (round_id, party_org_id, indicator_id, computable, evidence) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (round_id, party_org_id, indicator_id) DO UPDATE SET computable = excluded.computable, value = NULL, evidence = excluded.evidence,
				points = CASE WHEN assess_scores.computable THEN NULL ELSE assess_scores.points END`,
				roundID, p.ID, ind.ID, false, c.evidence); err != nil {
				return err
			}
		}
	}
	return nil
}

// manageableRound loads a round the caller may manage (close, reopen, prefill).
func (s *Service) manageableRound(ctx context.Context, q store.Querier, id int64) (Round, error) {
	r, err := s.getRound(ctx, q, id)
	if err != nil {
		return r, err
	}
	if !owns(ctx, r.RegionCode) {
		return r, apperr.Forbidden()
	}
	return r, nil
}

func (s *Service) roundOrgs(ctx context.Context, q store.Querier, roundID int64) ([]poInfo, error) {
	rows, err := s.DB.Query(ctx, q, `SELECT p.id, p.name, p.region_code, p.established_on FROM assess_results x JOIN party_orgs p ON p.id = x.party_org_id
		WHERE x.round_id = ? ORDER BY p.id`, roundID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []poInfo
	for rows.Next() {
		var p poInfo
		if err := rows.Scan(&p.ID, &p.Name, &p.RegionCode, &p.Established); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Prefill recomputes the computed indicators of an open round.
func (s *Service) Prefill(ctx context.Context, id int64) (Round, error) {
	r, err := s.manageableRound(ctx, s.DB, id)
	if err != nil {
		return r, err
	}
	if r.Status != StatusOpen {
		return r, apperr.Conflict(frozenMsg)
	}
	sheet, err := s.getSheet(actor.System(ctx, "assess"), s.DB, r.SheetID)
	if err != nil {
		return r, err
	}
	orgs, err := s.roundOrgs(ctx, s.DB, id)
	if err != nil {
		return r, err
	}
	pre := s.computeAll(ctx, sheet, orgs, r.From, r.To)
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var status string
		if err := s.DB.QueryRow(ctx, tx, `SELECT status FROM assess_rounds WHERE id = ?`, id).Scan(&status); err != nil {
			return err
		}
		if status != StatusOpen {
			return apperr.Conflict(frozenMsg)
		}
		if err := s.writePrefill(ctx, tx, id, sheet, orgs, pre); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "assess_round_prefill", Entity: "assess_round", EntityID: fmt.Sprint(id), Note: "重新预填系统计算指标"})
	})
	return r, err
}

// Result is one party organization's result in a round.
type Result struct {
	PartyOrgID   int64    `json:"party_org_id"`
	PartyOrgName string   `json:"party_org_name"`
	RegionCode   string   `json:"region_code"`
	RegionName   string   `json:"region_name"`
	Total        Points   `json:"total"`
	Stars        int      `json:"stars"`
	StarName     string   `json:"star_name"`
	Capped       bool     `json:"capped"`
	Vetoes       []string `json:"vetoes"`
	Rank         int      `json:"rank"`
	Missing      int      `json:"missing"` // indicators without points
	Complete     bool     `json:"complete"`
	Satisfaction *Points  `json:"satisfaction"`
}

// Distribution counts results per star level.
type Distribution struct {
	Five    int    `json:"five"`
	Four    int    `json:"four"`
	Three   int    `json:"three"`
	Two     int    `json:"two"`
	One     int    `json:"one"`
	Summary string `json:"summary"` // 五星级党支部7个、四星级10个、三星级25个
}

// Distribute counts results per star level and writes the summary line.
func Distribute(rs []Result) Distribution {
	var d Distribution
	counts := [6]int{}
	for _, r := range rs {
		if r.Stars >= 1 && r.Stars <= 5 {
			counts[r.Stars]++
		}
	}
	d.Five, d.Four, d.Three, d.Two, d.One = counts[5], counts[4], counts[3], counts[2], counts[1]
	var parts []string
	for n := 5; n >= 1; n-- {
		if counts[n] == 0 {
			continue
		}
		if len(parts) == 0 {
			parts = append(parts, fmt.Sprintf("%s党支部%d个", StarName(n), counts[n]))
		} else {
			parts = append(parts, fmt.Sprintf("%s%d个", StarName(n), counts[n]))
		}
	}
	d.Summary = strings.Join(parts, "、")
	if d.Summary == "" {
		d.Summary = "暂无评定结果"
	}
	return d
}

// Rank orders results by total (highest first) and gives tied totals the same
// rank, the next one skipping (1, 1, 3: standard competition ranking).
func Rank(rs []Result) {
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].Total != rs[j].Total {
			return rs[i].Total > rs[j].Total
		}
		return rs[i].PartyOrgID < rs[j].PartyOrgID
	})
	for i := range rs {
		if i > 0 && rs[i].Total == rs[i-1].Total {
			rs[i].Rank = rs[i-1].Rank
		} else {
			rs[i].Rank = i + 1
		}
	}
}

// results computes (open round) or reads (closed round) every result of a
// round, ranked, regardless of the caller's scope.
func (s *Service) results(ctx context.Context, q store.Querier, r Round) ([]Result, error) {
	sheet, err := s.getSheet(actor.System(ctx, "assess"), q, r.SheetID)
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, q, `SELECT x.party_org_id, p.name, p.region_code, COALESCE(g.name, ''), x.satisfaction, x.total, x.stars, x.capped, x.rank_no,
		(SELECT COALESCE(SUM(sc.points), 0) FROM assess_scores sc WHERE sc.round_id = x.round_id AND sc.party_org_id = x.party_org_id),
		(SELECT COUNT(*) FROM assess_scores sc WHERE sc.round_id = x.round_id AND sc.party_org_id = x.party_org_id AND sc.points IS NULL)
		FROM assess_results x JOIN party_orgs p ON p.id = x.party_org_id LEFT JOIN regions g ON g.code = p.region_code WHERE x.round_id = ?`, r.ID)
	if err != nil {
		return nil, err
	}
	var out []Result
	idx := map[int64]int{}
	for rows.Next() {
		var res Result
		var sat, total sql.NullInt64
		var stars, rank sql.NullInt64
		var live Points
		if err := rows.Scan(&res.PartyOrgID, &res.PartyOrgName, &res.RegionCode, &res.RegionName, &sat, &total, &stars, &res.Capped, &rank, &live, &res.Missing); err != nil {
			rows.Close()
			return nil, err
		}
		if sat.Valid {
			v := Points(sat.Int64)
			res.Satisfaction = &v
		}
		if r.Status == StatusClosed && total.Valid {
			res.Total, res.Stars, res.Rank = Points(total.Int64), int(stars.Int64), int(rank.Int64)
		} else {
			res.Total = live
		}
		res.Vetoes = []string{}
		idx[res.PartyOrgID] = len(out)
		out = append(out, res)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	caps := map[int64]int{}
	rows, err = s.DB.Query(ctx, q, `SELECT h.party_org_id, v.name, v.cap_stars FROM assess_veto_hits h JOIN assess_vetoes v ON v.id = h.veto_id WHERE h.round_id = ? ORDER BY v.position`, r.ID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var pid int64
		var name string
		var capStars int
		if err := rows.Scan(&pid, &name, &capStars); err != nil {
			rows.Close()
			return nil, err
		}
		if i, ok := idx[pid]; ok {
			out[i].Vetoes = append(out[i].Vetoes, name)
		}
		if c, ok := caps[pid]; !ok || capStars < c {
			caps[pid] = capStars
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Complete = out[i].Missing == 0
		if r.Status != StatusClosed {
			out[i].Stars, out[i].Capped = StarsOf(out[i].Total, sheet.Thresholds, caps[out[i].PartyOrgID])
		}
		out[i].StarName = StarName(out[i].Stars)
	}
	if r.Status != StatusClosed {
		Rank(out)
	} else {
		sort.SliceStable(out, func(i, j int) bool {
			if out[i].Rank != out[j].Rank {
				return out[i].Rank < out[j].Rank
			}
			return out[i].PartyOrgID < out[j].PartyOrgID
		})
	}
	return out, nil
}

// visibleIDs is the set of party organizations among ids the caller may see.
func (s *Service) visibleIDs(ctx context.Context, q store.Querier, roundID int64) (map[int64]bool, error) {
	cond, args, err := store.PartyOrgFilter(ctx, "x.party_org_id")
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, q, `SELECT x.party_org_id FROM assess_results x WHERE x.round_id = ? AND `+cond, append([]any{roundID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// RoundView is a round with the results the caller may see.
type RoundView struct {
	Round
	Thresholds   Thresholds   `json:"thresholds"`
	Results      []Result     `json:"results"`
	Distribution Distribution `json:"distribution"`
	Incomplete   int          `json:"incomplete"`
}

// RoundResults returns a round with its ranked results (ranks over the whole
// round; rows limited to the party organizations the caller may see).
func (s *Service) RoundResults(ctx context.Context, id int64) (RoundView, error) {
	r, err := s.GetRound(ctx, id)
	if err != nil {
		return RoundView{}, err
	}
	all, err := s.results(ctx, s.DB, r)
	if err != nil {
		return RoundView{}, err
	}
	vis, err := s.visibleIDs(ctx, s.DB, id)
	if err != nil {
		return RoundView{}, err
	}
	v := RoundView{Round: r, Results: []Result{}}
	sheet, err := s.getSheet(actor.System(ctx, "assess"), s.DB, r.SheetID)
	if err != nil {
		return v, err
	}
	v.Thresholds = sheet.Thresholds
	for _, res := range all {
		if vis[res.PartyOrgID] {
			v.Results = append(v.Results, res)
			if !res.Complete {
				v.Incomplete++
			}
		}
	}
	v.Distribution = Distribute(v.Results)
	return v, nil
}

// CloseRound freezes the results of a round whose every indicator is scored.
func (s *Service) CloseRound(ctx context.Context, id int64) (RoundView, error) {
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		r, err := s.manageableRound(ctx, tx, id)
		if err != nil {
			return err
		}
		if r.Status != StatusOpen {
			return apperr.Conflict("本轮考评已经结束")
		}
		rs, err := s.results(ctx, tx, r)
		if err != nil {
			return err
		}
		orgs, missing := 0, 0
		for _, res := range rs {
			if !res.Complete {
				orgs++
				missing += res.Missing
			}
		}
		if orgs > 0 {
			return apperr.Conflict(fmt.Sprintf("还有 %d 个党组织的 %d 项指标未评分，全部评分后才能结束考评", orgs, missing))
		}
		now := s.stamp()
		for _, res := range rs {
			if _, err := s.DB.Exec(ctx, tx, `UPDATE assess_results SET total = ?, stars = ?, capped = ?, rank_no = ?, updated_at = ? WHERE round_id = ? AND party_org_id = ?`,
				res.Total, res.Stars, res.Capped, res.Rank, now, id, res.PartyOrgID); err != nil {
				return err
			}
		}
		a, _ := actor.From(ctx)
		if _, err := s.DB.Exec(ctx, tx, `UPDATE assess_rounds SET status = ?, closed_at = ?, closed_by = ?, updated_at = ? WHERE id = ?`, StatusClosed, now, a.Username, now, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "assess_round_close", Entity: "assess_round", EntityID: fmt.Sprint(id),
			Before: map[string]string{"status": StatusOpen}, After: map[string]any{"status": StatusClosed, "distribution": Distribute(rs)}})
	})
	if err != nil {
		return RoundView{}, err
	}
	return s.RoundResults(ctx, id)
}

// ReopenRound reopens a closed round for correction; the reason is audited
// with the frozen results it discards.
func (s *Service) ReopenRound(ctx context.Context, id int64, reason string) (RoundView, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 500 {
		return RoundView{}, apperr.InvalidField("reason", "请填写重新开启的原因（不超过 500 个字）")
	}
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		r, err := s.manageableRound(ctx, tx, id)
		if err != nil {
			return err
		}
		if r.Status != StatusClosed {
			return apperr.Conflict("本轮考评尚未结束，无需重新开启")
		}
		frozen, err := s.results(ctx, tx, r)
		if err != nil {
			return err
		}
		now := s.stamp()
		if _, err := s.DB.Exec(ctx, tx, `UPDATE assess_results SET total = NULL, stars = NULL, capped = ?, rank_no = NULL, updated_at = ? WHERE round_id = ?`, false, now, id); err != nil {
			return err
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE assess_rounds SET status = ?, closed_at = NULL, closed_by = '', updated_at = ? WHERE id = ?`, StatusOpen, now, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "assess_round_reopen", Entity: "assess_round", EntityID: fmt.Sprint(id), Note: reason,
			Before: map[string]any{"status": StatusClosed, "closed_at": r.ClosedAt, "closed_by": r.ClosedBy, "results": frozen}, After: map[string]string{"status": StatusOpen}})
	})
	if err != nil {
		return RoundView{}, err
	}
	return s.RoundResults(ctx, id)
}
