package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"liangxin/internal/apperr"
	"liangxin/internal/cobuild"
	"liangxin/internal/sheetexport"
	"liangxin/internal/store"
)

func (s *Server) cobuildOptions(w http.ResponseWriter, _ *http.Request) error {
	writeJSON(w, http.StatusOK, cobuild.GetOptions())
	return nil
}

// cobuildQuery reads the common list parameters; every wrong one is named.
func cobuildQuery(r *http.Request, paged bool) (cobuild.ListFilter, error) {
	q := r.URL.Query()
	f := cobuild.ListFilter{CommunityCode: q.Get("community_code"), Category: q.Get("category"), State: q.Get("state"), Urgency: q.Get("urgency"),
		Q: q.Get("q"), Sort: q.Get("sort")}
	if f.CommunityCode == "" {
		f.CommunityCode = q.Get("region_code")
	}
	bad := apperr.Invalid()
	for _, k := range []string{"unit_id", "agreement_id"} {
		if v := q.Get(k); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1 {
				bad.Field(k, "应为正整数 ID")
			}
			if k == "unit_id" {
				f.UnitID = n
			} else {
				f.AgreementID = n
			}
		}
	}
	if paged {
		pagingErrors(r, bad)
	}
	if err := bad.OrNil(); err != nil {
		return f, err
	}
	if paged {
		f.Page.Page, f.Page.PageSize, _ = pageParams(r)
	}
	return f, nil
}

func (s *Server) cobuildYear(r *http.Request) (int, error) {
	v := r.URL.Query().Get("year")
	if v == "" {
		return s.Cobuild.Year(), nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 2000 || y > 2100 {
		return 0, apperr.InvalidField("year", "年度应为 2000–2100 的整数")
	}
	return y, nil
}

// respondPage writes a page of items.
func respondPage[T any](w http.ResponseWriter, f cobuild.ListFilter, items []T, total store.Total, err error) error {
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, f.Page.Page, f.Page.PageSize))
	return nil
}

// cobuildXLSX writes one sheet through the co-building area's export,
// which records it.
func (s *Server) cobuildXLSX(w http.ResponseWriter, r *http.Request, ascii, chinese string, headers []string, widths []float64, rows [][]any) error {
	return s.Cobuild.ExportRows(r.Context(), xlsxTarget(w, ascii, chinese), chinese, headers, widths, rows, r.URL.Query())
}

// jsonCall decodes a body into in, runs fn and writes its result.
func jsonCall[In any, Out any](w http.ResponseWriter, r *http.Request, status int, fn func(context.Context, In) (Out, error)) error {
	var in In
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := fn(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, status, out)
	return nil
}

// idCall runs fn on the path id (and a body, when In is not struct{}).
func idCall[In any, Out any](w http.ResponseWriter, r *http.Request, status int, withBody bool, fn func(context.Context, int64, In) (Out, error)) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in In
	if withBody {
		if err := decode(r, &in); err != nil {
			return err
		}
	}
	out, err := fn(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, status, out)
	return nil
}

func noIn[Out any](fn func(context.Context, int64) (Out, error)) func(context.Context, int64, struct{}) (Out, error) {
	return func(ctx context.Context, id int64, _ struct{}) (Out, error) { return fn(ctx, id) }
}

// ---- units ----

func unitFilter(r *http.Request, paged bool) (cobuild.UnitFilter, error) {
	f, err := cobuildQuery(r, paged)
	q := r.URL.Query()
	return cobuild.UnitFilter{Kind: q.Get("kind"), RegionCode: q.Get("region_code"), Q: f.Q, Sort: f.Sort, Page: f.Page}, err
}

func (s *Server) listCobuildUnits(w http.ResponseWriter, r *http.Request) error {
	f, err := unitFilter(r, true)
	if err != nil {
		return err
	}
	items, total, err := s.Cobuild.ListUnits(r.Context(), f)
	return respondPage(w, cobuild.ListFilter{Page: f.Page}, items, total, err)
}

func (s *Server) exportCobuildUnits(w http.ResponseWriter, r *http.Request) error {
	f, err := unitFilter(r, false)
	if err != nil {
		return err
	}
	items, _, err := s.Cobuild.ListUnits(r.Context(), f)
	if err != nil {
		return err
	}
	rows := make([][]any, len(items))
	for i, u := range items {
		rows[i] = []any{u.ID, u.Name, u.KindName, u.RegionName, u.Address, u.PartyOrgName, u.OrgName, u.ContactName, u.ContactPhone, u.AllianceCount, u.CreatedAt}
	}
	return s.cobuildXLSX(w, r, "cobuild-units", "共建单位", []string{"编号", "单位名称", "单位类别", "所在区域", "地址", "单位党组织", "台账组织", "联系人", "联系电话", "参加联盟数", "登记时间"},
		[]float64{8, 30, 12, 16, 30, 30, 30, 10, 14, 10, 20}, rows)
}

func (s *Server) createCobuildUnit(w http.ResponseWriter, r *http.Request) error {
	return jsonCall(w, r, http.StatusCreated, s.Cobuild.CreateUnit)
}

func (s *Server) getCobuildUnit(w http.ResponseWriter, r *http.Request) error {
	return idCall(w, r, http.StatusOK, false, noIn(s.Cobuild.GetUnit))
}

func (s *Server) updateCobuildUnit(w http.ResponseWriter, r *http.Request) error {
	return idCall(w, r, http.StatusOK, true, s.Cobuild.UpdateUnit)
}

func (s *Server) revealCobuildUnitPhone(w http.ResponseWriter, r *http.Request) error {
	return idCall(w, r, http.StatusOK, false, noIn(s.Cobuild.RevealUnitPhone))
}

func (s *Server) cobuildYearReport(w http.ResponseWriter, r *http.Request) error {
	year, err := s.cobuildYear(r)
	if err != nil {
		return err
	}
	return idCall(w, r, http.StatusOK, false, func(ctx context.Context, id int64, _ struct{}) (cobuild.YearReport, error) {
		return s.Cobuild.UnitYearReport(ctx, id, year)
	})
}

func (s *Server) exportCobuildYearReport(w http.ResponseWriter, r *http.Request) error {
	year, err := s.cobuildYear(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.Cobuild.ExportUnitYearReport(r.Context(), func(title string) sheetexport.Target { return xlsxTarget(w, "cobuild-year-report", title) }, id, year)
}

func (s *Server) cobuildUnitTemplate(w http.ResponseWriter, _ *http.Request) error {
	return sendTemplate(w, "cobuild-units-template", "共建单位导入模板", cobuild.UnitTemplate)
}

func (s *Server) importCobuildUnits(w http.ResponseWriter, r *http.Request) error {
	return s.runImport(w, r, "cobuild_units", cobuild.UnitImportColumns(), s.Cobuild.ImportUnits)
}

func (s *Server) cobuildNeedTemplate(w http.ResponseWriter, _ *http.Request) error {
	return sendTemplate(w, "cobuild-needs-template", "需求清单导入模板", cobuild.NeedTemplate)
}

func (s *Server) importCobuildNeeds(w http.ResponseWriter, r *http.Request) error {
	return s.runImport(w, r, "cobuild_needs", cobuild.NeedImportColumns(), s.Cobuild.ImportNeeds)
}

func (s *Server) cobuildResourceTemplate(w http.ResponseWriter, _ *http.Request) error {
	return sendTemplate(w, "cobuild-resources-template", "资源清单导入模板", cobuild.ResourceTemplate)
}

func (s *Server) importCobuildResources(w http.ResponseWriter, r *http.Request) error {
	return s.runImport(w, r, "cobuild_resources", cobuild.ResourceImportColumns(), s.Cobuild.ImportResources)
}

// ---- alliances ----

func allianceFilter(r *http.Request, paged bool) (cobuild.AllianceFilter, error) {
	f, err := cobuildQuery(r, paged)
	return cobuild.AllianceFilter{RegionCode: r.URL.Query().Get("region_code"), Q: f.Q, Sort: f.Sort, Page: f.Page}, err
}

func (s *Server) listCobuildAlliances(w http.ResponseWriter, r *http.Request) error {
	f, err := allianceFilter(r, true)
	if err != nil {
		return err
	}
	items, total, err := s.Cobuild.ListAlliances(r.Context(), f)
	return respondPage(w, cobuild.ListFilter{Page: f.Page}, items, total, err)
}

func (s *Server) exportCobuildAlliances(w http.ResponseWriter, r *http.Request) error {
	f, err := allianceFilter(r, false)
	if err != nil {
		return err
	}
	items, _, err := s.Cobuild.ListAlliances(r.Context(), f)
	if err != nil {
		return err
	}
	var rows [][]any
	for _, a := range items {
		full, err := s.Cobuild.GetAlliance(r.Context(), a.ID)
		if err != nil {
			return err
		}
		if len(full.Members) == 0 {
			rows = append(rows, []any{a.Name, a.RegionName, a.LeadPartyOrg, a.MeetingCount, "", "", "", ""})
		}
		for _, m := range full.Members {
			rows = append(rows, []any{a.Name, a.RegionName, a.LeadPartyOrg, a.MeetingCount, m.UnitName, m.UnitKind, m.JoinedOn, deref(m.LeftOn)})
		}
	}
	return s.cobuildXLSX(w, r, "cobuild-alliances", "党建联盟", []string{"联盟名称", "所在区域", "牵头党组织", "联席会议次数", "成员单位", "单位类别", "加入日期", "退出日期"},
		[]float64{30, 16, 30, 12, 30, 12, 12, 12}, rows)
}

func (s *Server) createCobuildAlliance(w http.ResponseWriter, r *http.Request) error {
	return jsonCall(w, r, http.StatusCreated, s.Cobuild.CreateAlliance)
}

func (s *Server) getCobuildAlliance(w http.ResponseWriter, r *http.Request) error {
	return idCall(w, r, http.StatusOK, false, noIn(s.Cobuild.GetAlliance))
}

func (s *Server) updateCobuildAlliance(w http.ResponseWriter, r *http.Request) error {
	return idCall(w, r, http.StatusOK, true, s.Cobuild.UpdateAlliance)
}

func (s *Server) addCobuildMember(w http.ResponseWriter, r *http.Request) error {
	return idCall(w, r, http.StatusCreated, true, s.Cobuild.AddMember)
}

func (s *Server) removeCobuildMember(w http.ResponseWriter, r *http.Request) error {
	mid, err := pathID(r, "membership_id")
	if err != nil {
		return err
	}
	return idCall(w, r, http.StatusOK, true, func(ctx context.Context, id int64, in cobuild.LeaveInput) (cobuild.Alliance, error) {
		return s.Cobuild.RemoveMember(ctx, id, mid, in)
	})
}

func (s *Server) listCobuildMeetings(w http.ResponseWriter, r *http.Request) error {
	return idCall(w, r, http.StatusOK, false, func(ctx context.Context, id int64, _ struct{}) (list[cobuild.Meeting], error) {
		ms, err := s.Cobuild.ListMeetings(ctx, id)
		return list[cobuild.Meeting]{Items: ms}, err
	})
}

func (s *Server) recordCobuildMeeting(w http.ResponseWriter, r *http.Request) error {
	return idCall(w, r, http.StatusCreated, true, s.Cobuild.RecordMeeting)
}

func (s *Server) followCobuildDecision(w http.ResponseWriter, r *http.Request) error {
	did, err := pathID(r, "decision_id")
	if err != nil {
		return err
	}
	return idCall(w, r, http.StatusCreated, true, func(ctx context.Context, id int64, in cobuild.FollowInput) (cobuild.Decision, error) {
		return s.Cobuild.FollowDecision(ctx, id, did, in)
	})
}

// ---- 双报到 ----

func reportFilter(r *http.Request, paged bool) (cobuild.ReportFilter, error) {
	f, err := cobuildQuery(r, paged)
	return cobuild.ReportFilter{Kind: r.URL.Query().Get("kind"), CommunityCode: f.CommunityCode, UnitID: f.UnitID, Q: f.Q, Sort: f.Sort, Page: f.Page}, err
}

func (s *Server) listCobuildReports(w http.ResponseWriter, r *http.Request) error {
	f, err := reportFilter(r, true)
	if err != nil {
		return err
	}
	items, total, err := s.Cobuild.ListReports(r.Context(), f)
	return respondPage(w, cobuild.ListFilter{Page: f.Page}, items, total, err)
}

func (s *Server) exportCobuildReports(w http.ResponseWriter, r *http.Request) error {
	f, err := reportFilter(r, false)
	if err != nil {
		return err
	}
	items, _, err := s.Cobuild.ListReports(r.Context(), f)
	if err != nil {
		return err
	}
	rows := make([][]any, len(items))
	for i, x := range items {
		name := x.UnitName
		if x.Kind == "member" {
			name = x.PersonName
		}
		rows[i] = []any{x.ID, x.KindName, name, x.PersonUnit, x.PersonPhone, x.CommunityName, x.ReportedOn, x.YearTimes, x.YearHours}
	}
	return s.cobuildXLSX(w, r, "cobuild-reports", "双报到", []string{"编号", "类别", "单位/党员", "工作单位", "联系电话", "报到社区", "报到日期", "今年参与次数", "今年服务时长（小时）"},
		[]float64{8, 14, 24, 24, 14, 20, 12, 12, 16}, rows)
}

func (s *Server) createCobuildReport(w http.ResponseWriter, r *http.Request) error {
	return jsonCall(w, r, http.StatusCreated, s.Cobuild.CreateReport)
}

func (s *Server) getCobuildReport(w http.ResponseWriter, r *http.Request) error {
	return idCall(w, r, http.StatusOK, false, noIn(s.Cobuild.GetReport))
}

func (s *Server) revealCobuildReportPhone(w http.ResponseWriter, r *http.Request) error {
	return idCall(w, r, http.StatusOK, false, noIn(s.Cobuild.RevealReportPhone))
}

func (s *Server) listCobuildParticipations(w http.ResponseWriter, r *http.Request) error {
	return idCall(w, r, http.StatusOK, false, func(ctx context.Context, id int64, _ struct{}) (list[cobuild.Participation], error) {
		ps, err := s.Cobuild.Participations(ctx, id)
		return list[cobuild.Participation]{Items: ps}, err
	})
}

func (s *Server) addCobuildParticipation(w http.ResponseWriter, r *http.Request) error {
	return idCall(w, r, http.StatusCreated, true, s.Cobuild.AddParticipation)
}

func (s *Server) cobuildCounts(r *http.Request) (int, []cobuild.CommunityCount, error) {
	year, err := s.cobuildYear(r)
	if err != nil {
		return 0, nil, err
	}
	out, err := s.Cobuild.CommunityCounts(r.Context(), year, r.URL.Query().Get("region_code"))
	return year, out, err
}

func (s *Server) cobuildCommunityCounts(w http.ResponseWriter, r *http.Request) error {
	_, out, err := s.cobuildCounts(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[cobuild.CommunityCount]{Items: out})
	return nil
}

func (s *Server) exportCobuildCommunityCounts(w http.ResponseWriter, r *http.Request) error {
	year, out, err := s.cobuildCounts(r)
	if err != nil {
		return err
	}
	rows := make([][]any, len(out))
	for i, c := range out {
		rows[i] = []any{c.StreetName, c.CommunityName, c.Units, c.ActiveUnits, c.Members, c.ActiveMembers, c.Participations, c.Hours, c.RatedUnits, c.AverageRating}
	}
	return s.cobuildXLSX(w, r, "cobuild-community-counts", fmt.Sprintf("%d年双报到统计", year),
		[]string{"街道", "社区", "报到单位", "活跃单位", "报到党员", "活跃党员", "参与人次", "服务时长（小时）", "已考核单位", "平均得分"},
		[]float64{16, 20, 10, 10, 10, 10, 10, 14, 10, 10}, rows)
}

func (s *Server) cobuildRatings(r *http.Request) (int, []cobuild.Rating, error) {
	year, err := s.cobuildYear(r)
	if err != nil {
		return 0, nil, err
	}
	out, err := s.Cobuild.Ratings(r.Context(), year, r.URL.Query().Get("region_code"))
	return year, out, err
}

func (s *Server) listCobuildRatings(w http.ResponseWriter, r *http.Request) error {
	_, out, err := s.cobuildRatings(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[cobuild.Rating]{Items: out})
	return nil
}

func (s *Server) exportCobuildRatings(w http.ResponseWriter, r *http.Request) error {
	year, out, err := s.cobuildRatings(r)
	if err != nil {
		return err
	}
	rows := make([][]any, len(out))
	for i, x := range out {
		rows[i] = []any{x.CommunityName, x.UnitName, x.Year, x.Score, x.GradeName, x.Comment, x.RatedBy, x.RatedAt}
	}
	return s.cobuildXLSX(w, r, "cobuild-ratings", fmt.Sprintf("%d年双向考核", year), []string{"社区", "单位", "年度", "得分", "等次", "评价意见", "考核人", "考核时间"},
		[]float64{20, 30, 8, 8, 10, 40, 12, 20}, rows)
}

func (s *Server) rateCobuildUnit(w http.ResponseWriter, r *http.Request) error {
	return jsonCall(w, r, http.StatusCreated, s.Cobuild.Rate)
}

// ---- agreements and the three lists ----

func (s *Server) listCobuildAgreements(w http.ResponseWriter, r *http.Request) error {
	f, err := cobuildQuery(r, true)
	if err != nil {
		return err
	}
	items, total, err := s.Cobuild.ListAgreements(r.Context(), f)
	return respondPage(w, f, items, total, err)
}

func (s *Server) exportCobuildAgreements(w http.ResponseWriter, r *http.Request) error {
	f, err := cobuildQuery(r, false)
	if err != nil {
		return err
	}
	items, _, err := s.Cobuild.ListAgreements(r.Context(), f)
	if err != nil {
		return err
	}
	rows := make([][]any, len(items))
	for i, x := range items {
		rows[i] = []any{x.ID, x.Title, x.CommunityName, x.UnitName, x.StartsOn, x.EndsOn, x.StateName, x.Needs, x.Resources, x.Projects, x.Content}
	}
	return s.cobuildXLSX(w, r, "cobuild-agreements", "共建协议", []string{"编号", "协议名称", "社区", "共建单位", "开始日期", "结束日期", "状态", "需求数", "资源数", "项目数", "共建内容"},
		[]float64{8, 30, 20, 30, 12, 12, 10, 8, 8, 8, 50}, rows)
}

func (s *Server) createCobuildAgreement(w http.ResponseWriter, r *http.Request) error {
	return jsonCall(w, r, http.StatusCreated, s.Cobuild.CreateAgreement)
}

func (s *Server) getCobuildAgreement(w http.ResponseWriter, r *http.Request) error {
	return idCall(w, r, http.StatusOK, false, noIn(s.Cobuild.GetAgreement))
}

func (s *Server) updateCobuildAgreement(w http.ResponseWriter, r *http.Request) error {
	return idCall(w, r, http.StatusOK, true, s.Cobuild.UpdateAgreement)
}

func (s *Server) listCobuildNeeds(w http.ResponseWriter, r *http.Request) error {
	f, err := cobuildQuery(r, true)
	if err != nil {
		return err
	}
	items, total, err := s.Cobuild.ListNeeds(r.Context(), f)
	return respondPage(w, f, items, total, err)
}

func (s *Server) listUnmatchedNeeds(w http.ResponseWriter, r *http.Request) error {
	f, err := cobuildQuery(r, true)
	if err != nil {
		return err
	}
	items, total, err := s.Cobuild.Unmatched(r.Context(), f)
	return respondPage(w, f, items, total, err)
}

func (s *Server) exportCobuildNeeds(w http.ResponseWriter, r *http.Request) error {
	f, err := cobuildQuery(r, false)
	if err != nil {
		return err
	}
	items, _, err := s.Cobuild.ListNeeds(r.Context(), f)
	if err != nil {
		return err
	}
	rows := make([][]any, len(items))
	for i, x := range items {
		rows[i] = []any{x.ID, x.Title, x.CategoryName, x.CommunityName, x.Requester, x.UrgencyName, x.StateName, x.Detail, x.CreatedAt}
	}
	return s.cobuildXLSX(w, r, "cobuild-needs", "需求清单", []string{"编号", "需求名称", "类别", "社区", "需求对象", "紧急程度", "状态", "需求说明", "登记时间"},
		[]float64{8, 30, 12, 20, 20, 10, 10, 40, 20}, rows)
}

func (s *Server) createCobuildNeed(w http.ResponseWriter, r *http.Request) error {
	return jsonCall(w, r, http.StatusCreated, s.Cobuild.CreateNeed)
}

func (s *Server) getCobuildNeed(w http.ResponseWriter, r *http.Request) error {
	return idCall(w, r, http.StatusOK, false, noIn(s.Cobuild.GetNeed))
}

func (s *Server) updateCobuildNeed(w http.ResponseWriter, r *http.Request) error {
	return idCall(w, r, http.StatusOK, true, s.Cobuild.UpdateNeed)
}

func (s *Server) suggestCobuildResources(w http.ResponseWriter, r *http.Request) error {
	return idCall(w, r, http.StatusOK, false, func(ctx context.Context, id int64, _ struct{}) (list[cobuild.Resource], error) {
		rs, err := s.Cobuild.Suggest(ctx, id)
		return list[cobuild.Resource]{Items: rs}, err
	})
}

func (s *Server) listCobuildResources(w http.ResponseWriter, r *http.Request) error {
	f, err := cobuildQuery(r, true)
	if err != nil {
		return err
	}
	items, total, err := s.Cobuild.ListResources(r.Context(), f)
	return respondPage(w, f, items, total, err)
}

func (s *Server) exportCobuildResources(w http.ResponseWriter, r *http.Request) error {
	f, err := cobuildQuery(r, false)
	if err != nil {
		return err
	}
	items, _, err := s.Cobuild.ListResources(r.Context(), f)
	if err != nil {
		return err
	}
	rows := make([][]any, len(items))
	for i, x := range items {
		rows[i] = []any{x.ID, x.Title, x.CategoryName, x.UnitName, x.RegionName, x.Quantity, deref(x.AvailableFrom), deref(x.AvailableTo), x.StateName, x.CreatedAt}
	}
	return s.cobuildXLSX(w, r, "cobuild-resources", "资源清单", []string{"编号", "资源名称", "类别", "提供单位", "所在区域", "数量", "可提供开始", "可提供截止", "状态", "登记时间"},
		[]float64{8, 30, 12, 30, 16, 14, 12, 12, 10, 20}, rows)
}

func (s *Server) createCobuildResource(w http.ResponseWriter, r *http.Request) error {
	return jsonCall(w, r, http.StatusCreated, s.Cobuild.CreateResource)
}

func (s *Server) getCobuildResource(w http.ResponseWriter, r *http.Request) error {
	return idCall(w, r, http.StatusOK, false, noIn(s.Cobuild.GetResource))
}

func (s *Server) updateCobuildResource(w http.ResponseWriter, r *http.Request) error {
	return idCall(w, r, http.StatusOK, true, s.Cobuild.UpdateResource)
}

func (s *Server) listCobuildProjects(w http.ResponseWriter, r *http.Request) error {
	f, err := cobuildQuery(r, true)
	if err != nil {
		return err
	}
	items, total, err := s.Cobuild.ListProjects(r.Context(), f)
	return respondPage(w, f, items, total, err)
}

func (s *Server) exportCobuildProjects(w http.ResponseWriter, r *http.Request) error {
	f, err := cobuildQuery(r, false)
	if err != nil {
		return err
	}
	items, _, err := s.Cobuild.ListProjects(r.Context(), f)
	if err != nil {
		return err
	}
	rows := make([][]any, len(items))
	for i, x := range items {
		rows[i] = []any{x.ID, x.Title, x.CommunityName, x.Owner, x.StartsOn, x.EndsOn, x.StatusName, x.Result}
	}
	return s.cobuildXLSX(w, r, "cobuild-projects", "项目清单", []string{"编号", "项目名称", "社区", "负责人", "开始日期", "结束日期", "状态", "成效"},
		[]float64{8, 30, 20, 12, 12, 12, 10, 50}, rows)
}

func (s *Server) createCobuildProject(w http.ResponseWriter, r *http.Request) error {
	return jsonCall(w, r, http.StatusCreated, s.Cobuild.CreateProject)
}

func (s *Server) getCobuildProject(w http.ResponseWriter, r *http.Request) error {
	return idCall(w, r, http.StatusOK, false, noIn(s.Cobuild.GetProject))
}

func (s *Server) updateCobuildProject(w http.ResponseWriter, r *http.Request) error {
	return idCall(w, r, http.StatusOK, true, s.Cobuild.UpdateProject)
}

// uploadCobuildFile is POST /cobuild-projects/{id}/files: one file in the part "file".
func (s *Server) uploadCobuildFile(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	tooBig := apperr.InvalidField("file", fmt.Sprintf("每个佐证材料不能超过 %d MB", cobuild.MaxFileBytes>>20))
	mr, err := r.MultipartReader()
	if err != nil {
		return &apperr.Error{Kind: apperr.KindUnsupportedMedia, Code: "unsupported_media_type", Message: "请以 multipart/form-data 上传文件（字段名 file）"}
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return apperr.InvalidField("file", "请选择要上传的文件")
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return tooBig
			}
			return apperr.InvalidField("file", "上传的数据不完整")
		}
		if part.FormName() != "file" {
			continue
		}
		f, err := s.Cobuild.AddFile(r.Context(), id, part.FileName(), part)
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return tooBig
			}
			return err
		}
		writeJSON(w, http.StatusCreated, f)
		return nil
	}
}

func (s *Server) cobuildFile(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	fid, err := pathID(r, "file_id")
	if err != nil {
		return err
	}
	f, data, err := s.Cobuild.OpenFile(r.Context(), id, fid)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="cobuild-file-%d"; filename*=UTF-8''%s`, f.ID, urlEscape(f.Name)))
	_, err = w.Write(data)
	return err
}
