package httpapi

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/assess"
	"liangxin/internal/audit"
	"liangxin/internal/xlsx"
)

func (s *Server) assessOptions(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]any{"methods": assess.Methods(), "signals": assess.SignalKinds(), "honour_kinds": assess.HonourKinds(),
		"honour_levels": assess.HonourLevels(), "default_thresholds": assess.DefaultThresholds()})
	return nil
}

func (s *Server) listSheets(w http.ResponseWriter, r *http.Request) error {
	items, err := s.Assess.ListSheets(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[assess.Sheet]{Items: items})
	return nil
}

func (s *Server) createSheet(w http.ResponseWriter, r *http.Request) error {
	var in assess.SheetInput
	if err := decode(r, &in); err != nil {
		return err
	}
	sh, err := s.Assess.CreateSheet(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, sh)
	return nil
}

func (s *Server) getSheet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	sh, err := s.Assess.GetSheet(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sh)
	return nil
}

func (s *Server) updateSheet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in assess.SheetInput
	if err := decode(r, &in); err != nil {
		return err
	}
	sh, err := s.Assess.UpdateSheet(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sh)
	return nil
}

func (s *Server) copySheet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in assess.CopyInput
	if err := decode(r, &in); err != nil {
		return err
	}
	sh, err := s.Assess.CopySheet(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, sh)
	return nil
}

func (s *Server) listRounds(w http.ResponseWriter, r *http.Request) error {
	items, err := s.Assess.ListRounds(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[assess.Round]{Items: items})
	return nil
}

func (s *Server) createRound(w http.ResponseWriter, r *http.Request) error {
	var in assess.RoundInput
	if err := decode(r, &in); err != nil {
		return err
	}
	rd, err := s.Assess.CreateRound(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, rd)
	return nil
}

func (s *Server) roundResults(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.Assess.RoundResults(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) prefillRound(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rd, err := s.Assess.Prefill(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rd)
	return nil
}

func (s *Server) closeRound(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.Assess.CloseRound(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) reopenRound(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	v, err := s.Assess.ReopenRound(r.Context(), id, in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) orgScores(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	po, err := pathID(r, "party_org_id")
	if err != nil {
		return err
	}
	v, err := s.Assess.OrgScores(r.Context(), id, po)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) saveOrgScores(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	po, err := pathID(r, "party_org_id")
	if err != nil {
		return err
	}
	var in assess.OrgScoresInput
	if err := decode(r, &in); err != nil {
		return err
	}
	v, err := s.Assess.SaveOrgScores(r.Context(), id, po, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// sendAssessXLSX audits an export and writes the workbook.
func (s *Server) sendAssessXLSX(w http.ResponseWriter, r *http.Request, sw *xlsx.Writer, entity, what, file string, n int) error {
	if err := s.Audit.Record(r.Context(), s.DB, audit.Entry{Action: "export", Entity: entity, Note: fmt.Sprintf("导出%s %d 条", what, n)}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.xlsx"; filename*=UTF-8''%s.xlsx`, file, url.PathEscape(what)))
	return sw.Finish(w)
}

func (s *Server) exportRound(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.Assess.RoundResults(r.Context(), id)
	if err != nil {
		return err
	}
	sw, err := xlsx.NewWriter("星级评定结果", []string{"排名", "党组织", "所在区划", "总分", "星级", "一票否决", "群众满意度（%）", "评分状态"}, []float64{8, 36, 16, 10, 10, 24, 14, 10})
	if err != nil {
		return err
	}
	for _, res := range v.Results {
		sat := ""
		if res.Satisfaction != nil {
			sat = res.Satisfaction.String()
		}
		state := "已评完"
		if !res.Complete {
			state = fmt.Sprintf("缺 %d 项", res.Missing)
		}
		if err := sw.Row(res.Rank, res.PartyOrgName, res.RegionName, res.Total.String(), res.StarName, strings.Join(res.Vetoes, "；"), sat, state); err != nil {
			return err
		}
	}
	if err := sw.Row(); err != nil {
		return err
	}
	if err := sw.Row("", v.Name+"："+v.Distribution.Summary); err != nil {
		return err
	}
	return s.sendAssessXLSX(w, r, sw, "assess_round", "星级评定结果", "star-results", len(v.Results))
}

func signalFilter(r *http.Request) assess.SignalFilter {
	q := r.URL.Query()
	return assess.SignalFilter{RegionCode: q.Get("region_code"), From: q.Get("from"), To: q.Get("to"), AsOf: q.Get("as_of"), All: q.Get("all") == "true"}
}

func (s *Server) signals(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.Assess.Signals(r.Context(), signalFilter(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

func (s *Server) exportSignals(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.Assess.Signals(r.Context(), signalFilter(r))
	if err != nil {
		return err
	}
	sw, err := xlsx.NewWriter("软弱涣散预警", []string{"党组织", "所在区划", "预警信号", "依据", "已认定整改"}, []float64{36, 16, 24, 60, 12})
	if err != nil {
		return err
	}
	for _, it := range rep.Items {
		for _, sg := range it.Signals {
			if err := sw.Row(it.PartyOrgName, it.RegionName, sg.Name, sg.Evidence, yesNo(it.Designated)); err != nil {
				return err
			}
		}
	}
	if len(rep.Unavailable) > 0 {
		if err := sw.Row("未能检查：" + strings.Join(rep.Unavailable, "、") + "（数据来源未接入）"); err != nil {
			return err
		}
	}
	return s.sendAssessXLSX(w, r, sw, "assess_signal", "软弱涣散预警", "weak-signals", len(rep.Items))
}

func (s *Server) assessSettings(w http.ResponseWriter, r *http.Request) error {
	st, err := s.Assess.GetSettings(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) setAssessSettings(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		assess.Settings
		Reason string `json:"reason"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	st, err := s.Assess.SetSettings(r.Context(), in.Settings, in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func rectFilter(r *http.Request) assess.RectificationFilter {
	q := r.URL.Query()
	return assess.RectificationFilter{RegionCode: q.Get("region_code"), Status: q.Get("status")}
}

func (s *Server) listRectifications(w http.ResponseWriter, r *http.Request) error {
	items, err := s.Assess.ListRectifications(r.Context(), rectFilter(r))
	if err != nil {
		return err
	}
	return writePaged(w, r, items)
}

func (s *Server) designate(w http.ResponseWriter, r *http.Request) error {
	var in assess.RectificationInput
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := s.Assess.Designate(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) updateRectification(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in assess.RectificationPatch
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := s.Assess.UpdateRectification(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) exportRectifications(w http.ResponseWriter, r *http.Request) error {
	items, err := s.Assess.ListRectifications(r.Context(), rectFilter(r))
	if err != nil {
		return err
	}
	sw, err := xlsx.NewWriter("整改台账", []string{"党组织", "所在区划", "认定日期", "认定原因", "整改措施", "责任人", "整改期限", "完成日期", "整改成效", "状态"},
		[]float64{36, 16, 12, 40, 40, 10, 12, 12, 30, 12})
	if err != nil {
		return err
	}
	for _, c := range items {
		if err := sw.Row(c.PartyOrgName, c.RegionName, c.DesignatedOn, c.Reasons, c.Measures, c.Responsible, c.Deadline, deref(c.DoneOn), c.Outcome, c.StatusName); err != nil {
			return err
		}
	}
	return s.sendAssessXLSX(w, r, sw, "assess_rectification", "软弱涣散整改台账", "rectifications", len(items))
}

func (s *Server) listPairs(w http.ResponseWriter, r *http.Request) error {
	items, err := s.Assess.ListPairs(r.Context())
	if err != nil {
		return err
	}
	return writePaged(w, r, items)
}

func (s *Server) createPair(w http.ResponseWriter, r *http.Request) error {
	var in assess.PairInput
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := s.Assess.CreatePair(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, p)
	return nil
}

func (s *Server) getPair(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.Assess.GetPair(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) addActivity(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in assess.ActivityInput
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := s.Assess.AddActivity(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, p)
	return nil
}

func snap(sn assess.PairSnapshot) (string, string) {
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

func (s *Server) exportPairs(w http.ResponseWriter, r *http.Request) error {
	items, err := s.Assess.ListPairs(r.Context())
	if err != nil {
		return err
	}
	sw, err := xlsx.NewWriter("结对帮带", []string{"示范党组织", "帮带对象", "开始日期", "结束日期", "帮带目标", "活动次数", "帮带前完成率", "帮带后完成率", "帮带前星级", "帮带后星级", "状态"},
		[]float64{30, 30, 12, 12, 40, 10, 14, 14, 30, 30, 10})
	if err != nil {
		return err
	}
	for _, p := range items {
		bc, br := snap(p.Before)
		ac, ar := snap(p.After)
		if err := sw.Row(p.ModelName, p.HelpedName, p.From, p.To, p.Goals, len(p.Activities), bc, ac, br, ar, p.StatusName); err != nil {
			return err
		}
	}
	return s.sendAssessXLSX(w, r, sw, "assess_pair", "结对帮带", "pairs", len(items))
}

func honourFilter(r *http.Request, paged bool) (assess.HonourFilter, error) {
	q := r.URL.Query()
	f := assess.HonourFilter{Kind: q.Get("kind"), Status: q.Get("status"), Subject: q.Get("subject")}
	if v := q.Get("year"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return f, apperr.InvalidField("year", "年度应为整数")
		}
		f.Year = n
	}
	if paged {
		p, size, err := pageParams(r)
		if err != nil {
			return f, err
		}
		f.Page, f.PageSize = p, size
	}
	return f, nil
}

func (s *Server) listHonours(w http.ResponseWriter, r *http.Request) error {
	f, err := honourFilter(r, true)
	if err != nil {
		return err
	}
	items, total, err := s.Assess.ListHonours(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page[assess.Honour]{Items: items, Total: total, Page: f.Page, PageSize: f.PageSize})
	return nil
}

func (s *Server) recommend(w http.ResponseWriter, r *http.Request) error {
	var in assess.HonourInput
	if err := decode(r, &in); err != nil {
		return err
	}
	h, err := s.Assess.Recommend(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, h)
	return nil
}

func (s *Server) decideHonour(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in assess.HonourDecision
	if err := decode(r, &in); err != nil {
		return err
	}
	h, err := s.Assess.Decide(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h)
	return nil
}

func (s *Server) honourStats(w http.ResponseWriter, r *http.Request) error {
	items, err := s.Assess.HonourStats(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[assess.HonourYear]{Items: items})
	return nil
}

func (s *Server) exportHonours(w http.ResponseWriter, r *http.Request) error {
	f, err := honourFilter(r, false)
	if err != nil {
		return err
	}
	items, _, err := s.Assess.ListHonours(r.Context(), f)
	if err != nil {
		return err
	}
	sw, err := xlsx.NewWriter("表彰", []string{"年度", "表彰类别", "级别", "党员", "党组织", "状态", "推荐日期", "决定日期", "备注"}, []float64{8, 20, 14, 12, 36, 10, 12, 12, 30})
	if err != nil {
		return err
	}
	for _, h := range items {
		if err := sw.Row(h.Year, h.KindName, h.LevelName, h.MemberName, h.PartyOrgName, h.StatusName, h.RecommendedOn, deref(h.DecidedOn), h.Note); err != nil {
			return err
		}
	}
	return s.sendAssessXLSX(w, r, sw, "assess_honour", "表彰", "honours", len(items))
}
