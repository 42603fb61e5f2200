// Menu entries and which roles see them.

export type MenuKey =
  | 'home'
  | 'myWork'
  | 'dashboard'
  | 'organizations'
  | 'partyOrgs'
  | 'instructors'
  | 'worklists'
  | 'dangtong'
  | 'visitFrequencies'
  | 'meetings'
  | 'compliance'
  | 'committees'
  | 'members'
  | 'develop'
  | 'dues'
  | 'transfers'
  | 'serviceDesk'
  | 'wishes'
  | 'volunteerActivities'
  | 'volunteerTeams'
  | 'timebank'
  | 'venues'
  | 'contracts'
  | 'notices'
  | 'tasks'
  | 'supervision'
  | 'briefings'
  | 'funds'
  | 'cobuildUnits'
  | 'cobuildReports'
  | 'cobuildLists'
  | 'assessSheets'
  | 'assessRounds'
  | 'assessSignals'
  | 'assessPairs'
  | 'assessHonours'
  | 'regions'
  | 'users'
  | 'audit'
  | 'tokens'

export interface MenuItem {
  key: MenuKey
  path: string
  title: string
  /** Menu group (sub-menu) the item belongs to, if any. */
  group?: string
  /** Shown in the user's own (avatar) menu instead of the side menu. */
  personal?: boolean
}

/** Title of the ledger menu group. */
export const LEDGER_GROUP = '两新台账'

/** Title of the work-loop menu group (visible with workloop.read). */
export const WORK_GROUP = '工作督办'

/** Title of the co-building menu group (visible with cobuild.read). */
export const COBUILD_GROUP = '区域化共建'

/** Title of the volunteering menu group (visible with service.read). */
export const VOLUNTEER_GROUP = '志愿服务/时间银行'

/** Title of the assessment menu group (visible with assess.manage). */
export const ASSESS_GROUP = '考评与星级'

export const allMenus: MenuItem[] = [
  { key: 'home', path: '/', title: '首页' },
  { key: 'myWork', path: '/my-work', title: '我的指导工作' },
  { key: 'dashboard', path: '/dashboard', title: '数据驾驶舱', group: LEDGER_GROUP },
  { key: 'organizations', path: '/organizations', title: '两新组织', group: LEDGER_GROUP },
  { key: 'partyOrgs', path: '/party-orgs', title: '党组织', group: LEDGER_GROUP },
  { key: 'instructors', path: '/instructors', title: '党建指导员', group: LEDGER_GROUP },
  { key: 'worklists', path: '/worklists', title: '工作清单', group: LEDGER_GROUP },
  { key: 'dangtong', path: '/dangtong', title: '党统报表', group: LEDGER_GROUP },
  { key: 'visitFrequencies', path: '/visit-frequencies', title: '指导员走访频次', group: LEDGER_GROUP },
  { key: 'meetings', path: '/meetings', title: '组织生活', group: '组织生活' },
  { key: 'committees', path: '/committees', title: '委员会与换届', group: '组织生活' },
  { key: 'compliance', path: '/compliance', title: '落实情况', group: '组织生活' },
  { key: 'assessSheets', path: '/assess/sheets', title: '指标体系', group: ASSESS_GROUP },
  { key: 'assessRounds', path: '/assess/rounds', title: '考评轮次', group: ASSESS_GROUP },
  { key: 'assessSignals', path: '/assess/signals', title: '软弱涣散', group: ASSESS_GROUP },
  { key: 'assessPairs', path: '/assess/pairs', title: '结对帮带', group: ASSESS_GROUP },
  { key: 'assessHonours', path: '/assess/honours', title: '表彰', group: ASSESS_GROUP },
  { key: 'members', path: '/members', title: '党员花名册', group: '党员管理' },
  { key: 'develop', path: '/develop', title: '发展党员', group: '党员管理' },
  { key: 'dues', path: '/dues', title: '党费管理', group: '党员管理' },
  { key: 'transfers', path: '/transfers', title: '组织关系转接', group: '党员管理' },
  { key: 'serviceDesk', path: '/services', title: '订单式服务' },
  { key: 'wishes', path: '/wishes', title: '微心愿' },
  { key: 'volunteerActivities', path: '/volunteer/activities', title: '志愿活动', group: VOLUNTEER_GROUP },
  { key: 'volunteerTeams', path: '/volunteer/teams', title: '党员服务队', group: VOLUNTEER_GROUP },
  { key: 'timebank', path: '/timebank', title: '时间银行', group: VOLUNTEER_GROUP },
  { key: 'venues', path: '/venues', title: '阵地管理' },
  { key: 'funds', path: '/funds', title: '经费保障' },
  { key: 'contracts', path: '/contracts', title: '购买服务' },
  { key: 'cobuildUnits', path: '/cobuild/units', title: '共建单位与联盟', group: COBUILD_GROUP },
  { key: 'cobuildReports', path: '/cobuild/reports', title: '双报到', group: COBUILD_GROUP },
  { key: 'cobuildLists', path: '/cobuild/lists', title: '三张清单', group: COBUILD_GROUP },
  { key: 'notices', path: '/notices', title: '工作提示与学习清单', group: WORK_GROUP },
  { key: 'tasks', path: '/tasks', title: '任务督办', group: WORK_GROUP },
  { key: 'supervision', path: '/supervision', title: '督导调研', group: WORK_GROUP },
  { key: 'briefings', path: '/briefings', title: '月度通报', group: WORK_GROUP },
  { key: 'regions', path: '/regions', title: '区划管理' },
  { key: 'users', path: '/users', title: '用户管理' },
  { key: 'audit', path: '/audit', title: '审计日志' },
  { key: 'tokens', path: '/tokens', title: 'API 令牌', personal: true },
]

/** Fallback role table used when the server does not send a menu list. */
export function roleAllows(role: string | undefined, key: MenuKey): boolean {
  if (!role) return false
  switch (key) {
    case 'home':
    case 'tokens':
      return true
    case 'myWork':
      return role === 'instructor'
    case 'regions':
      return role !== 'audit_admin' && role !== 'instructor' && role !== 'handler'
    case 'users':
      return role === 'system_admin' || role === 'security_admin'
    case 'audit':
      return role === 'audit_admin'
    case 'dashboard':
    case 'organizations':
    case 'partyOrgs':
    case 'instructors':
    case 'worklists':
    case 'dangtong':
    case 'visitFrequencies':
    case 'meetings':
    case 'compliance':
    case 'committees':
    case 'members':
    case 'develop':
    case 'dues':
    case 'transfers':
      return ledgerRoles.includes(role)
    case 'assessSheets':
    case 'assessRounds':
    case 'assessSignals':
    case 'assessPairs':
    case 'assessHonours':
      return role === 'district'
    case 'serviceDesk':
      return role === 'district' || role === 'street' || role === 'readonly' || role === 'handler'
    case 'venues':
    case 'contracts':
    case 'wishes':
    case 'volunteerActivities':
    case 'volunteerTeams':
    case 'timebank':
    case 'funds':
      return role === 'district' || role === 'street' || role === 'readonly'
    case 'notices':
    case 'tasks':
    case 'supervision':
    case 'cobuildUnits':
    case 'cobuildReports':
    case 'cobuildLists':
      return ledgerRoles.includes(role)
    case 'briefings':
      return role === 'district' || role === 'street' || role === 'readonly'
  }
}

/** Roles that read the ledger (fallback when the server sends no perms). */
const ledgerRoles = ['district', 'street', 'party_org', 'readonly']

/**
 * Normalises the optional `menus` value from /auth/me into menu keys.
 * Accepts strings ("regions", "/regions") or objects with key/code/path/name.
 * Returns null when no usable list is present.
 */
export function serverMenuKeys(menus: unknown): Set<MenuKey> | null {
  if (!Array.isArray(menus)) return null
  const keys = new Set<MenuKey>()
  for (const m of menus) {
    const candidates: unknown[] =
      typeof m === 'string' ? [m] : m && typeof m === 'object' ? ['key', 'code', 'path', 'name', 'id'].map((f) => (m as Record<string, unknown>)[f]) : []
    for (const c of candidates) {
      if (typeof c !== 'string') continue
      const hit = allMenus.find((item) => item.key === c || item.path === c || `/${item.key}` === c || item.title === c)
      if (hit) keys.add(hit.key)
    }
  }
  return keys.size > 0 ? keys : null
}

/** Permission (from /auth/me `perms`) each menu needs; null means any signed-in user. */
const menuPerm: Record<MenuKey, string | null> = {
  home: null,
  myWork: 'instructor.work',
  dashboard: 'ledger.read',
  organizations: 'ledger.read',
  partyOrgs: 'ledger.read',
  instructors: 'ledger.read',
  worklists: 'ledger.read',
  dangtong: 'ledger.read',
  visitFrequencies: 'ledger.read',
  meetings: 'orglife.read',
  compliance: 'orglife.read',
  committees: 'orglife.read',
  members: 'member.read',
  develop: 'member.read',
  dues: 'member.read',
  transfers: 'member.read',
  serviceDesk: 'service.read',
  wishes: 'service.read',
  volunteerActivities: 'service.read',
  volunteerTeams: 'service.read',
  timebank: 'service.read',
  venues: 'venue.read',
  contracts: 'contract.read',
  notices: 'workloop.read',
  tasks: 'workloop.read',
  supervision: 'workloop.read',
  briefings: 'briefing.read',
  funds: 'funds.read',
  cobuildUnits: 'cobuild.read',
  cobuildReports: 'cobuild.read',
  cobuildLists: 'cobuild.read',
  assessSheets: 'assess.manage',
  assessRounds: 'assess.manage',
  assessSignals: 'assess.manage',
  assessPairs: 'assess.manage',
  assessHonours: 'assess.manage',
  regions: 'region.read',
  users: 'user.read',
  audit: 'audit.read',
  tokens: null,
}

function permList(perms: unknown): string[] | null {
  return Array.isArray(perms) && perms.every((p) => typeof p === 'string') && perms.length > 0 ? (perms as string[]) : null
}

/**
 * Menus the user sees: the server's `menus` list when present, else its `perms`
 * list, else the built-in role table.
 */
export function visibleMenus(role: string | undefined, menus?: unknown, perms?: unknown): MenuItem[] {
  if (!role) return []
  const server = serverMenuKeys(menus)
  if (server) return allMenus.filter((m) => server.has(m.key))
  const p = permList(perms)
  // 我的指导工作 is the instructor's own page: the district and the street
  // hold instructor.work too, for recording visits from the instructors page.
  const list = p
    ? allMenus.filter(
        (m) =>
          (m.key !== 'myWork' || role === 'instructor') &&
          (menuPerm[m.key] === null || p.includes(menuPerm[m.key] as string) || (m.key === 'serviceDesk' && p.includes('service.handle'))),
      )
    : allMenus.filter((m) => roleAllows(role, m.key))
  // A 承办单位经办人 sees the desk as its own inbox, and it is its home.
  return role === 'handler' ? list.filter((m) => m.key !== 'home').map((m) => (m.key === 'serviceDesk' ? { ...m, title: HANDLER_DESK_TITLE } : m)) : list
}

/** Title of the service desk for a 承办单位经办人 (role handler). */
export const HANDLER_DESK_TITLE = '我的待办/承办'

export function canAccess(role: string | undefined, key: MenuKey, menus?: unknown, perms?: unknown): boolean {
  return visibleMenus(role, menus, perms).some((m) => m.key === key)
}

/** Whether the user may create, rename and delete areas (片区): `region.write`, else by role. */
export function canManageAreas(role: string | undefined, perms?: unknown): boolean {
  const p = permList(perms)
  if (p) return p.includes('region.write')
  return role === 'system_admin' || role === 'district' || role === 'street'
}

/** Whether the user may change the ledger (`ledger.write`, else district and street roles). */
export function canWriteLedger(role: string | undefined, perms?: unknown): boolean {
  const p = permList(perms)
  if (p) return p.includes('ledger.write')
  return role === 'district' || role === 'street'
}

/** Whether the user may change jurisdiction-wide ledger settings (`ledger.settings`, else the district role). */
export function canChangeLedgerSettings(role: string | undefined, perms?: unknown): boolean {
  const p = permList(perms)
  if (p) return p.includes('ledger.settings')
  return role === 'district'
}

/** Whether the user may change the rules of organizational life such as the required frequencies (`orglife.settings`, else the district role). */
export function canChangeOrgLifeSettings(role: string | undefined, perms?: unknown): boolean {
  const p = permList(perms)
  if (p) return p.includes('orglife.settings')
  return role === 'district'
}

/** The items of the side menu: the visible ones that are not personal. */
export function sideMenus(items: MenuItem[]): MenuItem[] {
  return items.filter((m) => !m.personal)
}

/** The items of the user's own menu (avatar dropdown), such as API 令牌. */
export function personalMenus(items: MenuItem[]): MenuItem[] {
  return items.filter((m) => m.personal)
}

export interface MenuEntry {
  /** A plain item, or a group with its items. */
  item?: MenuItem
  group?: string
  items?: MenuItem[]
}

/** Folds consecutive items of the same group into one entry, keeping order. */
export function groupMenus(items: MenuItem[]): MenuEntry[] {
  const out: MenuEntry[] = []
  for (const m of items) {
    if (!m.group) {
      out.push({ item: m })
      continue
    }
    const last = out[out.length - 1]
    if (last && last.group === m.group && last.items) last.items.push(m)
    else out.push({ group: m.group, items: [m] })
  }
  return out
}

/** Whether the user may register, edit and import party members and record their dues and transfers (`member.write`, else district, street and party-org roles). */
export function canWriteMembers(role: string | undefined, perms?: unknown): boolean {
  const p = permList(perms)
  if (p) return p.includes('member.write')
  return role === 'district' || role === 'street' || role === 'party_org'
}

/** Whether the user may change the dues rate table and refund policy (`member.settings`, else the district role). */
export function canChangeMemberSettings(role: string | undefined, perms?: unknown): boolean {
  const p = permList(perms)
  if (p) return p.includes('member.settings')
  return role === 'district'
}

/** Whether the user may show 身份证号 and phone in full (`member.reveal`, else district, street and party-org roles). */
export function canRevealMembers(role: string | undefined, perms?: unknown): boolean {
  const p = permList(perms)
  if (p) return p.includes('member.reveal')
  return role === 'district' || role === 'street' || role === 'party_org'
}

/** Whether the user creates, disables and resets accounts (`user.account`, else the system administrator). */
export function canManageAccounts(role: string | undefined, perms?: unknown): boolean {
  const p = permList(perms)
  if (p) return p.includes('user.account')
  return role === 'system_admin'
}

/** Whether the user grants roles and scopes (`user.grant`, else the security administrator). */
export function canGrantRoles(role: string | undefined, perms?: unknown): boolean {
  const p = permList(perms)
  if (p) return p.includes('user.grant')
  return role === 'security_admin'
}
