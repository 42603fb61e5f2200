package demo

import (
	"fmt"
	"time"

	"liangxin/internal/briefing"
	"liangxin/internal/civil"
)

// briefings issues the 通报 of the county for the last two closed months
// (older first, so it is 第1期), from the default template: the figures are
// those of the demo as it stands at each month's end.
func (l *loader) briefings(p *plan) error {
	j, err := l.a.Regions.Jurisdiction(l.ctx)
	if err != nil {
		return err
	}
	first := time.Date(p.Today.Year(), p.Today.Month(), 1, 0, 0, 0, 0, time.UTC)
	for _, back := range []int{2, 1} {
		month := first.AddDate(0, -back, 0).Format(civil.MonthLayout)
		b, err := l.a.Briefing.Generate(l.ctx, briefing.GenerateInput{Month: month, RegionCode: j})
		if err != nil {
			return fmt.Errorf("demo: briefing %s: %w", month, err)
		}
		if _, err := l.a.Briefing.Issue(l.ctx, b.ID, briefing.IssueInput{Version: b.Version}); err != nil {
			return fmt.Errorf("demo: issue briefing %s: %w", month, err)
		}
	}
	return nil
}
