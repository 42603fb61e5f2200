package servicereq

import (
	"context"
	"database/sql"
	"fmt"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/civil"
)

func (s *Service) username(ctx context.Context) string {
	a, _ := actor.From(ctx)
	return a.Username
}

// ErrStale is the answer to an action on a request changed since the caller
// read it (two people acting at once: the first one wins).
func errStale() error {
	return apperr.Conflict("该诉求已被他人处理（数据已更新），请刷新后重试")
}

// auditActions are the audit-trail codes of the steps (each with a Chinese
// name in internal/audit).
var auditActions = map[string]string{
	ActHandle:   "service_request_handle",
	ActTransfer: "service_request_transfer",
	ActSendBack: "service_request_send_back",
	ActFinish:   "service_request_finish",
	ActReply:    "service_request_reply",
	ActClose:    "service_request_close",
	ActReopen:   "service_request_reopen",
	ActPause:    "service_request_pause",
	ActResume:   "service_request_resume",
}

// change is what one action writes on the request.
type change struct {
	to        string
	unit      *int64 // new handler unit (clearUnit drops it)
	clearUnit bool
	due       string
	pausedOn  *string
	setPaused bool
	reason    string
	result    *string
	replied   *string
	satisf    *string
	reopen    bool
	note      string
	detail    map[string]string
}

// Act takes one step of the life cycle. A step the state does not allow
// answers 422 naming the expected step; a stale version answers 409.
func (s *Service) Act(ctx context.Context, id int64, in ActionInput) (Request, error) {
	var out Request
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		r, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if in.Version != r.Version {
			return errStale()
		}
		if !allowed(r, in.Action) {
			if in.Action == ActReopen && (r.State == StateReplied || r.State == StateClosed) {
				return apperr.InvalidField("action", "诉求人对办理结果满意或基本满意，不能重新办理")
			}
			return stepError(r, in.Action)
		}
		c, err := s.plan(ctx, tx, r, in)
		if err != nil {
			return err
		}
		if err := s.apply(ctx, tx, r, in, c); err != nil {
			return err
		}
		// A handler's 办结 or 退回 takes the request out of its sight: read
		// the result back unscoped, then show it the handler's steps only.
		if out, err = s.get(actor.System(ctx, "servicereq"), tx, id); err != nil {
			return err
		}
		limitSteps(ctx, &out)
		if err := s.notifyStep(ctx, tx, r, out, in, c); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: auditActions[in.Action], Entity: "service_request", EntityID: fmt.Sprint(id),
			Before: r, After: out, Note: fmt.Sprintf("%s：诉求编号 %d（%s → %s）%s", optionName(Actions(), in.Action), id, r.StateName, out.StateName, c.note)})
	})
	if err != nil {
		return Request{}, fmt.Errorf("servicereq: %s %d: %w", in.Action, id, err)
	}
	return out, nil
}

// plan validates the action's fields and works out what it changes.
func (s *Service) plan(ctx context.Context, tx *sql.Tx, r Request, in ActionInput) (change, error) {
	bad := apperr.Invalid()
	today := s.today()
	cal, err := s.calendar(ctx, tx)
	if err != nil {
		return change{}, err
	}
	c := change{due: r.DueOn, detail: map[string]string{}}
	reason := func(required bool, label string) {
		c.reason = textField(bad, "reason", label, in.Reason, required, 500)
		if c.reason != "" {
			c.note = "：" + c.reason
			c.detail["reason"] = c.reason
		}
	}
	switch in.Action {
	case ActHandle:
		c.to = StateHandling
	case ActTransfer:
		c.to = StateTransferred
		reason(false, "转单说明")
		if in.HandlerUnitID == nil {
			bad.Field("handler_unit_id", "请选择承办单位")
			break
		}
		u, err := s.visibleUnit(ctx, tx, *in.HandlerUnitID)
		if err != nil || !u.Active {
			bad.Field("handler_unit_id", "所选承办单位不存在、已停用或不在可转范围内")
			break
		}
		if r.HandlerUnitID != nil && *r.HandlerUnitID == u.ID {
			bad.Field("handler_unit_id", "诉求已在该承办单位办理")
			break
		}
		c.unit = &u.ID
		// A new handler gets the category's full time from today.
		if c.due, err = cal.AddWorkingDays(today, r.DeadlineDays); err != nil {
			return c, err
		}
		c.detail["handler_unit"] = u.Name
		c.note = "，转至「" + u.Name + "」" + c.note
	case ActSendBack:
		c.to, c.clearUnit = StateReceived, true
		reason(true, "退回原因")
	case ActFinish:
		c.to = StateDone
		res := textField(bad, "result", "办理结果", in.Result, true, 2000)
		c.result = &res
		c.detail["result"] = res
		c.setPaused = true // the clock no longer runs
	case ActReply:
		c.to = StateReplied
		by := textField(bad, "replied_by", "回复人", in.RepliedBy, true, 50)
		if optionName(ReplyMethods(), in.ReplyMethod) == "" {
			bad.Field("reply_method", "请选择回复方式（电话、上门、短信、线上、当面）")
		}
		if optionName(Satisfactions(), in.Satisfaction) == "" {
			bad.Field("satisfaction", "请选择诉求人满意度（满意、基本满意、不满意）")
		}
		c.replied, c.satisf = &today, &in.Satisfaction
		c.detail["replied_by"], c.detail["reply_method"], c.detail["satisfaction"] = by, in.ReplyMethod, in.Satisfaction
		c.note = fmt.Sprintf("，%s%s回复，%s", by, optionName(ReplyMethods(), in.ReplyMethod), optionName(Satisfactions(), in.Satisfaction))
	case ActClose:
		c.to = StateClosed
	case ActReopen:
		c.to, c.clearUnit, c.reopen = StateReceived, true, true
		reason(true, "重新办理原因")
		window, err := s.reopenDays(ctx, tx)
		if err != nil {
			return c, err
		}
		if r.RepliedOn != nil {
			t, _ := civil.Read(*r.RepliedOn)
			if last := t.AddDate(0, 0, window).Format(dayFmt); today > last {
				return c, apperr.InvalidField("action", fmt.Sprintf("已超过重新办理期限（回单后 %d 天内，即 %s 前）", window, last))
			}
		}
		empty := ""
		c.satisf, c.replied = &empty, nil
		if c.due, err = cal.AddWorkingDays(today, r.DeadlineDays); err != nil {
			return c, err
		}
	case ActPause:
		c.to = r.State
		reason(true, "暂停原因（等待诉求人的事项）")
		c.pausedOn, c.setPaused = &today, true
	case ActResume:
		c.to = r.State
		c.setPaused = true
		// The clock stopped while waiting: the due day moves on by the
		// working days spent paused.
		n, err := cal.WorkingDaysBetween(*r.PausedOn, today)
		if err != nil {
			return c, err
		}
		if c.due, err = cal.AddWorkingDays(r.DueOn, n); err != nil {
			return c, err
		}
		c.detail["paused_days"] = fmt.Sprint(n)
		c.note = fmt.Sprintf("，暂停 %d 个工作日，办理期限顺延至 %s", n, c.due)
	}
	return c, bad.OrNil()
}

// apply writes the change guarded by the version the caller saw.
func (s *Service) apply(ctx context.Context, tx *sql.Tx, r Request, in ActionInput, c change) error {
	unit := r.HandlerUnitID
	if c.unit != nil {
		unit = c.unit
	}
	if c.clearUnit {
		unit = nil
	}
	paused := r.PausedOn
	pauseReason := r.PauseReason
	if c.setPaused {
		paused, pauseReason = c.pausedOn, c.reason
		if c.pausedOn == nil {
			pauseReason = ""
		}
	}
	result := r.Result
	if c.result != nil {
		result = *c.result
	}
	replied := r.RepliedOn
	satisf := r.Satisfaction
	if c.satisf != nil {
		satisf, replied = *c.satisf, c.replied
	}
	reopens := r.ReopenCount
	if c.reopen {
		reopens++
		result = ""
	}
	res, err := s.DB.Exec(ctx, tx, `UPDATE service_requests SET state = ?, handler_unit_id = ?, due_on = ?, paused_on = ?, pause_reason = ?,
		result = ?, replied_on = ?, satisfaction = ?, reopen_count = ?, version = version + 1, updated_at = ?
		WHERE id = ? AND version = ?`, c.to, unit, c.due, paused, pauseReason, result, replied, satisf, reopens, s.stamp(), r.ID, in.Version)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return errStale()
	}
	if in.Action == ActFinish {
		// Remember the day, the calendar days since 接单 and the unit that
		// finished it (none when the receiving party did): the figures and
		// the unit's history read these.
		var by *int64
		if r.State == StateTransferred {
			by = r.HandlerUnitID
		}
		today := s.today()
		if _, err := s.DB.Exec(ctx, tx, `UPDATE service_requests SET done_on = ?, done_days = ?, done_by_unit_id = ? WHERE id = ?`,
			today, calendarDays(r.ReceivedOn, today), by, r.ID); err != nil {
			return err
		}
	}
	var evUnit *int64
	if in.Action == ActTransfer {
		evUnit = c.unit
	}
	return s.event(ctx, tx, r.ID, in.Action, r.State, c.to, evUnit, c.reason, c.detail, c.due)
}

// calendarDays counts the calendar days from one YYYY-MM-DD day to another.
func calendarDays(from, to string) int {
	a, err1 := civil.Read(from)
	b, err2 := civil.Read(to)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(b.Sub(a).Hours()/24 + 0.5)
}
