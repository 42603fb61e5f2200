package assess

import (
	"context"
	"fmt"
	"strings"

	"liangxin/internal/sheetexport"
)

// write runs an export of the assess area through the driver, noted
// 导出<what> n 条 as the exports of this area always were.
func (s *Service) write(ctx context.Context, t sheetexport.Target, entity, entityID, what string, filters any, sheet sheetexport.Sheet) error {
	_, err := sheetexport.Write(ctx, t, sheetexport.Audit{Logger: s.Audit, DB: s.DB, Entity: entity, EntityID: entityID, Filters: filters,
		Note: func(n int) string { return fmt.Sprintf("导出%s %d 条", what, n) }}, sheet)
	return err
}

func derefStr(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// ExportRound writes the results of round id to t — one row per party
// organization in rank order, then a blank row and the star distribution —
// and records the export.
func (s *Service) ExportRound(ctx context.Context, t sheetexport.Target, id int64) error {
	v, err := s.RoundResults(ctx, id)
	if err != nil {
		return err
	}
	sheet := sheetexport.Rows("星级评定结果", []string{"排名", "党组织", "所在区划", "总分", "星级", "一票否决", "群众满意度（%）", "评分状态"},
		[]float64{8, 36, 16, 10, 10, 24, 14, 10}, sheetexport.Slice(v.Results), func(res Result, emit sheetexport.Emit) error {
			sat := ""
			if res.Satisfaction != nil {
				sat = res.Satisfaction.String()
			}
			state := "已评完"
			if !res.Complete {
				state = fmt.Sprintf("缺 %d 项", res.Missing)
			}
			return emit(res.Rank, res.PartyOrgName, res.RegionName, res.Total.String(), res.StarName, strings.Join(res.Vetoes, "；"), sat, state)
		}, func(emit sheetexport.Emit) error {
			if err := emit(); err != nil {
				return err
			}
			return emit("", v.Name+"："+v.Distribution.Summary)
		})
	return s.write(ctx, t, "assess_round", fmt.Sprint(id), "星级评定结果", nil, sheet)
}

// ExportSignals writes the 软弱涣散 list of f to t — one row per signal of
// each party organization, then the signals that could not be checked — and
// records the export with the party organizations' count.
func (s *Service) ExportSignals(ctx context.Context, t sheetexport.Target, f SignalFilter) error {
	rep, err := s.Signals(ctx, f)
	if err != nil {
		return err
	}
	var tail func(sheetexport.Emit) error
	if len(rep.Unavailable) > 0 {
		tail = func(emit sheetexport.Emit) error {
			return emit("未能检查：" + strings.Join(rep.Unavailable, "、") + "（数据来源未接入）")
		}
	}
	sheet := sheetexport.Rows("软弱涣散预警", []string{"党组织", "所在区划", "预警信号", "依据", "已认定整改"}, []float64{36, 16, 24, 60, 12},
		sheetexport.Slice(rep.Items), func(it SignalRow, emit sheetexport.Emit) error {
			for _, sg := range it.Signals {
				if err := emit(it.PartyOrgName, it.RegionName, sg.Name, sg.Evidence, yesNo(it.Designated)); err != nil {
					return err
				}
			}
			return nil
		}, tail)
	return s.write(ctx, t, "assess_signal", "", "软弱涣散预警", f, sheet)
}

// ExportRectifications writes the rectification ledger of f to t and records the export.
func (s *Service) ExportRectifications(ctx context.Context, t sheetexport.Target, f RectificationFilter) error {
	items, err := s.ListRectifications(ctx, f)
	if err != nil {
		return err
	}
	sheet := sheetexport.One("整改台账", []string{"党组织", "所在区划", "认定日期", "认定原因", "整改措施", "责任人", "整改期限", "完成日期", "整改成效", "状态"},
		[]float64{36, 16, 12, 40, 40, 10, 12, 12, 30, 12}, sheetexport.Slice(items), func(c Rectification) []any {
			return []any{c.PartyOrgName, c.RegionName, c.DesignatedOn, c.Reasons, c.Measures, c.Responsible, c.Deadline, derefStr(c.DoneOn), c.Outcome, c.StatusName}
		})
	return s.write(ctx, t, "assess_rectification", "", "软弱涣散整改台账", f, sheet)
}

// snapshotCells are the compliance and rating cells of a pair's snapshot.
func snapshotCells(sn PairSnapshot) (string, string) {
	c := sn.Note
	if sn.Compliance != nil {
		c = *sn.Compliance
	}
	rating := "无考评结果"
	if sn.Stars != nil {
		rating = fmt.Sprintf("%s %s（%s分）", sn.RoundName, sn.StarName, sn.Total)
	}
	return c, rating
}

// ExportPairs writes the 结对帮带 pairs to t, with the figures before and
// after, and records the export.
func (s *Service) ExportPairs(ctx context.Context, t sheetexport.Target) error {
	items, err := s.ListPairs(ctx)
	if err != nil {
		return err
	}
	sheet := sheetexport.One("结对帮带", []string{"示范党组织", "帮带对象", "开始日期", "结束日期", "帮带目标", "活动次数", "帮带前完成率", "帮带后完成率", "帮带前星级", "帮带后星级", "状态"},
		[]float64{30, 30, 12, 12, 40, 10, 14, 14, 30, 30, 10}, sheetexport.Slice(items), func(p Pair) []any {
			bc, br := snapshotCells(p.Before)
			ac, ar := snapshotCells(p.After)
			return []any{p.ModelName, p.HelpedName, p.From, p.To, p.Goals, len(p.Activities), bc, ac, br, ar, p.StatusName}
		})
	return s.write(ctx, t, "assess_pair", "", "结对帮带", nil, sheet)
}

// ExportHonours streams the honours of f (its page ignored), newest year
// first, to t and records the export.
func (s *Service) ExportHonours(ctx context.Context, t sheetexport.Target, f HonourFilter) error {
	src := sheetexport.Paged(func(ctx context.Context, page, size int) ([]Honour, int, error) {
		pf := f
		pf.Page, pf.PageSize = page, size
		items, total, err := s.ListHonours(ctx, pf)
		return items, total.Ceiling(), err
	})
	sheet := sheetexport.One("表彰", []string{"年度", "表彰类别", "级别", "党员", "党组织", "状态", "推荐日期", "决定日期", "备注"}, []float64{8, 20, 14, 12, 36, 10, 12, 12, 30},
		src, func(h Honour) []any {
			return []any{h.Year, h.KindName, h.LevelName, h.MemberName, h.PartyOrgName, h.StatusName, h.RecommendedOn, derefStr(h.DecidedOn), h.Note}
		})
	filters := map[string]any{"year": f.Year, "kind": f.Kind, "status": f.Status, "subject": f.Subject}
	return s.write(ctx, t, "assess_honour", "", "表彰", filters, sheet)
}
