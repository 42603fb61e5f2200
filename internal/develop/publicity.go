package develop

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/backdate"
	"liangxin/internal/civil"
)

// SettingPublicity is the settings key of the 公示 rule.
const SettingPublicity = "develop.publicity"

// Units of the 公示 length.
const (
	UnitWorkingDays  = "working"
	UnitCalendarDays = "calendar"
)

// PublicitySettings is the 公示 rule (domain.md §4: its length varies from 5
// working days to 7 days, a setting): the length, its unit and, for working
// days, the calendar of the State Council's yearly holiday notice as the
// district enters it (holidays on weekdays, and weekend days made working days).
type PublicitySettings struct {
	Days     int      `json:"days"`
	Unit     string   `json:"unit"`
	Holidays []string `json:"holidays"`
	Workdays []string `json:"workdays"`
}

// DefaultPublicity is 5 working days with no holiday entered.
func DefaultPublicity() PublicitySettings {
	return PublicitySettings{Days: 5, Unit: UnitWorkingDays, Holidays: []string{}, Workdays: []string{}}
}

// Publicity returns the 公示 rule in force.
func (s *Service) Publicity(ctx context.Context) (PublicitySettings, error) {
	var v string
	err := s.DB.QueryRow(ctx, s.DB, `SELECT value FROM settings WHERE key = ?`, SettingPublicity).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultPublicity(), nil
	}
	if err != nil {
		return PublicitySettings{}, err
	}
	out := DefaultPublicity()
	if err := json.Unmarshal([]byte(v), &out); err != nil {
		return DefaultPublicity(), nil
	}
	return out, nil
}

// SetPublicity changes the 公示 rule (audited with before, after and the
// optional reason). Steps recorded before keep their check.
func (s *Service) SetPublicity(ctx context.Context, in PublicitySettings, reason string) (PublicitySettings, error) {
	bad := apperr.Invalid()
	if in.Days < 1 || in.Days > 30 {
		bad.Field("days", "公示期应为 1 至 30 天")
	}
	if in.Unit != UnitWorkingDays && in.Unit != UnitCalendarDays {
		bad.Field("unit", "单位应为 working（工作日）或 calendar（自然日）")
	}
	clean := func(field string, list []string) []string {
		if len(list) > 400 {
			bad.Field(field, "日期不能超过 400 个")
			return nil
		}
		seen := map[string]bool{}
		out := []string{}
		for i, d := range list {
			if _, ok := civil.Check(bad, fmt.Sprintf("%s[%d]", field, i), d); ok && !seen[d] {
				seen[d] = true
				out = append(out, d)
			}
		}
		sort.Strings(out)
		return out
	}
	in.Holidays, in.Workdays = clean("holidays", in.Holidays), clean("workdays", in.Workdays)
	reason = backdate.Check(bad, "", "", reason)
	if err := bad.OrNil(); err != nil {
		return PublicitySettings{}, err
	}
	before, err := s.Publicity(ctx)
	if err != nil {
		return PublicitySettings{}, err
	}
	b, _ := json.Marshal(in)
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.DB.Exec(ctx, tx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, SettingPublicity, string(b)); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "setting_update", Entity: "setting", EntityID: SettingPublicity, Before: before, After: in,
			Note: backdate.Note("", "", reason)})
	})
	return in, err
}

// PublicityLength counts the days of a 公示 from from to to, both included:
// calendar days, or working days (Monday to Friday, less the holidays
// entered, plus the weekend days entered as working days).
func PublicityLength(from, to time.Time, set PublicitySettings) int {
	if to.Before(from) {
		return 0
	}
	if set.Unit == UnitCalendarDays {
		return int(to.Sub(from).Hours()/24) + 1
	}
	holiday, workday := map[string]bool{}, map[string]bool{}
	for _, d := range set.Holidays {
		holiday[d] = true
	}
	for _, d := range set.Workdays {
		workday[d] = true
	}
	n := 0
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		k := day(d)
		wd := d.Weekday()
		if workday[k] || (wd != time.Saturday && wd != time.Sunday && !holiday[k]) {
			n++
		}
	}
	return n
}

// unitName names the unit of the 公示 length.
func unitName(unit string) string {
	if unit == UnitCalendarDays {
		return "天"
	}
	return "个工作日"
}

// checkPublicity is the rule of steps ⑯ and ㉔: a 公示 of the set length,
// held after the person entered the stage (⑦ 发展对象 for ⑯, ㉒ 转正申请 for
// ㉔) and finished by the step's day. It returns the details to keep.
func checkPublicity(in StepInput, since, done time.Time, sinceStep int, set PublicitySettings) (map[string]any, error) {
	bad := apperr.Invalid()
	from, okFrom := civil.Check(bad, "publicity_from", in.PublicityFrom)
	to, okTo := civil.Check(bad, "publicity_to", in.PublicityTo)
	if in.PublicityFrom == "" || in.PublicityTo == "" {
		return nil, apperr.InvalidField("publicity_from", fmt.Sprintf("请填写公示起止日期（公示期不少于%d%s）", set.Days, unitName(set.Unit)))
	}
	if !okFrom || !okTo {
		return nil, bad
	}
	sd, _ := stepDef(sinceStep)
	switch {
	case from.Before(since):
		return nil, apperr.InvalidField("publicity_from", fmt.Sprintf("公示应在第%d步“%s”（%s）之后开始", sinceStep, sd.Name, day(since)))
	case to.Before(from):
		return nil, apperr.InvalidField("publicity_to", "公示结束日期不能早于开始日期")
	case to.After(done):
		return nil, apperr.InvalidField("publicity_to", fmt.Sprintf("公示应在本步骤（%s）之前结束", day(done)))
	}
	if n := PublicityLength(from, to, set); n < set.Days {
		return nil, apperr.InvalidField("publicity_to", fmt.Sprintf("公示期不少于%d%s：%s 至 %s 只有 %d%s", set.Days, unitName(set.Unit), day(from), day(to), n, unitName(set.Unit)))
	}
	return map[string]any{"publicity_from": day(from), "publicity_to": day(to)}, nil
}
