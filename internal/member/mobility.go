package member

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/civil"
	"liangxin/internal/store"
)

// Mobility directions.
const (
	MobilityOut = "out" // 流出: our member is away at Place
	MobilityIn  = "in"  // 流入: the member came from Place
)

// MobileMonths is how long a member must be away to count as 流动党员.
const MobileMonths = 6

// PlaceThreshold is the number of mobile members in one place that should
// form a branch or group (3+).
const PlaceThreshold = 3

// MobilityDirections lists the directions.
func MobilityDirections() []TransferCode {
	return []TransferCode{{MobilityOut, "流出"}, {MobilityIn, "流入"}}
}

// Mobility is one period a member is away (流出) or came in (流入).
type Mobility struct {
	ID            int64   `json:"id"`
	MemberID      int64   `json:"member_id"`
	MemberName    string  `json:"member_name"`
	PartyOrgID    int64   `json:"party_org_id"`
	PartyOrgName  string  `json:"party_org_name"`
	Direction     string  `json:"direction"`
	DirectionName string  `json:"direction_name"`
	Place         string  `json:"place"`
	Since         string  `json:"since"`
	CardNo        string  `json:"card_no"`
	ReviewedOn    *string `json:"reviewed_on"`
	EndedOn       *string `json:"ended_on"`
	Note          string  `json:"note"`
	// Months is the number of whole months away as of the list's date.
	Months int `json:"months"`
}

// MobilityInput marks a member as mobile.
type MobilityInput struct {
	Direction  string `json:"direction"`
	Place      string `json:"place"`
	Since      string `json:"since"`
	CardNo     string `json:"card_no"`
	ReviewedOn string `json:"reviewed_on"`
	Note       string `json:"note"`
}

// MobilityPatch records the yearly review of the 活动证, a new card number or the return.
type MobilityPatch struct {
	CardNo     *string `json:"card_no"`
	ReviewedOn *string `json:"reviewed_on"`
	EndedOn    *string `json:"ended_on"`
	Note       *string `json:"note"`
}

// Place is a place with its mobile members.
type Place struct {
	Place   string     `json:"place"`
	Count   int        `json:"count"`
	Members []Mobility `json:"members"`
	// Ungrouped counts those not in any 党小组 today; Warning says so when
	// 3+ of them are (they should form a 党小组 or branch there).
	Ungrouped int    `json:"ungrouped"`
	Warning   string `json:"warning,omitempty"`
}

// wholeMonths counts the whole months from since to at (clamped month ends).
func wholeMonths(since, at time.Time) int {
	n := 0
	for !addMonthsClamped(since, n+1).After(at) {
		n++
	}
	return n
}

func optDate(bad *apperr.Error, field string, v *string) any {
	if v == nil || *v == "" {
		return nil
	}
	if _, ok := civil.Check(bad, field, *v); !ok {
		return nil
	}
	return *v
}

const mobilityCols = `x.id, x.member_id, m.name, m.party_org_id, p.name, x.direction, x.place, x.since, x.card_no, x.reviewed_on, x.ended_on, x.note`
const mobilityFrom = ` FROM member_mobility x JOIN members m ON m.id = x.member_id JOIN party_orgs p ON p.id = m.party_org_id`

func scanMobility(row interface{ Scan(...any) error }) (Mobility, error) {
	var x Mobility
	var rev, end sql.NullString
	if err := row.Scan(&x.ID, &x.MemberID, &x.MemberName, &x.PartyOrgID, &x.PartyOrgName, &x.Direction, &x.Place, &x.Since, &x.CardNo,
		&rev, &end, &x.Note); err != nil {
		return x, err
	}
	if rev.Valid {
		x.ReviewedOn = &rev.String
	}
	if end.Valid {
		x.EndedOn = &end.String
	}
	x.DirectionName = codeName(MobilityDirections(), x.Direction)
	return x, nil
}

func (s *Service) getMobility(ctx context.Context, q store.Querier, id int64) (Mobility, error) {
	cond, args, err := store.PartyOrgFilter(ctx, "m.party_org_id")
	if err != nil {
		return Mobility{}, err
	}
	x, err := scanMobility(s.DB.QueryRow(ctx, q, "SELECT "+mobilityCols+mobilityFrom+" WHERE x.id = ? AND "+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return x, apperr.NotFound("流动党员记录")
	}
	return x, err
}

// StartMobility marks a member in scope as 流出 or 流入; one open record per member.
func (s *Service) StartMobility(ctx context.Context, memberID int64, in MobilityInput) (Mobility, error) {
	bad := apperr.Invalid()
	if codeName(MobilityDirections(), in.Direction) == "" {
		bad.Field("direction", "流动方向应为流出（out）或流入（in）")
	}
	in.Place = trText(bad, "place", in.Place, 100, true, "请填写流动地点（流入党员填写来自何地）")
	in.CardNo = trText(bad, "card_no", in.CardNo, 64, false, "")
	in.Note = trText(bad, "note", in.Note, 500, false, "")
	today := s.todayCST()
	since, ok := trDate(bad, "since", in.Since, time.Time{})
	if ok && in.Since == "" {
		bad.Field("since", "请填写外出（流入）时间")
	} else if ok && since.After(today) {
		bad.Field("since", "外出时间不能晚于今天")
	}
	rev := optDate(bad, "reviewed_on", &in.ReviewedOn)
	if err := bad.OrNil(); err != nil {
		return Mobility{}, err
	}
	var out Mobility
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		m, err := s.memberRef(ctx, tx, memberID)
		if err != nil {
			return err
		}
		if m.Status != "active" {
			return apperr.InvalidField("member_id", "该党员不在册")
		}
		now := store.FormatTime(s.Now())
		var id int64
		err = s.DB.QueryRow(ctx, tx, `INSERT INTO member_mobility (member_id, direction, place, since, card_no, reviewed_on, note, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, memberID, in.Direction, in.Place, trDay(since), in.CardNo, rev, in.Note, now, now).Scan(&id)
		if store.IsUniqueViolation(err) {
			return apperr.Conflict("该党员已有未结束的流动记录")
		}
		if err != nil {
			return err
		}
		if out, err = s.getMobility(ctx, tx, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "mobility_create", Entity: "mobility", EntityID: fmt.Sprint(id), After: out})
	})
	return out, err
}

// UpdateMobility records a review, a card number, a note or the end (return) of a mobility record.
func (s *Service) UpdateMobility(ctx context.Context, id int64, in MobilityPatch) (Mobility, error) {
	ctx = store.WithOp(ctx, "member.UpdateMobility")
	bad := apperr.Invalid()
	rev := optDate(bad, "reviewed_on", in.ReviewedOn)
	end := optDate(bad, "ended_on", in.EndedOn)
	if in.CardNo != nil {
		*in.CardNo = trText(bad, "card_no", *in.CardNo, 64, false, "")
	}
	if in.Note != nil {
		*in.Note = trText(bad, "note", *in.Note, 500, false, "")
	}
	if err := bad.OrNil(); err != nil {
		return Mobility{}, err
	}
	var out Mobility
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := s.getMobility(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.EndedOn != nil {
			return apperr.Conflict("该流动记录已结束")
		}
		if e, ok := end.(string); ok && e < before.Since {
			return apperr.InvalidField("ended_on", "结束日期不能早于外出时间")
		}
		set, args := "updated_at = ?", []any{store.FormatTime(s.Now())}
		if in.CardNo != nil {
			set, args = set+", card_no = ?", append(args, *in.CardNo)
		}
		if in.Note != nil {
			set, args = set+", note = ?", append(args, *in.Note)
		}
		if rev != nil {
			set, args = set+", reviewed_on = ?", append(args, rev)
		}
		if end != nil {
			set, args = set+", ended_on = ?", append(args, end)
		}
		if _, err := s.DB.Exec(ctx, tx, "UPDATE member_mobility SET "+set+" WHERE id = ?", append(args, id)...); err != nil {
			return err
		}
		if out, err = s.getMobility(ctx, tx, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "mobility_update", Entity: "mobility", EntityID: fmt.Sprint(id), Before: before, After: out})
	})
	return out, err
}

// MobileFilter selects mobility records open on AsOf.
type MobileFilter struct {
	AsOf       string
	Direction  string // "" = both
	MinMonths  *int   // default MobileMonths; 0 lists every open record
	PartyOrgID int64
}

// MobileMembers lists the records open on AsOf (today if empty) whose
// member has been away at least MinMonths whole months (流动党员: ≥6).
func (s *Service) MobileMembers(ctx context.Context, f MobileFilter) ([]Mobility, error) {
	bad := apperr.Invalid()
	at, _ := trDate(bad, "as_of", f.AsOf, s.todayCST())
	if f.Direction != "" && codeName(MobilityDirections(), f.Direction) == "" {
		bad.Field("direction", "流动方向应为流出（out）或流入（in）")
	}
	min := MobileMonths
	if f.MinMonths != nil {
		if *f.MinMonths < 0 {
			bad.Field("min_months", "不能为负数")
		}
		min = *f.MinMonths
	}
	if err := bad.OrNil(); err != nil {
		return nil, err
	}
	cond, args, err := store.PartyOrgFilter(ctx, "m.party_org_id")
	if err != nil {
		return nil, err
	}
	where := " WHERE x.since <= ? AND (x.ended_on IS NULL OR x.ended_on > ?) AND m.status = 'active' AND " + cond
	args = append([]any{trDay(at), trDay(at)}, args...)
	if f.Direction != "" {
		where += " AND x.direction = ?"
		args = append(args, f.Direction)
	}
	if f.PartyOrgID != 0 {
		where += " AND m.party_org_id = ?"
		args = append(args, f.PartyOrgID)
	}
	rows, err := s.DB.Query(ctx, s.DB, "SELECT "+mobilityCols+mobilityFrom+where+" ORDER BY x.since, x.id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Mobility{}
	for rows.Next() {
		x, err := scanMobility(rows)
		if err != nil {
			return nil, err
		}
		since, err := civil.Read(x.Since)
		if err != nil {
			return nil, err
		}
		if x.Months = wholeMonths(since, at); x.Months >= min {
			out = append(out, x)
		}
	}
	return out, rows.Err()
}

// Places lists the places where 3+ members in scope are away as 流动党员
// (流出, ≥6 months) on asOf: they should form a branch or a group there.
func (s *Service) Places(ctx context.Context, asOf string) ([]Place, error) {
	list, err := s.MobileMembers(ctx, MobileFilter{AsOf: asOf, Direction: MobilityOut})
	if err != nil {
		return nil, err
	}
	if asOf == "" {
		asOf = s.todayCST().Format(civil.Layout)
	}
	by := map[string][]Mobility{}
	for _, x := range list {
		by[x.Place] = append(by[x.Place], x)
	}
	out := []Place{}
	for place, ms := range by {
		if len(ms) >= PlaceThreshold {
			pl := Place{Place: place, Count: len(ms), Members: ms}
			for _, x := range ms {
				var n int
				if err := s.DB.QueryRow(ctx, s.DB, `SELECT COUNT(*) FROM party_group_members WHERE member_id = ? AND from_on <= ? AND (to_on IS NULL OR to_on > ?)`,
					x.MemberID, asOf, asOf).Scan(&n); err != nil {
					return nil, err
				}
				if n == 0 {
					pl.Ungrouped++
				}
			}
			if pl.Ungrouped >= PlaceThreshold {
				pl.Warning = fmt.Sprintf("%s有 %d 名流动党员未编入党小组，3 名以上可成立流动党员党小组", place, pl.Ungrouped)
			}
			out = append(out, pl)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Place < out[j].Place
	})
	return out, nil
}

// Dual is one 双重管理 record: the member takes part in a second party
// org's activities while the membership stays put.
type Dual struct {
	ID                 int64   `json:"id"`
	MemberID           int64   `json:"member_id"`
	MemberName         string  `json:"member_name"`
	PartyOrgID         int64   `json:"party_org_id"`
	PartyOrgName       string  `json:"party_org_name"`
	SecondPartyOrgID   int64   `json:"second_party_org_id"`
	SecondPartyOrgName string  `json:"second_party_org_name"`
	From               string  `json:"from"`
	To                 *string `json:"to"`
	Note               string  `json:"note"`
}

// DualInput starts a 双重管理 record.
type DualInput struct {
	SecondPartyOrgID int64  `json:"second_party_org_id"`
	From             string `json:"from"`
	Note             string `json:"note"`
}

const dualCols = `d.id, d.member_id, m.name, m.party_org_id, p.name, d.party_org_id, q.name, d.started_on, d.ended_on, d.note`
const dualFrom = ` FROM member_dual d JOIN members m ON m.id = d.member_id JOIN party_orgs p ON p.id = m.party_org_id JOIN party_orgs q ON q.id = d.party_org_id`

func scanDual(row interface{ Scan(...any) error }) (Dual, error) {
	var d Dual
	var to sql.NullString
	err := row.Scan(&d.ID, &d.MemberID, &d.MemberName, &d.PartyOrgID, &d.PartyOrgName, &d.SecondPartyOrgID, &d.SecondPartyOrgName, &d.From, &to, &d.Note)
	if to.Valid {
		d.To = &to.String
	}
	return d, err
}

// dualScope: the member's party org or the second one in scope.
func dualScope(ctx context.Context) (string, []any, error) {
	c1, a1, err := store.PartyOrgFilter(ctx, "m.party_org_id")
	if err != nil {
		return "", nil, err
	}
	c2, a2, _ := store.PartyOrgFilter(ctx, "d.party_org_id")
	return "(" + c1 + " OR " + c2 + ")", append(a1, a2...), nil
}

func (s *Service) getDual(ctx context.Context, q store.Querier, id int64, own bool) (Dual, error) {
	cond, args, err := dualScope(ctx)
	if own {
		cond, args, err = store.PartyOrgFilter(ctx, "m.party_org_id")
	}
	if err != nil {
		return Dual{}, err
	}
	d, err := scanDual(s.DB.QueryRow(ctx, q, "SELECT "+dualCols+dualFrom+" WHERE d.id = ? AND "+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return d, apperr.NotFound("双重管理记录")
	}
	return d, err
}

// StartDual records that a member in scope joins a second party org's activities.
func (s *Service) StartDual(ctx context.Context, memberID int64, in DualInput) (Dual, error) {
	bad := apperr.Invalid()
	from, ok := trDate(bad, "from", in.From, s.todayCST())
	if ok && from.After(s.todayCST()) {
		bad.Field("from", "开始日期不能晚于今天")
	}
	in.Note = trText(bad, "note", in.Note, 500, false, "")
	if in.SecondPartyOrgID == 0 {
		bad.Field("second_party_org_id", "请选择参加活动的党组织")
	}
	if err := bad.OrNil(); err != nil {
		return Dual{}, err
	}
	var out Dual
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		m, err := s.memberRef(ctx, tx, memberID)
		if err != nil {
			return err
		}
		if m.Status != "active" {
			return apperr.InvalidField("member_id", "该党员不在册")
		}
		if m.PartyOrgID == in.SecondPartyOrgID {
			return apperr.InvalidField("second_party_org_id", "不能是组织关系所在的党组织")
		}
		if err := s.activePartyOrg(ctx, tx, in.SecondPartyOrgID, "second_party_org_id"); err != nil {
			return err
		}
		now := store.FormatTime(s.Now())
		var id int64
		err = s.DB.QueryRow(ctx, tx, `INSERT INTO member_dual (member_id, party_org_id, started_on, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			memberID, in.SecondPartyOrgID, trDay(from), in.Note, now, now).Scan(&id)
		if store.IsUniqueViolation(err) {
			return apperr.Conflict("该党员已在该党组织双重管理")
		}
		if err != nil {
			return err
		}
		if out, err = s.getDual(ctx, tx, id, true); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "dual_create", Entity: "dual", EntityID: fmt.Sprint(id), After: out})
	})
	return out, err
}

// EndDual ends a 双重管理 record of a member in scope.
func (s *Service) EndDual(ctx context.Context, id int64, in CloseInput) (Dual, error) {
	bad := apperr.Invalid()
	on, _ := trDate(bad, "on", in.On, s.todayCST())
	if err := bad.OrNil(); err != nil {
		return Dual{}, err
	}
	var out Dual
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := s.getDual(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if before.To != nil {
			return apperr.Conflict("该双重管理记录已结束")
		}
		if trDay(on) < before.From {
			return apperr.InvalidField("on", "结束日期不能早于开始日期")
		}
		if _, err := s.DB.Exec(ctx, tx, "UPDATE member_dual SET ended_on = ?, updated_at = ? WHERE id = ?", trDay(on), store.FormatTime(s.Now()), id); err != nil {
			return err
		}
		if out, err = s.getDual(ctx, tx, id, true); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "dual_end", Entity: "dual", EntityID: fmt.Sprint(id), Before: before, After: out})
	})
	return out, err
}

// DualList lists the open 双重管理 records (all with ended=true) where
// either the member's party org or the second one is in scope.
func (s *Service) DualList(ctx context.Context, partyOrgID int64, ended bool) ([]Dual, error) {
	cond, args, err := dualScope(ctx)
	if err != nil {
		return nil, err
	}
	where := " WHERE m.status = 'active' AND " + cond
	if !ended {
		where += " AND d.ended_on IS NULL"
	}
	if partyOrgID != 0 {
		where += " AND (m.party_org_id = ? OR d.party_org_id = ?)"
		args = append(args, partyOrgID, partyOrgID)
	}
	rows, err := s.DB.Query(ctx, s.DB, "SELECT "+dualCols+dualFrom+where+" ORDER BY d.started_on, d.id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Dual{}
	for rows.Next() {
		d, err := scanDual(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
