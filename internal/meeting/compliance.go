package meeting

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/backdate"
	"liangxin/internal/civil"
	"liangxin/internal/partyorg"
	"liangxin/internal/readcache"
	"liangxin/internal/store"
)

// Periods of a required frequency.
const (
	PeriodMonth   = "month"
	PeriodQuarter = "quarter"
	PeriodYear    = "year"
	PeriodNone    = "none" // not required
)

// Periods lists the periods a frequency can have.
func Periods() []Code {
	return []Code{{PeriodMonth, "每月"}, {PeriodQuarter, "每季度"}, {PeriodYear, "每年"}, {PeriodNone, "不作要求"}}
}

// Frequency is the required frequency of a meeting kind for a kind of
// party organization from a date on.
type Frequency struct {
	ID               int64  `json:"id"` // 0 for the built-in default
	PartyOrgKind     string `json:"party_org_kind"`
	PartyOrgKindName string `json:"party_org_kind_name"`
	Kind             string `json:"kind"`
	KindName         string `json:"kind_name"`
	Period           string `json:"period"`
	PeriodName       string `json:"period_name"`
	Times            int    `json:"times"`
	EffectiveFrom    string `json:"effective_from"`
}

// Party-organization kinds that hold meetings of their own (a 党小组's
// 党小组会 count for its branch).
var frequencyOrgKinds = []string{partyorg.KindCommittee, partyorg.KindGeneralBranch, partyorg.KindBranch}

// orgKindName is the Chinese name of a party-organization kind.
func orgKindName(kind string) string {
	for _, k := range partyorg.Kinds() {
		if k.Code == kind {
			return k.Name
		}
	}
	return ""
}

// OrgKindKinds is a kind of party organization with the meeting kinds whose
// frequency can be set for it.
type OrgKindKinds struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Kinds []Code `json:"kinds"`
}

// FrequencyOrgKinds lists 党委, 党总支 and 党支部 with their meeting kinds.
func FrequencyOrgKinds() []OrgKindKinds {
	var out []OrgKindKinds
	for _, k := range frequencyOrgKinds {
		out = append(out, OrgKindKinds{Code: k, Name: orgKindName(k), Kinds: KindsFor(k)})
	}
	return out
}

// KindsFor lists the meeting kinds whose frequency can be set for a kind of
// party organization: a branch's 支部党员大会, 支委会 and 党小组会 are not
// asked of a 党委 or 党总支, whose own committee meets instead.
func KindsFor(partyOrgKind string) []Code {
	own := map[string][]string{
		partyorg.KindBranch:        {KindBranchAssembly, KindCommitteeMeeting, KindGroupMeeting},
		partyorg.KindGeneralBranch: {KindGeneralCommittee, KindMemberAssembly},
		partyorg.KindCommittee:     {KindPartyCommittee, KindMemberAssembly, KindDelegateAssembly},
	}[partyOrgKind]
	if own == nil {
		return nil
	}
	common := []string{KindPartyLecture, KindThemeDay, KindLifeMeeting, KindMemberReview, KindHeartTalk}
	ok := map[string]bool{}
	for _, k := range append(own, common...) {
		ok[k] = true
	}
	var out []Code
	for _, k := range Kinds() {
		if ok[k.Code] {
			out = append(out, k)
		}
	}
	return out
}

// DefaultFrequencies are the built-in minimum frequencies per kind of party
// organization (sources in docs/meetings.md): a branch's are those of
// domain.md §3; a 党总支's committee meets monthly and its 党员大会 yearly; a
// 党委's committee meets monthly and its 党员大会 yearly, its 党员代表大会
// not by default (a 党委 with a congress sets it per its rules).
func DefaultFrequencies() []Frequency {
	d := []Frequency{
		{PartyOrgKind: partyorg.KindCommittee, Kind: KindPartyCommittee, Period: PeriodMonth, Times: 1},
		{PartyOrgKind: partyorg.KindCommittee, Kind: KindMemberAssembly, Period: PeriodYear, Times: 1},
		{PartyOrgKind: partyorg.KindCommittee, Kind: KindDelegateAssembly, Period: PeriodNone},
		{PartyOrgKind: partyorg.KindGeneralBranch, Kind: KindGeneralCommittee, Period: PeriodMonth, Times: 1},
		{PartyOrgKind: partyorg.KindGeneralBranch, Kind: KindMemberAssembly, Period: PeriodYear, Times: 1},
		{PartyOrgKind: partyorg.KindBranch, Kind: KindBranchAssembly, Period: PeriodQuarter, Times: 1},
		{PartyOrgKind: partyorg.KindBranch, Kind: KindCommitteeMeeting, Period: PeriodMonth, Times: 1},
		{PartyOrgKind: partyorg.KindBranch, Kind: KindGroupMeeting, Period: PeriodMonth, Times: 1},
		{PartyOrgKind: partyorg.KindBranch, Kind: KindPartyLecture, Period: PeriodQuarter, Times: 1},
		{PartyOrgKind: partyorg.KindBranch, Kind: KindThemeDay, Period: PeriodMonth, Times: 1},
		{PartyOrgKind: partyorg.KindBranch, Kind: KindLifeMeeting, Period: PeriodYear, Times: 1},
		{PartyOrgKind: partyorg.KindBranch, Kind: KindMemberReview, Period: PeriodYear, Times: 1},
		{PartyOrgKind: partyorg.KindBranch, Kind: KindHeartTalk, Period: PeriodYear, Times: 1},
	}
	for i := range d {
		d[i].fill()
		d[i].EffectiveFrom = "2000-01-01"
	}
	return d
}

func (f *Frequency) fill() {
	f.PartyOrgKindName, f.KindName, f.PeriodName = orgKindName(f.PartyOrgKind), KindName(f.Kind), name(Periods(), f.Period)
}

// FrequencyInput sets a new version of a kind's frequency.
type FrequencyInput struct {
	// PartyOrgKind is the kind of party organization it applies to
	// (committee, general_branch or branch; branch when empty).
	PartyOrgKind  string `json:"party_org_kind"`
	Kind          string `json:"kind"`
	Period        string `json:"period"`
	Times         int    `json:"times"`
	EffectiveFrom string `json:"effective_from"`
	// Reason is required when EffectiveFrom is before today (back-dating);
	// it is recorded in the audit trail.
	Reason string `json:"reason"`
}

// frequencies holds every version, by party-organization kind and meeting
// kind, oldest first.
type frequencies map[[2]string][]Frequency

func (s *Service) loadFrequencies(ctx context.Context, q store.Querier) (frequencies, error) {
	fs := frequencies{}
	for _, d := range DefaultFrequencies() {
		fs[[2]string{d.PartyOrgKind, d.Kind}] = []Frequency{d}
	}
	rows, err := s.DB.Query(ctx, q, `SELECT id, party_org_kind, kind, period, times, effective_from FROM meeting_frequencies ORDER BY effective_from, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var f Frequency
		if err := rows.Scan(&f.ID, &f.PartyOrgKind, &f.Kind, &f.Period, &f.Times, &f.EffectiveFrom); err != nil {
			return nil, err
		}
		f.fill()
		key := [2]string{f.PartyOrgKind, f.Kind}
		if fs[key] == nil {
			// A kind without a built-in default is not required before its first version.
			fs[key] = []Frequency{{PartyOrgKind: f.PartyOrgKind, Kind: f.Kind, Period: PeriodNone, EffectiveFrom: "2000-01-01"}}
			fs[key][0].fill()
		}
		fs[key] = append(fs[key], f)
	}
	return fs, rows.Err()
}

// at is the version for a party-organization kind and a meeting kind in
// force on day (not required when none is set).
func (fs frequencies) at(orgKind, kind, day string) Frequency {
	list := fs[[2]string{orgKind, kind}]
	if len(list) == 0 {
		return Frequency{PartyOrgKind: orgKind, Kind: kind, Period: PeriodNone}
	}
	cur := list[0]
	for _, f := range list {
		if f.EffectiveFrom <= day {
			cur = f
		}
	}
	return cur
}

// kinds lists the meeting kinds with a frequency for a party-organization kind.
func (fs frequencies) kinds(orgKind string) []Code {
	var out []Code
	for _, k := range Kinds() {
		if fs[[2]string{orgKind, k.Code}] != nil {
			out = append(out, k)
		}
	}
	return out
}

// periodOf is the period a meeting of kind held on day belongs to, for a
// party organization of orgKind (a 党小组's 党小组会 by its branch's).
func (s *Service) periodOf(ctx context.Context, q store.Querier, orgKind, kind, day string) string {
	fs, err := s.loadFrequencies(ctx, q)
	if err != nil {
		return PeriodMonth
	}
	if orgKind == partyorg.KindGroup {
		orgKind = partyorg.KindBranch
	}
	p := fs.at(orgKind, kind, day).Period
	if p == PeriodNone {
		if orgKind != partyorg.KindBranch {
			p = fs.at(partyorg.KindBranch, kind, day).Period
		}
		if p == PeriodNone {
			return PeriodMonth
		}
	}
	return p
}

// Frequencies lists every version of every kind's frequency, per kind of
// party organization (党委, 党总支, 党支部; defaults first).
func (s *Service) Frequencies(ctx context.Context) ([]Frequency, error) {
	fs, err := s.loadFrequencies(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	out := []Frequency{}
	for _, ok := range frequencyOrgKinds {
		for _, k := range Kinds() {
			out = append(out, fs[[2]string{ok, k.Code}]...)
		}
	}
	return out, nil
}

// SetFrequency adds a version of a kind's required frequency for a kind of
// party organization, effective from a date.
func (s *Service) SetFrequency(ctx context.Context, in FrequencyInput) (Frequency, error) {
	bad := apperr.Invalid()
	if in.PartyOrgKind == "" {
		in.PartyOrgKind = partyorg.KindBranch
	}
	switch {
	case in.PartyOrgKind == partyorg.KindGroup:
		bad.Field("party_org_kind", "党小组会计入所属党支部，请设置党支部的党小组会频次")
	case KindsFor(in.PartyOrgKind) == nil:
		bad.Field("party_org_kind", "党组织类别应为 committee（党委）、general_branch（党总支）或 branch（党支部）")
	case KindName(in.Kind) == "":
		bad.Field("kind", "会议类型无效")
	case name(KindsFor(in.PartyOrgKind), in.Kind) == "":
		bad.Field("kind", orgKindName(in.PartyOrgKind)+"不召开"+KindName(in.Kind))
	}
	if name(Periods(), in.Period) == "" {
		bad.Field("period", "周期应为 month、quarter、year 或 none")
	}
	if in.Period == PeriodNone {
		in.Times = 0
	} else if in.Times < 1 || in.Times > 31 {
		bad.Field("times", "每周期次数应为 1–31")
	}
	civil.Check(bad, "effective_from", in.EffectiveFrom)
	today := s.today()
	in.Reason = backdate.Check(bad, in.EffectiveFrom, today, in.Reason)
	if err := bad.OrNil(); err != nil {
		return Frequency{}, err
	}
	f := Frequency{PartyOrgKind: in.PartyOrgKind, Kind: in.Kind, Period: in.Period, Times: in.Times, EffectiveFrom: in.EffectiveFrom}
	f.fill()
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		fs, err := s.loadFrequencies(ctx, tx)
		if err != nil {
			return err
		}
		// Before: the version that was in force on the effective date (the
		// one replaced, when a version already started that day).
		before := fs.at(in.PartyOrgKind, in.Kind, in.EffectiveFrom)
		if _, err := s.DB.Exec(ctx, tx, `DELETE FROM meeting_frequencies WHERE party_org_kind = ? AND kind = ? AND effective_from = ?`,
			in.PartyOrgKind, in.Kind, in.EffectiveFrom); err != nil {
			return err
		}
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO meeting_frequencies (party_org_kind, kind, period, times, effective_from, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			in.PartyOrgKind, in.Kind, in.Period, in.Times, in.EffectiveFrom, store.FormatTime(s.Now())).Scan(&f.ID); err != nil {
			return err
		}
		// Every party organization of the kind: the one write that rewrites
		// many slots (a rare one).
		if err := s.refreshSlotsOfKind(ctx, tx, in.PartyOrgKind); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "meeting.frequency", Entity: "meeting_frequency", EntityID: fmt.Sprint(f.ID),
			Before: before, After: f, Note: backdate.Note(in.EffectiveFrom, today, in.Reason)})
	})
	return f, err
}

// slotOf returns the period (month, quarter or year) containing day, with its Chinese label.
func slotOf(day time.Time, period string) (start, end time.Time, label string) {
	y, m := day.Year(), day.Month()
	switch period {
	case PeriodMonth:
		start = time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
		return start, start.AddDate(0, 1, -1), fmt.Sprintf("%d年%d月", y, m)
	case PeriodQuarter:
		q := (int(m) - 1) / 3
		start = time.Date(y, time.Month(q*3+1), 1, 0, 0, 0, 0, time.UTC)
		return start, start.AddDate(0, 3, -1), fmt.Sprintf("%d年第%s季度", y, []string{"一", "二", "三", "四"}[q])
	default:
		start = time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
		return start, time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC), fmt.Sprintf("%d年度", y)
	}
}

// KindCompliance is one kind's required vs held count for a party organization.
type KindCompliance struct {
	Kind     string   `json:"kind"`
	KindName string   `json:"kind_name"`
	Required int      `json:"required"`
	Held     int      `json:"held"`    // counted towards the requirement (capped per period)
	Total    int      `json:"total"`   // all held meetings of the kind in the period
	Late     int      `json:"late"`    // of which recorded late (补开/补报)
	Rate     *float64 `json:"rate"`    // held / required; nil if nothing required
	Missing  []string `json:"missing"` // period labels not satisfied
}

// OrgCompliance is a party organization's compliance over a period.
type OrgCompliance struct {
	PartyOrgID   int64            `json:"party_org_id"`
	PartyOrgName string           `json:"party_org_name"`
	RegionCode   string           `json:"region_code"`
	StreetCode   string           `json:"street_code"`
	StreetName   string           `json:"street_name"`
	Required     int              `json:"required"`
	Held         int              `json:"held"`
	Rate         *float64         `json:"rate"`
	Attendance   *float64         `json:"attendance"` // mean per-meeting attendance of held meetings
	Meetings     int              `json:"meetings"`
	Kinds        []KindCompliance `json:"kinds"`
	Missing      []string         `json:"missing"` // e.g. "某党支部：2024年第三季度未召开支部党员大会"
}

// GroupRate is a compliance rate of a group (a street or a kind).
type GroupRate struct {
	Code     string   `json:"code"`
	Name     string   `json:"name"`
	Required int      `json:"required"`
	Held     int      `json:"held"`
	Rate     *float64 `json:"rate"`
	Orgs     int      `json:"orgs"`
}

// Report is compliance over a period and subtree.
type Report struct {
	From       string          `json:"from"`
	To         string          `json:"to"`
	Required   int             `json:"required"`
	Held       int             `json:"held"`
	Rate       *float64        `json:"rate"`
	Attendance *float64        `json:"attendance"`
	Orgs       []OrgCompliance `json:"orgs"`
	ByStreet   []GroupRate     `json:"by_street"`
	ByKind     []GroupRate     `json:"by_kind"`
	Missing    []string        `json:"missing"`
}

// ReportFilter selects the subtree of a report.
type ReportFilter struct {
	From, To   string
	RegionCode string // region prefix
	PartyOrgID int64  // root party organization (its subtree)
}

func rate(held, required int) *float64 {
	if required == 0 {
		return nil
	}
	v := float64(held) / float64(required)
	return &v
}

// scopeOrgs lists the party organizations of the caller's scope matching f.
func (s *Service) scopeOrgs(ctx context.Context, f ReportFilter) ([]poInfo, error) {
	orgs, _, err := s.scopeOrgSet(ctx, f)
	return orgs, err
}

// scopeOrgSet is scopeOrgs with the scope as an orgSet (all its ids and
// the subquery that selects them), for loading facts in a fixed number of
// queries.
func (s *Service) scopeOrgSet(ctx context.Context, f ReportFilter) ([]poInfo, orgSet, error) {
	w, args, err := s.scopeWhere(ctx, f)
	if err != nil {
		return nil, orgSet{}, err
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT p.id, p.name, p.kind, p.region_code, p.established_on, COALESCE(p.dissolved_on, ''),
		COALESCE(p.term_started_on, p.established_on) FROM party_orgs p`+w+` ORDER BY p.region_code, p.name, p.id`, args...)
	if err != nil {
		return nil, orgSet{}, err
	}
	defer rows.Close()
	var out []poInfo
	set := orgSet{sub: `SELECT p.id FROM party_orgs p` + w, subArgs: args}
	for rows.Next() {
		var p poInfo
		if err := rows.Scan(&p.ID, &p.Name, &p.Kind, &p.RegionCode, &p.Established, &p.Dissolved, &p.TermStarted); err != nil {
			return nil, orgSet{}, err
		}
		out = append(out, p)
		set.ids = append(set.ids, p.ID)
	}
	return out, set, rows.Err()
}

// scopeWhere is the WHERE clause over party_orgs p of the caller's scope
// narrowed by f, with its arguments.
func (s *Service) scopeWhere(ctx context.Context, f ReportFilter) (string, []any, error) {
	cond, args, err := store.PartyOrgFilter(ctx, "p.id")
	if err != nil {
		return "", nil, err
	}
	w := " WHERE " + cond
	if f.RegionCode != "" {
		rc, ra := store.PrefixRange("p.region_code", f.RegionCode)
		w, args = w+" AND "+rc, append(args, ra...)
	}
	if f.PartyOrgID != 0 {
		w += ` AND p.id IN (WITH RECURSIVE sub(id) AS (SELECT CAST(? AS BIGINT) UNION ALL
			SELECT c.id FROM party_orgs c JOIN sub ON c.parent_id = sub.id) SELECT id FROM sub)`
		args = append(args, f.PartyOrgID)
	}
	return w, args, nil
}

// groupSpan is the life of one 党小组 of a branch.
type groupSpan struct{ from, to string } // to "" while it exists

// hasGroup reports whether a 党小组 existed on some day of [start, end].
func hasGroup(groups []groupSpan, start, end string) bool {
	for _, g := range groups {
		if g.from <= end && (g.to == "" || g.to > start) {
			return true
		}
	}
	return false
}

type heldMeeting struct {
	kind, day  string
	late       bool
	attendance *float64
}

// Compliance computes required vs held per party organization and kind for
// every complete month, quarter or year inside [from, to] during which the
// party organization existed. 支委会 is required only while the party
// organization has a committee (≥3 committee members in office at the end
// of the period).
func (s *Service) Compliance(ctx context.Context, f ReportFilter) (Report, error) {
	from, to, err := checkRange(f)
	if err != nil {
		return Report{}, err
	}
	return readcache.Get(ctx, s.Cache, "compliance", readcache.Key("compliance", "from", f.From, "to", f.To, "region_code", f.RegionCode, "party_org_id", f.PartyOrgID),
		func(ctx context.Context) (Report, error) { return s.computeCompliance(ctx, f, from, to) })
}

func (s *Service) computeCompliance(ctx context.Context, f ReportFilter, from, to time.Time) (Report, error) {
	orgs, scope, err := s.scopeOrgSet(ctx, f)
	if err != nil {
		return Report{}, err
	}
	fs, err := s.loadFrequencies(ctx, s.DB)
	if err != nil {
		return Report{}, err
	}
	rep := Report{From: f.From, To: f.To, Orgs: []OrgCompliance{}, Missing: []string{}}
	results, err := s.complianceOf(ctx, orgs, scope, fs, from, to)
	if err != nil {
		return Report{}, err
	}
	var streetCodes []string
	for _, r := range results {
		streetCodes = append(streetCodes, streetOf(r.oc.RegionCode))
	}
	names, err := s.regionNames(ctx, streetCodes)
	if err != nil {
		return Report{}, err
	}
	sum := newSummary(&rep, names)
	for _, r := range results {
		oc := r.oc
		rep.Missing = append(rep.Missing, oc.Missing...)
		g := sum.add(r)
		oc.StreetCode, oc.StreetName = g.Code, g.Name
		rep.Orgs = append(rep.Orgs, oc)
	}
	sum.finish()
	return rep, nil
}

// summary adds party organizations' results up into a report's totals:
// required and held meetings, attendance, and the breakdowns by street and
// by meeting kind (the full report and the paged one's summary share it).
type summary struct {
	rep            *Report
	names          map[string]string
	streets, kinds map[string]*GroupRate
	attSum         float64
	attN           int
}

func newSummary(rep *Report, names map[string]string) *summary {
	return &summary{rep: rep, names: names, streets: map[string]*GroupRate{}, kinds: map[string]*GroupRate{}}
}

// add counts one party organization's result and returns its street's group.
func (s *summary) add(r orgResult) *GroupRate {
	oc := r.oc
	s.attSum += r.attSum
	s.attN += r.attN
	s.rep.Required += oc.Required
	s.rep.Held += oc.Held
	code := streetOf(oc.RegionCode)
	g := s.streets[code]
	if g == nil {
		g = &GroupRate{Code: code, Name: s.names[code]}
		s.streets[code] = g
	}
	g.Required += oc.Required
	g.Held += oc.Held
	g.Orgs++
	for _, k := range oc.Kinds {
		kg := s.kinds[k.Kind]
		if kg == nil {
			kg = &GroupRate{Code: k.Kind, Name: k.KindName}
			s.kinds[k.Kind] = kg
		}
		kg.Required += k.Required
		kg.Held += k.Held
		if k.Required > 0 {
			kg.Orgs++
		}
	}
	return g
}

// finish sets the report's rates, mean attendance and ordered breakdowns.
func (s *summary) finish() {
	rep := s.rep
	rep.Rate = rate(rep.Held, rep.Required)
	if s.attN > 0 {
		v := s.attSum / float64(s.attN)
		rep.Attendance = &v
	}
	rep.ByStreet = []GroupRate{}
	for _, g := range s.streets {
		g.Rate = rate(g.Held, g.Required)
		rep.ByStreet = append(rep.ByStreet, *g)
	}
	sort.Slice(rep.ByStreet, func(i, j int) bool { return rep.ByStreet[i].Code < rep.ByStreet[j].Code })
	rep.ByKind = []GroupRate{}
	for _, k := range Kinds() {
		if g := s.kinds[k.Code]; g != nil {
			g.Rate = rate(g.Held, g.Required)
			rep.ByKind = append(rep.ByKind, *g)
		}
	}
}

// orgCompliance computes one party organization's compliance from its facts:
// the meetings it held (with its 党小组's 党小组会) from the start of from's
// year to to, its 党小组 and its committee terms overlapping [from, to].
func orgCompliance(p poInfo, fs frequencies, from, to time.Time, held []heldMeeting, groups []groupSpan, terms []term) (OrgCompliance, float64, int) {
	oc := OrgCompliance{PartyOrgID: p.ID, PartyOrgName: p.Name, RegionCode: p.RegionCode, Kinds: []KindCompliance{}, Missing: []string{}}
	var attSum float64
	var attN int
	fromS, toS := from.Format(civil.Layout), to.Format(civil.Layout)
	for _, h := range held {
		if h.day >= fromS && h.day <= toS {
			oc.Meetings++
			if h.attendance != nil {
				attSum += *h.attendance
				attN++
			}
		}
	}
	committee := map[string]bool{}
	asked := map[string]bool{}
	for _, k := range fs.kinds(p.Kind) {
		asked[k.Code] = true
	}
	for _, k := range Kinds() {
		kc := KindCompliance{Kind: k.Code, KindName: k.Name, Missing: []string{}}
		for _, h := range held {
			if h.kind == k.Code && h.day >= fromS && h.day <= toS {
				kc.Total++
				if h.late {
					kc.Late++
				}
			}
		}
		if !asked[k.Code] {
			// Not asked of this kind of party organization: listed only when held.
			if kc.Total > 0 {
				oc.Kinds = append(oc.Kinds, kc)
			}
			continue
		}
		// Walk the slots of the period in force from the start of from's
		// year: a slot is a property of the calendar and the frequencies,
		// not of the report's window (the compliance slots are walked the
		// same way); the slots before from are not complete and count nothing.
		day := time.Date(from.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
		for !day.After(to) {
			fq := fs.at(p.Kind, k.Code, day.Format(civil.Layout))
			period := fq.Period
			if period == PeriodNone {
				period = PeriodMonth
			}
			start, end, label := slotOf(day, period)
			next := end.AddDate(0, 0, 1)
			startS, endS := start.Format(civil.Layout), end.Format(civil.Layout)
			complete := !start.Before(from) && !end.After(to)
			existed := p.Established <= startS && (p.Dissolved == "" || p.Dissolved > endS)
			if fq.Period != PeriodNone && fq.Times > 0 && complete && existed {
				required := true
				if k.Code == KindGroupMeeting {
					// 党小组会 only of a branch that has a 党小组 in the period.
					required = hasGroup(groups, startS, endS)
				}
				if k.Code == KindCommitteeMeeting {
					has, ok := committee[endS]
					if !ok {
						has = inOfficeOn(terms, endS) >= 3
						committee[endS] = has
					}
					required = has
				}
				if required {
					n := 0
					for _, h := range held {
						if h.kind == k.Code && h.day >= startS && h.day <= endS {
							n++
						}
					}
					kc.Required += fq.Times
					kc.Held += min(n, fq.Times)
					if n < fq.Times {
						kc.Missing = append(kc.Missing, label)
						if n == 0 {
							oc.Missing = append(oc.Missing, fmt.Sprintf("%s：%s未召开%s", p.Name, label, k.Name))
						} else {
							oc.Missing = append(oc.Missing, fmt.Sprintf("%s：%s%s召开%d次，应召开%d次", p.Name, label, k.Name, n, fq.Times))
						}
					}
				}
			}
			day = next
		}
		kc.Rate = rate(kc.Held, kc.Required)
		oc.Required += kc.Required
		oc.Held += kc.Held
		oc.Kinds = append(oc.Kinds, kc)
	}
	oc.Rate = rate(oc.Held, oc.Required)
	if attN > 0 {
		v := attSum / float64(attN)
		oc.Attendance = &v
	}
	return oc, attSum, attN
}

// PartyOrgCompliance is a party organization's compliance rate and average
// attendance over [from, to] (1 when nothing was required; attendance 0
// without attended meetings).
func (s *Service) PartyOrgCompliance(ctx context.Context, partyOrgID int64, from, to string) (compliance, attendance float64, err error) {
	rate, attendance, err := s.partyOrgRate(ctx, partyOrgID, from, to)
	if err != nil {
		return 0, 0, err
	}
	if rate == nil {
		return 1, attendance, nil
	}
	return *rate, attendance, nil
}

// PartyOrgRate is a party organization's compliance rate over [from, to], or
// nil when nothing was required in it (a comparison then shows "—", not 100%).
func (s *Service) PartyOrgRate(ctx context.Context, partyOrgID int64, from, to string) (*float64, error) {
	rate, _, err := s.partyOrgRate(ctx, partyOrgID, from, to)
	return rate, err
}

func (s *Service) partyOrgRate(ctx context.Context, partyOrgID int64, from, to string) (rate *float64, attendance float64, err error) {
	rep, err := s.Compliance(ctx, ReportFilter{From: from, To: to, PartyOrgID: partyOrgID})
	if err != nil {
		return nil, 0, err
	}
	for _, o := range rep.Orgs {
		if o.PartyOrgID != partyOrgID {
			continue
		}
		if o.Attendance != nil {
			attendance = *o.Attendance
		}
		return o.Rate, attendance, nil
	}
	if _, err := s.partyOrg(ctx, s.DB, partyOrgID); err != nil {
		return nil, 0, err
	}
	return nil, 0, nil
}

// PartyOrgRates is, for each party organization of ids the caller may see,
// its compliance rate over [from, to] (nil when nothing was required), as
// PartyOrgRate gives it one by one, in a fixed number of queries. Party
// organizations out of sight are absent from the map.
func (s *Service) PartyOrgRates(ctx context.Context, ids []int64, from, to string) (map[int64]*float64, error) {
	bad := apperr.Invalid()
	fromT, ok1 := civil.Check(bad, "from", from)
	toT, ok2 := civil.Check(bad, "to", to)
	if ok1 && ok2 && (toT.Before(fromT) || toT.Sub(fromT) > 10*366*24*time.Hour) {
		bad.Field("to", "结束日期应不早于开始日期，且区间不超过 10 年")
	}
	if err := bad.OrNil(); err != nil {
		return nil, err
	}
	byID, err := s.partyOrgsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	fs, err := s.loadFrequencies(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	orgs := make([]poInfo, 0, len(byID))
	out := make(map[int64]*float64, len(byID))
	for _, id := range ids {
		if p, ok := byID[id]; ok {
			orgs = append(orgs, p)
			out[id] = nil
		}
	}
	results, err := s.complianceOf(ctx, orgs, orgSet{}, fs, fromT, toT)
	if err != nil {
		return nil, err
	}
	for _, r := range results {
		out[r.oc.PartyOrgID] = r.oc.Rate
	}
	return out, nil
}

// Reminder is what a party organization must still hold in the current month, quarter and year.
type Reminder struct {
	PartyOrgID   int64    `json:"party_org_id"`
	PartyOrgName string   `json:"party_org_name"`
	Items        []string `json:"items"`
	Due          []Due    `json:"due"` // Items as data, one per kind, for summaries by kind
}

// Due is one kind a party organization must still hold in the current period.
type Due struct {
	Kind       string `json:"kind"`
	KindName   string `json:"kind_name"`
	Period     string `json:"period"`
	PeriodName string `json:"period_name"`
	Times      int    `json:"times"`     // still to be held
	DaysLeft   int    `json:"days_left"` // until the period ends, today included
}

// Reminders lists, for each party organization in scope (or one), the kinds
// still to be held in the period of today (本月/本季度/本年度).
func (s *Service) Reminders(ctx context.Context, partyOrgID int64) ([]Reminder, error) {
	orgs, scope, err := s.scopeOrgSet(ctx, ReportFilter{PartyOrgID: partyOrgID})
	if err != nil {
		return nil, err
	}
	fs, err := s.loadFrequencies(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	todayS := s.today()
	today, _ := civil.Read(todayS)
	live := orgs[:0:0]
	ids := orgSet{sub: scope.sub, subArgs: scope.subArgs}
	for _, p := range orgs {
		if p.Dissolved != "" && p.Dissolved <= todayS || p.Kind == partyorg.KindGroup {
			continue
		}
		live = append(live, p)
		ids.ids = append(ids.ids, p.ID)
	}
	ys, _, _ := slotOf(today, PeriodYear)
	facts, err := s.loadFacts(ctx, ids, ys.Format(civil.Layout), todayS, todayS, todayS)
	if err != nil {
		return nil, err
	}
	out := []Reminder{}
	for _, p := range live {
		held, groups := facts.held[p.ID], facts.groups[p.ID]
		r := Reminder{PartyOrgID: p.ID, PartyOrgName: p.Name, Items: []string{}, Due: []Due{}}
		for _, k := range fs.kinds(p.Kind) {
			fq := fs.at(p.Kind, k.Code, todayS)
			if fq.Period == PeriodNone || fq.Times == 0 {
				continue
			}

			if k.Code == KindCommitteeMeeting && inOfficeOn(facts.terms[p.ID], todayS) < 3 {
				continue
			}
			start, end, _ := slotOf(today, fq.Period)
			if k.Code == KindGroupMeeting && !hasGroup(groups, start.Format(civil.Layout), todayS) {
				continue
			}
			n := 0
			for _, h := range held {
				if h.kind == k.Code && h.day >= start.Format(civil.Layout) {
					n++
				}
			}
			if n < fq.Times {
				when := map[string]string{PeriodMonth: "本月", PeriodQuarter: "本季度", PeriodYear: "本年度"}[fq.Period]
				left := int(end.Sub(today).Hours()/24) + 1
				r.Items = append(r.Items, fmt.Sprintf("%s还需召开%s%d次（剩余%d天）", when, k.Name, fq.Times-n, left))
				r.Due = append(r.Due, Due{Kind: k.Code, KindName: k.Name, Period: fq.Period, PeriodName: when, Times: fq.Times - n, DaysLeft: left})
			}
		}
		if len(r.Items) > 0 {
			out = append(out, r)
		}
	}
	return out, nil
}

// Laggards are the party organizations below full compliance over
// [from, to], lowest rate first.
func (s *Service) Laggards(ctx context.Context, f ReportFilter) ([]OrgCompliance, error) {
	from, to, err := checkRange(f)
	if err != nil {
		return nil, err
	}
	if ok, err := s.slotsServe(ctx, from, to); err != nil {
		return nil, err
	} else if ok {
		return s.laggardsSQL(ctx, f, from, to)
	}
	rep, err := s.Compliance(ctx, f)
	if err != nil {
		return nil, err
	}
	out := []OrgCompliance{}
	for _, o := range rep.Orgs {
		if o.Rate != nil && *o.Rate < 1 {
			out = append(out, o)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return *out[i].Rate < *out[j].Rate })
	return out, nil
}

// DefaultRange is the year to date up to the end of the last complete month
// (or the previous year in January).
func (s *Service) DefaultRange() (string, string) {
	t, _ := civil.Read(s.today())
	end := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	start := time.Date(end.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	return start.Format(civil.Layout), end.Format(civil.Layout)
}
