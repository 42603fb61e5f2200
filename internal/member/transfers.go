package member

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/civil"
	"liangxin/internal/coverspan"
	"liangxin/internal/store"
)

// Transfer kinds.
const (
	TransferInternal = "internal"
	TransferIn       = "in_from_outside"
	TransferOut      = "out_to_outside"
)

// Transfer statuses. An issued letter past its validity is reported as
// expired (Transfer.Expired) without changing the stored status.
const (
	TransferIssued    = "issued"
	TransferAccepted  = "accepted"
	TransferCompleted = "completed"
	TransferReturned  = "returned"
	TransferCancelled = "cancelled"
)

// memberTransferredOut is the roster status of a member whose membership
// left the system (已转出).
const memberTransferredOut = "transferred_out"

// TransferCode is a code with its Chinese name.
type TransferCode struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// TransferKinds lists the transfer kinds.
func TransferKinds() []TransferCode {
	return []TransferCode{{TransferInternal, "系统内转接"}, {TransferIn, "从系统外转入"}, {TransferOut, "转出到系统外"}}
}

// TransferStatuses lists the transfer statuses (expired is derived).
func TransferStatuses() []TransferCode {
	return []TransferCode{{TransferIssued, "待接收"}, {TransferAccepted, "已接收"}, {TransferCompleted, "已转出"},
		{TransferReturned, "已退回"}, {TransferCancelled, "已撤销"}, {"expired", "已过期"}}
}

// TransferStatusFilters are the status values the transfer list accepts:
// every status and pending (待接收, expired or not).
func TransferStatusFilters() []string {
	var out []string
	for _, c := range TransferStatuses() {
		out = append(out, c.Code)
	}
	return append(out, "pending")
}

func codeName(list []TransferCode, code string) string {
	for _, c := range list {
		if c.Code == code {
			return c.Name
		}
	}
	return ""
}

// Transfer is one letter of introduction (介绍信) and its outcome.
type Transfer struct {
	ID               int64   `json:"id"`
	MemberID         *int64  `json:"member_id"`
	MemberName       string  `json:"member_name"`
	Kind             string  `json:"kind"`
	KindName         string  `json:"kind_name"`
	FromPartyOrgID   *int64  `json:"from_party_org_id"`
	FromPartyOrgName string  `json:"from_party_org_name"`
	FromOutside      string  `json:"from_outside"`
	ToPartyOrgID     *int64  `json:"to_party_org_id"`
	ToPartyOrgName   string  `json:"to_party_org_name"`
	ToOutside        string  `json:"to_outside"`
	LetterNo         string  `json:"letter_no"`
	IssuedOn         string  `json:"issued_on"`
	ValidUntil       string  `json:"valid_until"`
	Status           string  `json:"status"`
	StatusName       string  `json:"status_name"`
	Expired          bool    `json:"expired"`
	ReturnSlipOn     *string `json:"return_slip_on"`
	AcceptedOn       *string `json:"accepted_on"`
	AcceptedBy       string  `json:"accepted_by"`
	ClosedOn         *string `json:"closed_on"`
	Note             string  `json:"note"`
	CreatedBy        string  `json:"created_by"`
	CreatedAt        string  `json:"created_at"`
	UpdatedAt        string  `json:"updated_at"`
}

// TransferInput starts a transfer. internal and out_to_outside name the
// member (MemberID, in the caller's scope); in_from_outside names the
// receiving party org (ToPartyOrgID, in scope), the outside organization and
// the member's name; the member record is created at acceptance.
type TransferInput struct {
	Kind         string `json:"kind"`
	MemberID     int64  `json:"member_id"`
	MemberName   string `json:"member_name"`
	FromOutside  string `json:"from_outside"`
	ToPartyOrgID int64  `json:"to_party_org_id"`
	ToOutside    string `json:"to_outside"`
	LetterNo     string `json:"letter_no"`
	IssuedOn     string `json:"issued_on"`
	ValidUntil   string `json:"valid_until"`
	Note         string `json:"note"`
}

// AcceptInput accepts a transfer on the receiving side. Member is required
// for in_from_outside (the new roster entry; its party_org_id is ignored).
type AcceptInput struct {
	On     string `json:"on"`
	Member *Input `json:"member"`
}

// CloseInput closes a transfer: the date (today if empty) and a note.
type CloseInput struct {
	On   string `json:"on"`
	Note string `json:"note"`
}

// TransferFilter selects transfers.
type TransferFilter struct {
	Status     string // a status or "expired" or "pending" (issued, any validity)
	Kind       string
	PartyOrgID int64 // either side
	MemberID   int64
	Page       int
	PageSize   int
}

var trZone = civil.Zone

func (s *Service) todayCST() time.Time {
	t := s.Now().In(trZone)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// addMonthsClamped adds n months to a date, clamping to the end of the month
// (2026-08-31 + 6 months = 2027-02-28).
func addMonthsClamped(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	if d > last {
		d = last
	}
	return time.Date(first.Year(), first.Month(), d, 0, 0, 0, 0, time.UTC)
}

func trDay(t time.Time) string { return t.Format(civil.Layout) }

// trDate parses v (a "2006-01-02" date) or returns def when v is empty.
func trDate(bad *apperr.Error, field, v string, def time.Time) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return def, true
	}
	return civil.Check(bad, field, v)
}

func trText(bad *apperr.Error, field, v string, max int, required bool, msg string) string {
	v = strings.TrimSpace(v)
	if required && v == "" {
		bad.Field(field, msg)
	}
	if utf8.RuneCountInString(v) > max {
		bad.Field(field, fmt.Sprintf("不能超过 %d 个字", max))
	}
	return v
}

func actorName(ctx context.Context) string {
	a, _ := actor.From(ctx)
	return a.Username
}

// poInScope reports whether the party organization is visible to the caller.
func (s *Service) poInScope(ctx context.Context, q store.Querier, id int64) (bool, error) {
	cond, args, err := store.PartyOrgFilter(ctx, "id")
	if err != nil {
		return false, err
	}
	var n int
	err = s.DB.QueryRow(ctx, q, "SELECT COUNT(*) FROM party_orgs WHERE id = ? AND "+cond, append([]any{id}, args...)...).Scan(&n)
	return n > 0, err
}

// activePartyOrg checks that a party organization exists and is not dissolved (anywhere in the system).
func (s *Service) activePartyOrg(ctx context.Context, q store.Querier, id int64, field string) error {
	var dis sql.NullString
	err := s.DB.QueryRow(ctx, q, "SELECT dissolved_on FROM party_orgs WHERE id = ?", id).Scan(&dis)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.InvalidField(field, "党组织不存在")
	}
	if err != nil {
		return err
	}
	if dis.Valid && dis.String != "" {
		return apperr.InvalidField(field, "该党组织已撤销")
	}
	return nil
}

const transferCols = `t.id, t.member_id, t.member_name, t.kind, t.from_party_org_id, COALESCE(fp.name, ''), t.from_outside,
	t.to_party_org_id, COALESCE(tp.name, ''), t.to_outside, t.letter_no, t.issued_on, t.valid_until, t.status, t.return_slip_on,
	t.accepted_on, t.accepted_by, t.closed_on, t.note, t.created_by, t.created_at, t.updated_at`

const transferFrom = ` FROM transfers t LEFT JOIN party_orgs fp ON fp.id = t.from_party_org_id LEFT JOIN party_orgs tp ON tp.id = t.to_party_org_id`

func (s *Service) scanTransfer(row interface{ Scan(...any) error }) (Transfer, error) {
	var t Transfer
	var mid, from, to sql.NullInt64
	var slip, acc, closed sql.NullString
	if err := row.Scan(&t.ID, &mid, &t.MemberName, &t.Kind, &from, &t.FromPartyOrgName, &t.FromOutside, &to, &t.ToPartyOrgName,
		&t.ToOutside, &t.LetterNo, &t.IssuedOn, &t.ValidUntil, &t.Status, &slip, &acc, &t.AcceptedBy, &closed, &t.Note,
		&t.CreatedBy, &t.CreatedAt, &t.UpdatedAt); err != nil {
		return t, err
	}
	if mid.Valid {
		t.MemberID = &mid.Int64
	}
	if from.Valid {
		t.FromPartyOrgID = &from.Int64
	}
	if to.Valid {
		t.ToPartyOrgID = &to.Int64
	}
	if slip.Valid {
		t.ReturnSlipOn = &slip.String
	}
	if acc.Valid {
		t.AcceptedOn = &acc.String
	}
	if closed.Valid {
		t.ClosedOn = &closed.String
	}
	t.KindName = codeName(TransferKinds(), t.Kind)
	t.Expired = t.Status == TransferIssued && t.ValidUntil < trDay(s.todayCST())
	if t.Expired {
		t.StatusName = "已过期"
	} else {
		t.StatusName = codeName(TransferStatuses(), t.Status)
	}
	return t, nil
}

// transferScope limits transfers to those with either side in the caller's
// scope: the receiving side sees a pending transfer of a member who is not
// yet in its scope.
func transferScope(ctx context.Context) (string, []any, error) {
	c1, a1, err := store.PartyOrgFilter(ctx, "t.from_party_org_id")
	if err != nil {
		return "", nil, err
	}
	c2, a2, _ := store.PartyOrgFilter(ctx, "t.to_party_org_id")
	return "(" + c1 + " OR " + c2 + ")", append(a1, a2...), nil
}

func (s *Service) getTransfer(ctx context.Context, q store.Querier, id int64) (Transfer, error) {
	cond, args, err := transferScope(ctx)
	if err != nil {
		return Transfer{}, err
	}
	t, err := s.scanTransfer(s.DB.QueryRow(ctx, q, "SELECT "+transferCols+transferFrom+" WHERE t.id = ? AND "+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return t, apperr.NotFound("组织关系转接")
	}
	return t, err
}

// GetTransfer returns one transfer visible from either side.
func (s *Service) GetTransfer(ctx context.Context, id int64) (Transfer, error) {
	ctx = store.WithOp(ctx, "member.GetTransfer")
	return s.getTransfer(ctx, s.DB, id)
}

// ListTransfers lists transfers with either side in scope, newest first.
func (s *Service) ListTransfers(ctx context.Context, f TransferFilter) ([]Transfer, store.Total, error) {
	ctx = store.WithOp(ctx, "member.ListTransfers")
	cond, args, err := transferScope(ctx)
	if err != nil {
		return nil, store.Total{}, err
	}
	where := " WHERE " + cond
	today := trDay(s.todayCST())
	switch f.Status {
	case "":
	case "expired":
		where += " AND t.status = 'issued' AND t.valid_until < ?"
		args = append(args, today)
	case "pending":
		where += " AND t.status = 'issued'"
	case TransferIssued:
		where += " AND t.status = 'issued' AND t.valid_until >= ?"
		args = append(args, today)
	case TransferAccepted, TransferCompleted, TransferReturned, TransferCancelled:
		where += " AND t.status = ?"
		args = append(args, f.Status)
	default:
		return nil, store.Total{}, apperr.InvalidField("status", "未知的转接状态")
	}
	if f.Kind != "" {
		if codeName(TransferKinds(), f.Kind) == "" {
			return nil, store.Total{}, apperr.InvalidField("kind", "未知的转接类型")
		}
		where += " AND t.kind = ?"
		args = append(args, f.Kind)
	}
	if f.PartyOrgID != 0 {
		where += " AND (t.from_party_org_id = ? OR t.to_party_org_id = ?)"
		args = append(args, f.PartyOrgID, f.PartyOrgID)
	}
	if f.MemberID != 0 {
		where += " AND t.member_id = ?"
		args = append(args, f.MemberID)
	}
	if f.PageSize <= 0 {
		f.PageSize = 20
	}
	if f.Page <= 0 {
		f.Page = 1
	}
	return store.List(ctx, s.DB, store.ListQuery{Cols: transferCols, From: strings.TrimSpace(transferFrom), CountFrom: "FROM transfers t",
		Cond: strings.TrimPrefix(where, " WHERE "), Args: args, Order: "t.issued_on DESC, t.id DESC"}, store.Page{Number: f.Page, Size: f.PageSize}, s.scanTransfer)
}

// PocketMembers (口袋党员) are the transfers whose letter was issued by a
// party org in scope and not received within its validity, as of a date.
func (s *Service) PocketMembers(ctx context.Context, asOf string) ([]Transfer, error) {
	bad := apperr.Invalid()
	at, ok := trDate(bad, "as_of", asOf, s.todayCST())
	if !ok {
		return nil, bad
	}
	cond, args, err := store.PartyOrgFilter(ctx, "t.from_party_org_id")
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, s.DB, "SELECT "+transferCols+transferFrom+` WHERE t.status = 'issued' AND t.kind IN ('internal', 'out_to_outside')
		AND t.issued_on <= ? AND t.valid_until < ? AND `+cond+" ORDER BY t.valid_until, t.id", append([]any{trDay(at), trDay(at)}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Transfer{}
	for rows.Next() {
		t, err := s.scanTransfer(rows)
		if err != nil {
			return nil, err
		}
		t.Expired = true
		t.StatusName = "已过期"
		out = append(out, t)
	}
	return out, rows.Err()
}

// StartTransfer issues (internal, out_to_outside) or registers
// (in_from_outside) a letter of introduction. A member with a pending
// transfer cannot start another.
func (s *Service) StartTransfer(ctx context.Context, in TransferInput) (Transfer, error) {
	bad := apperr.Invalid()
	today := s.todayCST()
	in.LetterNo = trText(bad, "letter_no", in.LetterNo, 64, true, "请填写介绍信编号")
	in.Note = trText(bad, "note", in.Note, 500, false, "")
	issued, okI := trDate(bad, "issued_on", in.IssuedOn, today)
	if okI && issued.After(today) {
		bad.Field("issued_on", "开具日期不能晚于今天")
	}
	valid, okV := trDate(bad, "valid_until", in.ValidUntil, addMonthsClamped(issued, 3))
	if okI && okV {
		if valid.Before(issued) {
			bad.Field("valid_until", "有效期不能早于开具日期")
		} else if valid.After(addMonthsClamped(issued, 3)) {
			bad.Field("valid_until", "介绍信有效期最长三个月")
		}
	}
	switch in.Kind {
	case TransferInternal:
		if in.MemberID == 0 {
			bad.Field("member_id", "请选择党员")
		}
		if in.ToPartyOrgID == 0 {
			bad.Field("to_party_org_id", "请选择接收党组织")
		}
	case TransferOut:
		if in.MemberID == 0 {
			bad.Field("member_id", "请选择党员")
		}
		in.ToOutside = trText(bad, "to_outside", in.ToOutside, 200, true, "请填写转往的系统外党组织")
	case TransferIn:
		in.MemberName = trText(bad, "member_name", in.MemberName, 50, true, "请填写转入党员姓名")
		in.FromOutside = trText(bad, "from_outside", in.FromOutside, 200, true, "请填写转出的系统外党组织")
		if in.ToPartyOrgID == 0 {
			bad.Field("to_party_org_id", "请选择接收党组织")
		}
	default:
		bad.Field("kind", "转接类型应为系统内转接（internal）、从系统外转入（in_from_outside）或转出到系统外（out_to_outside）")
	}
	if err := bad.OrNil(); err != nil {
		return Transfer{}, err
	}
	var out Transfer
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var memberID, fromPO, toPO any
		name := in.MemberName
		if in.Kind == TransferIn {
			ok, err := s.poInScope(ctx, tx, in.ToPartyOrgID)
			if err != nil {
				return err
			}
			if !ok {
				return apperr.InvalidField("to_party_org_id", "党组织不存在或不在您的管辖范围内")
			}
			if err := s.activePartyOrg(ctx, tx, in.ToPartyOrgID, "to_party_org_id"); err != nil {
				return err
			}
			toPO = in.ToPartyOrgID
		} else {
			m, err := s.get(ctx, tx, in.MemberID, false)
			if err != nil {
				return err
			}
			if m.Status != "active" {
				return apperr.InvalidField("member_id", "该党员不在册，不能转接组织关系")
			}
			var n int
			if err := s.DB.QueryRow(ctx, tx, "SELECT COUNT(*) FROM transfers WHERE member_id = ? AND status = 'issued'", m.ID).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return apperr.Conflict("该党员已有未办结的组织关系转接，请先办结或撤销")
			}
			memberID, fromPO, name = m.ID, m.PartyOrgID, m.Name
			if in.Kind == TransferInternal {
				if in.ToPartyOrgID == m.PartyOrgID {
					return apperr.InvalidField("to_party_org_id", "接收党组织与现所在党组织相同")
				}
				if err := s.activePartyOrg(ctx, tx, in.ToPartyOrgID, "to_party_org_id"); err != nil {
					return err
				}
				toPO = in.ToPartyOrgID
			}
		}
		now := store.FormatTime(s.Now())
		var id int64
		err := s.DB.QueryRow(ctx, tx, `INSERT INTO transfers (member_id, member_name, kind, from_party_org_id, from_outside, to_party_org_id, to_outside,
			letter_no, issued_on, valid_until, status, note, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'issued', ?, ?, ?, ?) RETURNING id`,
			memberID, name, in.Kind, fromPO, in.FromOutside, toPO, in.ToOutside, in.LetterNo, trDay(issued), trDay(valid), in.Note,
			actorName(ctx), now, now).Scan(&id)
		if store.IsUniqueViolation(err) {
			return apperr.Conflict("该党员已有未办结的组织关系转接，请先办结或撤销")
		}
		if err != nil {
			return err
		}
		// After the insert, which serialises concurrent starts on the
		// one-pending index: record the current membership if it has no history yet.
		if in.Kind != TransferIn {
			if err := s.ensureOpenMembership(ctx, tx, in.MemberID); err != nil {
				return err
			}
		}
		if out, err = s.getTransfer(ctx, tx, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "transfer_create", Entity: "transfer", EntityID: fmt.Sprint(id), After: out})
	})
	return out, err
}

// pending loads a transfer for an action and checks it is still pending.
// side "to" requires the receiving party org in scope, "from" the issuing
// one; a transfer visible only from the other side answers 403.
func (s *Service) pending(ctx context.Context, tx *sql.Tx, id int64, side string) (Transfer, error) {
	t, err := s.getTransfer(ctx, tx, id)
	if err != nil {
		return t, err
	}
	po := t.FromPartyOrgID
	if side == "to" {
		po = t.ToPartyOrgID
	}
	if po == nil {
		return t, apperr.Conflict("该类型的转接不能办理此操作")
	}
	ok, err := s.poInScope(ctx, tx, *po)
	if err != nil {
		return t, err
	}
	if !ok {
		if side == "to" {
			return t, &apperr.Error{Kind: apperr.KindForbidden, Code: "forbidden", Message: "只有接收党组织可以办理此操作"}
		}
		return t, &apperr.Error{Kind: apperr.KindForbidden, Code: "forbidden", Message: "只有开具介绍信的党组织可以办理此操作"}
	}
	if t.Status != TransferIssued {
		return t, apperr.Conflict("该转接已办结（" + t.StatusName + "）")
	}
	return t, nil
}

// claim moves a pending transfer to its final status; exactly one of
// concurrent attempts succeeds.
func (s *Service) claim(ctx context.Context, tx *sql.Tx, id int64, status, set string, args ...any) error {
	res, err := s.DB.Exec(ctx, tx, "UPDATE transfers SET status = ?, updated_at = ?"+set+" WHERE id = ? AND status = 'issued'",
		append(append([]any{status, store.FormatTime(s.Now())}, args...), id)...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return apperr.Conflict("该转接已由他人办结")
	}
	return nil
}

// AcceptTransfer accepts an internal or incoming transfer on the receiving
// side. In one transaction the member's party_org_id moves (or the member is
// created, for in_from_outside) and the membership history is closed and
// opened on the acceptance date.
func (s *Service) AcceptTransfer(ctx context.Context, id int64, in AcceptInput) (Transfer, error) {
	var out Transfer
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := s.pending(ctx, tx, id, "to")
		if err != nil {
			return err
		}
		if before.Kind == TransferOut {
			return apperr.Conflict("转出到系统外的转接以回执办结")
		}
		bad := apperr.Invalid()
		on, ok := trDate(bad, "on", in.On, s.todayCST())
		if !ok {
			return bad
		}
		switch {
		case trDay(on) < before.IssuedOn:
			return apperr.InvalidField("on", "接收日期不能早于介绍信开具日期")
		case trDay(on) > before.ValidUntil:
			return apperr.InvalidField("on", "介绍信已过有效期（"+before.ValidUntil+"），不能接收，请原党组织重新开具")
		case on.After(s.todayCST()):
			return apperr.InvalidField("on", "接收日期不能晚于今天")
		}
		if err := s.claim(ctx, tx, id, TransferAccepted, ", accepted_on = ?, accepted_by = ?, closed_on = ?", trDay(on), actorName(ctx), trDay(on)); err != nil {
			return err
		}
		to := *before.ToPartyOrgID
		var memberID int64
		if before.Kind == TransferInternal {
			memberID = *before.MemberID
			res, err := s.DB.Exec(ctx, tx, "UPDATE members SET party_org_id = ?, updated_at = ? WHERE id = ? AND party_org_id = ? AND status = 'active'",
				to, store.FormatTime(s.Now()), memberID, *before.FromPartyOrgID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return apperr.Conflict("该党员的组织关系已变动，请撤销后重新开具介绍信")
			}
			if err := s.moveMembership(ctx, tx, memberID, to, trDay(on), id); err != nil {
				return err
			}
			if err := endGroupPlaces(ctx, s.DB, tx, memberID, trDay(on)); err != nil {
				return err
			}
			if err := coverspan.RefreshRoster(ctx, s.DB, tx, *before.FromPartyOrgID, to); err != nil {
				return err
			}
		} else {
			if in.Member == nil {
				return apperr.InvalidField("member", "请填写转入党员的信息")
			}
			m := *in.Member
			m.PartyOrgID = to
			transferID := id
			created, err := s.createTx(ctx, tx, m, trDay(on), &transferID, "组织关系转入")
			if err != nil {
				return prefixFields(err, "member.")
			}
			memberID = created.ID
			if _, err := s.DB.Exec(ctx, tx, "UPDATE transfers SET member_id = ?, member_name = ? WHERE id = ?", memberID, created.Name, id); err != nil {
				return err
			}
		}
		if out, err = s.getTransfer(ctx, tx, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "transfer_accept", Entity: "transfer", EntityID: fmt.Sprint(id), Before: before, After: out})
	})
	return out, err
}

// ReceiveReturnSlip completes a transfer out to outside: the return slip (回执)
// arrived, the member is 已转出 and the membership history is closed.
func (s *Service) ReceiveReturnSlip(ctx context.Context, id int64, in CloseInput) (Transfer, error) {
	var out Transfer
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := s.pending(ctx, tx, id, "from")
		if err != nil {
			return err
		}
		if before.Kind != TransferOut {
			return apperr.Conflict("只有转出到系统外的转接以回执办结")
		}
		bad := apperr.Invalid()
		on, ok := trDate(bad, "on", in.On, s.todayCST())
		if !ok {
			return bad
		}
		if trDay(on) < before.IssuedOn || on.After(s.todayCST()) {
			return apperr.InvalidField("on", "回执日期应在开具日期与今天之间")
		}
		note := trText(bad, "note", in.Note, 500, false, "")
		if err := bad.OrNil(); err != nil {
			return err
		}
		if err := s.claim(ctx, tx, id, TransferCompleted, ", return_slip_on = ?, closed_on = ?, note = CASE WHEN ? = '' THEN note ELSE ? END",
			trDay(on), trDay(on), note, note); err != nil {
			return err
		}
		memberID := *before.MemberID
		if err := s.ensureOpenMembership(ctx, tx, memberID); err != nil {
			return err
		}
		res, err := s.DB.Exec(ctx, tx, "UPDATE members SET status = ?, updated_at = ? WHERE id = ? AND status = 'active'",
			memberTransferredOut, store.FormatTime(s.Now()), memberID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.Conflict("该党员已不在册")
		}
		if _, err := s.DB.Exec(ctx, tx, "UPDATE member_memberships SET ended_on = ?, transfer_id = ? WHERE member_id = ? AND ended_on IS NULL",
			trDay(on), id, memberID); err != nil {
			return err
		}
		if err := endGroupPlaces(ctx, s.DB, tx, memberID, trDay(on)); err != nil {
			return err
		}
		if s.Left != nil {
			if err := s.Left.MemberLeft(ctx, tx, memberID); err != nil {
				return err
			}
		}
		if err := s.refreshRosterOf(ctx, tx, memberID); err != nil {
			return err
		}
		if out, err = s.getTransfer(ctx, tx, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "transfer_complete", Entity: "transfer", EntityID: fmt.Sprint(id), Before: before, After: out})
	})
	return out, err
}

// ReturnTransfer (退回) refuses a pending internal or incoming transfer on the receiving side.
func (s *Service) ReturnTransfer(ctx context.Context, id int64, in CloseInput) (Transfer, error) {
	return s.closeTransfer(ctx, id, in, "to", TransferReturned, "transfer_return")
}

// CancelTransfer (撤销) withdraws a pending transfer on the issuing side
// (the receiving side for in_from_outside, which has no issuing side here).
func (s *Service) CancelTransfer(ctx context.Context, id int64, in CloseInput) (Transfer, error) {
	return s.closeTransfer(ctx, id, in, "", TransferCancelled, "transfer_cancel")
}

func (s *Service) closeTransfer(ctx context.Context, id int64, in CloseInput, side, status, action string) (Transfer, error) {
	var out Transfer
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		sd := side
		if sd == "" {
			t, err := s.getTransfer(ctx, tx, id)
			if err != nil {
				return err
			}
			sd = "from"
			if t.Kind == TransferIn {
				sd = "to"
			}
		}
		before, err := s.pending(ctx, tx, id, sd)
		if err != nil {
			return err
		}
		if status == TransferReturned && before.Kind == TransferOut {
			return apperr.Conflict("转出到系统外的转接没有系统内的接收方")
		}
		bad := apperr.Invalid()
		on, _ := trDate(bad, "on", in.On, s.todayCST())
		note := trText(bad, "note", in.Note, 500, false, "")
		if err := bad.OrNil(); err != nil {
			return err
		}
		if err := s.claim(ctx, tx, id, status, ", closed_on = ?, note = CASE WHEN ? = '' THEN note ELSE ? END", trDay(on), note, note); err != nil {
			return err
		}
		if out, err = s.getTransfer(ctx, tx, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: action, Entity: "transfer", EntityID: fmt.Sprint(id), Before: before, After: out})
	})
	return out, err
}

// Membership is one period of a member's membership in a party org.
type Membership struct {
	PartyOrgID   int64   `json:"party_org_id"`
	PartyOrgName string  `json:"party_org_name"`
	From         string  `json:"from"`
	To           *string `json:"to"`
	TransferID   *int64  `json:"transfer_id"`
}

// ensureOpenMembership writes the open history row of a member created
// before history was kept (from joined_on, else the creation day).
func (s *Service) ensureOpenMembership(ctx context.Context, tx *sql.Tx, memberID int64) error {
	var n int
	if err := s.DB.QueryRow(ctx, tx, "SELECT COUNT(*) FROM member_memberships WHERE member_id = ?", memberID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	_, err := s.DB.Exec(ctx, tx, `INSERT INTO member_memberships (member_id, party_org_id, started_on, created_at)
		SELECT id, party_org_id, COALESCE(joined_on, SUBSTR(created_at, 1, 10)), ? FROM members WHERE id = ? AND status = 'active'`,
		store.FormatTime(s.Now()), memberID)
	if store.IsUniqueViolation(err) {
		return apperr.Conflict("该党员的组织关系正在办理，请稍后重试")
	}
	return err
}

// moveMembership closes the open history row and opens one at party org to.
func (s *Service) moveMembership(ctx context.Context, tx *sql.Tx, memberID, to int64, on string, transferID int64) error {
	if err := s.ensureOpenMembership(ctx, tx, memberID); err != nil {
		return err
	}
	res, err := s.DB.Exec(ctx, tx, "UPDATE member_memberships SET ended_on = ? WHERE member_id = ? AND ended_on IS NULL", on, memberID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("member %d: %d open memberships", memberID, n)
	}
	_, err = s.DB.Exec(ctx, tx, "INSERT INTO member_memberships (member_id, party_org_id, started_on, transfer_id, created_at) VALUES (?, ?, ?, ?, ?)",
		memberID, to, on, transferID, store.FormatTime(s.Now()))
	return err
}

// Memberships is the membership history of a member in scope, oldest first.
// A member without recorded history shows its current membership.
func (s *Service) Memberships(ctx context.Context, memberID int64) ([]Membership, error) {
	m, err := s.memberRef(ctx, s.DB, memberID)
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT h.party_org_id, p.name, h.started_on, h.ended_on, h.transfer_id FROM member_memberships h
		JOIN party_orgs p ON p.id = h.party_org_id WHERE h.member_id = ? ORDER BY h.started_on, h.id`, memberID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Membership{}
	for rows.Next() {
		var h Membership
		var to sql.NullString
		var tr sql.NullInt64
		if err := rows.Scan(&h.PartyOrgID, &h.PartyOrgName, &h.From, &to, &tr); err != nil {
			return nil, err
		}
		if to.Valid {
			h.To = &to.String
		}
		if tr.Valid {
			h.TransferID = &tr.Int64
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 && m.Status == "active" {
		out = append(out, Membership{PartyOrgID: m.PartyOrgID, PartyOrgName: m.PartyOrgName, From: m.Since})
	}
	return out, nil
}

// prefixFields names the invalid fields of a nested body (member.id_number).
func prefixFields(err error, prefix string) error {
	e, ok := apperr.As(err)
	if !ok || e.Kind != apperr.KindInvalid || len(e.Fields) == 0 {
		return err
	}
	out := apperr.Invalid()
	for f, m := range e.Fields {
		out.Field(prefix+f, m)
	}
	return out
}

// memberRef is the little of a member the transfer and mobility code needs.
type memberRef struct {
	ID           int64
	Name         string
	PartyOrgID   int64
	PartyOrgName string
	Status       string
	Since        string // joined_on, else the creation day
}

// memberRef reads a member in the caller's scope (404 otherwise).
func (s *Service) memberRef(ctx context.Context, q store.Querier, id int64) (memberRef, error) {
	cond, args, err := store.PartyOrgFilter(ctx, "m.party_org_id")
	if err != nil {
		return memberRef{}, err
	}
	var m memberRef
	err = s.DB.QueryRow(ctx, q, `SELECT m.id, m.name, m.party_org_id, p.name, m.status, COALESCE(m.joined_on, SUBSTR(m.created_at, 1, 10))
		FROM members m JOIN party_orgs p ON p.id = m.party_org_id WHERE m.id = ? AND `+cond, append([]any{id}, args...)...).
		Scan(&m.ID, &m.Name, &m.PartyOrgID, &m.PartyOrgName, &m.Status, &m.Since)
	if errors.Is(err, sql.ErrNoRows) {
		return m, apperr.NotFound("党员")
	}
	return m, err
}

// endGroupPlaces ends a member's open places in 党小组 on a day (the member
// leaves the branch, and so its groups).
func endGroupPlaces(ctx context.Context, db *store.DB, tx *sql.Tx, memberID int64, on string) error {
	_, err := db.Exec(ctx, tx, "UPDATE party_group_members SET to_on = CASE WHEN from_on > ? THEN from_on ELSE ? END WHERE member_id = ? AND to_on IS NULL",
		on, on, memberID)
	return err
}

// refreshRosterOf refreshes the coverage validity of a member's party
// organization after the roster changed (internal/coverspan).
func (s *Service) refreshRosterOf(ctx context.Context, tx *sql.Tx, memberID int64) error {
	var partyOrgID int64
	if err := s.DB.QueryRow(ctx, tx, `SELECT party_org_id FROM members WHERE id = ?`, memberID).Scan(&partyOrgID); err != nil {
		return err
	}
	return coverspan.RefreshRoster(ctx, s.DB, tx, partyOrgID)
}
