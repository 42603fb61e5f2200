// Package httpapi is the HTTP edge: the route table (with the permission each
// route needs), middleware, handlers, the OpenAPI document and the embedded UI.
package httpapi

import (
	"context"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/assess"
	"liangxin/internal/audit"
	"liangxin/internal/auth"
	"liangxin/internal/briefing"
	"liangxin/internal/cobuild"
	"liangxin/internal/coverage"
	"liangxin/internal/dangtong"
	"liangxin/internal/develop"
	"liangxin/internal/dues"
	"liangxin/internal/funds"
	"liangxin/internal/home"
	"liangxin/internal/instructor"
	"liangxin/internal/meeting"
	"liangxin/internal/member"
	"liangxin/internal/memberself"
	"liangxin/internal/notify"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/purchase"
	"liangxin/internal/readcache"
	"liangxin/internal/region"
	"liangxin/internal/servicereq"
	"liangxin/internal/sheetimport"
	"liangxin/internal/store"
	"liangxin/internal/venue"
	"liangxin/internal/volunteer"
	"liangxin/internal/wish"
	"liangxin/internal/workloop"
)

// SessionCookie is the name of the session cookie.
const SessionCookie = "liangxin_session"

// CSRFHeader carries the CSRF token on unsafe requests made with a cookie session.
const CSRFHeader = "X-CSRF-Token"

// Server holds what the handlers need.
type Server struct {
	DB *store.DB
	// ReadCache keeps encoded report responses (nil: none).
	ReadCache     *readcache.Cache
	Auth          *auth.Service
	Regions       *region.Service
	Orgs          *org.Service
	Party         *partyorg.Service
	Instr         *instructor.Service
	Cover         *coverage.Service
	Imports       *sheetimport.Jobs
	Members       *member.Service
	Dues          *dues.Service
	Develop       *develop.Service
	Meet          *meeting.Service
	Assess        *assess.Service
	Services      *servicereq.Service
	Venues        *venue.Service
	Inbox         *notify.Inbox
	Contracts     *purchase.Service
	Work          *workloop.Service
	Wishes        *wish.Service
	Dangtong      *dangtong.Service
	Briefing      *briefing.Service
	Funds         *funds.Service
	Home          *home.Service
	Cobuild       *cobuild.Service
	MemberSelf    *memberself.Service
	Volunteer     *volunteer.Service
	Audit         *audit.Logger
	Log           *slog.Logger
	Version       string
	UI            fs.FS // built UI (may be nil)
	SecureCookies string
	TrustProxy    bool
	// TempDir is a private folder for temporary files that may hold
	// uploaded personal data (left-overs deleted at start-up); empty = os.TempDir().
	TempDir string
	// PublicLimits bounds the public page's calls per client address
	// (zero fields: the defaults).
	PublicLimits PublicLimits

	// Metrics are further Prometheus collectors served on /metrics (the
	// leader election, the read replica).
	Metrics []prometheus.Collector
	// NodeStatus, when set, adds this node's role (leader or follower) and
	// the read replica's state to /readyz.
	NodeStatus func() map[string]any

	limiter *limiter

	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// Route is one API endpoint.
type Route struct {
	Method string
	Path   string // stdlib ServeMux pattern path, e.g. /api/v1/regions/{code}
	Perm   auth.Perm
	// AltPerm, when set, also opens the route: a 党建指导员's own record
	// and work (auth.PermInstructorWork) beside the ledger readers.
	AltPerm auth.Perm
	Summary string // Chinese, for the OpenAPI document
	Tag     string
	// DuringPasswordChange allows the route while the user must still change
	// the initial or expired password.
	DuringPasswordChange bool
	Request              string // OpenAPI schema name of the JSON body, if any
	Response             string // OpenAPI schema name of the success body, if any
	Status               int    // success status (200 if zero)
	Query                []string
	// RequiredQuery names the query parameters the handler refuses to go
	// without (422); the document marks them required.
	RequiredQuery []string
	// QueryTypes documents a parameter whose type differs on this route
	// from the common one in queryParams.
	QueryTypes map[string]queryParamSpec
	// MaxBody overrides the JSON body limit (uploads).
	MaxBody int64
	// Upload marks a multipart/form-data request with a "file" part.
	Upload  bool
	handler func(w http.ResponseWriter, r *http.Request) error
}

// Routes lists every API endpoint with the permission it needs: the core and
// ledger routes here, then each domain area's own list (routes_*.go).
func (s *Server) Routes() []Route {
	var rs []Route
	rs = append(rs, s.coreRoutes()...)
	rs = append(rs, s.ledgerExchangeRoutes()...)
	rs = append(rs, s.memberRoutes()...)
	rs = append(rs, s.transferRoutes()...)
	rs = append(rs, s.duesRoutes()...)
	rs = append(rs, s.developRoutes()...)
	rs = append(rs, s.meetingRoutes()...)
	rs = append(rs, s.assessRoutes()...)
	rs = append(rs, s.instructorAchieveRoutes()...)
	rs = append(rs, s.serviceRoutes()...)
	rs = append(rs, s.venueRoutes()...)
	rs = append(rs, s.notifyRoutes()...)
	rs = append(rs, s.contractRoutes()...)
	rs = append(rs, s.workRoutes()...)
	rs = append(rs, s.wishRoutes()...)
	rs = append(rs, s.publicRoutes()...)
	rs = append(rs, s.dangtongRoutes()...)
	rs = append(rs, s.fundsRoutes()...)
	rs = append(rs, s.homeRoutes()...)
	rs = append(rs, s.cobuildRoutes()...)
	rs = append(rs, s.briefingRoutes()...)
	rs = append(rs, s.memberSelfRoutes()...)
	rs = append(rs, s.volunteerRoutes()...)
	return rs
}

// coreRoutes are the foundation and ledger routes.
func (s *Server) coreRoutes() []Route {
	return []Route{
		{Method: "POST", Path: "/api/v1/auth/login", Perm: auth.PermPublic, Tag: "认证", Summary: "登录", Request: "LoginRequest", Response: "SessionResponse", handler: s.login},
		{Method: "POST", Path: "/api/v1/auth/logout", Perm: auth.PermSelf, Tag: "认证", Summary: "退出登录", DuringPasswordChange: true, Status: 204, handler: s.logout},
		{Method: "GET", Path: "/api/v1/auth/me", Perm: auth.PermSelf, Tag: "认证", Summary: "当前用户", DuringPasswordChange: true, Response: "SessionResponse", handler: s.me},
		{Method: "POST", Path: "/api/v1/auth/password", Perm: auth.PermSelf, Tag: "认证", Summary: "修改本人密码", DuringPasswordChange: true, Request: "PasswordChange", Response: "SessionResponse", handler: s.changePassword},

		{Method: "GET", Path: "/api/v1/system", Perm: auth.PermSelf, Tag: "系统", Summary: "系统信息（名称、版本、辖区）", DuringPasswordChange: true, Response: "SystemInfo", handler: s.system},
		{Method: "GET", Path: "/api/v1/roles", Perm: auth.PermSelf, Tag: "系统", Summary: "角色列表", Response: "RoleList", handler: s.roles},

		{Method: "GET", Path: "/api/v1/regions", Perm: auth.PermRegionRead, Tag: "区划", Summary: "按名称或代码搜索区划", Query: []string{"q", "page", "page_size"}, Response: "RegionPage", handler: s.searchRegions},
		{Method: "GET", Path: "/api/v1/regions/scope", Perm: auth.PermRegionRead, Tag: "区划", Summary: "本人管辖范围的根区划", Response: "Region", handler: s.scopeRegion},
		{Method: "GET", Path: "/api/v1/regions/area-kinds", Perm: auth.PermRegionRead, Tag: "区划", Summary: "片区类型", Response: "AreaKindList", handler: s.areaKinds},
		{Method: "GET", Path: "/api/v1/regions/{code}", Perm: auth.PermRegionRead, Tag: "区划", Summary: "查看区划", Response: "Region", handler: s.getRegion},
		{Method: "GET", Path: "/api/v1/regions/{code}/children", Perm: auth.PermRegionRead, Tag: "区划", Summary: "下级区划", Response: "RegionList", handler: s.regionChildren},
		{Method: "GET", Path: "/api/v1/regions/{code}/tree", Perm: auth.PermRegionRead, Tag: "区划", Summary: "区划树（含下级，可指定层数）", Query: []string{"depth"}, Response: "RegionTree", handler: s.regionTree},
		{Method: "GET", Path: "/api/v1/regions/{code}/stats", Perm: auth.PermRegionRead, Tag: "区划", Summary: "区划统计", Response: "RegionStats", handler: s.regionStats},
		{Method: "POST", Path: "/api/v1/regions/{code}/areas", Perm: auth.PermRegionWrite, Tag: "区划", Summary: "新增片区（商圈/楼宇/园区/网格）", Request: "AreaCreate", Response: "Region", Status: 201, handler: s.createArea},
		{Method: "PATCH", Path: "/api/v1/regions/{code}", Perm: auth.PermRegionWrite, Tag: "区划", Summary: "修改片区名称", Request: "AreaUpdate", Response: "Region", handler: s.renameArea},
		{Method: "DELETE", Path: "/api/v1/regions/{code}", Perm: auth.PermRegionWrite, Tag: "区划", Summary: "删除片区", Status: 204, handler: s.deleteArea},

		{Method: "GET", Path: "/api/v1/users", Perm: auth.PermUserRead, Tag: "用户", Summary: "用户列表", Query: []string{"q", "role", "page", "page_size"}, Response: "UserPage", handler: s.listUsers},
		{Method: "POST", Path: "/api/v1/users", Perm: auth.PermUserAccount, Tag: "用户", Summary: "新建账户（无业务角色，初始密码随机生成、只显示一次；由安全管理员授权）", Request: "UserCreate", Response: "UserCreated", Status: 201, handler: s.createUser},
		{Method: "GET", Path: "/api/v1/users/party-org-options", Perm: auth.PermUserGrant, Tag: "用户", Summary: "可绑定给党组织书记账户的党组织（按名称搜索）", Query: []string{"q"}, Response: "PartyOrgOptionList", handler: s.partyOrgOptions},
		{Method: "GET", Path: "/api/v1/users/instructor-options", Perm: auth.PermUserGrant, Tag: "用户", Summary: "可绑定给党建指导员账户的指导员记录（按姓名或单位搜索）", Query: []string{"q"}, Response: "InstructorOptionList", handler: s.instructorOptions},
		{Method: "GET", Path: "/api/v1/users/{id}", Perm: auth.PermUserRead, Tag: "用户", Summary: "查看用户", Response: "User", handler: s.getUser},
		{Method: "PATCH", Path: "/api/v1/users/{id}", Perm: auth.PermUserAccount, Tag: "用户", Summary: "修改账户（姓名、停用/启用）", Request: "UserPatch", Response: "User", handler: s.updateUser},
		{Method: "PUT", Path: "/api/v1/users/{id}/grant", Perm: auth.PermUserGrant, Tag: "用户", Summary: "授予或撤销角色、管辖范围、绑定党组织（安全管理员）", Request: "UserGrant", Response: "User", handler: s.grantUser},
		{Method: "POST", Path: "/api/v1/users/{id}/reset-password", Perm: auth.PermUserAccount, Tag: "用户", Summary: "重置密码（同时撤销业务角色，待安全管理员重新授权）", Response: "PasswordReset", handler: s.resetPassword},
		{Method: "POST", Path: "/api/v1/users/{id}/unlock", Perm: auth.PermUserAccount, Tag: "用户", Summary: "解锁账户", Status: 204, handler: s.unlockUser},
		{Method: "POST", Path: "/api/v1/users/{id}/revoke-sessions", Perm: auth.PermUserAccount, Tag: "用户", Summary: "强制下线", Status: 204, handler: s.revokeSessions},

		{Method: "GET", Path: "/api/v1/tokens", Perm: auth.PermSelf, Tag: "API 令牌", Summary: "本人的 API 令牌", Response: "TokenList", handler: s.listTokens},
		{Method: "POST", Path: "/api/v1/tokens", Perm: auth.PermSelf, Tag: "API 令牌", Summary: "新建 API 令牌（只显示一次）", Request: "TokenCreate", Response: "TokenCreated", Status: 201, handler: s.createToken},
		{Method: "DELETE", Path: "/api/v1/tokens/{id}", Perm: auth.PermSelf, Tag: "API 令牌", Summary: "吊销 API 令牌", Status: 204, handler: s.revokeToken},

		{Method: "GET", Path: "/api/v1/audit", Perm: auth.PermAuditRead, Tag: "审计", Summary: "审计日志（对象的中文名称、详情字段的中文标签、查看完整个人信息时的对象）", Query: []string{"action", "username", "result", "from", "to", "entity", "entity_id", "page", "page_size"}, Response: "AuditPage", handler: s.listAudit},
		{Method: "GET", Path: "/api/v1/audit/actions", Perm: auth.PermAuditRead, Tag: "审计", Summary: "审计操作类型", Response: "ActionList", handler: s.auditActions},
		{Method: "GET", Path: "/api/v1/audit/export", Perm: auth.PermAuditRead, Tag: "审计", Summary: "导出审计日志（Excel）", Query: []string{"action", "username", "result", "from", "to", "entity", "entity_id"}, Response: "xlsx", handler: s.exportAudit},

		{Method: "GET", Path: "/api/v1/organizations", Perm: auth.PermLedgerRead, Tag: "两新组织", Summary: "两新组织台账（搜索、筛选、排序、分页）", Query: orgQuery, QueryTypes: orgQueryTypes, Response: "OrganizationPage", handler: s.listOrganizations},
		{Method: "POST", Path: "/api/v1/organizations", Perm: auth.PermLedgerWrite, Tag: "两新组织", Summary: "登记两新组织", Request: "OrganizationInput", Response: "Organization", Status: 201, handler: s.createOrganization},
		{Method: "GET", Path: "/api/v1/organizations/options", Perm: auth.PermLedgerRead, Tag: "两新组织", Summary: "单位类别、行业门类、标签等选项", Response: "LedgerOptions", handler: s.ledgerOptions},
		{Method: "GET", Path: "/api/v1/organizations/export", Perm: auth.PermLedgerRead, Tag: "两新组织", Summary: "导出两新组织台账（Excel，全部符合条件的记录，不分页）", Query: withoutPaging(orgQuery), QueryTypes: orgQueryTypes, Response: "xlsx", handler: s.exportOrganizations},
		{Method: "GET", Path: "/api/v1/organizations/{id}", Perm: auth.PermLedgerRead, Tag: "两新组织", Summary: "查看两新组织", Response: "Organization", handler: s.getOrganization},
		{Method: "PATCH", Path: "/api/v1/organizations/{id}", Perm: auth.PermLedgerWrite, Tag: "两新组织", Summary: "修改两新组织（只改提交的字段）", Request: "OrganizationPatch", Response: "Organization", handler: s.updateOrganization},
		{Method: "DELETE", Path: "/api/v1/organizations/{id}", Perm: auth.PermLedgerWrite, Tag: "两新组织", Summary: "删除误登记的两新组织（已有关联的应填写注销日期）", Status: 204, handler: s.deleteOrganization},
		{Method: "GET", Path: "/api/v1/organizations/{id}/profile", Perm: auth.PermLedgerRead, Tag: "两新组织", Summary: "两新组织概况：覆盖它的党组织（自何时、组建方式）、党建指导员及走访、在册与申报党员数、诉求及办理结果", Response: "OrganizationProfile", handler: s.organizationProfile},
		{Method: "GET", Path: "/api/v1/organizations/{id}/history", Perm: auth.PermLedgerRead, Tag: "两新组织", Summary: "两新组织的修改历史", Response: "HistoryList", handler: s.organizationHistory},

		{Method: "GET", Path: "/api/v1/party-orgs", Perm: auth.PermLedgerRead, Tag: "党组织", Summary: "党组织列表", Query: []string{"q", "kind", "formation", "region_code", "parent_id", "status", "page", "page_size"}, QueryTypes: partyOrgQueryTypes, Response: "PartyOrgPage", handler: s.listPartyOrgs},
		{Method: "POST", Path: "/api/v1/party-orgs", Perm: auth.PermLedgerWrite, Tag: "党组织", Summary: "新建党组织（按 domain.md §2 校验）", Request: "PartyOrgInput", Response: "PartyOrg", Status: 201, handler: s.createPartyOrg},
		{Method: "GET", Path: "/api/v1/party-orgs/tree", Perm: auth.PermLedgerRead, Tag: "党组织", Summary: "党组织隶属关系树（“1+7+N”）", Response: "PartyOrgTree", handler: s.partyOrgTree},
		{Method: "GET", Path: "/api/v1/party-orgs/renewals", Perm: auth.PermLedgerRead, Tag: "党组织", Summary: "换届到期和逾期的党组织", Query: []string{"within_days", "page", "page_size"}, Response: "RenewalPage", handler: s.renewals},
		{Method: "GET", Path: "/api/v1/party-orgs/{id}", Perm: auth.PermLedgerRead, Tag: "党组织", Summary: "查看党组织", Response: "PartyOrg", handler: s.getPartyOrg},
		{Method: "PATCH", Path: "/api/v1/party-orgs/{id}", Perm: auth.PermLedgerWrite, Tag: "党组织", Summary: "修改党组织名称、隶属关系或本届开始日期（换届）", Request: "PartyOrgPatch", Response: "PartyOrg", handler: s.updatePartyOrg},
		{Method: "POST", Path: "/api/v1/party-orgs/{id}/dissolve", Perm: auth.PermLedgerWrite, Tag: "党组织", Summary: "撤销党组织", Request: "DateOn", Response: "PartyOrg", handler: s.dissolvePartyOrg},
		{Method: "POST", Path: "/api/v1/party-orgs/{id}/covers", Perm: auth.PermLedgerWrite, Tag: "党组织", Summary: "增加覆盖单位", Request: "CoverInput", Response: "PartyOrg", handler: s.addCover},
		{Method: "POST", Path: "/api/v1/party-orgs/{id}/covers/{cover_id}/end", Perm: auth.PermLedgerWrite, Tag: "党组织", Summary: "结束对某单位的覆盖", Request: "DateOn", Response: "PartyOrg", handler: s.endCover},

		{Method: "GET", Path: "/api/v1/instructors", Perm: auth.PermLedgerRead, Tag: "党建指导员", Summary: "党建指导员列表", Query: []string{"q", "page", "page_size"}, Response: "InstructorPage", handler: s.listInstructors},
		{Method: "POST", Path: "/api/v1/instructors", Perm: auth.PermLedgerWrite, Tag: "党建指导员", Summary: "新增党建指导员（只有姓名必填）", Request: "InstructorInput", Response: "Instructor", Status: 201, handler: s.createInstructor},
		{Method: "GET", Path: "/api/v1/instructors/{id}", Perm: auth.PermLedgerRead, AltPerm: auth.PermInstructorWork, Tag: "党建指导员", Summary: "查看党建指导员（联系电话脱敏显示；reveal=true 显示完整号码，需查看个人信息权限并记入审计）", Query: []string{"reveal"}, Response: "Instructor", handler: s.getInstructor},
		{Method: "PATCH", Path: "/api/v1/instructors/{id}", Perm: auth.PermLedgerWrite, Tag: "党建指导员", Summary: "修改党建指导员", Request: "InstructorPatch", Response: "Instructor", handler: s.updateInstructor},
		{Method: "POST", Path: "/api/v1/instructors/{id}/assignments", Perm: auth.PermLedgerWrite, Tag: "党建指导员", Summary: "选派指导员联系两新组织", Request: "AssignmentInput", Response: "Assignment", Status: 201, handler: s.assign},
		{Method: "POST", Path: "/api/v1/instructors/{id}/assignments/{assignment_id}/end", Perm: auth.PermLedgerWrite, Tag: "党建指导员", Summary: "结束联系", Request: "DateOn", Response: "Assignment", handler: s.endAssignment},
		{Method: "GET", Path: "/api/v1/instructors/{id}/visits", Perm: auth.PermLedgerRead, AltPerm: auth.PermInstructorWork, Tag: "党建指导员", Summary: "走访记录（党建指导员本人只能查看自己的）", Query: []string{"page", "page_size"}, Response: "VisitPage", handler: s.listVisits},
		{Method: "POST", Path: "/api/v1/instructors/{id}/visits", Perm: auth.PermInstructorWork, Tag: "党建指导员", Summary: "登记走访记录（党建指导员本人，或区、街道为辖区内任一指导员登记；只能走访当日联系的单位）", Request: "VisitInput", Response: "Visit", Status: 201, handler: s.addVisit},
		{Method: "POST", Path: "/api/v1/instructors/{id}/visits/{visit_id}/photos", Perm: auth.PermInstructorWork, Tag: "党建指导员", Summary: "为走访记录上传照片（JPG、PNG 或 WebP，每张不超过 8 MB，每次走访最多 9 张；照片加密保存）", Upload: true, MaxBody: instructor.MaxPhotoBytes + 1<<20, Response: "VisitPhoto", Status: 201, handler: s.uploadVisitPhoto},
		{Method: "GET", Path: "/api/v1/instructors/{id}/visits/{visit_id}/photos/{photo_id}", Perm: auth.PermLedgerRead, AltPerm: auth.PermInstructorWork, Tag: "党建指导员", Summary: "查看走访照片（图片本身；党建指导员本人只能查看自己的）", Response: "image", handler: s.visitPhoto},
		{Method: "DELETE", Path: "/api/v1/instructors/{id}/visits/{visit_id}/photos/{photo_id}", Perm: auth.PermInstructorWork, Tag: "党建指导员", Summary: "删除走访照片", Status: 204, handler: s.deleteVisitPhoto},
		{Method: "GET", Path: "/api/v1/instructors/{id}/organizations", Perm: auth.PermLedgerRead, AltPerm: auth.PermInstructorWork, Tag: "党建指导员", Summary: "指导员当前联系的两新组织及其党组织、党员（个人信息脱敏）", Query: []string{"page", "page_size"}, Response: "AssignedOrgPage", handler: s.instructorOrganizations},
		{Method: "GET", Path: "/api/v1/instructors/due-visits", Perm: auth.PermLedgerRead, Tag: "党建指导员", Summary: "谁的走访落后了：辖区内所有指导员应走访未走访的联系单位（按逾期天数从多到少，可按专职、兼职筛选）", Query: []string{"full_time", "page", "page_size"}, Response: "OverdueVisitPage", handler: s.allDueVisits},
		{Method: "GET", Path: "/api/v1/instructors/{id}/due-visits", Perm: auth.PermLedgerRead, AltPerm: auth.PermInstructorWork, Tag: "党建指导员", Summary: "应走访未走访：上次走访（或开始联系）已超过走访频次（专职每月、兼职每季度）的联系单位，含逾期天数", Query: []string{"page", "page_size"}, Response: "DueVisitPage", handler: s.dueVisits},

		{Method: "GET", Path: "/api/v1/settings/visit-frequencies", Perm: auth.PermLedgerRead, Tag: "党建指导员", Summary: "党建指导员走访频次（专职、兼职各自的默认值和历次版本）", Response: "VisitFrequencyList", handler: s.visitFrequencies},
		{Method: "POST", Path: "/api/v1/settings/visit-frequencies", Perm: auth.PermLedgerSettings, Tag: "党建指导员", Summary: "设置党建指导员走访频次（自某日起生效；追溯修改须填写原因）", Request: "VisitFrequencyInput", Response: "VisitFrequency", Status: 201, handler: s.setVisitFrequency},

		{Method: "GET", Path: "/api/v1/stats/coverage", Perm: auth.PermLedgerRead, Tag: "两个覆盖", Summary: "任一区划、任一日期的两个覆盖统计", Query: []string{"region_code", "as_of"}, Response: "CoverageReport", handler: s.coverageReport},
		{Method: "GET", Path: "/api/v1/stats/coverage/trend", Perm: auth.PermLedgerRead, Tag: "两个覆盖", Summary: "覆盖率逐月趋势", Query: []string{"region_code", "as_of", "months"}, Response: "CoverageTrend", handler: s.coverageTrend},
		{Method: "GET", Path: "/api/v1/stats/worklists/{kind}", Perm: auth.PermLedgerRead, Tag: "两个覆盖", Summary: "工作清单：应建未建、有党员未建、无党员、有形无效", Query: []string{"region_code", "as_of", "page", "page_size"}, Response: "OrganizationPage", handler: s.workList},
		{Method: "GET", Path: "/api/v1/settings/coverage-rule", Perm: auth.PermLedgerRead, Tag: "两个覆盖", Summary: "覆盖率统计口径", Response: "CoverageRule", handler: s.getCoverageRule},
		{Method: "PUT", Path: "/api/v1/settings/coverage-rule", Perm: auth.PermLedgerSettings, Tag: "两个覆盖", Summary: "设置覆盖率统计口径", Request: "CoverageRuleInput", Response: "CoverageRule", handler: s.setCoverageRule},

		{Method: "GET", Path: "/api/v1/imports/organizations/template", Perm: auth.PermLedgerRead, Tag: "导入", Summary: "下载两新组织导入模板", Response: "xlsx", handler: s.orgTemplate},
		{Method: "POST", Path: "/api/v1/imports/organizations", Perm: auth.PermLedgerWrite, Tag: "导入", Summary: "导入两新组织台账（.xlsx，全部成功或全部不导入）", Query: []string{"session"}, Upload: true, MaxBody: uploadLimit + 1<<20, Response: "ImportSession", handler: s.importOrganizations},
		{Method: "GET", Path: "/api/v1/imports/{id}", Perm: auth.PermLedgerRead, Tag: "导入", Summary: "导入进度与结果", Response: "ImportSession", handler: s.importSession},
		{Method: "GET", Path: "/api/v1/imports/{id}/report", Perm: auth.PermLedgerRead, Tag: "导入", Summary: "下载标出错误的表格（加密保存，保留期满自动删除）", Response: "xlsx", handler: s.importReport},
		{Method: "DELETE", Path: "/api/v1/imports/{id}/report", Perm: auth.PermLedgerRead, Tag: "导入", Summary: "删除标出错误的表格（只能删除本人的导入记录）", Status: 204, handler: s.deleteImportReport},

		{Method: "GET", Path: "/api/v1/openapi.json", Perm: auth.PermPublic, Tag: "系统", Summary: "OpenAPI 文档", handler: s.openAPI},
	}
}

// Handler builds the whole HTTP handler: API, probes, metrics and UI.
func (s *Server) Handler() http.Handler {
	s.initMetrics()
	s.limiter = s.newLimiter()
	mux := http.NewServeMux()
	for _, rt := range s.Routes() {
		mux.Handle(rt.Method+" "+rt.Path, s.wrap(rt))
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": errorBody{Code: "not_found", Message: "接口不存在"}})
	})
	mux.Handle("/", s.uiHandler())
	return s.recoverer(s.logRequests(securityHeaders(s.replicaReads(mux))))
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.DB.PingContext(ctx); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "数据库不可用"})
		return
	}
	// The schema may be newer than this binary within the declared
	// compatibility window (a rolling upgrade: store.CheckServes).
	if err := s.DB.CheckServes(ctx); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": err.Error()})
		return
	}
	if s.NodeStatus != nil {
		body := map[string]any{"status": "ok"}
		for k, v := range s.NodeStatus() {
			body[k] = v
		}
		writeJSON(w, http.StatusOK, body)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// clientIP returns the caller's address (X-Forwarded-For only behind a trusted proxy).
func (s *Server) clientIP(r *http.Request) string {
	if s.TrustProxy {
		// The trusted proxy appends the address it saw; earlier entries come
		// from the client and can be forged, so take the last one.
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			if ip := strings.TrimSpace(parts[len(parts)-1]); ip != "" {
				return ip
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) secure(r *http.Request) bool {
	switch s.SecureCookies {
	case "always":
		return true
	case "never":
		return false
	}
	return r.TLS != nil || (s.TrustProxy && r.Header.Get("X-Forwarded-Proto") == "https")
}

func isSafeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// wrap authenticates, checks the permission and the CSRF token, puts the actor
// in the context and maps errors.
func (s *Server) wrap(rt Route) http.Handler {
	accepted := acceptedQuery(rt.Query)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := int64(maxBody)
		if rt.MaxBody > 0 {
			limit = rt.MaxBody
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		ip := s.clientIP(r)
		ctx := actor.With(r.Context(), actor.Actor{IP: ip})
		if rt.Perm != auth.PermPublic {
			u, csrf, err := s.authenticate(r)
			if err != nil {
				writeError(w, r, s.Log, err)
				return
			}
			a := u.Actor(ip)
			ctx = context.WithValue(actor.With(r.Context(), a), ctxCSRFKey{}, csrf)
			if u.MustChangePassword && !rt.DuringPasswordChange {
				writeError(w, r, s.Log, &apperr.Error{Kind: apperr.KindPasswordChangeRequired, Code: "password_change_required", Message: "请先修改初始密码或已过期的密码"})
				return
			}
			if !rt.Allows(u.Role) {
				_ = s.Audit.Record(ctx, s.DB, audit.Entry{Action: "access_denied", Entity: "route", EntityID: rt.Method + " " + rt.Path, Result: audit.Denied})
				writeError(w, r, s.Log, apperr.Forbidden())
				return
			}
			if auth.JurisdictionWide(rt.Perm) {
				if err := s.atJurisdictionRoot(ctx, u); err != nil {
					if apperr.IsKind(err, apperr.KindForbidden) {
						_ = s.Audit.Record(ctx, s.DB, audit.Entry{Action: "access_denied", Entity: "route", EntityID: rt.Method + " " + rt.Path, Result: audit.Denied,
							Note: "全辖区规则只能由辖区一级设置"})
					}
					writeError(w, r, s.Log, err)
					return
				}
			}
		}
		if err := checkQuery(r.URL.RawQuery); err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		if err := checkQueryNames(r.URL.Query(), accepted, rt.Query); err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		if err := rt.handler(w, r.WithContext(ctx)); err != nil {
			writeError(w, r, s.Log, err)
		}
	})
}

// Allows reports whether role may use the route (its Perm or its AltPerm).
func (rt Route) Allows(role string) bool {
	return auth.Can(role, rt.Perm) || (rt.AltPerm != "" && auth.Can(role, rt.AltPerm))
}

// atJurisdictionRoot checks that u may change rules that apply to the whole
// jurisdiction: only the level that owns them may, i.e. an account scoped at
// the jurisdiction root and not bound to a party organization. A street
// (街道) user with the same role gets 403.
func (s *Server) atJurisdictionRoot(ctx context.Context, u auth.User) error {
	root, err := s.Regions.Jurisdiction(actor.System(ctx, "auth"))
	if err != nil {
		return err
	}
	if root == "" || u.Scope != root || u.PartyOrgID != nil {
		return &apperr.Error{Kind: apperr.KindForbidden, Code: "forbidden", Message: "全辖区适用的规则只能由辖区（区县）一级的区两新工委设置，街道或党组织账户不能修改"}
	}
	return nil
}

// effectivePerms are the permissions u can use: its role's, less the
// jurisdiction-wide ones when u is not at the jurisdiction root. The UI shows
// the settings buttons from this list.
func (s *Server) effectivePerms(ctx context.Context, u auth.User) []auth.Perm {
	all := auth.Perms(u.Role)
	out := make([]auth.Perm, 0, len(all))
	atRoot := s.atJurisdictionRoot(ctx, u) == nil
	for _, p := range all {
		if !auth.JurisdictionWide(p) || atRoot {
			out = append(out, p)
		}
	}
	return out
}

// ctxCSRFKey carries the session's CSRF token ("" for API tokens) to handlers.
type ctxCSRFKey struct{}

func csrfFrom(ctx context.Context) string {
	v, _ := ctx.Value(ctxCSRFKey{}).(string)
	return v
}

// authenticate accepts a Bearer API token or the session cookie (with the CSRF
// token on unsafe methods). It returns the session's CSRF token.
func (s *Server) authenticate(r *http.Request) (auth.User, string, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return auth.User{}, "", apperr.Unauthenticated("Authorization 头格式应为 Bearer <令牌>")
		}
		u, err := s.Auth.AuthenticateToken(r.Context(), strings.TrimSpace(tok))
		return u, "", err
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return auth.User{}, "", apperr.Unauthenticated("")
	}
	sess, err := s.Auth.Authenticate(r.Context(), c.Value)
	if err != nil {
		return auth.User{}, "", err
	}
	if !isSafeMethod(r.Method) && !auth.CheckCSRF(sess, r.Header.Get(CSRFHeader)) {
		return auth.User{}, "", &apperr.Error{Kind: apperr.KindForbidden, Code: "csrf_failed", Message: "请求校验失败（CSRF），请刷新页面后重试"}
	}
	return sess.User, sess.CSRFToken, nil
}

func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteStrictMode})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteStrictMode})
}

func (s *Server) initMetrics() {
	if s.registry != nil {
		return
	}
	s.registry = prometheus.NewRegistry()
	s.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "liangxin_http_requests_total", Help: "HTTP requests by route and status."}, []string{"method", "route", "status"})
	s.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "liangxin_http_request_duration_seconds", Help: "HTTP request latency by route.", Buckets: prometheus.DefBuckets}, []string{"method", "route"})
	s.registry.MustRegister(s.requests, s.duration)
	s.registry.MustRegister(s.Metrics...)
}
