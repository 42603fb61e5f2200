// Package auth holds users, roles, passwords, sessions, API tokens and the
// permission table. Every query it makes about users is scoped to the caller.
package auth

// Role codes (stable API values).
const (
	RoleSystemAdmin   = "system_admin"
	RoleSecurityAdmin = "security_admin"
	RoleAuditAdmin    = "audit_admin"
	RoleDistrict      = "district"
	RoleStreet        = "street"
	RolePartyOrg      = "party_org"
	RoleInstructor    = "instructor"
	// RoleHandler is 承办单位经办人: bound to one 订单式服务 handler unit
	// (users.handler_unit_id), it sees and acts on the requests currently
	// transferred to that unit only.
	RoleHandler = "handler"
	// RoleMember is a party member using the system themselves (issue 14):
	// bound to one roster entry (users.member_id), it reaches its own record,
	// meetings, dues, hours and activities only (PermMemberSelf).
	RoleMember   = "member"
	RoleReadonly = "readonly"
	// RoleNone is an account without a business role: what the system
	// administrator creates, and what a password reset leaves, until the
	// security administrator grants a role. It holds only PermSelf.
	RoleNone = "none"
)

// Role describes one role.
type Role struct {
	Code string `json:"code"`
	Name string `json:"name"`
	// Assignable is false for the three administrators (三员), whose accounts
	// are managed from the server console only.
	Assignable bool `json:"assignable"`
}

// Roles lists every role in display order.
func Roles() []Role {
	return []Role{
		{RoleSystemAdmin, "系统管理员", false},
		{RoleSecurityAdmin, "安全管理员", false},
		{RoleAuditAdmin, "审计管理员", false},
		{RoleDistrict, "区两新工委", true},
		{RoleStreet, "街道/综合党委", true},
		{RolePartyOrg, "党组织书记/党务工作者", true},
		{RoleInstructor, "党建指导员", true},
		{RoleHandler, "承办单位经办人", true},
		// Members come through activation codes only (member accounts,
		// issue 14), never from the user screen.
		{RoleMember, "党员", false},
		{RoleReadonly, "只读", true},
		{RoleNone, "未授权", true},
	}
}

// RoleName returns the Chinese name of a role code ("" if unknown).
func RoleName(code string) string {
	for _, r := range Roles() {
		if r.Code == code {
			return r.Name
		}
	}
	return ""
}

// Perm is a permission a route requires.
type Perm string

// Permissions.
const (
	// PermPublic needs no login.
	PermPublic Perm = "public"
	// PermSelf is any logged-in user acting on their own account (me, password, tokens).
	PermSelf Perm = "self"
	// PermRegionRead reads the region tree inside the caller's scope.
	PermRegionRead Perm = "region.read"
	// PermRegionWrite adds, renames and removes areas (商圈/楼宇/园区/网格).
	PermRegionWrite Perm = "region.write"
	// PermUserRead lists and views user accounts (system and security administrators).
	PermUserRead Perm = "user.read"
	// PermUserAccount creates accounts (without a role), renames, disables and
	// enables them, resets passwords, unlocks and ends sessions: the system
	// administrator's share of 三员分立.
	PermUserAccount Perm = "user.account"
	// PermUserGrant grants and revokes roles, scopes and party-organization
	// bindings: the security administrator's share. It never sets passwords.
	PermUserGrant Perm = "user.grant"
	// PermAuditRead reads and exports the audit trail.
	PermAuditRead Perm = "audit.read"
	// PermLedgerRead reads the 两新 ledger: organizations, party organizations,
	// instructors, coverage and work lists, inside the caller's scope.
	PermLedgerRead Perm = "ledger.read"
	// PermLedgerWrite changes the ledger inside the caller's scope.
	PermLedgerWrite Perm = "ledger.write"
	// PermLedgerSettings changes jurisdiction-wide ledger settings (the coverage
	// scope rule). Like every jurisdiction-wide permission, it also needs a
	// caller scoped at the jurisdiction root (JurisdictionWide).
	PermLedgerSettings Perm = "ledger.settings"
	// PermMemberRead reads party members (roster, transfers, dues, development)
	// of the party organizations in the caller's scope, with personal data masked.
	PermMemberRead Perm = "member.read"
	// PermMemberWrite records members, transfers, dues payments and development steps.
	PermMemberWrite Perm = "member.write"
	// PermMemberReveal shows 身份证号 and phone numbers in full (each view audited).
	PermMemberReveal Perm = "member.reveal"
	// PermMemberSettings changes jurisdiction-wide member settings (dues rate
	// table, refund policy, 公示 length).
	PermMemberSettings Perm = "member.settings"
	// PermOrgLifeRead reads organizational life: meetings, compliance, terms,
	// assessment results, weak-branch signals, pairs and honours.
	PermOrgLifeRead Perm = "orglife.read"
	// PermOrgLifeWrite records meetings, elections, rectification and pair activities.
	PermOrgLifeWrite Perm = "orglife.write"
	// PermOrgLifeSettings changes the jurisdiction-wide rules of organizational
	// life and assessment: the required meeting frequencies and the 软弱涣散
	// signal thresholds.
	PermOrgLifeSettings Perm = "orglife.settings"
	// PermInstructorWork is a 党建指导员's own work: its record, the
	// organizations it is assigned to, its visits and what is due. The
	// instructor role holds only this (and only for the record its account
	// is bound to); the district and the street hold it for every
	// instructor in their scope, so that they record visits for anyone.
	PermInstructorWork Perm = "instructor.work"
	// PermAssessManage sets indicator sheets for the caller's own region, runs
	// and closes assessment rounds, designates weak branches and pairs.
	PermAssessManage Perm = "assess.manage"
	// PermServiceRead reads 订单式服务 requests, their timelines and the
	// handler units inside the caller's scope (phones masked).
	PermServiceRead Perm = "service.read"
	// PermServiceWrite takes requests in and moves them through their life
	// cycle (做单, 转单, 办结, 回单…), registers handler units and reveals
	// a requester's phone (audited).
	PermServiceWrite Perm = "service.write"
	// PermServiceSettings changes the jurisdiction-wide service rules: request
	// categories and their deadlines, the holiday calendar, the reopen window.
	PermServiceSettings Perm = "service.settings"
	// PermServiceHandle is the share of a handler unit (承办单位经办人): the
	// requests currently transferred to the unit its account is bound to,
	// their timelines, and the handler's steps (办结, 退回). The handler role
	// holds only this.
	PermServiceHandle Perm = "service.handle"
	// PermMemberSelf is a party member's own share (role member): its own
	// record, meetings, dues, volunteer hours and sign-ins, nothing else.
	PermMemberSelf Perm = "member.self"
	// PermVenueRead reads the venue register (阵地), rooms and bookings in
	// the caller's scope (manager phones masked).
	PermVenueRead Perm = "venue.read"
	// PermVenueWrite registers and changes venues and rooms, books and
	// cancels rooms, and reveals a manager's phone (audited).
	PermVenueWrite Perm = "venue.write"
	// PermContractRead reads the purchase-of-services contracts (购买服务)
	// with social organizations in the caller's scope and their evaluations.
	PermContractRead Perm = "contract.read"
	// PermContractWrite records and changes contracts and records their
	// four-party evaluations.
	PermContractWrite Perm = "contract.write"
	// PermContractSettings changes the jurisdiction-wide evaluation weights
	// and grade thresholds (a new version each time).
	PermContractSettings Perm = "contract.settings"
	// PermWorkRead reads the work loop in the caller's scope: 工作提示 and
	// 学习清单 with their receipt statistics, 挂牌销号 tasks, supervision plans.
	PermWorkRead Perm = "workloop.read"
	// PermWorkWrite writes and publishes notices, lists tasks (挂牌) and
	// accepts (销号) or sends them back, plans supervision and records its
	// visits: the district's share.
	PermWorkWrite Perm = "workloop.write"
	// PermWorkRespond is the receiving side: marks notices read (a party
	// organization's receipt) and study items done, records progress on its
	// tasks and asks to close them, records findings as rectified.
	PermWorkRespond Perm = "workloop.respond"
	// PermVenueSettings adds versions of the venue standards (达标标准:
	// 六有, 六个一 …); jurisdiction-wide.
	PermVenueSettings Perm = "venue.settings"
	// PermFundsRead reads 经费保障 in the caller's scope: standards,
	// entitlements, the journal, receipts, 孵化基金 applications, reports.
	PermFundsRead Perm = "funds.read"
	// PermFundsWrite recomputes entitlements, records allocations, spending,
	// reversals and receipts, and moves 孵化基金 applications, in scope.
	PermFundsWrite Perm = "funds.write"
	// PermFundsSettings sets the yearly funding standards (district only).
	PermFundsSettings Perm = "funds.settings"
	// PermCobuildRead reads 区域化共建 in the caller's scope: co-building
	// units (phones masked), alliances and their meetings, 双报到 records,
	// participation, ratings and the three lists.
	PermCobuildRead Perm = "cobuild.read"
	// PermCobuildWrite registers units and alliances, records meetings,
	// reports, participation and ratings, keeps the three lists, imports
	// them and reveals a contact's phone (audited).
	PermCobuildWrite Perm = "cobuild.write"
	// PermBriefingRead reads the monthly 通报 of the caller's scope (district,
	// streets, read-only); writing them is PermWorkWrite (the district).
	PermBriefingRead Perm = "briefing.read"
)

// JurisdictionWide reports whether p changes rules that apply to the whole
// jurisdiction. Holding the permission is not enough: the caller must also be
// scoped at the jurisdiction root and not bound to a party organization (the
// district itself); the HTTP edge checks this for every route that needs p.
func JurisdictionWide(p Perm) bool {
	return p == PermLedgerSettings || p == PermMemberSettings || p == PermOrgLifeSettings || p == PermServiceSettings ||
		p == PermContractSettings || p == PermVenueSettings || p == PermFundsSettings
}

// rolePerms is the permission table. 三员分立: the system administrator
// creates accounts (without a role) and manages passwords; the security
// administrator grants roles and scopes and cannot set passwords; the audit
// administrator reads the trail and nothing else. None of the three holds a
// business permission (ledger, members, organizational life): none of them
// reads personal data.
func rolePerms(role string) []Perm {
	switch role {
	case RoleSystemAdmin:
		return []Perm{PermRegionRead, PermRegionWrite, PermUserRead, PermUserAccount}
	case RoleSecurityAdmin:
		return []Perm{PermRegionRead, PermUserRead, PermUserGrant}
	case RoleAuditAdmin:
		return []Perm{PermAuditRead}
	case RoleDistrict:
		return []Perm{PermRegionRead, PermRegionWrite, PermLedgerRead, PermLedgerWrite, PermLedgerSettings,
			PermMemberRead, PermMemberWrite, PermMemberReveal, PermMemberSettings,
			PermOrgLifeRead, PermOrgLifeWrite, PermOrgLifeSettings, PermAssessManage, PermInstructorWork,
			PermServiceRead, PermServiceWrite, PermServiceSettings, PermVenueRead, PermVenueWrite,
			PermContractRead, PermContractWrite, PermContractSettings, PermWorkRead, PermWorkWrite, PermVenueSettings,
			PermFundsRead, PermFundsWrite, PermFundsSettings, PermCobuildRead, PermCobuildWrite, PermBriefingRead}
	case RoleStreet:
		return []Perm{PermRegionRead, PermRegionWrite, PermLedgerRead, PermLedgerWrite,
			PermMemberRead, PermMemberWrite, PermMemberReveal,
			PermOrgLifeRead, PermOrgLifeWrite, PermAssessManage, PermInstructorWork,
			PermServiceRead, PermServiceWrite, PermVenueRead, PermVenueWrite, PermContractRead, PermContractWrite, PermWorkRead, PermWorkRespond, PermFundsRead, PermFundsWrite,
			PermCobuildRead, PermCobuildWrite, PermBriefingRead}
	case RolePartyOrg:
		return []Perm{PermRegionRead, PermLedgerRead, PermMemberRead, PermMemberWrite, PermMemberReveal,
			PermOrgLifeRead, PermOrgLifeWrite, PermWorkRead, PermWorkRespond, PermCobuildRead}
	case RoleInstructor:
		// Bound to one instructor record (users.instructor_id): nothing of
		// the ledger but its own record, assignments and visits.
		return []Perm{PermInstructorWork}
	case RoleHandler:
		// Bound to one handler unit (users.handler_unit_id): nothing of the
		// ledger, only the requests currently transferred to the unit.
		return []Perm{PermServiceHandle}
	case RoleMember:
		// Bound to one roster entry (users.member_id): its own record,
		// meetings, dues, wishes and volunteering, nothing else.
		return []Perm{PermMemberSelf}
	case RoleReadonly:
		return []Perm{PermRegionRead, PermLedgerRead, PermMemberRead, PermOrgLifeRead, PermServiceRead, PermVenueRead, PermContractRead, PermWorkRead, PermFundsRead, PermCobuildRead, PermBriefingRead}
	}
	return nil
}

// Can reports whether role holds perm. PermPublic and PermSelf hold for every valid role.
func Can(role string, p Perm) bool {
	if RoleName(role) == "" {
		return false
	}
	if p == PermPublic || p == PermSelf {
		return true
	}
	for _, q := range rolePerms(role) {
		if q == p {
			return true
		}
	}
	return false
}

// Perms lists the permissions of a role, for the UI.
func Perms(role string) []Perm {
	return append([]Perm{PermSelf}, rolePerms(role)...)
}
