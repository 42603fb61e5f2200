package httpapi

import (
	"liangxin/internal/auth"
	"liangxin/internal/memberself"
)

// memberSelfRoutes lists the routes of 党员账号 (issue 14 item 6): the
// secretary's activation codes and account switch (member.write in scope),
// the public activation, and the member's own pages under /api/v1/me/member
// (member.self: each reads the caller's own roster entry only).
func (s *Server) memberSelfRoutes() []Route {
	const tag = "党员账号"
	self := auth.PermMemberSelf
	year := map[string]queryParamSpec{"year": qInt(2000, 2100, "年度（默认今年）")}
	return []Route{
		{Method: "POST", Path: "/api/v1/members/{id}/activation-code", Perm: auth.PermMemberWrite, Tag: tag, Summary: "为党员签发账号激活码（只显示一次；有效期默认 7 天；重新签发后此前未使用的激活码作废）", Response: "MemberActivationCode", Status: 201, handler: s.issueActivationCode},
		{Method: "GET", Path: "/api/v1/members/{id}/account", Perm: auth.PermMemberRead, Tag: tag, Summary: "党员账号状态（是否已开通、是否停用、未使用的激活码有效期）", Response: "MemberAccountStatus", handler: s.memberAccountStatus},
		{Method: "POST", Path: "/api/v1/members/{id}/account/disable", Perm: auth.PermMemberWrite, Tag: tag, Summary: "停用党员账号（强制下线，未使用的激活码作废；重新签发激活码后可再次开通）", Response: "MemberAccountStatus", handler: s.disableMemberAccount},
		{Method: "POST", Path: "/api/v1/public/member-activation", Perm: auth.PermPublic, Tag: tag, Summary: "党员凭激活码和身份证号后 6 位（或手机号后 4 位）开通账号并设置密码（无需登录；同一地址限频；连续输错锁定激活码）", Request: "MemberActivateInput", Response: "MemberActivated", Status: 201, MaxBody: publicMaxBody, handler: s.activateMember},

		{Method: "GET", Path: "/api/v1/me/member", Perm: self, Tag: tag, Summary: "我的党员信息（本人，个人信息脱敏）及报到社区", Response: "MyMemberProfile", handler: s.myMemberProfile},
		{Method: "GET", Path: "/api/v1/me/member/meetings", Perm: self, Tag: tag, Summary: "我的组织生活：本人所在党组织某年的会议及本人出勤", Query: []string{"year"}, QueryTypes: year, Response: "MyMeetingYear", handler: s.myMeetings},
		{Method: "GET", Path: "/api/v1/me/member/meetings/{id}", Perm: self, Tag: tag, Summary: "我的一次会议（其他党组织的会议为 404）", Response: "MyMeeting", handler: s.myMeeting},
		{Method: "POST", Path: "/api/v1/me/member/meetings/{id}/sign-in", Perm: self, Tag: tag, Summary: "会议当天本人签到（记为出席；重复签到不重复记录；其他党组织的会议为 404，非当天 422）", Response: "MyMeeting", handler: s.mySignInMeeting},
		{Method: "GET", Path: "/api/v1/me/member/dues", Perm: self, Tag: tag, Summary: "我的党费：某年各月应交、已交", Query: []string{"year"}, QueryTypes: year, Response: "DuesMemberYear", handler: s.myDues},
		{Method: "GET", Path: "/api/v1/me/member/wishes", Perm: self, Tag: tag, Summary: "可认领的微心愿（本人党组织所在区域）和我认领的微心愿", Response: "MyWishBoard", handler: s.myWishes},
		{Method: "POST", Path: "/api/v1/me/member/wishes/{id}/claim", Perm: self, Tag: tag, Summary: "以本人名义认领微心愿（带版本号；同时认领时只有一人成功，其余 409）", Request: "MyWishClaim", Response: "MyWish", handler: s.claimMyWish},
	}
}

func memberSelfSchemas() map[string]any {
	return map[string]any{
		"MemberActivationCode": schemaOf(memberself.Issued{}),
		"MemberAccountStatus":  schemaOf(memberself.AccountStatus{}),
		"MemberActivateInput":  requiring(schemaOf(memberself.ActivateInput{}), "code", "identity", "username", "password"),
		"MemberActivated":      schemaOf(memberself.Activated{}),
		"MyMemberProfile":      schemaOf(memberself.Profile{}),
		"MyMeetingYear":        schemaOf(memberself.MeetingYear{}),
		"MyMeeting":            schemaOf(memberself.MyMeeting{}),
		"MyWishBoard":          schemaOf(memberself.WishBoard{}),
		"MyWishClaim":          requiring(schemaOf(memberself.ClaimInput{}), "version"),
		"MyWish":               schemaOf(memberself.MyWish{}),
	}
}
