package partyorg

import (
	"context"
	"database/sql"
	"fmt"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/compliancehook"
	"liangxin/internal/coverspan"
	"liangxin/internal/store"
)

// FormChange changes a party organization's kind or formation from a day
// on (a 联建 branch becoming 单建, a 支部 becoming a 总支).
type FormChange struct {
	On        string `json:"on"`
	Kind      string `json:"kind"`
	Formation string `json:"formation"`
}

// FormPeriod is an earlier kind and formation over [From, To).
type FormPeriod struct {
	From      string `json:"from"`
	To        string `json:"to"`
	Kind      string `json:"kind"`
	Formation string `json:"formation"`
}

// ChangeForm records that from c.On the party organization has c.Kind and
// c.Formation: the kind and formation it had until then are kept in
// party_org_form_history ([established or the previous change, c.On)), so
// that what it was on any earlier day can still be read (funds entitlements
// do). The day must be after the establishment and after any earlier change.
func (s *Service) ChangeForm(ctx context.Context, id int64, c FormChange) (PartyOrg, error) {
	d, err := parseDate("on", c.On)
	if err != nil {
		return PartyOrg{}, apperr.InvalidField("on", "变更日期格式应为 YYYY-MM-DD")
	}
	bad := apperr.Invalid()
	if c.Kind == KindGroup || name(Kinds(), c.Kind) == "" {
		bad.Field("kind", "类别应为党委、党总支或党支部")
	}
	if name(Formations(), c.Formation) == "" {
		bad.Field("formation", "组建方式应为单独组建、联合组建、区域组建或行业组建")
	}
	if err := bad.OrNil(); err != nil {
		return PartyOrg{}, err
	}
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (PartyOrg, error) {
		before, err := s.get(ctx, tx, id)
		if err != nil {
			return PartyOrg{}, err
		}
		if before.Kind == KindGroup {
			return PartyOrg{}, apperr.Conflict("党小组没有组建方式，不能变更")
		}
		if before.Kind == c.Kind && before.Formation == c.Formation {
			return PartyOrg{}, apperr.InvalidField("formation", "类别和组建方式都没有变化")
		}
		if before.DissolvedOn != nil && d >= *before.DissolvedOn {
			return PartyOrg{}, apperr.InvalidField("on", "变更日期应早于撤销日期 "+*before.DissolvedOn)
		}
		from := before.EstablishedOn
		var last sql.NullString
		if err := s.DB.QueryRow(ctx, tx, `SELECT MAX(valid_to) FROM party_org_form_history WHERE party_org_id = ?`, id).Scan(&last); err != nil {
			return PartyOrg{}, err
		}
		if last.Valid && last.String > from {
			from = last.String
		}
		if d <= from {
			return PartyOrg{}, apperr.InvalidField("on", "变更日期应晚于 "+from+"（成立日期或上一次变更）")
		}
		if _, err := s.DB.Exec(ctx, tx, `INSERT INTO party_org_form_history (party_org_id, valid_from, valid_to, kind, formation, changed_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, id, from, d, before.Kind, before.Formation, changer(ctx), store.FormatTime(s.Now())); err != nil {
			return PartyOrg{}, err
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE party_orgs SET kind = ?, formation = ?, updated_at = ? WHERE id = ?`, c.Kind, c.Formation,
			store.FormatTime(s.Now()), id); err != nil {
			return PartyOrg{}, err
		}
		if err := coverspan.RefreshPartyOrg(ctx, s.DB, tx, id); err != nil {
			return PartyOrg{}, err
		}
		// Its kind decides what is asked of it (a 党小组 turned branch or back: its parent's too).
		ids := []int64{id}
		if before.ParentID != nil {
			ids = append(ids, *before.ParentID)
		}
		if err := compliancehook.Refresh(ctx, s.DB, tx, ids...); err != nil {
			return PartyOrg{}, err
		}
		out, err := s.get(ctx, tx, id)
		if err != nil {
			return PartyOrg{}, err
		}
		return out, s.Audit.Record(ctx, tx, audit.Entry{Action: "party_org_form_change", Entity: "party_org", EntityID: fmt.Sprint(id), Before: before, After: out,
			Note: "自 " + d + " 起"})
	})
}

func changer(ctx context.Context) string {
	a, _ := actor.From(ctx)
	if a.Username == "" {
		return "system"
	}
	return a.Username
}
