package member

import (
	"context"
	"database/sql"
	"fmt"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/coverspan"
	"liangxin/internal/store"
)

// AdmitTx puts a person the development pipeline admits as 预备党员 (step
// ⑰ 接收预备党员) on the roster, inside the step's transaction, with all the
// rules of Create. The membership starts on joinedOn (the admitting branch
// meeting, step ⑮), which is also the 入党日期.
func (s *Service) AdmitTx(ctx context.Context, tx *sql.Tx, in Input) (int64, error) {
	in.Category = "probationary"
	m, err := s.createTx(ctx, tx, in, in.JoinedOn, nil, "发展党员：接收为预备党员")
	if err != nil {
		return 0, err
	}
	return m.ID, nil
}

// ConfirmTx records the 转正 of a probationary member (step ㉔) on the roster.
func (s *Service) ConfirmTx(ctx context.Context, tx *sql.Tx, memberID int64, confirmedOn string) error {
	before, err := s.get(ctx, tx, memberID, false)
	if err != nil {
		return err
	}
	if before.Status != "active" {
		return apperr.Conflict("该党员已不在册，不能转正")
	}
	if _, err := s.DB.Exec(ctx, tx, `UPDATE members SET category = 'full', confirmed_on = ?, updated_at = ? WHERE id = ?`,
		confirmedOn, store.FormatTime(s.Now()), memberID); err != nil {
		return err
	}
	after, err := s.get(ctx, tx, memberID, false)
	if err != nil {
		return err
	}
	if err := coverspan.RefreshRoster(ctx, s.DB, tx, after.PartyOrgID); err != nil {
		return err
	}
	return s.Audit.Record(ctx, tx, audit.Entry{Action: "member_update", Entity: "member", EntityID: fmt.Sprint(memberID),
		Before: before, After: after, Note: "发展党员：预备党员转正"})
}
