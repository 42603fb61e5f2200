package member

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/civil"
	"liangxin/internal/coverspan"
	"liangxin/internal/pdata"
	"liangxin/internal/store"
)

// Statuses of a roster entry.
var Statuses = map[string]string{
	"active":          "在册",
	"transferred_out": "已转出",
	"suspended":       "停止党籍",
	"expelled":        "出党",
	"deceased":        "死亡",
}

// AgeBands are the age bands of lists and statistics (lower bound inclusive).
var AgeBands = []struct {
	Code     string
	Name     string
	Min, Max int // Max exclusive; 0 means open
}{
	{"lt30", "30岁以下", 0, 30},
	{"30_39", "30–39岁", 30, 40},
	{"40_49", "40–49岁", 40, 50},
	{"50_59", "50–59岁", 50, 60},
	{"60_69", "60–69岁", 60, 70},
	{"ge70", "70岁及以上", 70, 0},
}

// Filter selects roster entries. PartyOrgID includes the subtree.
type Filter struct {
	Name           string
	IDNumber       string
	PartyOrgID     int64
	OrganizationID int64
	RegionCode     string
	Category       string
	Status         string
	Gender         string
	Education      string
	AgeBand        string
	Sort           string
	Page, PageSize int
}

// ageOn is the full years of a "2006-01-02" birth date on day.
func ageOn(birth string, day time.Time) int {
	b, err := civil.Read(birth)
	if err != nil {
		return -1
	}
	age := day.Year() - b.Year()
	if day.Month() < b.Month() || (day.Month() == b.Month() && day.Day() < b.Day()) {
		age--
	}
	return age
}

// partyAgeFrom is the day 党龄 counts from: the 转正日期 of a full member, or,
// when it was not recorded, one year after 入党日期 (the normal probation).
// 预备党员 have no 党龄: the empty string.
func partyAgeFrom(category, joined, confirmed string) string {
	if category != "full" {
		return ""
	}
	if confirmed != "" {
		return confirmed
	}
	j, err := civil.Read(joined)
	if err != nil {
		return ""
	}
	return j.AddDate(1, 0, 0).Format(civil.Layout)
}

// birthRange turns an age band into birth dates: born after lo (exclusive) and on or before hi.
func birthRange(min, max int, day time.Time) (after, onOrBefore string) {
	onOrBefore = day.AddDate(-min, 0, 0).Format(civil.Layout)
	if max > 0 {
		after = day.AddDate(-max, 0, 0).Format(civil.Layout)
	}
	return
}

// where builds the scope and filter condition on members m joined with party_orgs po.
func (s *Service) where(ctx context.Context, f Filter) (string, []any, error) {
	cond, args, err := store.PartyOrgFilter(ctx, "m.party_org_id")
	if err != nil {
		return "", nil, err
	}
	parts := []string{cond}
	add := func(c string, a ...any) { parts = append(parts, c); args = append(args, a...) }
	if f.Name != "" {
		add(`m.name LIKE ? ESCAPE '\'`, "%"+store.LikeEscape(f.Name)+"%")
	}
	if f.IDNumber != "" {
		p, err := s.Protector()
		if err != nil {
			return "", nil, err
		}
		add("m.id_number_hash = ?", p.Hash(strings.ToUpper(strings.TrimSpace(f.IDNumber))))
	}
	if f.PartyOrgID != 0 {
		c, a := store.PartyOrgSubtreeFilter(actor.With(ctx, actor.Actor{PartyOrgID: f.PartyOrgID}), "m.party_org_id")
		add(c, a...)
	}
	if f.OrganizationID != 0 {
		add("m.organization_id = ?", f.OrganizationID)
	}
	if f.RegionCode != "" {
		rc, ra := store.PrefixRange("region_code", f.RegionCode)
		add(`m.party_org_id IN (SELECT id FROM party_orgs WHERE `+rc+`)`, ra...)
	}
	bad := apperr.Invalid()
	if f.Category != "" {
		if !slices.Contains(Categories, f.Category) {
			bad.Field("category", "人员类别应为 full 或 probationary")
		}
		add("m.category = ?", f.Category)
	}
	if f.Status != "" {
		if _, ok := Statuses[f.Status]; !ok {
			bad.Field("status", "未知的状态")
		}
		add("m.status = ?", f.Status)
	}
	if f.Gender != "" {
		if !slices.Contains(Genders, f.Gender) {
			bad.Field("gender", "性别应为 male 或 female")
		}
		add("m.gender = ?", f.Gender)
	}
	if f.Education != "" {
		add("m.education = ?", f.Education)
	}
	if f.AgeBand != "" {
		found := false
		for _, b := range AgeBands {
			if b.Code == f.AgeBand {
				found = true
				after, upto := birthRange(b.Min, b.Max, s.Now())
				add("m.birth_date <= ?", upto)
				if after != "" {
					add("m.birth_date > ?", after)
				}
			}
		}
		if !found {
			bad.Field("age_band", "未知的年龄段")
		}
	}
	if err := bad.OrNil(); err != nil {
		return "", nil, err
	}
	return strings.Join(parts, " AND "), args, nil
}

// Categories are the member categories: 正式党员 and 预备党员.
var Categories = []string{"full", "probationary"}

// Genders are the gender codes.
var Genders = []string{"male", "female"}

// StatusCodes are the keys of Statuses, sorted.
func StatusCodes() []string {
	out := make([]string, 0, len(Statuses))
	for k := range Statuses {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// AgeBandCodes are the codes of AgeBands.
func AgeBandCodes() []string {
	out := make([]string, len(AgeBands))
	for i, b := range AgeBands {
		out[i] = b.Code
	}
	return out
}

// SortKeys are the sort values List accepts ("-" before a key: descending).
func SortKeys() []string {
	var out []string
	for k := range sorts {
		if k != "" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

var sorts = map[string]string{
	"": "m.id", "id": "m.id", "name": "m.name, m.id", "-name": "m.name DESC, m.id",
	"birth_date": "m.birth_date, m.id", "-birth_date": "m.birth_date DESC, m.id",
	"joined_on": "m.joined_on, m.id", "-joined_on": "m.joined_on DESC, m.id",
}

// List returns one page of the roster in the actor's scope, masked.
func (s *Service) List(ctx context.Context, f Filter) ([]Member, store.Total, error) {
	ctx = store.WithOp(ctx, "member.List")
	order, ok := sorts[f.Sort]
	if !ok {
		return nil, store.Total{}, apperr.InvalidField("sort", "不支持的排序字段")
	}
	cond, args, err := s.where(ctx, f)
	if err != nil {
		return nil, store.Total{}, err
	}
	if f.PageSize == 0 {
		f.Page, f.PageSize = 1, store.DefaultPageSize
	}
	return store.ListPage(ctx, s.DB, memberCols, "FROM members m", cond, args, order, store.PageOf(f.Page, f.PageSize, 0),
		func(r store.Scanner) (Member, error) {
			m, _, _, err := scanMember(r)
			return m, err
		})
}

// Patch is a partial update; nil fields stay unchanged. 身份证号 cannot change.
type Patch struct {
	Name           *string `json:"name"`
	Ethnicity      *string `json:"ethnicity"`
	Phone          *string `json:"phone"`
	Education      *string `json:"education"`
	Category       *string `json:"category"`
	PartyOrgID     *int64  `json:"party_org_id"`
	OrganizationID *int64  `json:"organization_id"`
	JoinedOn       *string `json:"joined_on"`
	ConfirmedOn    *string `json:"confirmed_on"`
	Position       *string `json:"position"`
	Status         *string `json:"status"`
	// LostSince and LostReason mark a 失联党员 (both given) or clear it (both empty).
	LostSince  *string `json:"lost_since"`
	LostReason *string `json:"lost_reason"`
}

// validDate reports whether s is a plain date in civil's range.
func validDate(s string) bool {
	_, err := civil.Parse("", s)
	return err == nil
}

// Update changes a member in the actor's scope (404 otherwise); audited.
func (s *Service) Update(ctx context.Context, id int64, in Patch) (Member, error) {
	ctx = store.WithOp(ctx, "member.Update")
	p, err := s.Protector()
	if err != nil {
		return Member{}, err
	}
	bad := apperr.Invalid()
	sets, args := []string{}, []any{}
	set := func(col string, v any) { sets = append(sets, col+" = ?"); args = append(args, v) }
	if in.Name != nil {
		if strings.TrimSpace(*in.Name) == "" {
			bad.Field("name", "请填写姓名")
		}
		set("name", strings.TrimSpace(*in.Name))
	}
	if in.Ethnicity != nil {
		set("ethnicity", strings.TrimSpace(*in.Ethnicity))
	}
	if in.Education != nil {
		set("education", strings.TrimSpace(*in.Education))
	}
	if in.Position != nil {
		set("position", strings.TrimSpace(*in.Position))
	}
	if in.Phone != nil {
		ph := strings.TrimSpace(*in.Phone)
		if ph != "" {
			if norm, ok := pdata.NormalizePhone(ph); ok {
				ph = norm
			} else {
				bad.Field("phone", phoneHint)
			}
		}
		enc, err := p.Encrypt(ph)
		if err != nil {
			return Member{}, err
		}
		mask := ""
		if ph != "" {
			mask = pdata.MaskPhone(ph)
		}
		set("phone_enc", enc)
		set("phone_hash", p.Hash(ph))
		set("phone_mask", mask)
	}
	if in.Category != nil {
		if *in.Category != "full" && *in.Category != "probationary" {
			bad.Field("category", "党员类别必须是正式党员（full）或预备党员（probationary）")
		}
		set("category", *in.Category)
	}
	if in.Status != nil {
		if _, ok := Statuses[*in.Status]; !ok {
			bad.Field("status", "状态应为 active、transferred_out、suspended、expelled 或 deceased")
		}
		set("status", *in.Status)
	}
	for col, v := range map[string]*string{"joined_on": in.JoinedOn, "confirmed_on": in.ConfirmedOn} {
		if v != nil {
			if *v != "" && !validDate(*v) {
				bad.Field(col, civil.Hint)
			}
			set(col, nullable(*v))
		}
	}
	if in.OrganizationID != nil {
		set("organization_id", *in.OrganizationID)
	}
	if in.PartyOrgID != nil {
		set("party_org_id", *in.PartyOrgID)
	}
	if in.LostSince != nil || in.LostReason != nil {
		since, reason, ok := checkLost(bad, in.LostSince, in.LostReason)
		if ok {
			set("lost_since", nullable(since))
			set("lost_reason", reason)
		}
	}
	if err := bad.OrNil(); err != nil {
		return Member{}, err
	}
	var out Member
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := s.get(ctx, tx, id, false)
		if err != nil {
			return err
		}
		if in.PartyOrgID != nil {
			cond, cargs, err := store.PartyOrgFilter(ctx, "id")
			if err != nil {
				return err
			}
			var n int
			if err := s.DB.QueryRow(ctx, tx, "SELECT COUNT(*) FROM party_orgs WHERE id = ? AND "+cond, append([]any{*in.PartyOrgID}, cargs...)...).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return apperr.InvalidField("party_org_id", "党组织不存在或不在您的管辖范围内")
			}
		}
		if in.OrganizationID != nil {
			cond, cargs, err := store.ScopeFilter(ctx, "region_code")
			if err != nil {
				return err
			}
			var n int
			if err := s.DB.QueryRow(ctx, tx, "SELECT COUNT(*) FROM organizations WHERE id = ? AND "+cond, append([]any{*in.OrganizationID}, cargs...)...).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return apperr.InvalidField("organization_id", "两新组织不存在或不在您的管辖范围内")
			}
		}
		if len(sets) > 0 {
			set("updated_at", store.FormatTime(s.Now()))
			if _, err := s.DB.Exec(ctx, tx, "UPDATE members SET "+strings.Join(sets, ", ")+" WHERE id = ?", append(args, id)...); err != nil {
				return err
			}
		}
		if out, err = s.get(ctx, tx, id, false); err != nil {
			return err
		}
		if before.PartyOrgID != out.PartyOrgID || before.Category != out.Category || before.Status != out.Status {
			if err := coverspan.RefreshRoster(ctx, s.DB, tx, before.PartyOrgID, out.PartyOrgID); err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "member_update", Entity: "member", EntityID: fmt.Sprint(id), Before: before, After: out})
	})
	return out, err
}

// Count is one bucket of the statistics.
type Count struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// Stats are counts of the members 在册 in scope.
type Stats struct {
	Total       int     `json:"total"`
	ByAge       []Count `json:"by_age"`
	ByGender    []Count `json:"by_gender"`
	ByEducation []Count `json:"by_education"`
	ByPartyAge  []Count `json:"by_party_age"`
	ByCategory  []Count `json:"by_category"`
	ByRegion    []Count `json:"by_region"`
	ByPartyOrg  []Count `json:"by_party_org"`
}

// PartyAgeBands are the 党龄 bands: whole years since the end of probation
// (转正日期; see partyAgeFrom). 预备党员 have no 党龄 and fall in no band.
var PartyAgeBands = []struct {
	Code     string
	Name     string
	Min, Max int
}{
	{"lt5", "5年以下", 0, 5}, {"5_9", "5–9年", 5, 10}, {"10_19", "10–19年", 10, 20},
	{"20_29", "20–29年", 20, 30}, {"ge30", "30年及以上", 30, 0},
}

// Stats counts the active members in scope, limited by f (RegionCode, PartyOrgID).
// ByRegion counts per direct child region of f.RegionCode (or of the actor's scope).
func (s *Service) Stats(ctx context.Context, f Filter) (Stats, error) {
	f.Status = "active"
	cond, args, err := s.where(ctx, Filter{RegionCode: f.RegionCode, PartyOrgID: f.PartyOrgID, Status: "active"})
	if err != nil {
		return Stats{}, err
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT m.birth_date, m.gender, m.education, m.category, COALESCE(m.joined_on, ''), COALESCE(m.confirmed_on, ''), po.id, po.name, po.region_code
		FROM members m JOIN party_orgs po ON po.id = m.party_org_id WHERE `+cond, args...)
	if err != nil {
		return Stats{}, err
	}
	defer rows.Close()
	base := f.RegionCode
	if base == "" {
		if a, ok := actor.From(ctx); ok {
			base = a.Scope
		}
	}
	now := s.Now()
	age, gender, edu, pAge, cat, reg, po := map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
	poNames := map[string]string{}
	var st Stats
	for rows.Next() {
		var birth, g, e, c, joined, confirmed, poName, region string
		var poID int64
		if err := rows.Scan(&birth, &g, &e, &c, &joined, &confirmed, &poID, &poName, &region); err != nil {
			return Stats{}, err
		}
		st.Total++
		a := ageOn(birth, now)
		for _, b := range AgeBands {
			if a >= b.Min && (b.Max == 0 || a < b.Max) {
				age[b.Code]++
			}
		}
		gender[g]++
		if e == "" {
			e = "未填写"
		}
		edu[e]++
		cat[c]++
		if from := partyAgeFrom(c, joined, confirmed); from != "" {
			y := ageOn(from, now)
			for _, b := range PartyAgeBands {
				if y >= b.Min && (b.Max == 0 || y < b.Max) {
					pAge[b.Code]++
				}
			}
		}
		reg[region]++
		k := fmt.Sprint(poID)
		po[k]++
		poNames[k] = poName
	}
	if err := rows.Err(); err != nil {
		return Stats{}, err
	}
	for _, b := range AgeBands {
		st.ByAge = append(st.ByAge, Count{b.Code, b.Name, age[b.Code]})
	}
	for _, b := range PartyAgeBands {
		st.ByPartyAge = append(st.ByPartyAge, Count{b.Code, b.Name, pAge[b.Code]})
	}
	st.ByGender = []Count{{"male", "男", gender["male"]}, {"female", "女", gender["female"]}}
	st.ByCategory = []Count{{"full", "正式党员", cat["full"]}, {"probationary", "预备党员", cat["probationary"]}}
	st.ByEducation = counts(edu, nil)
	st.ByPartyOrg = counts(po, poNames)
	// Fold the regions into the direct children of base.
	crows, err := s.DB.Query(ctx, s.DB, "SELECT code, name FROM regions WHERE parent_code = ?", base)
	if err != nil {
		return Stats{}, err
	}
	defer crows.Close()
	names := map[string]string{}
	for crows.Next() {
		var c, n string
		if err := crows.Scan(&c, &n); err != nil {
			return Stats{}, err
		}
		names[c] = n
	}
	if err := crows.Err(); err != nil {
		return Stats{}, err
	}
	folded := map[string]int{}
	for code, n := range reg {
		key := code
		for c := range names {
			if strings.HasPrefix(code, c) {
				key = c
			}
		}
		if _, ok := names[key]; !ok {
			names[key] = key
		}
		folded[key] += n
	}
	st.ByRegion = counts(folded, names)
	return st, nil
}

func counts(m map[string]int, names map[string]string) []Count {
	out := []Count{}
	for k, v := range m {
		n := k
		if names != nil {
			n = names[k]
		}
		out = append(out, Count{k, n, v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Code < out[j].Code
	})
	return out
}

// Ledger compares, for a 两新组织, the members on record with its declared counts.
type Ledger struct {
	OrganizationID       int64 `json:"organization_id"`
	DeclaredFull         int   `json:"declared_full"`
	DeclaredProbationary int   `json:"declared_probationary"`
	RecordedFull         int   `json:"recorded_full"`
	RecordedProbationary int   `json:"recorded_probationary"`
	Mismatch             bool  `json:"mismatch"`
}

// LedgerOf compares the members on record (在册) of an organization in scope with its declared counts.
func (s *Service) LedgerOf(ctx context.Context, orgID int64) (Ledger, error) {
	cond, args, err := store.ScopeFilter(ctx, "region_code")
	if err != nil {
		return Ledger{}, err
	}
	l := Ledger{OrganizationID: orgID}
	err = s.DB.QueryRow(ctx, s.DB, "SELECT full_members, probationary_members FROM organizations WHERE id = ? AND "+cond,
		append([]any{orgID}, args...)...).Scan(&l.DeclaredFull, &l.DeclaredProbationary)
	if errors.Is(err, sql.ErrNoRows) {
		return Ledger{}, apperr.NotFound("两新组织")
	}
	if err != nil {
		return Ledger{}, err
	}
	if err := s.DB.QueryRow(ctx, s.DB, `SELECT COALESCE(SUM(CASE WHEN category = 'full' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN category = 'probationary' THEN 1 ELSE 0 END), 0) FROM members WHERE organization_id = ? AND status = 'active'`,
		orgID).Scan(&l.RecordedFull, &l.RecordedProbationary); err != nil {
		return Ledger{}, err
	}
	l.Mismatch = l.DeclaredFull != l.RecordedFull || l.DeclaredProbationary != l.RecordedProbationary
	return l, nil
}
