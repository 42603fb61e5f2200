package httpapi

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/sheetexport"
	"liangxin/internal/store"
	"liangxin/internal/volunteer"
)

// volInt reads an optional integer query parameter in [min, max].
func volInt(q url.Values, name, label string, min, max int64, bad *apperr.Error) int64 {
	v := q.Get(name)
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < min || n > max {
		bad.Field(name, fmt.Sprintf("%s应为 %d–%d 的整数", label, min, max))
		return 0
	}
	return n
}

// volEnum reads an optional code query parameter from a fixed set.
func volEnum(q url.Values, name, label string, allowed []string, bad *apperr.Error) string {
	v := q.Get(name)
	if v != "" && !slices.Contains(allowed, v) {
		bad.Field(name, label+"不在可选范围内")
		return ""
	}
	return v
}

// volDate reads an optional YYYY-MM-DD query parameter.
func volDate(q url.Values, name, label string, bad *apperr.Error) string {
	v := q.Get(name)
	if v == "" {
		return ""
	}
	if _, err := time.Parse(store.DateFormat, v); err != nil {
		bad.Field(name, label+"应为 YYYY-MM-DD 格式的日期")
		return ""
	}
	return v
}

// volText reads an optional free-text query parameter (at most 100 characters).
func volText(q url.Values, name string, bad *apperr.Error) string {
	v := q.Get(name)
	if len([]rune(v)) > 100 {
		bad.Field(name, "关键词不能超过 100 个字")
		return ""
	}
	return v
}

func (s *Server) volYear(q url.Values, bad *apperr.Error) int {
	y := int(volInt(q, "year", "年度", 2000, 2100, bad))
	if y == 0 {
		y = s.Volunteer.ThisYear()
	}
	return y
}

func (s *Server) volunteerOptions(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, volunteer.GetOptions())
	return nil
}

func (s *Server) timebankSettings(w http.ResponseWriter, r *http.Request) error {
	out, err := s.Volunteer.GetSettings(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) setTimebankSettings(w http.ResponseWriter, r *http.Request) error {
	var in volunteer.SettingsInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Volunteer.SetSettings(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) timebankRates(w http.ResponseWriter, r *http.Request) error {
	out, err := s.Volunteer.ListRates(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[volunteer.Rate]{Items: out})
	return nil
}

func (s *Server) setTimebankRate(w http.ResponseWriter, r *http.Request) error {
	var in volunteer.RateInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Volunteer.SetRate(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) expireTimebank(w http.ResponseWriter, r *http.Request) error {
	out, err := s.Volunteer.ExpireSweep(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// ---- teams and people

func (s *Server) teamFilter(r *http.Request, paged bool) (volunteer.TeamFilter, error) {
	q := r.URL.Query()
	bad := apperr.Invalid()
	f := volunteer.TeamFilter{Q: volText(q, "q", bad), RegionCode: volText(q, "region_code", bad)}
	if paged {
		pagingErrors(r, bad)
	}
	if err := bad.OrNil(); err != nil {
		return f, err
	}
	if paged {
		f.Page, f.PageSize, _ = pageParams(r)
	}
	return f, nil
}

func (s *Server) listVolunteerTeams(w http.ResponseWriter, r *http.Request) error {
	f, err := s.teamFilter(r, true)
	if err != nil {
		return err
	}
	items, total, err := s.Volunteer.ListTeams(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, f.Page, f.PageSize))
	return nil
}

func (s *Server) exportVolunteerTeams(w http.ResponseWriter, r *http.Request) error {
	f, err := s.teamFilter(r, false)
	if err != nil {
		return err
	}
	return s.Volunteer.ExportTeams(r.Context(), pathTarget(w, "volunteer-teams", "党员服务队"), f)
}

func (s *Server) createVolunteerTeam(w http.ResponseWriter, r *http.Request) error {
	var in volunteer.TeamInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Volunteer.CreateTeam(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) getVolunteerTeam(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := s.Volunteer.GetTeam(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) updateVolunteerTeam(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in volunteer.TeamInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Volunteer.UpdateTeam(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) listVolunteerPeople(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	bad := apperr.Invalid()
	text := volText(q, "q", bad)
	pagingErrors(r, bad)
	if err := bad.OrNil(); err != nil {
		return err
	}
	p, size, _ := pageParams(r)
	items, total, err := s.Volunteer.ListPeople(r.Context(), text, p, size)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, p, size))
	return nil
}

func (s *Server) createVolunteerPerson(w http.ResponseWriter, r *http.Request) error {
	var in volunteer.PersonInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Volunteer.CreatePerson(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// ---- activities

func (s *Server) activityFilter(r *http.Request, paged bool) (volunteer.ActivityFilter, error) {
	q := r.URL.Query()
	bad := apperr.Invalid()
	f := volunteer.ActivityFilter{Q: volText(q, "q", bad), Kind: volEnum(q, "kind", "活动类别", volunteer.KindCodes(), bad),
		TeamID: volInt(q, "team_id", "服务队", 1, 1<<53, bad), From: volDate(q, "from", "开始日期", bad), To: volDate(q, "to", "结束日期", bad),
		Status: volEnum(q, "status", "活动状态", []string{"open", "cancelled"}, bad)}
	if paged {
		pagingErrors(r, bad)
	}
	if err := bad.OrNil(); err != nil {
		return f, err
	}
	if paged {
		f.Page, f.PageSize, _ = pageParams(r)
	}
	return f, nil
}

func (s *Server) listVolunteerActivities(w http.ResponseWriter, r *http.Request) error {
	f, err := s.activityFilter(r, true)
	if err != nil {
		return err
	}
	items, total, err := s.Volunteer.ListActivities(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, f.Page, f.PageSize))
	return nil
}

func (s *Server) exportVolunteerActivities(w http.ResponseWriter, r *http.Request) error {
	f, err := s.activityFilter(r, false)
	if err != nil {
		return err
	}
	return s.Volunteer.ExportActivities(r.Context(), pathTarget(w, "volunteer-activities", "志愿活动"), f)
}

func (s *Server) createVolunteerActivity(w http.ResponseWriter, r *http.Request) error {
	var in volunteer.ActivityInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Volunteer.CreateActivity(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) getVolunteerActivity(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := s.Volunteer.GetActivity(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) updateVolunteerActivity(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in volunteer.ActivityInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Volunteer.UpdateActivity(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) cancelVolunteerActivity(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := s.Volunteer.CancelActivity(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) volunteerSignInCode(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := s.Volunteer.SignInToken(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) listVolunteerParticipants(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := s.Volunteer.ListParticipants(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[volunteer.Participant]{Items: out})
	return nil
}

func (s *Server) exportVolunteerParticipants(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.Volunteer.ExportParticipants(r.Context(), pathTarget(w, fmt.Sprintf("volunteer-participants-%d", id), "志愿活动参与人"), id)
}

func (s *Server) signUpVolunteer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in volunteer.ParticipantInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Volunteer.SignUp(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) signInVolunteerManual(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in volunteer.ParticipantInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Volunteer.SignInManual(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) confirmVolunteerHours(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pid, err := pathID(r, "participant_id")
	if err != nil {
		return err
	}
	var in volunteer.ConfirmInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Volunteer.ConfirmHours(r.Context(), id, pid, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) confirmAllVolunteerHours(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := s.Volunteer.ConfirmAll(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// ---- time bank

func (s *Server) accountFilter(r *http.Request, paged bool) (volunteer.AccountFilter, error) {
	q := r.URL.Query()
	bad := apperr.Invalid()
	f := volunteer.AccountFilter{Q: volText(q, "q", bad), RegionCode: volText(q, "region_code", bad),
		Kind: volEnum(q, "kind", "账户类别", []string{volunteer.AccMember, volunteer.AccPerson}, bad), Sort: volEnum(q, "sort", "排序", volunteer.AccountSorts(), bad)}
	if paged {
		pagingErrors(r, bad)
	}
	if err := bad.OrNil(); err != nil {
		return f, err
	}
	if paged {
		f.Page, f.PageSize, _ = pageParams(r)
	}
	return f, nil
}

func (s *Server) listTimebankAccounts(w http.ResponseWriter, r *http.Request) error {
	f, err := s.accountFilter(r, true)
	if err != nil {
		return err
	}
	items, total, err := s.Volunteer.ListAccounts(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, f.Page, f.PageSize))
	return nil
}

func (s *Server) exportTimebankAccounts(w http.ResponseWriter, r *http.Request) error {
	f, err := s.accountFilter(r, false)
	if err != nil {
		return err
	}
	return s.Volunteer.ExportAccounts(r.Context(), pathTarget(w, "timebank-accounts", "时间银行账户"), f)
}

func (s *Server) timebankMemberAccount(w http.ResponseWriter, r *http.Request) error {
	var in TimebankMemberAccountInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.MemberID <= 0 {
		return apperr.InvalidField("member_id", "请选择党员")
	}
	out, err := s.Volunteer.AccountForMember(r.Context(), in.MemberID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) getTimebankAccount(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := s.Volunteer.GetAccount(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) setTimebankFamily(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in volunteer.FamilyInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Volunteer.SetFamily(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// statementParams reads the account and year of a statement and its export.
func (s *Server) statementParams(r *http.Request) (int64, int, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, 0, err
	}
	bad := apperr.Invalid()
	y := s.volYear(r.URL.Query(), bad)
	return id, y, bad.OrNil()
}

func (s *Server) statementOf(r *http.Request) (volunteer.Statement, error) {
	id, y, err := s.statementParams(r)
	if err != nil {
		return volunteer.Statement{}, err
	}
	return s.Volunteer.GetStatement(r.Context(), id, y)
}

func (s *Server) timebankStatement(w http.ResponseWriter, r *http.Request) error {
	st, err := s.statementOf(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// exportTimebankStatement writes a person's yearly statement: the entries
// with their effect and running balance, then the hours.
func (s *Server) exportTimebankStatement(w http.ResponseWriter, r *http.Request) error {
	id, y, err := s.statementParams(r)
	if err != nil {
		return err
	}
	return s.Volunteer.ExportStatement(r.Context(), func(title string) sheetexport.Target {
		return pathTarget(w, fmt.Sprintf("timebank-statement-%d-%d", id, y), title)
	}, id, y)
}

func (s *Server) entryFilter(r *http.Request, paged bool) (volunteer.EntryFilter, error) {
	q := r.URL.Query()
	bad := apperr.Invalid()
	f := volunteer.EntryFilter{AccountID: volInt(q, "account_id", "账户", 1, 1<<53, bad), Kind: volEnum(q, "kind", "记录类别", volunteer.EntryKindCodes(), bad),
		Year: int(volInt(q, "year", "年度", 2000, 2100, bad))}
	if paged {
		pagingErrors(r, bad)
	}
	if err := bad.OrNil(); err != nil {
		return f, err
	}
	if paged {
		f.Page, f.PageSize, _ = pageParams(r)
	}
	return f, nil
}

func (s *Server) listTimebankEntries(w http.ResponseWriter, r *http.Request) error {
	f, err := s.entryFilter(r, true)
	if err != nil {
		return err
	}
	items, total, err := s.Volunteer.ListEntries(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, f.Page, f.PageSize))
	return nil
}

func (s *Server) exportTimebankEntries(w http.ResponseWriter, r *http.Request) error {
	f, err := s.entryFilter(r, false)
	if err != nil {
		return err
	}
	return s.Volunteer.ExportEntries(r.Context(), pathTarget(w, "timebank-entries", "时间银行记录"), f)
}

func (s *Server) reverseTimebankEntry(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in volunteer.ReverseInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Volunteer.Reverse(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) transferTimebank(w http.ResponseWriter, r *http.Request) error {
	var in volunteer.TransferInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Volunteer.Transfer(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) listTimebankRewards(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	active := false
	switch q.Get("active") {
	case "", "false":
	case "true":
		active = true
	default:
		return apperr.InvalidField("active", "active 应为 true 或 false")
	}
	out, err := s.Volunteer.ListRewards(r.Context(), active)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[volunteer.Reward]{Items: out})
	return nil
}

func (s *Server) createTimebankReward(w http.ResponseWriter, r *http.Request) error {
	var in volunteer.RewardInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Volunteer.CreateReward(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) updateTimebankReward(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in volunteer.RewardInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Volunteer.UpdateReward(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) listTimebankRedemptions(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	bad := apperr.Invalid()
	f := volunteer.RedemptionFilter{Status: volEnum(q, "status", "兑换状态", []string{volunteer.RedReserved, volunteer.RedPosted, volunteer.RedVoided}, bad),
		AccountID: volInt(q, "account_id", "账户", 1, 1<<53, bad)}
	pagingErrors(r, bad)
	if err := bad.OrNil(); err != nil {
		return err
	}
	f.Page, f.PageSize, _ = pageParams(r)
	items, total, err := s.Volunteer.ListRedemptions(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, f.Page, f.PageSize))
	return nil
}

func (s *Server) redeemTimebank(w http.ResponseWriter, r *http.Request) error {
	var in volunteer.RedeemInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Volunteer.Redeem(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) decideTimebankRedemption(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in volunteer.DecideInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Volunteer.Decide(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) timebankLeaderboard(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	bad := apperr.Invalid()
	region := volText(q, "region_code", bad)
	y := s.volYear(q, bad)
	limit := volInt(q, "limit", "名次数", 1, 100, bad)
	if err := bad.OrNil(); err != nil {
		return err
	}
	out, err := s.Volunteer.Leaderboard(r.Context(), region, y, int(limit))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[volunteer.LeaderRow]{Items: out})
	return nil
}

func (s *Server) volunteerHoursTemplate(w http.ResponseWriter, r *http.Request) error {
	return sendTemplate(w, "volunteer-hours-template", "历史服务时长导入模板", volunteer.ImportTemplate)
}

func (s *Server) importVolunteerHours(w http.ResponseWriter, r *http.Request) error {
	return s.runImport(w, r, "volunteer_hours", volunteer.ImportColumns(), s.Volunteer.ImportHours)
}

// ---- the member's own share (role member)

func myMemberID(r *http.Request) (int64, error) {
	a, _ := actor.From(r.Context())
	if a.MemberID == 0 {
		return 0, apperr.Forbidden()
	}
	return a.MemberID, nil
}

func (s *Server) myVolunteer(w http.ResponseWriter, r *http.Request) error {
	mid, err := myMemberID(r)
	if err != nil {
		return err
	}
	out, err := s.Volunteer.MemberSummary(r.Context(), mid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) mySignUp(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	out, err := s.Volunteer.SignUpSelf(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) mySignIn(w http.ResponseWriter, r *http.Request) error {
	var in volunteer.SignInInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Volunteer.SignInSelf(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) myRedeem(w http.ResponseWriter, r *http.Request) error {
	var in TimebankRedeemSelfInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Volunteer.RedeemSelf(r.Context(), in.RewardID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}
