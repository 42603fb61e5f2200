// History-mode routes with the authentication and role guards.
import { createRouter, createWebHistory, type RouteLocationNormalized, type RouteRecordRaw } from 'vue-router'
import { session, ensureSession } from '../session'
import { canAccess, type MenuKey } from '../menus'

declare module 'vue-router' {
  interface RouteMeta {
    title?: string
    public?: boolean
    menu?: MenuKey
    /** The phone pages of 党员账号 (/m/…), for the member role only. */
    member?: boolean
  }
}

const MainLayout = () => import('../layouts/MainLayout.vue')
const MemberLayout = () => import('../layouts/MemberLayout.vue')

export const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('../views/LoginView.vue'), meta: { title: '登录', public: true } },
  { path: '/public/service', name: 'public-service', component: () => import('../views/PublicServiceView.vue'), meta: { title: '群众服务', public: true } },
  { path: '/m/activate', name: 'm-activate', component: () => import('../views/member/MemberActivateView.vue'), meta: { title: '党员账号激活', public: true } },
  {
    path: '/m',
    component: MemberLayout,
    children: [
      { path: '', name: 'm-home', component: () => import('../views/member/MemberHomeView.vue'), meta: { title: '我的', member: true } },
      { path: 'meetings', name: 'm-meetings', component: () => import('../views/member/MemberMeetingsView.vue'), meta: { title: '组织生活', member: true } },
      { path: 'dues', name: 'm-dues', component: () => import('../views/member/MemberDuesView.vue'), meta: { title: '党费', member: true } },
      { path: 'wishes', name: 'm-wishes', component: () => import('../views/member/MemberWishesView.vue'), meta: { title: '微心愿', member: true } },
      { path: 'volunteer', name: 'm-volunteer', component: () => import('../views/member/MemberVolunteerView.vue'), meta: { title: '时间银行', member: true } },
      { path: 'volunteer/sign-in', name: 'm-sign-in', component: () => import('../views/member/MemberSignInView.vue'), meta: { title: '活动签到', member: true } },
      { path: 'password', name: 'm-password', component: () => import('../views/PasswordView.vue'), meta: { title: '修改密码', member: true } },
    ],
  },
  {
    path: '/',
    component: MainLayout,
    children: [
      { path: '', name: 'home', component: () => import('../views/HomeView.vue'), meta: { title: '首页', menu: 'home' } },
      { path: 'my-work', name: 'my-work', component: () => import('../views/MyWorkView.vue'), meta: { title: '我的指导工作', menu: 'myWork' } },
      { path: 'password', name: 'password', component: () => import('../views/PasswordView.vue'), meta: { title: '修改密码' } },
      { path: 'dashboard', name: 'dashboard', component: () => import('../views/DashboardView.vue'), meta: { title: '数据驾驶舱', menu: 'dashboard' } },
      { path: 'organizations', name: 'organizations', component: () => import('../views/OrganizationsView.vue'), meta: { title: '两新组织', menu: 'organizations' } },
      { path: 'party-orgs', name: 'party-orgs', component: () => import('../views/PartyOrgsView.vue'), meta: { title: '党组织', menu: 'partyOrgs' } },
      { path: 'instructors', name: 'instructors', component: () => import('../views/InstructorsView.vue'), meta: { title: '党建指导员', menu: 'instructors' } },
      { path: 'worklists', name: 'worklists', component: () => import('../views/WorklistsView.vue'), meta: { title: '工作清单', menu: 'worklists' } },
      { path: 'dangtong', name: 'dangtong', component: () => import('../views/DangtongView.vue'), meta: { title: '党统报表', menu: 'dangtong' } },
      { path: 'visit-frequencies', name: 'visit-frequencies', component: () => import('../views/VisitFrequenciesView.vue'), meta: { title: '指导员走访频次', menu: 'visitFrequencies' } },
      { path: 'meetings', name: 'meetings', component: () => import('../views/MeetingsView.vue'), meta: { title: '组织生活', menu: 'meetings' } },
      { path: 'committees', name: 'committees', component: () => import('../views/CommitteeView.vue'), meta: { title: '委员会与换届', menu: 'committees' } },
      { path: 'compliance', name: 'compliance', component: () => import('../views/ComplianceView.vue'), meta: { title: '组织生活落实情况', menu: 'compliance' } },
      { path: 'members', name: 'members', component: () => import('../views/MembersView.vue'), meta: { title: '党员花名册', menu: 'members' } },
      { path: 'develop', name: 'develop', component: () => import('../views/DevelopView.vue'), meta: { title: '发展党员', menu: 'develop' } },
      { path: 'dues', name: 'dues', component: () => import('../views/DuesView.vue'), meta: { title: '党费管理', menu: 'dues' } },
      { path: 'transfers', name: 'transfers', component: () => import('../views/TransfersView.vue'), meta: { title: '组织关系转接', menu: 'transfers' } },
      { path: 'assess/sheets', name: 'assess-sheets', component: () => import('../views/AssessSheetsView.vue'), meta: { title: '指标体系', menu: 'assessSheets' } },
      { path: 'assess/rounds', name: 'assess-rounds', component: () => import('../views/AssessRoundsView.vue'), meta: { title: '考评轮次', menu: 'assessRounds' } },
      { path: 'assess/rounds/:id', name: 'assess-round', component: () => import('../views/AssessRoundView.vue'), meta: { title: '考评结果', menu: 'assessRounds' } },
      { path: 'assess/signals', name: 'assess-signals', component: () => import('../views/AssessSignalsView.vue'), meta: { title: '软弱涣散', menu: 'assessSignals' } },
      { path: 'assess/pairs', name: 'assess-pairs', component: () => import('../views/AssessPairsView.vue'), meta: { title: '结对帮带', menu: 'assessPairs' } },
      { path: 'assess/honours', name: 'assess-honours', component: () => import('../views/AssessHonoursView.vue'), meta: { title: '表彰', menu: 'assessHonours' } },
      { path: 'services', name: 'services', component: () => import('../views/ServiceDeskView.vue'), meta: { title: '订单式服务', menu: 'serviceDesk' } },
      { path: 'notifications', name: 'notifications', component: () => import('../views/NotificationsView.vue'), meta: { title: '我的通知' } },
      { path: 'contracts', name: 'contracts', component: () => import('../views/ContractsView.vue'), meta: { title: '购买服务', menu: 'contracts' } },
      { path: 'cobuild/units', name: 'cobuildUnits', component: () => import('../views/cobuild/CobuildUnitsView.vue'), meta: { title: '共建单位与联盟', menu: 'cobuildUnits' } },
      { path: 'cobuild/reports', name: 'cobuildReports', component: () => import('../views/cobuild/CobuildReportsView.vue'), meta: { title: '双报到', menu: 'cobuildReports' } },
      { path: 'cobuild/lists', name: 'cobuildLists', component: () => import('../views/cobuild/CobuildListsView.vue'), meta: { title: '三张清单', menu: 'cobuildLists' } },
      { path: 'wishes', name: 'wishes', component: () => import('../views/WishesView.vue'), meta: { title: '微心愿', menu: 'wishes' } },
      { path: 'volunteer/activities', name: 'volunteerActivities', component: () => import('../views/volunteer/ActivitiesView.vue'), meta: { title: '志愿活动', menu: 'volunteerActivities' } },
      { path: 'volunteer/activities/:id(\\d+)', name: 'volunteerActivity', component: () => import('../views/volunteer/ActivityView.vue'), meta: { title: '志愿活动', menu: 'volunteerActivities' } },
      { path: 'volunteer/teams', name: 'volunteerTeams', component: () => import('../views/volunteer/TeamsView.vue'), meta: { title: '党员服务队', menu: 'volunteerTeams' } },
      { path: 'timebank', name: 'timebank', component: () => import('../views/volunteer/TimebankView.vue'), meta: { title: '时间银行', menu: 'timebank' } },
      { path: 'venues', name: 'venues', component: () => import('../views/VenuesView.vue'), meta: { title: '阵地管理', menu: 'venues' } },
      { path: 'notices', name: 'notices', component: () => import('../views/NoticesView.vue'), meta: { title: '工作提示与学习清单', menu: 'notices' } },
      { path: 'tasks', name: 'tasks', component: () => import('../views/TasksView.vue'), meta: { title: '任务督办', menu: 'tasks' } },
      { path: 'supervision', name: 'supervision', component: () => import('../views/SupervisionView.vue'), meta: { title: '督导调研', menu: 'supervision' } },
      { path: 'briefings', name: 'briefings', component: () => import('../views/BriefingsView.vue'), meta: { title: '月度通报', menu: 'briefings' } },
      { path: 'briefings/:id(\\d+)', name: 'briefing', component: () => import('../views/BriefingView.vue'), meta: { title: '月度通报', menu: 'briefings' } },
      { path: 'funds', name: 'funds', component: () => import('../views/FundsView.vue'), meta: { title: '经费保障', menu: 'funds' } },
      { path: 'regions', name: 'regions', component: () => import('../views/RegionsView.vue'), meta: { title: '区划管理', menu: 'regions' } },
      { path: 'users', name: 'users', component: () => import('../views/UsersView.vue'), meta: { title: '用户管理', menu: 'users' } },
      { path: 'audit', name: 'audit', component: () => import('../views/AuditView.vue'), meta: { title: '审计日志', menu: 'audit' } },
      { path: 'tokens', name: 'tokens', component: () => import('../views/TokensView.vue'), meta: { title: 'API 令牌', menu: 'tokens' } },
    ],
  },
  { path: '/briefings/:id(\\d+)/print', name: 'briefing-print', component: () => import('../views/BriefingPrintView.vue'), meta: { title: '打印通报', menu: 'briefings' } },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('../views/NotFoundView.vue'), meta: { title: '页面不存在', public: true } },
]

/** Decides where a navigation should go; returns true to proceed. Exported for tests. */
export function guardDecision(to: RouteLocationNormalized): true | { path: string; query?: Record<string, string> } {
  const user = session.user
  if (to.meta.public) {
    if (to.name === 'login' && user) return { path: user.must_change_password ? '/password' : '/' }
    return true
  }
  if (!user) {
    const query: Record<string, string> = {}
    if (to.fullPath && to.fullPath !== '/') query.redirect = to.fullPath
    return { path: '/login', query }
  }
  // A party member (党员账号) reaches its phone pages only.
  if (user.role === 'member') {
    if (user.must_change_password && to.name !== 'm-password') return { path: '/m/password' }
    return to.meta.member ? true : { path: '/m' }
  }
  if (to.meta.member) return { path: '/' }
  if (user.must_change_password && to.name !== 'password') return { path: '/password' }
  // A 承办单位经办人's home is its inbox on the service desk.
  if (to.name === 'home' && user.role === 'handler') return { path: '/services' }
  if (to.meta.menu && !canAccess(user.role, to.meta.menu, session.menus, session.perms)) return { path: '/' }
  return true
}

export const router = createRouter({
  history: createWebHistory('/'),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

router.beforeEach(async (to) => {
  await ensureSession()
  return guardDecision(to)
})

router.afterEach((to) => {
  const title = to.meta.title
  document.title = title ? `${title} - 两新党建综合管理平台` : '两新党建综合管理平台'
})
