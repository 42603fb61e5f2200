package wish

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/civil"
	"liangxin/internal/store"
)

func errStale() error {
	return apperr.Conflict("该微心愿已被他人处理（数据已更新），请刷新后重试")
}

var auditActions = map[string]string{
	ActPublish: "wish_publish",
	ActClaim:   "wish_claim",
	ActFulfil:  "wish_fulfil",
	ActConfirm: "wish_confirm",
	ActCancel:  "wish_cancel",
}

// sweep writes back the claims that ran out before today: the wish is open
// again, the claimant cleared, a timeline entry and an audit record written.
// It runs at the start of every writing transaction, so a write never acts
// on a lapsed claim; readers show such a claim as open meanwhile (decorate,
// effState). No background job is needed.
func (s *Service) sweep(ctx context.Context, tx *sql.Tx) error {
	today := s.today()
	rows, err := s.DB.Query(ctx, tx, `SELECT w.id, COALESCE(m.name, cp.name, ''), w.claim_due_on FROM wishes w
		LEFT JOIN members m ON m.id = w.claimant_member_id LEFT JOIN party_orgs cp ON cp.id = w.claimant_party_org_id
		WHERE w.state = ? AND w.claim_due_on < ? ORDER BY w.id`, StateClaimed, today)
	if err != nil {
		return fmt.Errorf("wish: sweep: %w", err)
	}
	type lapse struct {
		id       int64
		who, due string
	}
	var found []lapse
	for rows.Next() {
		var l lapse
		if err := rows.Scan(&l.id, &l.who, &l.due); err != nil {
			rows.Close()
			return err
		}
		found = append(found, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	sys := actor.System(ctx, "system")
	// The version stays: readers were already shown the wish open (decorate),
	// so a caller acting on what it read is not acting on a stale record.
	for _, l := range found {
		res, err := s.DB.Exec(ctx, tx, `UPDATE wishes SET state = ?, claimant_member_id = NULL, claimant_party_org_id = NULL, claimed_on = NULL,
			claim_due_on = NULL, updated_at = ? WHERE id = ? AND state = ? AND claim_due_on < ?`, StateOpen, s.stamp(), l.id, StateClaimed, today)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			continue // another writer swept it meanwhile
		}
		note := fmt.Sprintf("%s 认领后未在 %s 前完成，心愿重新开放认领", l.who, l.due)
		if err := s.event(sys, tx, l.id, ActLapse, StateClaimed, StateOpen, note); err != nil {
			return err
		}
		if err := s.Audit.Record(ctx, tx, audit.Entry{Action: "wish_lapse", Entity: "wish", EntityID: fmt.Sprint(l.id),
			Note: fmt.Sprintf("微心愿（编号 %d）认领超期：%s", l.id, note)}); err != nil {
			return err
		}
	}
	return nil
}

// Act takes one step. A step the state does not allow answers 422 naming
// the steps it does; a stale version answers 409; of two claims at once
// exactly one wins.
func (s *Service) Act(ctx context.Context, id int64, in ActionInput) (Wish, error) {
	ctx = store.WithOp(ctx, "wish.Act")
	var out Wish
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.sweep(ctx, tx); err != nil {
			return err
		}
		w, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if in.Version != w.Version {
			return errStale()
		}
		if !contains(w.AllowedActions, in.Action) {
			return stepError(w, in.Action)
		}
		note, err := s.apply(ctx, tx, w, in)
		if err != nil {
			return err
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		if in.Action == ActConfirm && s.Hours != nil {
			if err := s.Hours.CreditWish(ctx, tx, out); err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: auditActions[in.Action], Entity: "wish", EntityID: fmt.Sprint(id),
			Before: w, After: out, Note: fmt.Sprintf("%s：微心愿编号 %d（%s → %s）%s", optionName(Actions(), in.Action), id, w.StateName, out.StateName, note)})
	})
	if err != nil {
		return Wish{}, fmt.Errorf("wish: %s %d: %w", in.Action, id, err)
	}
	return out, nil
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func stepError(w Wish, action string) error {
	var names []string
	for _, a := range w.AllowedActions {
		names = append(names, "「"+optionName(Actions(), a)+"」")
	}
	next := "无（心愿已确认或已撤回）"
	if len(names) > 0 {
		next = strings.Join(names, "或")
	}
	name := optionName(Actions(), action)
	if name == "" || action == ActPost || action == ActSubmit || action == ActLapse {
		return apperr.InvalidField("action", "不能执行的操作："+action+"；当前可以："+next)
	}
	return apperr.InvalidField("action", fmt.Sprintf("微心愿当前为「%s」，不能%s；下一步应为%s", w.StateName, name, next))
}

// apply validates the step's fields and writes it, guarded by the version
// and the state the caller saw. It returns the note of the audit record.
func (s *Service) apply(ctx context.Context, tx *sql.Tx, w Wish, in ActionInput) (string, error) {
	today, now := s.today(), s.stamp()
	set, args, note := "", []any{}, ""
	var to string
	switch in.Action {
	case ActPublish:
		to = StateOpen
	case ActClaim:
		to = StateClaimed
		if (in.ClaimantMemberID == nil) == (in.ClaimantPartyOrgID == nil) {
			return "", apperr.InvalidField("claimant_member_id", "请选择认领的党员或党组织（二选一）")
		}
		st, err := s.settings(ctx, tx)
		if err != nil {
			return "", err
		}
		var who string
		if in.ClaimantMemberID != nil {
			if err := s.memberInScope(ctx, tx, *in.ClaimantMemberID); err != nil {
				return "", err
			}
			if err := s.lockMember(ctx, tx, *in.ClaimantMemberID); err != nil {
				return "", err
			}
			var open int
			if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM wishes WHERE claimant_member_id = ? AND state = ?`, *in.ClaimantMemberID, StateClaimed).Scan(&open); err != nil {
				return "", err
			}
			if err := s.DB.QueryRow(ctx, tx, `SELECT name FROM members WHERE id = ?`, *in.ClaimantMemberID).Scan(&who); err != nil {
				return "", err
			}
			if open >= st.MaxClaims {
				return "", apperr.InvalidField("claimant_member_id", fmt.Sprintf("党员%s已认领 %d 个尚未完成的微心愿，达到「每名党员同时认领上限」（%d 个），请先完成已认领的心愿", who, open, st.MaxClaims))
			}
		} else {
			if err := s.partyOrgInScope(ctx, tx, "claimant_party_org_id", *in.ClaimantPartyOrgID); err != nil {
				return "", err
			}
			if err := s.DB.QueryRow(ctx, tx, `SELECT name FROM party_orgs WHERE id = ?`, *in.ClaimantPartyOrgID).Scan(&who); err != nil {
				return "", err
			}
		}
		due := addDays(today, st.ClaimDays)
		set = "claimant_member_id = ?, claimant_party_org_id = ?, claimed_on = ?, claim_due_on = ?"
		args = []any{in.ClaimantMemberID, in.ClaimantPartyOrgID, today, due}
		note = fmt.Sprintf("%s 认领，%s 前完成", who, due)
	case ActFulfil:
		to = StateFulfilled
		bad := apperr.Invalid()
		text := textField(bad, "note", "完成情况说明", in.Note, true, 1000)
		if err := bad.OrNil(); err != nil {
			return "", err
		}
		if len(w.Photos) == 0 {
			return "", apperr.InvalidField("photos", "请先上传至少一张完成心愿的照片作为凭证")
		}
		set, args, note = "fulfil_note = ?, fulfilled_on = ?", []any{text, today}, text
	case ActConfirm:
		to = StateConfirmed
		set, args = "confirmed_on = ?", []any{today}
	case ActCancel:
		to = StateCancelled
		bad := apperr.Invalid()
		reason := textField(bad, "reason", "撤回原因", in.Reason, true, 500)
		if err := bad.OrNil(); err != nil {
			return "", err
		}
		set, args, note = "cancel_reason = ?", []any{reason}, reason
	}
	q := `UPDATE wishes SET state = ?, version = version + 1, updated_at = ?`
	if set != "" {
		q += ", " + set
	}
	q += ` WHERE id = ? AND version = ? AND state = ?`
	res, err := s.DB.Exec(ctx, tx, q, append(append([]any{to, now}, args...), w.ID, in.Version, w.State)...)
	if err != nil {
		return "", err
	}
	if n, err := res.RowsAffected(); err != nil {
		return "", err
	} else if n != 1 {
		return "", errStale()
	}
	if note != "" {
		note = "：" + note
	}
	return note, s.event(ctx, tx, w.ID, in.Action, w.State, to, strings.TrimPrefix(note, "："))
}

// lockMember serialises the claims of one member on PostgreSQL (the open
// claims count and the new claim in one critical section); SQLite has one
// writer anyway.
func (s *Service) lockMember(ctx context.Context, tx *sql.Tx, id int64) error {
	if s.DB.Dialect != store.Postgres {
		return nil
	}
	_, err := s.DB.Exec(ctx, tx, `SELECT id FROM members WHERE id = ? FOR UPDATE`, id)
	return err
}

func addDays(day string, n int) string {
	t, err := civil.Read(day)
	if err != nil {
		return day
	}
	return t.AddDate(0, 0, n).Format(civil.Layout)
}
