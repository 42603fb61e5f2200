package volunteer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/civil"
	"liangxin/internal/store"
)

// Account kinds.
const (
	AccBank   = "bank"   // the bank's own account: issues points, receives redeemed and expired ones
	AccHold   = "hold"   // redemptions reserved and not yet posted or voided
	AccMember = "member" // a roster member
	AccPerson = "person" // a registered resident or volunteer
)

// posting is one line of an entry: amount > 0 adds to the account, < 0 takes from it.
type posting struct {
	Account int64
	Amount  int64
}

// entry is the header of a journal entry.
type entry struct {
	Kind       string
	Amount     int64
	On         string
	SourceKind string
	SourceID   int64
	Memo       string
	ReversesID int64
}

// post writes an entry and its postings; they must sum to zero.
func (s *Service) post(ctx context.Context, tx *sql.Tx, e entry, ps []posting) (int64, error) {
	var sum int64
	for _, p := range ps {
		sum += p.Amount
	}
	if sum != 0 || len(ps) < 2 || e.Amount <= 0 {
		return 0, fmt.Errorf("volunteer: unbalanced entry (%d postings, sum %d, amount %d)", len(ps), sum, e.Amount)
	}
	var rev, src any
	if e.ReversesID != 0 {
		rev = e.ReversesID
	}
	if e.SourceID != 0 {
		src = e.SourceID
	}
	var id int64
	if err := s.DB.QueryRow(ctx, tx, `INSERT INTO tb_entries (kind, amount, occurred_on, source_kind, source_id, memo, reverses_id, confirmed_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, e.Kind, e.Amount, e.On, e.SourceKind, src, e.Memo, rev, username(ctx), s.stamp()).Scan(&id); err != nil {
		if store.IsUniqueViolation(err) {
			return 0, apperr.Conflict("该笔记录已冲销过，不能重复冲销")
		}
		return 0, fmt.Errorf("volunteer: post: %w", err)
	}
	for _, p := range ps {
		if _, err := s.DB.Exec(ctx, tx, `INSERT INTO tb_postings (entry_id, account_id, amount, occurred_on) VALUES (?, ?, ?, ?)`, id, p.Account, p.Amount, e.On); err != nil {
			return 0, fmt.Errorf("volunteer: posting: %w", err)
		}
	}
	return id, nil
}

func (s *Service) systemAccount(ctx context.Context, q store.Querier, kind string) (int64, error) {
	var id int64
	err := s.DB.QueryRow(ctx, q, `SELECT id FROM tb_accounts WHERE kind = ? ORDER BY id LIMIT 1`, kind).Scan(&id)
	return id, err
}

// memberAccount returns the account of a roster member, opening it on first use.
func (s *Service) memberAccount(ctx context.Context, tx *sql.Tx, memberID int64) (int64, error) {
	var id int64
	err := s.DB.QueryRow(ctx, tx, `SELECT id FROM tb_accounts WHERE member_id = ?`, memberID).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	name, region, err := s.memberByID(ctx, tx, memberID)
	if err != nil {
		return 0, err
	}
	if _, err := s.DB.Exec(ctx, tx, `INSERT INTO tb_accounts (kind, member_id, name, region_code, created_at) VALUES ('member', ?, ?, ?, ?) ON CONFLICT (member_id) DO NOTHING`,
		memberID, name, region, s.stamp()); err != nil {
		return 0, err
	}
	err = s.DB.QueryRow(ctx, tx, `SELECT id FROM tb_accounts WHERE member_id = ?`, memberID).Scan(&id)
	return id, err
}

// personAccount returns the account of a registered volunteer, opening it on first use.
func (s *Service) personAccount(ctx context.Context, tx *sql.Tx, personID int64) (int64, error) {
	var id int64
	err := s.DB.QueryRow(ctx, tx, `SELECT id FROM tb_accounts WHERE person_id = ?`, personID).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	var name, region string
	if err := s.DB.QueryRow(ctx, tx, `SELECT name, region_code FROM vol_people WHERE id = ?`, personID).Scan(&name, &region); err != nil {
		return 0, err
	}
	if _, err := s.DB.Exec(ctx, tx, `INSERT INTO tb_accounts (kind, person_id, name, region_code, created_at) VALUES ('person', ?, ?, ?, ?) ON CONFLICT (person_id) DO NOTHING`,
		personID, name, region, s.stamp()); err != nil {
		return 0, err
	}
	err = s.DB.QueryRow(ctx, tx, `SELECT id FROM tb_accounts WHERE person_id = ?`, personID).Scan(&id)
	return id, err
}

// lockAccount serialises the movements of one account: a row lock on
// PostgreSQL; SQLite's write transactions are already one at a time.
func (s *Service) lockAccount(ctx context.Context, tx *sql.Tx, id int64) error {
	if s.DB.Dialect != store.Postgres {
		return nil
	}
	var got int64
	return s.DB.QueryRow(ctx, tx, `SELECT id FROM tb_accounts WHERE id = ? FOR NO KEY UPDATE`, id).Scan(&got)
}

func (s *Service) balance(ctx context.Context, q store.Querier, account int64) (int64, error) {
	var b int64
	err := s.DB.QueryRow(ctx, q, `SELECT COALESCE(SUM(amount), 0) FROM tb_postings WHERE account_id = ?`, account).Scan(&b)
	return b, err
}

// Rate is the latest earning rate of an activity kind.
type Rate struct {
	Kind          string `json:"kind"`
	KindName      string `json:"kind_name"`
	Version       int    `json:"version"`
	PointsPerHour int64  `json:"points_per_hour"`
	CreatedBy     string `json:"created_by"`
	CreatedAt     string `json:"created_at"`
}

// RateInput sets a kind's rate (a new version).
type RateInput struct {
	Kind          string `json:"kind"`
	PointsPerHour int64  `json:"points_per_hour"`
	Reason        string `json:"reason"`
}

func (s *Service) rate(ctx context.Context, q store.Querier, kind string) (int64, error) {
	var r int64
	err := s.DB.QueryRow(ctx, q, `SELECT points_per_hour FROM tb_rates WHERE kind = ? ORDER BY version DESC LIMIT 1`, kind).Scan(&r)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return r, err
}

// ListRates returns the latest rate of every kind.
func (s *Service) ListRates(ctx context.Context) ([]Rate, error) {
	ctx = store.WithOp(ctx, "volunteer.ListRates")
	out := []Rate{}
	for _, k := range Kinds() {
		r := Rate{Kind: k.Code, KindName: k.Name}
		err := s.DB.QueryRow(ctx, s.DB, `SELECT version, points_per_hour, created_by, created_at FROM tb_rates WHERE kind = ? ORDER BY version DESC LIMIT 1`, k.Code).
			Scan(&r.Version, &r.PointsPerHour, &r.CreatedBy, &r.CreatedAt)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// SetRate adds a version of a kind's rate; later earnings use it (earlier
// entries keep what they earned). Audited.
func (s *Service) SetRate(ctx context.Context, in RateInput) (Rate, error) {
	bad := apperr.Invalid()
	if optionName(Kinds(), in.Kind) == "" {
		bad.Field("kind", "请选择活动类别")
	}
	if in.PointsPerHour < 0 || in.PointsPerHour > 1000 {
		bad.Field("points_per_hour", "每小时积分应为 0–1000 的整数")
	}
	in.Reason = textField(bad, "reason", "修改原因", in.Reason, false, 200)
	if err := bad.OrNil(); err != nil {
		return Rate{}, err
	}
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Rate, error) {
		var v int
		if err := s.DB.QueryRow(ctx, tx, `SELECT COALESCE(MAX(version), 0) FROM tb_rates WHERE kind = ?`, in.Kind).Scan(&v); err != nil {
			return Rate{}, err
		}
		prev, err := s.rate(ctx, tx, in.Kind)
		if err != nil {
			return Rate{}, err
		}
		before := Rate{Kind: in.Kind, KindName: optionName(Kinds(), in.Kind), Version: v, PointsPerHour: prev}
		r := Rate{Kind: in.Kind, KindName: optionName(Kinds(), in.Kind), Version: v + 1, PointsPerHour: in.PointsPerHour, CreatedBy: username(ctx), CreatedAt: s.stamp()}
		if _, err := s.DB.Exec(ctx, tx, `INSERT INTO tb_rates (kind, version, points_per_hour, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
			r.Kind, r.Version, r.PointsPerHour, r.CreatedBy, r.CreatedAt); err != nil {
			if store.IsUniqueViolation(err) {
				return Rate{}, apperr.Conflict("积分标准刚被他人修改，请刷新后重试")
			}
			return Rate{}, err
		}
		note := fmt.Sprintf("修改%s类活动积分标准为每小时 %d 分", r.KindName, r.PointsPerHour)
		if in.Reason != "" {
			note += "：" + in.Reason
		}
		return r, s.Audit.Record(ctx, tx, audit.Entry{Action: "timebank_rate", Entity: "tb_rate", EntityID: in.Kind, Before: before, After: r, Note: note})
	})
}

// Points earns minutes at a rate of points per hour, rounded down to the
// whole point: minutes × rate ÷ 60.
func Points(minutes, perHour int64) int64 { return minutes * perHour / 60 }

// hoursInput is one confirmed piece of volunteer work.
type hoursInput struct {
	Account    int64
	On         string
	Minutes    int64
	Kind       string
	Title      string
	Source     string
	ActivityID int64
	WishID     int64
}

// earnTx records confirmed hours and posts what they earn (Dr member, Cr
// bank) at the kind's current rate; it returns the hours row.
func (s *Service) earnTx(ctx context.Context, tx *sql.Tx, in hoursInput) (int64, error) {
	rate, err := s.rate(ctx, tx, in.Kind)
	if err != nil {
		return 0, err
	}
	var act, wish any
	if in.ActivityID != 0 {
		act = in.ActivityID
	}
	if in.WishID != 0 {
		wish = in.WishID
	}
	var hid int64
	if err := s.DB.QueryRow(ctx, tx, `INSERT INTO vol_hours (account_id, worked_on, minutes, kind, title, source, activity_id, wish_id, confirmed_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.Account, in.On, in.Minutes, in.Kind, in.Title, in.Source, act, wish, username(ctx), s.stamp()).Scan(&hid); err != nil {
		if store.IsUniqueViolation(err) {
			return 0, apperr.Conflict("该微心愿的服务时长已经计入")
		}
		return 0, err
	}
	pts := Points(in.Minutes, rate)
	if pts <= 0 {
		return hid, nil
	}
	bank, err := s.systemAccount(ctx, tx, AccBank)
	if err != nil {
		return 0, err
	}
	eid, err := s.post(ctx, tx, entry{Kind: EntryEarn, Amount: pts, On: in.On, SourceKind: "hours", SourceID: hid,
		Memo: fmt.Sprintf("%s %s 小时（每小时 %d 分）", in.Title, FormatMinutes(in.Minutes), rate)},
		[]posting{{in.Account, pts}, {bank, -pts}})
	if err != nil {
		return 0, err
	}
	_, err = s.DB.Exec(ctx, tx, `UPDATE vol_hours SET entry_id = ? WHERE id = ?`, eid, hid)
	return hid, err
}

// Account is a time-bank account with its balance.
type Account struct {
	ID          int64  `json:"id"`
	Kind        string `json:"kind"`
	MemberID    *int64 `json:"member_id"`
	PersonID    *int64 `json:"person_id"`
	Name        string `json:"name"`
	RegionCode  string `json:"region_code"`
	RegionName  string `json:"region_name"`
	FamilyCode  string `json:"family_code"`
	Balance     int64  `json:"balance"`
	Reserved    int64  `json:"reserved"`
	YearMinutes int64  `json:"year_minutes"`
	YearHours   string `json:"year_hours"`
	CreatedAt   string `json:"created_at"`
}

// AccountFilter selects accounts.
type AccountFilter struct {
	Q          string
	RegionCode string
	Kind       string
	Sort       string
	Page       int
	PageSize   int
}

func (s *Service) accountCols(year int) (string, []any) {
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-01-01", year+1)
	return `a.id, a.kind, a.member_id, a.person_id, a.name, a.region_code, COALESCE(g.name, ''), a.family_code,
		COALESCE((SELECT SUM(x.amount) FROM tb_postings x WHERE x.account_id = a.id), 0),
		COALESCE((SELECT SUM(r.cost) FROM tb_redemptions r WHERE r.account_id = a.id AND r.status = 'reserved'), 0),
		COALESCE((SELECT SUM(h.minutes) FROM vol_hours h WHERE h.account_id = a.id AND h.reversed_entry_id IS NULL AND h.worked_on >= ? AND h.worked_on < ?), 0),
		a.created_at`, []any{from, to}
}

func scanAccount(sc interface{ Scan(...any) error }) (Account, error) {
	var a Account
	var m, p sql.NullInt64
	err := sc.Scan(&a.ID, &a.Kind, &m, &p, &a.Name, &a.RegionCode, &a.RegionName, &a.FamilyCode, &a.Balance, &a.Reserved, &a.YearMinutes, &a.CreatedAt)
	if m.Valid {
		a.MemberID = &m.Int64
	}
	if p.Valid {
		a.PersonID = &p.Int64
	}
	a.YearHours = FormatMinutes(a.YearMinutes)
	return a, err
}

// AccountSorts are the orders of the account list.
func AccountSorts() []string { return []string{"balance_desc", "hours_desc", "name_asc"} }

// ListAccounts lists the personal accounts in the caller's scope with
// their balances and this year's hours.
func (s *Service) ListAccounts(ctx context.Context, f AccountFilter) ([]Account, store.Total, error) {
	ctx = store.WithOp(ctx, "volunteer.ListAccounts")
	cond, args, err := store.ScopeFilter(ctx, "a.region_code")
	if err != nil {
		return nil, store.Total{}, err
	}
	where := ` WHERE a.kind IN ('member', 'person') AND ` + cond
	if f.Q != "" {
		where += ` AND a.name LIKE ? ESCAPE '\'`
		args = append(args, "%"+store.LikeEscape(f.Q)+"%")
	}
	if f.RegionCode != "" {
		rc, ra := store.PrefixRange("a.region_code", f.RegionCode)
		where, args = where+" AND "+rc, append(args, ra...)
	}
	if f.Kind != "" {
		where += ` AND a.kind = ?`
		args = append(args, f.Kind)
	}
	cols, cargs := s.accountCols(s.ThisYear())
	order := "9 DESC, a.id"
	switch f.Sort {
	case "hours_desc":
		order = "11 DESC, a.id"
	case "name_asc":
		order = "a.name, a.id"
	}
	return store.List(ctx, s.DB, store.ListQuery{Cols: cols, ColArgs: cargs, From: `FROM tb_accounts a LEFT JOIN regions g ON g.code = a.region_code`,
		CountFrom: "FROM tb_accounts a", Cond: strings.TrimPrefix(where, " WHERE "), Args: args, Order: order}, store.Page{Number: max(f.Page, 1), Size: max(f.PageSize, 0)}, scanAccount)
}

// account reads one personal account; scoped unless the caller is the
// member who owns it.
func (s *Service) account(ctx context.Context, q store.Querier, id int64) (Account, error) {
	a, _ := actor.From(ctx)
	cond, args := "a.member_id = ?", []any{a.MemberID}
	if a.MemberID == 0 {
		var err error
		if cond, args, err = store.ScopeFilter(ctx, "a.region_code"); err != nil {
			return Account{}, err
		}
	}
	cols, cargs := s.accountCols(s.ThisYear())
	acc, err := scanAccount(s.DB.QueryRow(ctx, q, `SELECT `+cols+` FROM tb_accounts a LEFT JOIN regions g ON g.code = a.region_code
		WHERE a.id = ? AND a.kind IN ('member', 'person') AND `+cond, append(append(cargs, id), args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return acc, apperr.NotFound("时间银行账户")
	}
	return acc, err
}

// GetAccount returns one account in the caller's scope.
func (s *Service) GetAccount(ctx context.Context, id int64) (Account, error) {
	ctx = store.WithOp(ctx, "volunteer.GetAccount")
	return s.account(ctx, s.DB, id)
}

// AccountForMember opens (if need be) and returns a roster member's account.
func (s *Service) AccountForMember(ctx context.Context, memberID int64) (Account, error) {
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Account, error) {
		if _, _, err := s.memberInScope(ctx, tx, "member_id", memberID); err != nil {
			return Account{}, err
		}
		id, err := s.memberAccount(ctx, tx, memberID)
		if err != nil {
			return Account{}, err
		}
		return s.account(ctx, tx, id)
	})
}

// FamilyInput sets the family an account belongs to ("" for none).
type FamilyInput struct {
	FamilyCode string `json:"family_code"`
}

// SetFamily sets an account's family code (audited).
func (s *Service) SetFamily(ctx context.Context, id int64, in FamilyInput) (Account, error) {
	bad := apperr.Invalid()
	code := textField(bad, "family_code", "家庭编号", in.FamilyCode, false, 40)
	if err := bad.OrNil(); err != nil {
		return Account{}, err
	}
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Account, error) {
		before, err := s.account(ctx, tx, id)
		if err != nil {
			return Account{}, err
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE tb_accounts SET family_code = ? WHERE id = ?`, code, id); err != nil {
			return Account{}, err
		}
		after, err := s.account(ctx, tx, id)
		if err != nil {
			return after, err
		}
		return after, s.Audit.Record(ctx, tx, audit.Entry{Action: "timebank_family", Entity: "tb_account", EntityID: fmt.Sprint(id), Before: before, After: after,
			Note: fmt.Sprintf("设置%s的家庭编号为“%s”", after.Name, code)})
	})
}

// Posting is one line of an entry as the API shows it.
type Posting struct {
	AccountID   int64  `json:"account_id"`
	AccountName string `json:"account_name"`
	AccountKind string `json:"account_kind"`
	Amount      int64  `json:"amount"`
}

// Entry is a journal entry as the API shows it; Delta is its effect on
// the account a list was asked for (0 in the journal of all accounts).
type Entry struct {
	ID           int64     `json:"id"`
	Kind         string    `json:"kind"`
	KindName     string    `json:"kind_name"`
	Amount       int64     `json:"amount"`
	Delta        int64     `json:"delta"`
	OccurredOn   string    `json:"occurred_on"`
	SourceKind   string    `json:"source_kind"`
	SourceID     *int64    `json:"source_id"`
	Memo         string    `json:"memo"`
	ReversesID   *int64    `json:"reverses_id"`
	ReversedByID *int64    `json:"reversed_by_id"`
	ConfirmedBy  string    `json:"confirmed_by"`
	CreatedAt    string    `json:"created_at"`
	Postings     []Posting `json:"postings"`
}

// EntryFilter selects entries.
type EntryFilter struct {
	AccountID int64
	Kind      string
	Year      int
	Page      int
	PageSize  int
}

const entryCols = `e.id, e.kind, e.amount, e.occurred_on, e.source_kind, e.source_id, e.memo, e.reverses_id,
	(SELECT r.id FROM tb_entries r WHERE r.reverses_id = e.id), e.confirmed_by, e.created_at`

func scanEntry(sc interface{ Scan(...any) error }) (Entry, error) {
	var e Entry
	var src, rev, by sql.NullInt64
	err := sc.Scan(&e.ID, &e.Kind, &e.Amount, &e.OccurredOn, &e.SourceKind, &src, &e.Memo, &rev, &by, &e.ConfirmedBy, &e.CreatedAt)
	if src.Valid {
		e.SourceID = &src.Int64
	}
	if rev.Valid {
		e.ReversesID = &rev.Int64
	}
	if by.Valid {
		e.ReversedByID = &by.Int64
	}
	e.KindName = optionName(EntryKinds(), e.Kind)
	e.Postings = []Posting{}
	return e, err
}

// entryScope limits entries to those touching an account the caller may see.
func entryScope(ctx context.Context) (string, []any, error) {
	a, _ := actor.From(ctx)
	if a.MemberID != 0 {
		return `EXISTS (SELECT 1 FROM tb_postings sp JOIN tb_accounts sa ON sa.id = sp.account_id WHERE sp.entry_id = e.id AND sa.member_id = ?)`, []any{a.MemberID}, nil
	}
	cond, args, err := store.ScopeFilter(ctx, "sa.region_code")
	if err != nil {
		return "", nil, err
	}
	return `EXISTS (SELECT 1 FROM tb_postings sp JOIN tb_accounts sa ON sa.id = sp.account_id WHERE sp.entry_id = e.id AND sa.kind IN ('member', 'person') AND ` + cond + `)`, args, nil
}

// ListEntries lists journal entries touching accounts in the caller's
// scope (or one account), newest first, with their postings.
func (s *Service) ListEntries(ctx context.Context, f EntryFilter) ([]Entry, store.Total, error) {
	ctx = store.WithOp(ctx, "volunteer.ListEntries")
	cond, args, err := entryScope(ctx)
	if err != nil {
		return nil, store.Total{}, err
	}
	where := " WHERE " + cond
	if f.AccountID != 0 {
		where += ` AND EXISTS (SELECT 1 FROM tb_postings ap WHERE ap.entry_id = e.id AND ap.account_id = ?)`
		args = append(args, f.AccountID)
	}
	if f.Kind != "" {
		where += ` AND e.kind = ?`
		args = append(args, f.Kind)
	}
	if f.Year != 0 {
		where += ` AND e.occurred_on >= ? AND e.occurred_on < ?`
		args = append(args, fmt.Sprintf("%04d-01-01", f.Year), fmt.Sprintf("%04d-01-01", f.Year+1))
	}
	var out []Entry
	var total store.Total
	err = s.DB.Report(ctx, func(q store.Querier) error {
		var err error
		out, total, err = store.ListIn(ctx, s.DB, q, store.ListQuery{Cols: entryCols, From: "FROM tb_entries e", Cond: strings.TrimPrefix(where, " WHERE "), Args: args,
			Order: "e.occurred_on DESC, e.id DESC"}, store.Page{Number: max(f.Page, 1), Size: max(f.PageSize, 0)}, scanEntry)
		if err != nil {
			return err
		}
		return s.postings(ctx, q, out, f.AccountID)
	})
	if err != nil {
		return nil, store.Total{}, err
	}
	return out, total, nil
}

func (s *Service) entries(ctx context.Context, q store.Querier, query string, args []any, account int64) ([]Entry, error) {
	rows, err := s.DB.Query(ctx, q, query, args...)
	if err != nil {
		return nil, err
	}
	out := []Entry{}
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, s.postings(ctx, q, out, account)
}

// postings fills the postings of entries out (and, for account, each
// entry's Delta to it).
func (s *Service) postings(ctx context.Context, q store.Querier, out []Entry, account int64) error {
	idx := map[int64]int{}
	for i, e := range out {
		idx[e.ID] = i
	}
	if len(out) == 0 {
		return nil
	}
	ids := make([]string, 0, len(out))
	for _, e := range out {
		ids = append(ids, fmt.Sprint(e.ID))
	}
	prow, err := s.DB.Query(ctx, q, `SELECT p.entry_id, p.account_id, a.name, a.kind, p.amount FROM tb_postings p JOIN tb_accounts a ON a.id = p.account_id
		WHERE p.entry_id IN (`+strings.Join(ids, ",")+`) ORDER BY p.id`)
	if err != nil {
		return err
	}
	defer prow.Close()
	for prow.Next() {
		var eid int64
		var p Posting
		if err := prow.Scan(&eid, &p.AccountID, &p.AccountName, &p.AccountKind, &p.Amount); err != nil {
			return err
		}
		e := &out[idx[eid]]
		e.Postings = append(e.Postings, p)
		if account != 0 && p.AccountID == account {
			e.Delta += p.Amount
		}
	}
	return prow.Err()
}

func (s *Service) entry(ctx context.Context, q store.Querier, id int64) (Entry, error) {
	out, err := s.entries(ctx, q, `SELECT `+entryCols+` FROM tb_entries e WHERE e.id = ?`, []any{id}, 0)
	if err != nil {
		return Entry{}, err
	}
	if len(out) == 0 {
		return Entry{}, apperr.NotFound("时间银行记录")
	}
	return out[0], nil
}

// TransferInput moves points between two accounts of one family.
type TransferInput struct {
	FromAccountID int64  `json:"from_account_id"`
	ToAccountID   int64  `json:"to_account_id"`
	Amount        int64  `json:"amount"`
	Memo          string `json:"memo"`
}

// MaxPoints bounds one movement.
const MaxPoints = 1_000_000

// Transfer moves points within a family: only when the setting allows it,
// only between accounts with the same non-empty family code, never below
// zero (both accounts locked in id order). Audited.
func (s *Service) Transfer(ctx context.Context, in TransferInput) (Entry, error) {
	bad := apperr.Invalid()
	if in.FromAccountID <= 0 {
		bad.Field("from_account_id", "请选择转出账户")
	}
	if in.ToAccountID <= 0 || in.ToAccountID == in.FromAccountID {
		bad.Field("to_account_id", "请选择另一个转入账户")
	}
	if in.Amount <= 0 || in.Amount > MaxPoints {
		bad.Field("amount", "转赠积分应为 1–1000000 的整数")
	}
	memo := textField(bad, "memo", "说明", in.Memo, false, 200)
	if err := bad.OrNil(); err != nil {
		return Entry{}, err
	}
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Entry, error) {
		set, err := s.settings(ctx, tx)
		if err != nil {
			return Entry{}, err
		}
		if !set.FamilyTransfer {
			return Entry{}, apperr.Conflict("当前设置不允许家庭成员之间转赠积分")
		}
		from, err := s.account(ctx, tx, in.FromAccountID)
		if err != nil {
			return Entry{}, err
		}
		to, err := s.account(ctx, tx, in.ToAccountID)
		if err != nil {
			return Entry{}, err
		}
		if from.FamilyCode == "" || from.FamilyCode != to.FamilyCode {
			return Entry{}, apperr.Conflict(fmt.Sprintf("%s与%s不属于同一家庭，不能转赠", from.Name, to.Name))
		}
		ids := []int64{from.ID, to.ID}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		for _, id := range ids {
			if err := s.lockAccount(ctx, tx, id); err != nil {
				return Entry{}, err
			}
		}
		bal, err := s.balance(ctx, tx, from.ID)
		if err != nil {
			return Entry{}, err
		}
		if bal < in.Amount {
			return Entry{}, apperr.Conflict(fmt.Sprintf("%s的可用积分只有 %d 分，不足 %d 分", from.Name, bal, in.Amount))
		}
		if memo == "" {
			memo = fmt.Sprintf("%s转赠%s", from.Name, to.Name)
		}
		id, err := s.post(ctx, tx, entry{Kind: EntryTransfer, Amount: in.Amount, On: s.today(), SourceKind: "transfer", Memo: memo},
			[]posting{{from.ID, -in.Amount}, {to.ID, in.Amount}})
		if err != nil {
			return Entry{}, err
		}
		e, err := s.entry(ctx, tx, id)
		if err != nil {
			return e, err
		}
		return e, s.Audit.Record(ctx, tx, audit.Entry{Action: "timebank_transfer", Entity: "tb_entry", EntityID: fmt.Sprint(id), After: e, Note: memo})
	})
}

// ReverseInput reverses an entry.
type ReverseInput struct {
	Reason string `json:"reason"`
}

// Reverse posts the opposite of an earning, a transfer or an expiry (a new
// entry; the original is never changed). Reversing an earning takes the
// hours back (they can be confirmed again) and is refused when the
// account no longer holds the points. Redemptions are voided instead.
func (s *Service) Reverse(ctx context.Context, id int64, in ReverseInput) (Entry, error) {
	bad := apperr.Invalid()
	reason := textField(bad, "reason", "冲销原因", in.Reason, true, 200)
	if err := bad.OrNil(); err != nil {
		return Entry{}, err
	}
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Entry, error) {
		cond, args, err := entryScope(ctx)
		if err != nil {
			return Entry{}, err
		}
		var n int
		if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM tb_entries e WHERE e.id = ? AND `+cond, append([]any{id}, args...)...).Scan(&n); err != nil {
			return Entry{}, err
		}
		if n == 0 {
			return Entry{}, apperr.NotFound("时间银行记录")
		}
		orig, err := s.entry(ctx, tx, id)
		if err != nil {
			return Entry{}, err
		}
		if orig.Kind != EntryEarn && orig.Kind != EntryTransfer && orig.Kind != EntryExpire {
			return Entry{}, apperr.Conflict("只能冲销服务获得、家庭转赠和到期清零记录；兑换请取消兑换")
		}
		if orig.ReversedByID != nil {
			return Entry{}, apperr.Conflict("该笔记录已冲销过，不能重复冲销")
		}
		ids := []int64{}
		for _, p := range orig.Postings {
			ids = append(ids, p.AccountID)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		for _, a := range ids {
			if err := s.lockAccount(ctx, tx, a); err != nil {
				return Entry{}, err
			}
		}
		ps := []posting{}
		for _, p := range orig.Postings {
			ps = append(ps, posting{p.AccountID, -p.Amount})
			if p.Amount > 0 && (p.AccountKind == AccMember || p.AccountKind == AccPerson) {
				bal, err := s.balance(ctx, tx, p.AccountID)
				if err != nil {
					return Entry{}, err
				}
				if bal < p.Amount {
					return Entry{}, apperr.Conflict(fmt.Sprintf("%s的可用积分只有 %d 分，不足以冲销 %d 分", p.AccountName, bal, p.Amount))
				}
			}
		}
		rid, err := s.post(ctx, tx, entry{Kind: EntryReversal, Amount: orig.Amount, On: s.today(), SourceKind: "entry", SourceID: orig.ID, ReversesID: orig.ID,
			Memo: fmt.Sprintf("冲销第 %d 号记录：%s", orig.ID, reason)}, ps)
		if err != nil {
			return Entry{}, err
		}
		if orig.Kind == EntryEarn && orig.SourceID != nil {
			if _, err := s.DB.Exec(ctx, tx, `UPDATE vol_hours SET reversed_entry_id = ? WHERE id = ?`, rid, *orig.SourceID); err != nil {
				return Entry{}, err
			}
			if _, err := s.DB.Exec(ctx, tx, `UPDATE vol_participants SET confirmed_minutes = NULL, confirmed_by = '', confirmed_at = NULL, hours_id = NULL WHERE hours_id = ?`,
				*orig.SourceID); err != nil {
				return Entry{}, err
			}
		}
		e, err := s.entry(ctx, tx, rid)
		if err != nil {
			return e, err
		}
		return e, s.Audit.Record(ctx, tx, audit.Entry{Action: "timebank_reverse", Entity: "tb_entry", EntityID: fmt.Sprint(orig.ID), Before: orig, After: e,
			Note: fmt.Sprintf("冲销时间银行第 %d 号记录：%s", orig.ID, reason)})
	})
}

// ExpiryResult is what a sweep did.
type ExpiryResult struct {
	Cutoff   string `json:"cutoff"`
	Accounts int    `json:"accounts"`
	Points   int64  `json:"points"`
}

// ExpireSweep expires the points earned before the cutoff (today minus the
// expiry period) that are still unspent, spending first-in first-out: per
// account, what expires is what came in before the cutoff minus everything
// that ever went out (spending, reservations, transfers and earlier
// expiries), when positive. Each account gets one expire entry (Dr bank,
// Cr account). Running it twice expires nothing more.
func (s *Service) ExpireSweep(ctx context.Context) (ExpiryResult, error) {
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (ExpiryResult, error) {
		set, err := s.settings(ctx, tx)
		if err != nil {
			return ExpiryResult{}, err
		}
		if set.ExpiryMonths == 0 {
			return ExpiryResult{}, s.Audit.Record(ctx, tx, audit.Entry{Action: "timebank_expire", Entity: "timebank", EntityID: "never", Before: set, After: ExpiryResult{},
				Note: "积分到期清零：设置为不过期，未清零任何积分"})
		}
		cutoff := s.now().In(cst).AddDate(0, -set.ExpiryMonths, 0).Format(civil.Layout)
		res := ExpiryResult{Cutoff: cutoff}
		dues, err := s.expiryDues(ctx, tx, cutoff)
		if err != nil {
			return res, err
		}
		bank, err := s.systemAccount(ctx, tx, AccBank)
		if err != nil {
			return res, err
		}
		for _, d := range dues {
			if err := s.lockAccount(ctx, tx, d.account); err != nil {
				return res, err
			}
			if _, err := s.post(ctx, tx, entry{Kind: EntryExpire, Amount: d.amount, On: s.today(), SourceKind: "expiry",
				Memo: fmt.Sprintf("%s 前获得且未使用的积分到期清零", cutoff)}, []posting{{d.account, -d.amount}, {bank, d.amount}}); err != nil {
				return res, err
			}
			res.Accounts++
			res.Points += d.amount
		}
		return res, s.Audit.Record(ctx, tx, audit.Entry{Action: "timebank_expire", Entity: "timebank", EntityID: cutoff, Before: set, After: res,
			Note: fmt.Sprintf("积分到期清零：%s 前获得且未使用的积分，%d 个账户共 %d 分", cutoff, res.Accounts, res.Points)})
	})
}

// expiryDue is what one account loses at a cutoff.
type expiryDue struct{ account, amount int64 }

// expiryDues lists the accounts holding points earned before cutoff and
// not used since: spending (every negative posting, earlier expiries
// included) uses the oldest points first.
func (s *Service) expiryDues(ctx context.Context, q store.Querier, cutoff string) ([]expiryDue, error) {
	rows, err := s.DB.Query(ctx, q, `SELECT a.id,
		COALESCE((SELECT SUM(p.amount) FROM tb_postings p WHERE p.account_id = a.id AND p.amount > 0 AND p.occurred_on < ?), 0),
		COALESCE((SELECT -SUM(p.amount) FROM tb_postings p WHERE p.account_id = a.id AND p.amount < 0), 0)
		FROM tb_accounts a WHERE a.kind IN ('member', 'person') ORDER BY a.id`, cutoff)
	if err != nil {
		return nil, fmt.Errorf("volunteer: points due to expire before %s: %w", cutoff, err)
	}
	defer rows.Close()
	var dues []expiryDue
	for rows.Next() {
		var id, in, out int64
		if err := rows.Scan(&id, &in, &out); err != nil {
			return nil, err
		}
		if in-out > 0 {
			dues = append(dues, expiryDue{id, in - out})
		}
	}
	return dues, rows.Err()
}

// ExpireDue is the server's automatic expiry (hourly): it runs ExpireSweep
// only when some points are due, so a quiet hour writes nothing, not even
// an audit entry. ran is false when nothing was due.
func (s *Service) ExpireDue(ctx context.Context) (res ExpiryResult, ran bool, err error) {
	set, err := s.settings(ctx, s.DB)
	if err != nil || set.ExpiryMonths == 0 {
		return ExpiryResult{}, false, err
	}
	cutoff := s.now().In(cst).AddDate(0, -set.ExpiryMonths, 0).Format(civil.Layout)
	dues, err := s.expiryDues(ctx, s.DB, cutoff)
	if err != nil || len(dues) == 0 {
		return ExpiryResult{Cutoff: cutoff}, false, err
	}
	res, err = s.ExpireSweep(ctx)
	return res, err == nil, err
}
