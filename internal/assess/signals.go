package assess

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/backdate"
	"liangxin/internal/store"
)

// Signal codes of 软弱涣散 (domain.md §2).
const (
	SignalSecretaryVacant     = "secretary_vacant"
	SignalCommitteeIncomplete = "committee_incomplete"
	SignalMeetingsLow         = "meetings_low"
	SignalNoDevelopment       = "no_development"
	SignalLastPlace           = "last_place"
	SignalLowSatisfaction     = "low_satisfaction"
)

// SignalKinds lists the signals with their Chinese names.
func SignalKinds() []Method {
	return []Method{
		{SignalSecretaryVacant, "书记空缺超过3个月"},
		{SignalCommitteeIncomplete, "班子不健全"},
		{SignalMeetingsLow, "未按规定开展组织生活"},
		{SignalNoDevelopment, "连续2年以上未确定发展对象"},
		{SignalLastPlace, "考评排名末位"},
		{SignalLowSatisfaction, "群众满意度低于60%"},
	}
}

func signalName(code string) string {
	for _, k := range SignalKinds() {
		if k.Code == code {
			return k.Name
		}
	}
	return code
}

// SettingSignals is the settings key of the signal settings.
const SettingSignals = "assess.signals"

// Settings are the thresholds of the signals.
type Settings struct {
	// MinCompliance: compliance below it (percent) raises meetings_low.
	MinCompliance Points `json:"min_compliance"`
	// MinSatisfaction: satisfaction below it (percent) raises low_satisfaction.
	MinSatisfaction Points `json:"min_satisfaction"`
}

// DefaultSettings: compliance below 80%, satisfaction below 60%.
func DefaultSettings() Settings { return Settings{MinCompliance: 8000, MinSatisfaction: 6000} }

// GetSettings returns the signal settings.
func (s *Service) GetSettings(ctx context.Context) (Settings, error) {
	ctx = store.WithOp(ctx, "assess.GetSettings")
	st := DefaultSettings()
	var v string
	err := s.DB.QueryRow(ctx, s.DB, `SELECT value FROM settings WHERE key = ?`, SettingSignals).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	return st, json.Unmarshal([]byte(v), &st)
}

// SetSettings changes the signal settings. They apply to every period, past
// ones included, so the audit entry records the reason given (optional).
func (s *Service) SetSettings(ctx context.Context, st Settings, reason string) (Settings, error) {
	bad := apperr.Invalid()
	if st.MinCompliance <= 0 || st.MinCompliance > 10000 {
		bad.Field("min_compliance", "组织生活完成率下限应为 0–100（%）")
	}
	if st.MinSatisfaction <= 0 || st.MinSatisfaction > 10000 {
		bad.Field("min_satisfaction", "满意度下限应为 0–100（%）")
	}
	reason = backdate.Check(bad, "", "", reason)
	if err := bad.OrNil(); err != nil {
		return st, err
	}
	before, err := s.GetSettings(ctx)
	if err != nil {
		return st, err
	}
	b, _ := json.Marshal(st)
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.DB.Exec(ctx, tx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, SettingSignals, string(b)); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "setting_update", Entity: "setting", EntityID: SettingSignals, Before: before, After: st,
			Note: backdate.Note("", "", reason)})
	})
	return st, err
}

// Signal is one signal raised for a party organization, with its evidence.
type Signal struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Evidence string `json:"evidence"`
}

// SignalRow is a party organization with its signals.
type SignalRow struct {
	PartyOrgID   int64    `json:"party_org_id"`
	PartyOrgName string   `json:"party_org_name"`
	RegionCode   string   `json:"region_code"`
	RegionName   string   `json:"region_name"`
	Signals      []Signal `json:"signals"`
	// Unknown lists the signals that could not be checked (source not available or failing).
	Unknown []string `json:"unknown"`
	// Designated: an unfinished rectification is on record.
	Designated bool `json:"designated"`
}

// SignalFilter selects the party organizations and the period.
type SignalFilter struct {
	RegionCode string
	From, To   string // period for meetings (default: the year up to To)
	AsOf       string // default today; also the default To
	All        bool   // include party organizations without signals
}

// SignalReport is the 软弱涣散 list.
type SignalReport struct {
	From     string      `json:"from"`
	To       string      `json:"to"`
	AsOf     string      `json:"as_of"`
	Settings Settings    `json:"settings"`
	Items    []SignalRow `json:"items"`
	Total    int         `json:"total"`
	// Unavailable names the signals whose data source is not connected.
	Unavailable []string `json:"unavailable"`
}

type roundPlace struct {
	round        string
	rank, last   int
	orgs         int
	satisfaction sql.NullInt64
}

// latestPlaces gives each party organization its place in the latest closed
// round (by period end, up to asOf) that rated it.
func (s *Service) latestPlaces(ctx context.Context, asOf string) (map[int64]roundPlace, error) {
	rows, err := s.DB.Query(ctx, s.DB, `SELECT x.party_org_id, r.name, x.rank_no, x.satisfaction,
		(SELECT MAX(y.rank_no) FROM assess_results y WHERE y.round_id = r.id), (SELECT COUNT(*) FROM assess_results y WHERE y.round_id = r.id)
		FROM assess_results x JOIN assess_rounds r ON r.id = x.round_id
		WHERE r.status = ? AND r.period_to <= ? ORDER BY r.period_to, r.id`, StatusClosed, asOf)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]roundPlace{}
	for rows.Next() {
		var id int64
		var p roundPlace
		var rank, last sql.NullInt64
		if err := rows.Scan(&id, &p.round, &rank, &p.satisfaction, &last, &p.orgs); err != nil {
			return nil, err
		}
		p.rank, p.last = int(rank.Int64), int(last.Int64)
		out[id] = p // later rounds overwrite earlier ones
	}
	return out, rows.Err()
}

// Signals lists the party organizations (党支部 and 党总支) in the caller's
// scope with the 软弱涣散 signals they show, each with its evidence.
func (s *Service) Signals(ctx context.Context, f SignalFilter) (SignalReport, error) {
	bad := apperr.Invalid()
	rep := SignalReport{Items: []SignalRow{}, Unavailable: []string{}}
	var err error
	if f.AsOf == "" {
		f.AsOf = s.today()
	}
	if rep.AsOf, err = parseDay("as_of", f.AsOf); err != nil {
		bad.Field("as_of", "日期格式应为 YYYY-MM-DD")
	}
	if f.To == "" {
		f.To = rep.AsOf
	}
	if rep.To, err = parseDay("to", f.To); err != nil {
		bad.Field("to", "日期格式应为 YYYY-MM-DD")
	}
	if f.From == "" && rep.To != "" {
		f.From = addDays(rep.To, -1, 0, 1)
	}
	if rep.From, err = parseDay("from", f.From); err != nil {
		bad.Field("from", "日期格式应为 YYYY-MM-DD")
	}
	if rep.From != "" && rep.To != "" && rep.From > rep.To {
		bad.Field("to", "结束日期不能早于开始日期")
	}
	if err := bad.OrNil(); err != nil {
		return rep, err
	}
	if rep.Settings, err = s.GetSettings(ctx); err != nil {
		return rep, err
	}
	cond, args, err := store.PartyOrgFilter(ctx, "p.id")
	if err != nil {
		return rep, err
	}
	where := ` WHERE p.kind IN ('branch', 'general_branch') AND p.established_on <= ? AND (p.dissolved_on IS NULL OR p.dissolved_on > ?) AND ` + cond
	args = append([]any{rep.AsOf, rep.AsOf}, args...)
	if f.RegionCode != "" {
		rc, ra := store.PrefixRange("p.region_code", f.RegionCode)
		where, args = where+" AND "+rc, append(args, ra...)
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT p.id, p.name, p.region_code, COALESCE(g.name, ''), p.established_on,
		EXISTS (SELECT 1 FROM assess_rectifications c WHERE c.party_org_id = p.id AND c.done_on IS NULL)
		FROM party_orgs p LEFT JOIN regions g ON g.code = p.region_code`+where+` ORDER BY p.region_code, p.id LIMIT 20000`, args...)
	if err != nil {
		return rep, err
	}
	type po struct {
		row         SignalRow
		established string
	}
	var list []po
	for rows.Next() {
		var p po
		if err := rows.Scan(&p.row.PartyOrgID, &p.row.PartyOrgName, &p.row.RegionCode, &p.row.RegionName, &p.established, &p.row.Designated); err != nil {
			rows.Close()
			return rep, err
		}
		list = append(list, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rep, err
	}
	places, err := s.latestPlaces(ctx, rep.AsOf)
	if err != nil {
		return rep, err
	}
	if s.Committees == nil {
		rep.Unavailable = append(rep.Unavailable, signalName(SignalSecretaryVacant), signalName(SignalCommitteeIncomplete))
	}
	if s.Meetings == nil {
		rep.Unavailable = append(rep.Unavailable, signalName(SignalMeetingsLow))
	}
	if s.Development == nil {
		rep.Unavailable = append(rep.Unavailable, signalName(SignalNoDevelopment))
	}
	threeMonths := addDays(rep.AsOf, 0, -3, 0)
	twoYears := addDays(rep.AsOf, -2, 0, 0)
	ids := make([]int64, len(list))
	for i, p := range list {
		ids[i] = p.row.PartyOrgID
	}
	facts := s.signalFacts(ctx, ids, rep.AsOf, rep.From, rep.To)
	for _, p := range list {
		r := p.row
		r.Signals, r.Unknown = []Signal{}, []string{}
		add := func(code, evidence string) {
			r.Signals = append(r.Signals, Signal{Code: code, Name: signalName(code), Evidence: evidence})
		}
		unknown := func(code string) { r.Unknown = append(r.Unknown, signalName(code)) }
		if s.Committees != nil {
			since, err := facts.vacancy(ctx, r.PartyOrgID)
			switch {
			case err != nil:
				unknown(SignalSecretaryVacant)
			case since != "" && since < threeMonths:
				add(SignalSecretaryVacant, fmt.Sprintf("书记自 %s 起空缺，截至 %s 已超过3个月", since, rep.AsOf))
			}
			why, err := facts.incomplete(ctx, r.PartyOrgID)
			switch {
			case err != nil:
				unknown(SignalCommitteeIncomplete)
			case why != "":
				add(SignalCommitteeIncomplete, why)
			}
		}
		if s.Meetings != nil {
			c, err := facts.compliance(ctx, r.PartyOrgID)
			if err != nil {
				unknown(SignalMeetingsLow)
			} else if v := toValue(c); Points(v) < rep.Settings.MinCompliance {
				add(SignalMeetingsLow, fmt.Sprintf("%s至%s 组织生活完成率 %s，低于 %s%%", rep.From, rep.To, pct(v), rep.Settings.MinCompliance))
			}
		}
		if s.Development != nil {
			on, ok, err := facts.development(ctx, r.PartyOrgID)
			switch {
			case err != nil:
				unknown(SignalNoDevelopment)
			case ok && on <= twoYears:
				add(SignalNoDevelopment, fmt.Sprintf("最近一次确定发展对象为 %s，截至 %s 已满2年", on, rep.AsOf))
			case !ok && p.established <= twoYears:
				add(SignalNoDevelopment, fmt.Sprintf("自 %s 成立以来没有确定发展对象的记录", p.established))
			}
		}
		if pl, ok := places[r.PartyOrgID]; ok {
			if pl.orgs >= 2 && pl.rank > 0 && pl.rank == pl.last {
				add(SignalLastPlace, fmt.Sprintf("%s 排名第 %d（共 %d 个，末位）", pl.round, pl.rank, pl.orgs))
			}
			if pl.satisfaction.Valid && Points(pl.satisfaction.Int64) < rep.Settings.MinSatisfaction {
				add(SignalLowSatisfaction, fmt.Sprintf("%s 群众满意度 %s%%，低于 %s%%", pl.round, Points(pl.satisfaction.Int64), rep.Settings.MinSatisfaction))
			}
		}
		if f.All || len(r.Signals) > 0 {
			rep.Items = append(rep.Items, r)
		}
	}
	rep.Total = len(rep.Items)
	return rep, nil
}

// Sources that can answer for many party organizations at once implement
// these as well; Signals then runs a fixed number of queries whatever the
// number of party organizations, and asks one by one otherwise. Each map has
// an entry for every party organization the caller may see.
type (
	// committeeBatch: SecretaryVacancies gives the day the 书记 post fell
	// vacant ("" when seated); CommitteeIncompletes why the committee is
	// incomplete ("" when complete).
	committeeBatch interface {
		SecretaryVacancies(ctx context.Context, ids []int64, asOf string) (map[int64]string, error)
		CommitteeIncompletes(ctx context.Context, ids []int64, asOf string) (map[int64]string, error)
	}
	// meetingBatch: the compliance rate, nil when nothing was required.
	meetingBatch interface {
		PartyOrgRates(ctx context.Context, ids []int64, from, to string) (map[int64]*float64, error)
	}
	// developmentBatch: the latest day a 发展对象 was decided, absent when none.
	developmentBatch interface {
		LastDevelopmentObjects(ctx context.Context, ids []int64) (map[int64]string, error)
	}
)

// signalFacts answers the per-party-organization questions of Signals from
// batch answers when the sources give them, else from the sources one by one.
type signalFacts struct {
	s                *Service
	asOf, from, to   string
	vacant, why      map[int64]string
	vacantErr, whyEr error
	rates            map[int64]*float64
	ratesErr         error
	dev              map[int64]string
	devErr           error
	batchCommittee   bool
	batchMeetings    bool
	batchDevelopment bool
}

func (s *Service) signalFacts(ctx context.Context, ids []int64, asOf, from, to string) *signalFacts {
	f := &signalFacts{s: s, asOf: asOf, from: from, to: to}
	if b, ok := s.Committees.(committeeBatch); ok && s.Committees != nil {
		f.batchCommittee = true
		f.vacant, f.vacantErr = b.SecretaryVacancies(ctx, ids, asOf)
		f.why, f.whyEr = b.CommitteeIncompletes(ctx, ids, asOf)
	}
	if b, ok := s.Meetings.(meetingBatch); ok && s.Meetings != nil {
		f.batchMeetings = true
		f.rates, f.ratesErr = b.PartyOrgRates(ctx, ids, from, to)
	}
	if b, ok := s.Development.(developmentBatch); ok && s.Development != nil {
		f.batchDevelopment = true
		f.dev, f.devErr = b.LastDevelopmentObjects(ctx, ids)
	}
	return f
}

var errNotVisible = errors.New("assess: party organization not visible to the source")

// vacancy is the day the 书记 post fell vacant, "" when a 书记 is seated.
func (f *signalFacts) vacancy(ctx context.Context, id int64) (string, error) {
	if !f.batchCommittee {
		since, vacant, err := f.s.Committees.SecretaryVacancy(ctx, id, f.asOf)
		if err != nil || !vacant {
			return "", err
		}
		return since, nil
	}
	if f.vacantErr != nil {
		return "", f.vacantErr
	}
	v, ok := f.vacant[id]
	if !ok {
		return "", errNotVisible
	}
	return v, nil
}

// incomplete is why the committee is incomplete, "" when it is complete.
func (f *signalFacts) incomplete(ctx context.Context, id int64) (string, error) {
	if !f.batchCommittee {
		inc, why, err := f.s.Committees.CommitteeIncomplete(ctx, id, f.asOf)
		if err != nil || !inc {
			return "", err
		}
		return why, nil
	}
	if f.whyEr != nil {
		return "", f.whyEr
	}
	v, ok := f.why[id]
	if !ok {
		return "", errNotVisible
	}
	return v, nil
}

// compliance is the compliance rate, 1 when nothing was required.
func (f *signalFacts) compliance(ctx context.Context, id int64) (float64, error) {
	if !f.batchMeetings {
		c, _, err := f.s.Meetings.PartyOrgCompliance(ctx, id, f.from, f.to)
		return c, err
	}
	if f.ratesErr != nil {
		return 0, f.ratesErr
	}
	r, ok := f.rates[id]
	if !ok {
		return 0, errNotVisible
	}
	if r == nil {
		return 1, nil
	}
	return *r, nil
}

// development is the latest day a 发展对象 was decided.
func (f *signalFacts) development(ctx context.Context, id int64) (string, bool, error) {
	if !f.batchDevelopment {
		return f.s.Development.LastDevelopmentObject(ctx, id)
	}
	if f.devErr != nil {
		return "", false, f.devErr
	}
	on, ok := f.dev[id]
	return on, ok, nil
}
