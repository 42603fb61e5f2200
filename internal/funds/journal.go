package funds

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/store"
)

// Accounts of the journal.
const (
	AccPool        = "pool"        // 区级经费 (credited when an entitlement is recognised)
	AccIncubation  = "incubation"  // 孵化发展基金 (credited by grants)
	AccEntitlement = "entitlement" // per party organization: entitled, not yet allocated
	AccBalance     = "balance"     // per party organization: allocated or granted, not yet spent
	AccExpense     = "expense"     // per party organization and category: spent
)

// posting is one line of an entry: amount > 0 debit, < 0 credit.
type posting struct {
	Account    string
	PartyOrgID int64 // 0 for pool and incubation
	Category   string
	Amount     int64
}

// entry is the header of a journal entry.
type entry struct {
	Year       int
	Kind       string
	PartyOrgID int64
	Amount     int64
	Voucher    string
	Category   string
	On         string
	Memo       string
	ReversesID int64
}

// post writes an entry and its postings; they must sum to zero.
func (s *Service) post(ctx context.Context, tx *sql.Tx, e entry, ps []posting) (int64, error) {
	var sum int64
	for _, p := range ps {
		sum += p.Amount
	}
	if sum != 0 || len(ps) < 2 {
		return 0, fmt.Errorf("funds: unbalanced entry (%d postings, sum %d)", len(ps), sum)
	}
	var rev any
	if e.ReversesID != 0 {
		rev = e.ReversesID
	}
	var id int64
	if err := s.DB.QueryRow(ctx, tx, `INSERT INTO funds_entries (year, kind, party_org_id, amount_cents, voucher_no, category, occurred_on, memo, reverses_id, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, e.Year, e.Kind, e.PartyOrgID, e.Amount, e.Voucher, e.Category, e.On, e.Memo, rev,
		username(ctx), s.stamp()).Scan(&id); err != nil {
		if store.IsUniqueViolation(err) {
			return 0, apperr.Conflict("该笔记录已冲销过，不能重复冲销")
		}
		return 0, fmt.Errorf("funds: post: %w", err)
	}
	for _, p := range ps {
		var po any
		if p.PartyOrgID != 0 {
			po = p.PartyOrgID
		}
		if _, err := s.DB.Exec(ctx, tx, `INSERT INTO funds_postings (entry_id, account, party_org_id, category, year, amount_cents) VALUES (?, ?, ?, ?, ?, ?)`,
			id, p.Account, po, p.Category, e.Year, p.Amount); err != nil {
			return 0, fmt.Errorf("funds: posting: %w", err)
		}
	}
	return id, nil
}

func (s *Service) postEntitlement(ctx context.Context, tx *sql.Tx, year int, po, amount int64, on, memo string) error {
	_, err := s.post(ctx, tx, entry{Year: year, Kind: EntryEntitlement, PartyOrgID: po, Amount: amount, On: on, Memo: memo},
		[]posting{{Account: AccEntitlement, PartyOrgID: po, Amount: amount}, {Account: AccPool, Amount: -amount}})
	return err
}

// accountSum is the balance of a party organization's account for a year.
func (s *Service) accountSum(ctx context.Context, q store.Querier, account string, po int64, year int) (int64, error) {
	var c int64
	err := s.DB.QueryRow(ctx, q, `SELECT COALESCE(SUM(amount_cents), 0) FROM funds_postings WHERE account = ? AND party_org_id = ? AND year = ?`,
		account, po, year).Scan(&c)
	return c, err
}

// Entry is a journal entry as the API shows it.
type Entry struct {
	ID           int64     `json:"id"`
	Year         int       `json:"year"`
	Kind         string    `json:"kind"`
	KindName     string    `json:"kind_name"`
	PartyOrgID   int64     `json:"party_org_id"`
	PartyOrgName string    `json:"party_org_name"`
	AmountCents  int64     `json:"amount_cents"`
	Amount       string    `json:"amount"`
	VoucherNo    string    `json:"voucher_no"`
	Category     string    `json:"category"`
	CategoryName string    `json:"category_name"`
	OccurredOn   string    `json:"occurred_on"`
	Memo         string    `json:"memo"`
	ReversesID   *int64    `json:"reverses_id"`
	ReversedByID *int64    `json:"reversed_by_id"`
	Receipts     []Receipt `json:"receipts"`
	CreatedBy    string    `json:"created_by"`
	CreatedAt    string    `json:"created_at"`
}

// AllocationInput records a 拨付 against an entitlement.
type AllocationInput struct {
	Year       int    `json:"year"`
	PartyOrgID int64  `json:"party_org_id"`
	Amount     string `json:"amount"` // 元
	VoucherNo  string `json:"voucher_no"`
	On         string `json:"on"` // YYYY-MM-DD
	Memo       string `json:"memo"`
}

// SpendingInput records a spending from a party organization's balance.
type SpendingInput struct {
	Year       int    `json:"year"`
	PartyOrgID int64  `json:"party_org_id"`
	Category   string `json:"category"`
	Amount     string `json:"amount"` // 元
	VoucherNo  string `json:"voucher_no"`
	On         string `json:"on"`
	Memo       string `json:"memo"`
}

// ReverseInput corrects an entry by reversing it.
type ReverseInput struct {
	Reason string `json:"reason"`
}

func mergeErr(bad *apperr.Error, err error) {
	if e, ok := apperr.As(err); ok {
		for k, m := range e.Fields {
			bad.Field(k, m)
		}
	}
}

func (s *Service) checkOn(bad *apperr.Error, year int, on string) string {
	on = checkDate(bad, "on", "日期", on)
	if len(on) == 10 && on > s.today() {
		bad.Field("on", "日期不能晚于今天")
	}
	return on
}

// Allocate records a 拨付 of a party organization's entitlement for the
// year: Dr balance, Cr entitlement. It cannot exceed what is outstanding
// (entitlement − allocated) at that moment (409 naming the outstanding
// amount). The voucher number is required and unique among allocations.
func (s *Service) Allocate(ctx context.Context, in AllocationInput) (Entry, error) {
	bad := apperr.Invalid()
	if err := CheckYear("year", in.Year); err != nil {
		mergeErr(bad, err)
	}
	amount, err := ParseYuan("amount", "拨付金额", in.Amount)
	if err != nil {
		mergeErr(bad, err)
	}
	voucher := textField(bad, "voucher_no", "凭证号", in.VoucherNo, true, 40)
	on := s.checkOn(bad, in.Year, in.On)
	memo := textField(bad, "memo", "摘要", in.Memo, false, 200)
	if in.PartyOrgID <= 0 {
		bad.Field("party_org_id", "请选择党组织")
	}
	if err := bad.OrNil(); err != nil {
		return Entry{}, err
	}
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Entry, error) {
		return s.allocateTx(ctx, tx, in.Year, in.PartyOrgID, amount, voucher, on, memo)
	})
}

// allocateTx posts a checked allocation inside tx.
func (s *Service) allocateTx(ctx context.Context, tx *sql.Tx, year int, poID, amount int64, voucher, on, memo string) (Entry, error) {
	p, err := s.visiblePartyOrg(ctx, tx, poID)
	if err != nil {
		return Entry{}, err
	}
	if err := s.lockPartyOrg(ctx, tx, p.ID); err != nil {
		return Entry{}, err
	}
	var n int
	if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM funds_entries e WHERE e.kind = 'allocation' AND e.voucher_no = ? AND e.reverses_id IS NULL
		AND NOT EXISTS (SELECT 1 FROM funds_entries r WHERE r.reverses_id = e.id)`, voucher).Scan(&n); err != nil {
		return Entry{}, err
	}
	if n > 0 {
		return Entry{}, apperr.Conflict("凭证号 " + voucher + " 已用于另一笔拨付")
	}
	out, err := s.accountSum(ctx, tx, AccEntitlement, p.ID, year)
	if err != nil {
		return Entry{}, err
	}
	if amount > out {
		return Entry{}, apperr.Conflict(fmt.Sprintf("拨付金额 %s 元超过%s %d 年度尚未拨付的 %s 元", FormatYuan(amount), p.Name, year, FormatYuan(out)))
	}
	id, err := s.post(ctx, tx, entry{Year: year, Kind: EntryAllocation, PartyOrgID: p.ID, Amount: amount, Voucher: voucher, On: on, Memo: memo},
		[]posting{{Account: AccBalance, PartyOrgID: p.ID, Amount: amount}, {Account: AccEntitlement, PartyOrgID: p.ID, Amount: -amount}})
	if err != nil {
		return Entry{}, err
	}
	e, err := s.entry(ctx, tx, id)
	if err != nil {
		return Entry{}, err
	}
	return e, s.Audit.Record(ctx, tx, audit.Entry{Action: "funds_allocate", Entity: "party_org", EntityID: fmt.Sprint(p.ID), After: e})
}

// Spend records a spending: Dr expense (category), Cr balance. The balance
// of the party organization for the year never goes below zero: the check
// runs inside the write transaction with the party organization locked
// (PostgreSQL) or the single writer (SQLite), so of two spendings that
// together exceed the balance exactly one succeeds; the other is 409.
func (s *Service) Spend(ctx context.Context, in SpendingInput) (Entry, error) {
	bad := apperr.Invalid()
	if err := CheckYear("year", in.Year); err != nil {
		mergeErr(bad, err)
	}
	amount, err := ParseYuan("amount", "支出金额", in.Amount)
	if err != nil {
		mergeErr(bad, err)
	}
	if optionName(Categories(), in.Category) == "" {
		bad.Field("category", "请选择支出类别（组织活动、教育培训、阵地建设、服务群众、资料购置、其他）")
	}
	voucher := textField(bad, "voucher_no", "凭证号", in.VoucherNo, false, 40)
	on := s.checkOn(bad, in.Year, in.On)
	memo := textField(bad, "memo", "摘要", in.Memo, true, 200)
	if in.PartyOrgID <= 0 {
		bad.Field("party_org_id", "请选择党组织")
	}
	if err := bad.OrNil(); err != nil {
		return Entry{}, err
	}
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Entry, error) {
		p, err := s.visiblePartyOrg(ctx, tx, in.PartyOrgID)
		if err != nil {
			return Entry{}, err
		}
		if err := s.lockPartyOrg(ctx, tx, p.ID); err != nil {
			return Entry{}, err
		}
		bal, err := s.accountSum(ctx, tx, AccBalance, p.ID, in.Year)
		if err != nil {
			return Entry{}, err
		}
		if amount > bal {
			return Entry{}, apperr.Conflict(fmt.Sprintf("余额不足：%s %d 年度经费余额 %s 元，本次支出 %s 元", p.Name, in.Year, FormatYuan(bal), FormatYuan(amount)))
		}
		id, err := s.post(ctx, tx, entry{Year: in.Year, Kind: EntrySpending, PartyOrgID: p.ID, Amount: amount, Voucher: voucher, Category: in.Category, On: on, Memo: memo},
			[]posting{{Account: AccExpense, PartyOrgID: p.ID, Category: in.Category, Amount: amount}, {Account: AccBalance, PartyOrgID: p.ID, Amount: -amount}})
		if err != nil {
			return Entry{}, err
		}
		e, err := s.entry(ctx, tx, id)
		if err != nil {
			return Entry{}, err
		}
		return e, s.Audit.Record(ctx, tx, audit.Entry{Action: "funds_spend", Entity: "party_org", EntityID: fmt.Sprint(p.ID), After: e})
	})
}

// Reverse corrects an allocation, spending or grant by a new entry with
// every posting negated (never an edit). An entry is reversed at most once;
// a reversal is not itself reversed; entitlement entries follow the
// recompute and are not reversed by hand. Reversing an allocation or grant
// must leave the balance at zero or more (409 otherwise: reverse the
// spending first).
func (s *Service) Reverse(ctx context.Context, id int64, in ReverseInput) (Entry, error) {
	bad := apperr.Invalid()
	reason := textField(bad, "reason", "冲销原因", in.Reason, true, 200)
	if err := bad.OrNil(); err != nil {
		return Entry{}, err
	}
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Entry, error) {
		orig, err := s.visibleEntry(ctx, tx, id)
		if err != nil {
			return Entry{}, err
		}
		if err := s.lockPartyOrg(ctx, tx, orig.PartyOrgID); err != nil {
			return Entry{}, err
		}
		switch {
		case orig.Kind == EntryEntitlement:
			return Entry{}, apperr.Conflict("核定应拨由重新核算自动调整，不能手工冲销")
		case orig.ReversesID != nil:
			return Entry{}, apperr.Conflict("冲销记录不能再冲销")
		case orig.ReversedByID != nil:
			return Entry{}, apperr.Conflict(fmt.Sprintf("该笔记录已由第 %d 号记录冲销", *orig.ReversedByID))
		}
		rows, err := s.DB.Query(ctx, tx, `SELECT account, COALESCE(party_org_id, 0), category, amount_cents FROM funds_postings WHERE entry_id = ? ORDER BY id`, id)
		if err != nil {
			return Entry{}, err
		}
		var ps []posting
		for rows.Next() {
			var p posting
			if err := rows.Scan(&p.Account, &p.PartyOrgID, &p.Category, &p.Amount); err != nil {
				rows.Close()
				return Entry{}, err
			}
			p.Amount = -p.Amount
			ps = append(ps, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return Entry{}, err
		}
		if orig.Kind == EntryAllocation || orig.Kind == EntryGrant {
			bal, err := s.accountSum(ctx, tx, AccBalance, orig.PartyOrgID, orig.Year)
			if err != nil {
				return Entry{}, err
			}
			if bal < orig.AmountCents {
				return Entry{}, apperr.Conflict(fmt.Sprintf("冲销后余额将为负数（当前余额 %s 元，冲销 %s 元），请先冲销相应支出", FormatYuan(bal), FormatYuan(orig.AmountCents)))
			}
		}
		nid, err := s.post(ctx, tx, entry{Year: orig.Year, Kind: orig.Kind, PartyOrgID: orig.PartyOrgID, Amount: -orig.AmountCents, Voucher: orig.VoucherNo,
			Category: orig.Category, On: s.today(), Memo: "冲销第 " + fmt.Sprint(id) + " 号：" + reason, ReversesID: id}, ps)
		if err != nil {
			return Entry{}, err
		}
		e, err := s.entry(ctx, tx, nid)
		if err != nil {
			return Entry{}, err
		}
		return e, s.Audit.Record(ctx, tx, audit.Entry{Action: "funds_reverse", Entity: "party_org", EntityID: fmt.Sprint(orig.PartyOrgID), Before: orig, After: e, Note: reason})
	})
}

const entryCols = `e.id, e.year, e.kind, e.party_org_id, p.name, e.amount_cents, e.voucher_no, e.category, e.occurred_on, e.memo, e.reverses_id,
	(SELECT r.id FROM funds_entries r WHERE r.reverses_id = e.id), e.created_by, e.created_at`

func scanEntry(row interface{ Scan(...any) error }) (Entry, error) {
	var e Entry
	var rev, revBy sql.NullInt64
	if err := row.Scan(&e.ID, &e.Year, &e.Kind, &e.PartyOrgID, &e.PartyOrgName, &e.AmountCents, &e.VoucherNo, &e.Category, &e.OccurredOn, &e.Memo,
		&rev, &revBy, &e.CreatedBy, &e.CreatedAt); err != nil {
		return e, err
	}
	if rev.Valid {
		v := rev.Int64
		e.ReversesID = &v
	}
	if revBy.Valid {
		v := revBy.Int64
		e.ReversedByID = &v
	}
	e.KindName, e.CategoryName = optionName(EntryKinds(), e.Kind), optionName(Categories(), e.Category)
	e.Amount = FormatYuan(e.AmountCents)
	e.Receipts = []Receipt{}
	return e, nil
}

func (s *Service) entry(ctx context.Context, q store.Querier, id int64) (Entry, error) {
	e, err := scanEntry(s.DB.QueryRow(ctx, q, `SELECT `+entryCols+` FROM funds_entries e JOIN party_orgs p ON p.id = e.party_org_id WHERE e.id = ?`, id))
	if err != nil {
		return Entry{}, err
	}
	return e, s.loadReceipts(ctx, q, []*Entry{&e})
}

// visibleEntry loads an entry whose party organization the caller may see; 404 otherwise.
func (s *Service) visibleEntry(ctx context.Context, q store.Querier, id int64) (Entry, error) {
	cond, args, err := store.PartyOrgFilter(ctx, "e.party_org_id")
	if err != nil {
		return Entry{}, err
	}
	e, err := scanEntry(s.DB.QueryRow(ctx, q, `SELECT `+entryCols+` FROM funds_entries e JOIN party_orgs p ON p.id = e.party_org_id WHERE e.id = ? AND `+cond,
		append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, apperr.NotFound("经费记录")
	}
	if err != nil {
		return Entry{}, err
	}
	return e, s.loadReceipts(ctx, q, []*Entry{&e})
}

// GetEntry returns one journal entry in the caller's scope.
func (s *Service) GetEntry(ctx context.Context, id int64) (Entry, error) {
	ctx = store.WithOp(ctx, "funds.GetEntry")
	return s.visibleEntry(ctx, s.DB, id)
}

// EntryFilter selects journal entries.
type EntryFilter struct {
	Year       int
	PartyOrgID int64
	Kind       string
	Q          string // voucher number or memo
	Page       int
	PageSize   int
}

// ListEntries returns a page of the year's journal entries in the caller's
// scope, newest first.
func (s *Service) ListEntries(ctx context.Context, f EntryFilter) ([]Entry, store.Total, error) {
	ctx = store.WithOp(ctx, "funds.ListEntries")
	cond, args, err := store.PartyOrgFilter(ctx, "e.party_org_id")
	if err != nil {
		return nil, store.Total{}, err
	}
	cond = `e.year = ? AND ` + cond
	args = append([]any{f.Year}, args...)
	if f.PartyOrgID != 0 {
		cond += ` AND e.party_org_id = ?`
		args = append(args, f.PartyOrgID)
	}
	if f.Kind != "" {
		cond += ` AND e.kind = ?`
		args = append(args, f.Kind)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		cond += ` AND (e.voucher_no LIKE ? ESCAPE '\' OR e.memo LIKE ? ESCAPE '\')`
		like := "%" + store.LikeEscape(q) + "%"
		args = append(args, like, like)
	}
	if f.PageSize <= 0 {
		f.PageSize = 20
	}
	if f.Page <= 0 {
		f.Page = 1
	}
	out, total, err := store.List(ctx, s.DB, store.ListQuery{Cols: entryCols, From: `FROM funds_entries e JOIN party_orgs p ON p.id = e.party_org_id`,
		Cond: cond, Args: args, Order: "e.id DESC"}, store.Page{Number: f.Page, Size: f.PageSize}, scanEntry)
	if err != nil {
		return nil, store.Total{}, err
	}
	ptrs := make([]*Entry, len(out))
	for i := range out {
		ptrs[i] = &out[i]
	}
	if err := s.loadReceipts(ctx, s.DB, ptrs); err != nil {
		return nil, store.Total{}, err
	}
	return out, total, nil
}
