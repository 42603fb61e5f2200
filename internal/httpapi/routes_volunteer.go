package httpapi

import (
	"liangxin/internal/auth"
	"liangxin/internal/volunteer"
)

// volunteerRoutes lists the routes of 志愿服务与时间银行 (issue 14 items 4,
// 5 and the volunteering share of 7). Staff use service.read, service.write
// and service.settings, as for 微心愿; a party member (role member) uses
// member.self for its own share under /api/v1/me.
func (s *Server) volunteerRoutes() []Route {
	const tag = "志愿服务与时间银行"
	read, write, settings, self := auth.PermServiceRead, auth.PermServiceWrite, auth.PermServiceSettings, auth.PermMemberSelf
	types := map[string]queryParamSpec{
		"q":           qStr("关键词（名称、地点或姓名模糊匹配）"),
		"region_code": qStr("行政区划代码（社区，含下级）"),
		"kind":        qEnum(volunteer.KindCodes(), "活动类别：elderly 助老、environment 环保、lecture 宣讲、aid 帮扶、civility 文明实践、other 其他"),
		"team_id":     qInt(1, 1<<53, "服务队 ID"),
		"from":        qDate("活动开始日期起（含）"),
		"to":          qDate("活动开始日期止（含）"),
		"status":      qEnum([]string{"open", "cancelled"}, "活动状态：open 进行中、cancelled 已取消"),
		"year":        qInt(2000, 2100, "年度（默认今年）"),
		"limit":       qInt(1, 100, "名次数（默认 20）"),
		"account_id":  qInt(1, 1<<53, "时间银行账户 ID"),
		"active":      qBool("只看可兑换的（上架且有库存）"),
	}
	accTypes := map[string]queryParamSpec{
		"q": types["q"], "region_code": types["region_code"],
		"kind": qEnum([]string{volunteer.AccMember, volunteer.AccPerson}, "账户类别：member 党员、person 登记志愿者"),
		"sort": qEnum(volunteer.AccountSorts(), "排序：balance_desc 余额从高到低（默认）、hours_desc 今年服务时长从高到低、name_asc 姓名"),
	}
	entryTypes := map[string]queryParamSpec{
		"account_id": types["account_id"], "year": types["year"],
		"kind": qEnum(volunteer.EntryKindCodes(), "记录类别：earn 服务获得、redeem_reserve 兑换冻结、redeem_post 兑换完成、redeem_void 兑换取消、transfer 家庭转赠、expire 到期清零、reversal 冲销"),
	}
	redTypes := map[string]queryParamSpec{
		"account_id": types["account_id"],
		"status":     qEnum([]string{volunteer.RedReserved, volunteer.RedPosted, volunteer.RedVoided}, "兑换状态：reserved 待兑付、posted 已兑付、voided 已取消"),
	}
	actQuery := []string{"q", "kind", "team_id", "from", "to", "status"}
	return []Route{
		{Method: "GET", Path: "/api/v1/volunteer-options", Perm: read, Tag: tag, Summary: "志愿活动类别、时间银行记录类别、兑换状态等选项", Response: "VolunteerOptions", handler: s.volunteerOptions},
		{Method: "GET", Path: "/api/v1/timebank/settings", Perm: read, Tag: tag, Summary: "时间银行设置：家庭转赠、积分有效期、微心愿计入时长", Response: "TimebankSettings", handler: s.timebankSettings},
		{Method: "PUT", Path: "/api/v1/timebank/settings", Perm: settings, Tag: tag, Summary: "修改时间银行设置（区级；记入审计）", Request: "TimebankSettingsInput", Response: "TimebankSettings", handler: s.setTimebankSettings},
		{Method: "GET", Path: "/api/v1/timebank/rates", Perm: read, Tag: tag, Summary: "各类活动每小时积分标准（当前版本）", Response: "TimebankRateList", handler: s.timebankRates},
		{Method: "PUT", Path: "/api/v1/timebank/rates", Perm: settings, Tag: tag, Summary: "修改某类活动每小时积分标准（新增一个版本，此后确认的时长按新标准；区级）", Request: "TimebankRateInput", Response: "TimebankRate", handler: s.setTimebankRate},
		{Method: "POST", Path: "/api/v1/timebank/expire", Perm: settings, Tag: tag, Summary: "积分到期清零（按有效期设置，先进先出；区级；记入审计）", Response: "TimebankExpiry", handler: s.expireTimebank},

		{Method: "GET", Path: "/api/v1/volunteer/teams", Perm: read, Tag: tag, Summary: "党员服务队列表（按名称、社区筛选）", Query: []string{"q", "region_code", "page", "page_size"}, QueryTypes: types, Response: "VolunteerTeamPage", handler: s.listVolunteerTeams},
		{Method: "GET", Path: "/api/v1/volunteer/teams/export", Perm: read, Tag: tag, Summary: "导出党员服务队及队员（Excel）", Query: []string{"q", "region_code"}, QueryTypes: types, Response: "xlsx", handler: s.exportVolunteerTeams},
		{Method: "POST", Path: "/api/v1/volunteer/teams", Perm: write, Tag: tag, Summary: "成立党员服务队（队员从花名册选择）", Request: "VolunteerTeamInput", Response: "VolunteerTeam", Status: 201, handler: s.createVolunteerTeam},
		{Method: "GET", Path: "/api/v1/volunteer/teams/{id}", Perm: read, Tag: tag, Summary: "查看党员服务队及队员", Response: "VolunteerTeam", handler: s.getVolunteerTeam},
		{Method: "PUT", Path: "/api/v1/volunteer/teams/{id}", Perm: write, Tag: tag, Summary: "修改党员服务队及队员", Request: "VolunteerTeamInput", Response: "VolunteerTeam", handler: s.updateVolunteerTeam},
		{Method: "GET", Path: "/api/v1/volunteer/people", Perm: read, Tag: tag, Summary: "登记志愿者（非党员居民）列表，电话已脱敏", Query: []string{"q", "page", "page_size"}, QueryTypes: types, Response: "VolunteerPersonPage", handler: s.listVolunteerPeople},
		{Method: "POST", Path: "/api/v1/volunteer/people", Perm: write, Tag: tag, Summary: "登记志愿者（电话加密保存）并开立时间银行账户", Request: "VolunteerPersonInput", Response: "VolunteerPerson", Status: 201, handler: s.createVolunteerPerson},

		{Method: "GET", Path: "/api/v1/volunteer/activities", Perm: read, Tag: tag, Summary: "志愿活动列表（按类别、服务队、日期、状态、关键词筛选）", Query: append(append([]string{}, actQuery...), "page", "page_size"), QueryTypes: types, Response: "VolunteerActivityPage", handler: s.listVolunteerActivities},
		{Method: "GET", Path: "/api/v1/volunteer/activities/export", Perm: read, Tag: tag, Summary: "导出志愿活动（Excel，按列表的筛选条件）", Query: actQuery, QueryTypes: types, Response: "xlsx", handler: s.exportVolunteerActivities},
		{Method: "POST", Path: "/api/v1/volunteer/activities", Perm: write, Tag: tag, Summary: "发布志愿活动", Request: "VolunteerActivityInput", Response: "VolunteerActivity", Status: 201, handler: s.createVolunteerActivity},
		{Method: "GET", Path: "/api/v1/volunteer/activities/{id}", Perm: read, Tag: tag, Summary: "查看志愿活动", Response: "VolunteerActivity", handler: s.getVolunteerActivity},
		{Method: "PUT", Path: "/api/v1/volunteer/activities/{id}", Perm: write, Tag: tag, Summary: "修改志愿活动（招募人数不能少于已报名人数）", Request: "VolunteerActivityInput", Response: "VolunteerActivity", handler: s.updateVolunteerActivity},
		{Method: "POST", Path: "/api/v1/volunteer/activities/{id}/cancel", Perm: write, Tag: tag, Summary: "取消志愿活动（已确认的时长保留）", Response: "VolunteerActivity", handler: s.cancelVolunteerActivity},
		{Method: "GET", Path: "/api/v1/volunteer/activities/{id}/sign-in-code", Perm: write, Tag: tag, Summary: "现场签到二维码的当前签到码（服务器签名，每 30 秒更换）", Response: "VolunteerSignInCode", handler: s.volunteerSignInCode},
		{Method: "GET", Path: "/api/v1/volunteer/activities/{id}/participants", Perm: read, Tag: tag, Summary: "活动参与人：报名、签到、确认时长", Response: "VolunteerParticipantList", handler: s.listVolunteerParticipants},
		{Method: "GET", Path: "/api/v1/volunteer/activities/{id}/participants/export", Perm: read, Tag: tag, Summary: "导出活动参与人及确认时长（Excel）", Response: "xlsx", handler: s.exportVolunteerParticipants},
		{Method: "POST", Path: "/api/v1/volunteer/activities/{id}/participants", Perm: write, Tag: tag, Summary: "为党员或登记志愿者报名（名额已满时 409）", Request: "VolunteerParticipantInput", Response: "VolunteerParticipant", Status: 201, handler: s.signUpVolunteer},
		{Method: "POST", Path: "/api/v1/volunteer/activities/{id}/sign-ins", Perm: write, Tag: tag, Summary: "组织者手工签到（扫码不便时；重复签到不重复计数；记入审计）", Request: "VolunteerParticipantInput", Response: "VolunteerParticipant", handler: s.signInVolunteerManual},
		{Method: "POST", Path: "/api/v1/volunteer/activities/{id}/participants/{participant_id}/confirm", Perm: write, Tag: tag, Summary: "确认参与人的服务时长（默认计划时长，可修改），按活动类别积分标准计入时间银行", Request: "VolunteerConfirmInput", Response: "VolunteerParticipant", handler: s.confirmVolunteerHours},
		{Method: "POST", Path: "/api/v1/volunteer/activities/{id}/confirm-all", Perm: write, Tag: tag, Summary: "按计划时长确认全部已签到、未确认参与人的服务时长", Response: "VolunteerConfirmAll", handler: s.confirmAllVolunteerHours},

		{Method: "GET", Path: "/api/v1/timebank/accounts", Perm: read, Tag: tag, Summary: "时间银行账户：余额、待兑付、今年服务时长", Query: []string{"q", "region_code", "kind", "sort", "page", "page_size"}, QueryTypes: accTypes, Response: "TimebankAccountPage", handler: s.listTimebankAccounts},
		{Method: "GET", Path: "/api/v1/timebank/accounts/export", Perm: read, Tag: tag, Summary: "导出时间银行账户（Excel）", Query: []string{"q", "region_code", "kind", "sort"}, QueryTypes: accTypes, Response: "xlsx", handler: s.exportTimebankAccounts},
		{Method: "POST", Path: "/api/v1/timebank/member-accounts", Perm: read, Tag: tag, Summary: "查找（首次使用时开立）党员的时间银行账户", Request: "TimebankMemberAccountInput", Response: "TimebankAccount", handler: s.timebankMemberAccount},
		{Method: "GET", Path: "/api/v1/timebank/accounts/{id}", Perm: read, Tag: tag, Summary: "查看时间银行账户", Response: "TimebankAccount", handler: s.getTimebankAccount},
		{Method: "PUT", Path: "/api/v1/timebank/accounts/{id}/family", Perm: write, Tag: tag, Summary: "设置账户所属家庭（家庭编号相同的账户之间可转赠；记入审计）", Request: "TimebankFamilyInput", Response: "TimebankAccount", handler: s.setTimebankFamily},
		{Method: "GET", Path: "/api/v1/timebank/accounts/{id}/statement", Perm: read, Tag: tag, Summary: "个人年度对账单：期初、逐笔收支、期末、服务时长", Query: []string{"year"}, QueryTypes: types, Response: "TimebankStatement", handler: s.timebankStatement},
		{Method: "GET", Path: "/api/v1/timebank/accounts/{id}/statement/export", Perm: read, Tag: tag, Summary: "导出个人年度对账单（Excel）", Query: []string{"year"}, QueryTypes: types, Response: "xlsx", handler: s.exportTimebankStatement},
		{Method: "GET", Path: "/api/v1/timebank/entries", Perm: read, Tag: tag, Summary: "时间银行记账记录（复式：每笔两条以上分录，合计为零）", Query: []string{"account_id", "kind", "year", "page", "page_size"}, QueryTypes: entryTypes, Response: "TimebankEntryPage", handler: s.listTimebankEntries},
		{Method: "GET", Path: "/api/v1/timebank/entries/export", Perm: read, Tag: tag, Summary: "导出时间银行记账记录（Excel）", Query: []string{"account_id", "kind", "year"}, QueryTypes: entryTypes, Response: "xlsx", handler: s.exportTimebankEntries},
		{Method: "POST", Path: "/api/v1/timebank/entries/{id}/reverse", Perm: write, Tag: tag, Summary: "冲销一笔服务获得、转赠或清零记录（新记一笔相反分录，不修改原记录）", Request: "TimebankReverseInput", Response: "TimebankEntry", Status: 201, handler: s.reverseTimebankEntry},
		{Method: "POST", Path: "/api/v1/timebank/transfers", Perm: write, Tag: tag, Summary: "家庭成员之间转赠积分（须设置允许；余额不足时 409）", Request: "TimebankTransferInput", Response: "TimebankEntry", Status: 201, handler: s.transferTimebank},
		{Method: "GET", Path: "/api/v1/timebank/rewards", Perm: read, Tag: tag, Summary: "兑换目录：合作商家或党群服务中心提供的物品和服务", Query: []string{"active"}, QueryTypes: types, Response: "TimebankRewardList", handler: s.listTimebankRewards},
		{Method: "POST", Path: "/api/v1/timebank/rewards", Perm: write, Tag: tag, Summary: "新增兑换物品", Request: "TimebankRewardInput", Response: "TimebankReward", Status: 201, handler: s.createTimebankReward},
		{Method: "PUT", Path: "/api/v1/timebank/rewards/{id}", Perm: write, Tag: tag, Summary: "修改兑换物品（积分、库存、上下架）", Request: "TimebankRewardInput", Response: "TimebankReward", handler: s.updateTimebankReward},
		{Method: "GET", Path: "/api/v1/timebank/redemptions", Perm: read, Tag: tag, Summary: "兑换记录（按状态、账户筛选）", Query: []string{"status", "account_id", "page", "page_size"}, QueryTypes: redTypes, Response: "TimebankRedemptionPage", handler: s.listTimebankRedemptions},
		{Method: "POST", Path: "/api/v1/timebank/redemptions", Perm: write, Tag: tag, Summary: "为账户兑换物品（先冻结积分，兑付或取消后结清；积分不足或无库存时 409）", Request: "TimebankRedeemInput", Response: "TimebankRedemption", Status: 201, handler: s.redeemTimebank},
		{Method: "POST", Path: "/api/v1/timebank/redemptions/{id}/decide", Perm: write, Tag: tag, Summary: "兑付或取消一笔冻结中的兑换（取消须写原因，积分和库存退回）", Request: "TimebankDecideInput", Response: "TimebankRedemption", handler: s.decideTimebankRedemption},
		{Method: "GET", Path: "/api/v1/timebank/leaderboard", Perm: read, Tag: tag, Summary: "社区志愿服务排行榜（按年度服务时长、获得积分）", Query: []string{"region_code", "year", "limit"}, QueryTypes: types, Response: "TimebankLeaderboard", handler: s.timebankLeaderboard},
		{Method: "GET", Path: "/api/v1/imports/volunteer-hours/template", Perm: write, Tag: tag, Summary: "下载历史服务时长导入模板（Excel）", Response: "xlsx", handler: s.volunteerHoursTemplate},
		{Method: "POST", Path: "/api/v1/imports/volunteer-hours", Perm: write, Tag: tag, Summary: "导入历史服务时长（Excel；按身份证号或姓名+党组织匹配党员；全部成功才写入，出错时返回标注错误的表格）", Query: []string{"session"}, Upload: true, MaxBody: uploadLimit + 1<<20, Response: "ImportSession", handler: s.importVolunteerHours},

		{Method: "GET", Path: "/api/v1/me/volunteer", Perm: self, Tag: tag, Summary: "我的志愿服务：积分余额、今年服务时长、最近记录、可报名活动、兑换目录", Response: "VolunteerSummary", handler: s.myVolunteer},
		{Method: "POST", Path: "/api/v1/me/volunteer/activities/{id}/signup", Perm: self, Tag: tag, Summary: "我报名志愿活动（名额已满时 409）", Response: "VolunteerParticipant", Status: 201, handler: s.mySignUp},
		{Method: "POST", Path: "/api/v1/me/volunteer/sign-in", Perm: self, Tag: tag, Summary: "扫码签到（签到码 30 秒更换，过期的码不能使用；重复签到不重复计数）", Request: "VolunteerSignInInput", Response: "VolunteerParticipant", handler: s.mySignIn},
		{Method: "POST", Path: "/api/v1/me/timebank/redeem", Perm: self, Tag: tag, Summary: "我用积分兑换物品（先冻结，兑付后结清）", Request: "TimebankRedeemSelfInput", Response: "TimebankRedemption", Status: 201, handler: s.myRedeem},
	}
}

// TimebankMemberAccountInput names a roster member.
type TimebankMemberAccountInput struct {
	MemberID int64 `json:"member_id"`
}

// TimebankRedeemSelfInput names the reward a member redeems.
type TimebankRedeemSelfInput struct {
	RewardID int64 `json:"reward_id"`
}

// volunteerSchemas are the OpenAPI bodies of volunteerRoutes.
func volunteerSchemas() map[string]any {
	return map[string]any{
		"VolunteerOptions":           schemaOf(volunteer.Options{}),
		"TimebankSettings":           schemaOf(volunteer.Settings{}),
		"TimebankSettingsInput":      schemaOf(volunteer.SettingsInput{}),
		"TimebankRateList":           schemaOf(list[volunteer.Rate]{}),
		"TimebankRate":               schemaOf(volunteer.Rate{}),
		"TimebankRateInput":          schemaOf(volunteer.RateInput{}),
		"TimebankExpiry":             schemaOf(volunteer.ExpiryResult{}),
		"VolunteerTeamPage":          schemaOf(page[volunteer.Team]{}),
		"VolunteerTeam":              schemaOf(volunteer.Team{}),
		"VolunteerTeamInput":         schemaOf(volunteer.TeamInput{}),
		"VolunteerPersonPage":        schemaOf(page[volunteer.Person]{}),
		"VolunteerPerson":            schemaOf(volunteer.Person{}),
		"VolunteerPersonInput":       schemaOf(volunteer.PersonInput{}),
		"VolunteerActivityPage":      schemaOf(page[volunteer.Activity]{}),
		"VolunteerActivity":          schemaOf(volunteer.Activity{}),
		"VolunteerActivityInput":     schemaOf(volunteer.ActivityInput{}),
		"VolunteerSignInCode":        schemaOf(volunteer.SignInCode{}),
		"VolunteerParticipantList":   schemaOf(list[volunteer.Participant]{}),
		"VolunteerParticipant":       schemaOf(volunteer.Participant{}),
		"VolunteerParticipantInput":  schemaOf(volunteer.ParticipantInput{}),
		"VolunteerConfirmInput":      schemaOf(volunteer.ConfirmInput{}),
		"VolunteerConfirmAll":        schemaOf(volunteer.ConfirmAllResult{}),
		"VolunteerSignInInput":       schemaOf(volunteer.SignInInput{}),
		"VolunteerSummary":           schemaOf(volunteer.Summary{}),
		"TimebankAccountPage":        schemaOf(page[volunteer.Account]{}),
		"TimebankAccount":            schemaOf(volunteer.Account{}),
		"TimebankMemberAccountInput": schemaOf(TimebankMemberAccountInput{}),
		"TimebankFamilyInput":        schemaOf(volunteer.FamilyInput{}),
		"TimebankStatement":          schemaOf(volunteer.Statement{}),
		"TimebankEntryPage":          schemaOf(page[volunteer.Entry]{}),
		"TimebankEntry":              schemaOf(volunteer.Entry{}),
		"TimebankReverseInput":       schemaOf(volunteer.ReverseInput{}),
		"TimebankTransferInput":      schemaOf(volunteer.TransferInput{}),
		"TimebankRewardList":         schemaOf(list[volunteer.Reward]{}),
		"TimebankReward":             schemaOf(volunteer.Reward{}),
		"TimebankRewardInput":        schemaOf(volunteer.RewardInput{}),
		"TimebankRedemptionPage":     schemaOf(page[volunteer.Redemption]{}),
		"TimebankRedemption":         schemaOf(volunteer.Redemption{}),
		"TimebankRedeemInput":        schemaOf(volunteer.RedeemInput{}),
		"TimebankRedeemSelfInput":    schemaOf(TimebankRedeemSelfInput{}),
		"TimebankDecideInput":        schemaOf(volunteer.DecideInput{}),
		"TimebankLeaderboard":        schemaOf(list[volunteer.LeaderRow]{}),
	}
}
