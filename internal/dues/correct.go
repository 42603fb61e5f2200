package dues

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
)

// VoidInput says which recorded payment is wrong and why.
type VoidInput struct {
	BatchID string `json:"batch_id"`
	Reason  string `json:"reason"`
}

// VoidBatch corrects a payment recorded by mistake (wrong member, months or
// method): every month of the batch is taken off the ledger at once, so the
// months count as unpaid again and can be recorded anew. The payments as
// they were and the reason stay in the audit log. A payment of a year whose
// refund to the party organization is already recorded cannot be voided,
// because that refund was computed from it.
func (s *Service) VoidBatch(ctx context.Context, in VoidInput) (Batch, error) {
	in.BatchID, in.Reason = strings.TrimSpace(in.BatchID), strings.TrimSpace(in.Reason)
	bad := apperr.Invalid()
	if in.BatchID == "" {
		bad.Field("batch_id", "请指明要撤销的交纳记录")
	}
	if in.Reason == "" {
		bad.Field("reason", "请填写撤销原因")
	} else if utf8.RuneCountInString(in.Reason) > 200 {
		bad.Field("reason", "撤销原因不能超过 200 个字")
	}
	if err := bad.OrNil(); err != nil {
		return Batch{}, err
	}
	var out Batch
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var memberID int64
		err := s.DB.QueryRow(ctx, tx, `SELECT member_id FROM dues_payments WHERE batch_id = ? LIMIT 1`, in.BatchID).Scan(&memberID)
		if err == sql.ErrNoRows {
			return apperr.NotFound("交纳记录")
		}
		if err != nil {
			return err
		}
		mem, err := s.member(ctx, tx, memberID) // 404 outside the caller's scope
		if err != nil {
			return err
		}
		ps, err := s.paymentsTx(ctx, tx, "p.batch_id = ?", in.BatchID)
		if err != nil {
			return err
		}
		years := map[int]bool{}
		var total int64
		for _, p := range ps {
			m, _ := ParseMonth("", p.Month)
			years[m.Year()] = true
			total += p.cents
		}
		for y := range years {
			var n int
			if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM dues_refunds WHERE party_org_id = ? AND year = ?`, mem.PartyOrgID, y).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return apperr.Conflict(fmt.Sprintf("%d 年度党费已登记返还，不能撤销该年度的交纳记录", y))
			}
		}
		if _, err := s.DB.Exec(ctx, tx, `DELETE FROM dues_payments WHERE batch_id = ?`, in.BatchID); err != nil {
			return err
		}
		out = Batch{BatchID: in.BatchID, MemberID: mem.ID, Total: FormatCents(total), Payments: ps}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "dues.payment_void", Entity: "member", EntityID: fmt.Sprint(mem.ID), Before: out,
			Note: fmt.Sprintf("撤销党费交纳 %d 个月，合计 %s 元。原因：%s", len(ps), out.Total, in.Reason)})
	})
	return out, err
}
