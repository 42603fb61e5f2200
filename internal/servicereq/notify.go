package servicereq

import (
	"context"
	"database/sql"
	"fmt"

	"liangxin/internal/actor"
	"liangxin/internal/notify"
	"liangxin/internal/store"
)

// link is the desk's address of one request.
func link(id int64) string { return fmt.Sprintf("/services?request=%d", id) }

func (s *Service) send(ctx context.Context, tx *sql.Tx, id int64, to notify.Recipients, m notify.Message) error {
	if s.Notifier == nil {
		return nil
	}
	m.Entity, m.EntityID, m.Link = "service_request", fmt.Sprint(id), link(id)
	return s.Notifier.Notify(ctx, tx, to, m)
}

func short(content string) string {
	r := []rune(content)
	if len(r) > 60 {
		return string(r[:59]) + "…"
	}
	return content
}

// notifyAssigned tells the receiving party organization's accounts that a
// request was taken in for it (接单).
func (s *Service) notifyAssigned(ctx context.Context, tx *sql.Tx, r Request) error {
	if r.ReceivingPartyOrgID == nil {
		return nil
	}
	return s.send(ctx, tx, r.ID, notify.Recipients{PartyOrgs: []int64{*r.ReceivingPartyOrgID}, ExceptActor: true}, notify.Message{
		Kind:  notify.KindAssigned,
		Title: fmt.Sprintf("新接诉求（编号 %d）：%s", r.ID, r.CategoryName),
		Body:  fmt.Sprintf("%s，请于 %s 前办结。%s", r.RegionName, r.DueOn, short(r.Content)),
	})
}

// notifyStep tells the people concerned about a step: the handler unit a
// request is transferred to (转单), and on 重新办理 the receiving party
// organization and the unit that handled it last.
func (s *Service) notifyStep(ctx context.Context, tx *sql.Tx, before, after Request, in ActionInput, c change) error {
	switch in.Action {
	case ActTransfer:
		return s.send(ctx, tx, after.ID, notify.Recipients{HandlerUnits: []int64{*c.unit}, ExceptActor: true}, notify.Message{
			Kind:  notify.KindTransferred,
			Title: fmt.Sprintf("转来诉求（编号 %d）：%s", after.ID, after.CategoryName),
			Body:  fmt.Sprintf("转至「%s」，请于 %s 前办结。%s", after.HandlerUnitName, after.DueOn, short(after.Content)),
		})
	case ActReopen:
		to := notify.Recipients{ExceptActor: true}
		if after.ReceivingPartyOrgID != nil {
			to.PartyOrgs = []int64{*after.ReceivingPartyOrgID}
		}
		if last := s.lastUnit(ctx, tx, after.ID); last != 0 {
			to.HandlerUnits = []int64{last}
		}
		return s.send(ctx, tx, after.ID, to, notify.Message{
			Kind:  notify.KindReopened,
			Title: fmt.Sprintf("诉求重新办理（编号 %d）：%s", after.ID, after.CategoryName),
			Body:  fmt.Sprintf("诉求人不满意，重新办理，请于 %s 前办结。原因：%s", after.DueOn, c.reason),
		})
	}
	return nil
}

// lastUnit is the handler unit a request was last transferred to (0 if none).
func (s *Service) lastUnit(ctx context.Context, tx *sql.Tx, id int64) int64 {
	var unit sql.NullInt64
	_ = s.DB.QueryRow(ctx, tx, `SELECT handler_unit_id FROM service_request_events WHERE request_id = ? AND action = ? ORDER BY id DESC LIMIT 1`,
		id, ActTransfer).Scan(&unit)
	return unit.Int64
}

// overdueKey names one overdue episode of a request: the due day it
// passed. A transfer, a resumed clock or a reopen sets a new due day, and
// passing that one is a new episode.
func overdueKey(id int64, due string) string { return fmt.Sprintf("service_overdue:%d:%s", id, due) }

// NotifyOverdue is the overdue sweep: every request that is open, running
// and past its due day on today gets one notification per overdue episode
// (the handler unit it is transferred to, the receiving party organization
// and, escalating, the street and district accounts over its region).
// It is idempotent: a second run, here or on another node, sends nothing
// more (notify.Message.Once). It returns how many requests it notified.
func (s *Service) NotifyOverdue(ctx context.Context, today string) (int, error) {
	if s.Notifier == nil {
		return 0, nil
	}
	sys := actor.System(ctx, "notify-sweep")
	type due struct {
		id                          int64
		due, region, category, unit string
		po, unitID                  sql.NullInt64
	}
	var list []due
	err := s.DB.Report(sys, func(q store.Querier) error {
		rows, err := s.DB.Query(sys, q, `SELECT r.id, r.due_on, r.region_code, c.name, COALESCE(u.name, ''), r.receiving_party_org_id, r.handler_unit_id
			FROM service_requests r JOIN service_categories c ON c.id = r.category_id LEFT JOIN service_handler_units u ON u.id = r.handler_unit_id
			LEFT JOIN notification_once k ON k.key = 'service_overdue:' || CAST(r.id AS TEXT) || ':' || r.due_on
			WHERE r.state IN (?, ?, ?) AND r.paused_on IS NULL AND r.due_on < ? AND k.key IS NULL ORDER BY r.id`,
			StateReceived, StateHandling, StateTransferred, today)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var d due
			if err := rows.Scan(&d.id, &d.due, &d.region, &d.category, &d.unit, &d.po, &d.unitID); err != nil {
				return err
			}
			list = append(list, d)
		}
		return rows.Err()
	})
	if err != nil {
		return 0, fmt.Errorf("servicereq: overdue sweep: %w", err)
	}
	n := 0
	for _, d := range list {
		sent := false
		err := s.DB.InTx(sys, func(tx *sql.Tx) error {
			// Acted on since the scan: no longer this episode.
			var still int
			if err := s.DB.QueryRow(sys, tx, `SELECT COUNT(*) FROM service_requests WHERE id = ? AND due_on = ? AND paused_on IS NULL AND state IN (?, ?, ?)`,
				d.id, d.due, StateReceived, StateHandling, StateTransferred).Scan(&still); err != nil || still == 0 {
				return err
			}
			sent = true
			to := notify.Recipients{Regions: []string{d.region}}
			if d.po.Valid {
				to.PartyOrgs = []int64{d.po.Int64}
			}
			if d.unitID.Valid {
				to.HandlerUnits = []int64{d.unitID.Int64}
			}
			body := fmt.Sprintf("办理期限 %s 已过，请尽快办结。", d.due)
			if d.unit != "" {
				body = fmt.Sprintf("承办单位「%s」，办理期限 %s 已过，请尽快办结。", d.unit, d.due)
			}
			return s.send(sys, tx, d.id, to, notify.Message{Kind: notify.KindOverdue, Once: overdueKey(d.id, d.due),
				Title: fmt.Sprintf("诉求超期（编号 %d）：%s", d.id, d.category), Body: body})
		})
		if err != nil {
			return n, fmt.Errorf("servicereq: overdue sweep %d: %w", d.id, err)
		}
		if sent {
			n++
		}
	}
	return n, nil
}
