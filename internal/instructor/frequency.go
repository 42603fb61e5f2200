package instructor

import (
	"context"
	"database/sql"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/backdate"
	"liangxin/internal/civil"
	"liangxin/internal/store"
)

// Frequency is one version of the visit frequency of a kind of instructor:
// every EveryMonths months from EffectiveFrom on. The defaults (专职 1, 兼职
// 3 months) have ID 0 and no effective date.
type Frequency struct {
	ID            int64  `json:"id"`
	FullTime      bool   `json:"full_time"`
	KindName      string `json:"kind_name"`
	EveryMonths   int    `json:"every_months"`
	EffectiveFrom string `json:"effective_from"`
	Reason        string `json:"reason"`
}

// FrequencyInput adds a version of a kind's visit frequency.
type FrequencyInput struct {
	FullTime      *bool  `json:"full_time"`
	EveryMonths   int    `json:"every_months"`
	EffectiveFrom string `json:"effective_from"`
	Reason        string `json:"reason"`
}

// SettingVisitFrequency names the visit frequency in the audit log.
const SettingVisitFrequency = "instructor_visit_frequency"

// frequencies are the versions of both kinds, oldest first.
type frequencies []Frequency

func (s *Service) loadFrequencies(ctx context.Context, q store.Querier) (frequencies, error) {
	rows, err := s.DB.Query(ctx, q, `SELECT id, full_time, every_months, effective_from, reason FROM instructor_visit_frequencies ORDER BY effective_from, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := frequencies{}
	for rows.Next() {
		var f Frequency
		if err := rows.Scan(&f.ID, &f.FullTime, &f.EveryMonths, &f.EffectiveFrom, &f.Reason); err != nil {
			return nil, err
		}
		f.KindName = KindName(f.FullTime)
		out = append(out, f)
	}
	return out, rows.Err()
}

// at is the frequency of a kind in force on day: the latest version
// effective on or before it, else the default.
func (fs frequencies) at(fullTime bool, day string) int {
	every := VisitEveryMonths(fullTime)
	for _, f := range fs {
		if f.FullTime == fullTime && f.EffectiveFrom <= day {
			every = f.EveryMonths
		}
	}
	return every
}

// Frequencies lists the defaults and then every version, 专职 first, each
// kind oldest first.
func (s *Service) Frequencies(ctx context.Context) ([]Frequency, error) {
	fs, err := s.loadFrequencies(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	out := []Frequency{}
	for _, full := range []bool{true, false} {
		out = append(out, Frequency{FullTime: full, KindName: KindName(full), EveryMonths: VisitEveryMonths(full)})
		for _, f := range fs {
			if f.FullTime == full {
				out = append(out, f)
			}
		}
	}
	return out, nil
}

// SetFrequency adds a version of a kind's visit frequency effective from a
// date; a version starting the same day is replaced. A back-dated version
// needs a reason, recorded in the audit log.
func (s *Service) SetFrequency(ctx context.Context, in FrequencyInput) (Frequency, error) {
	bad := apperr.Invalid()
	if in.FullTime == nil {
		bad.Field("full_time", "请选择指导员类别：true 专职，false 兼职")
	}
	if in.EveryMonths < 1 || in.EveryMonths > 12 {
		bad.Field("every_months", "走访频次应为每 1–12 个月一次")
	}
	civil.Check(bad, "effective_from", in.EffectiveFrom)
	today := s.today()
	in.Reason = backdate.Check(bad, in.EffectiveFrom, today, in.Reason)
	if err := bad.OrNil(); err != nil {
		return Frequency{}, err
	}
	f := Frequency{FullTime: *in.FullTime, KindName: KindName(*in.FullTime), EveryMonths: in.EveryMonths, EffectiveFrom: in.EffectiveFrom, Reason: in.Reason}
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		fs, err := s.loadFrequencies(ctx, tx)
		if err != nil {
			return err
		}
		before := map[string]any{"full_time": f.FullTime, "every_months": fs.at(f.FullTime, f.EffectiveFrom)}
		if _, err := s.DB.Exec(ctx, tx, `DELETE FROM instructor_visit_frequencies WHERE full_time = ? AND effective_from = ?`, f.FullTime, f.EffectiveFrom); err != nil {
			return err
		}
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO instructor_visit_frequencies (full_time, every_months, effective_from, reason, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			f.FullTime, f.EveryMonths, f.EffectiveFrom, f.Reason, store.FormatTime(s.Now())).Scan(&f.ID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "setting_update", Entity: "setting", EntityID: SettingVisitFrequency, Before: before, After: f,
			Note: backdate.Note(f.EffectiveFrom, today, f.Reason)})
	})
	return f, err
}

// visitEvery is the frequency of a kind in force today.
func (s *Service) visitEvery(ctx context.Context, fullTime bool) (int, error) {
	fs, err := s.loadFrequencies(ctx, s.DB)
	if err != nil {
		return 0, err
	}
	return fs.at(fullTime, s.today()), nil
}
