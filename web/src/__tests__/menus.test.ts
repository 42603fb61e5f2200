import { describe, expect, it } from 'vitest'
import { canAccess, canChangeLedgerSettings, canGrantRoles, canManageAccounts, canManageAreas, canWriteLedger, groupMenus, personalMenus, serverMenuKeys, sideMenus, visibleMenus } from '../menus'

const keys = (role: string, menus?: unknown, perms?: unknown) => visibleMenus(role, menus, perms).map((m) => m.key)

describe('menus by role', () => {
  it('follows the role table', () => {
    expect(keys('system_admin')).toEqual(['home', 'regions', 'users', 'tokens'])
    expect(keys('security_admin')).toEqual(['home', 'regions', 'users', 'tokens'])
    expect(keys('audit_admin')).toEqual(['home', 'audit', 'tokens'])
    for (const r of ['street', 'readonly']) {
      expect(keys(r)).toEqual(['home', 'dashboard', 'organizations', 'partyOrgs', 'instructors', 'worklists', 'dangtong', 'visitFrequencies', 'meetings', 'committees', 'compliance', 'members', 'develop', 'dues', 'transfers', 'serviceDesk', 'wishes', 'volunteerActivities', 'volunteerTeams', 'timebank', 'venues', 'funds', 'contracts', 'cobuildUnits', 'cobuildReports', 'cobuildLists', 'notices', 'tasks', 'supervision', 'briefings', 'regions', 'tokens'])
    }
    expect(keys('party_org')).toEqual(['home', 'dashboard', 'organizations', 'partyOrgs', 'instructors', 'worklists', 'dangtong', 'visitFrequencies', 'meetings', 'committees', 'compliance', 'members', 'develop', 'dues', 'transfers', 'cobuildUnits', 'cobuildReports', 'cobuildLists', 'notices', 'tasks', 'supervision', 'regions', 'tokens'])
    // A 党建指导员 sees its own work page and nothing of the ledger.
    expect(keys('instructor')).toEqual(['home', 'myWork', 'tokens'])
    expect(keys('district')).toEqual([
      'home', 'dashboard', 'organizations', 'partyOrgs', 'instructors', 'worklists', 'dangtong', 'visitFrequencies', 'meetings', 'committees', 'compliance',
      'assessSheets', 'assessRounds', 'assessSignals', 'assessPairs', 'assessHonours', 'members', 'develop', 'dues', 'transfers', 'serviceDesk', 'wishes', 'volunteerActivities', 'volunteerTeams', 'timebank', 'venues', 'funds', 'contracts',
      'cobuildUnits', 'cobuildReports', 'cobuildLists', 'notices', 'tasks', 'supervision', 'briefings', 'regions', 'tokens',
    ])
    expect(keys('')).toEqual([])
  })

  it('prefers the server menu list when present', () => {
    expect(keys('readonly', ['home', '/users', { key: 'audit' }])).toEqual(['home', 'users', 'audit'])
    expect(keys('audit_admin', [{ path: '/regions' }, { code: 'tokens' }])).toEqual(['regions', 'tokens'])
    expect(serverMenuKeys(undefined)).toBeNull()
    expect(serverMenuKeys([])).toBeNull()
    expect(serverMenuKeys(['unknown'])).toBeNull()
  })

  it('shows 我的指导工作 to the instructor only', () => {
    expect(keys('instructor', undefined, ['self', 'instructor.work'])).toEqual(['home', 'myWork', 'tokens'])
    expect(keys('street', undefined, ['self', 'ledger.read', 'instructor.work'])).not.toContain('myWork')
  })

  it('shows a handler (承办单位经办人) its inbox only', () => {
    const menus = visibleMenus('handler', undefined, ['self', 'service.handle'])
    expect(menus.map((m) => m.key)).toEqual(['serviceDesk', 'tokens'])
    expect(menus[0].title).toBe('我的待办/承办')
    expect(keys('handler')).toEqual(['serviceDesk', 'tokens'])
    expect(canAccess('handler', 'organizations', undefined, ['self', 'service.handle'])).toBe(false)
    expect(canAccess('handler', 'regions', undefined, ['self', 'service.handle'])).toBe(false)
    expect(visibleMenus('street', undefined, ['self', 'service.read']).find((m) => m.key === 'serviceDesk')?.title).toBe('订单式服务')
  })

  it('uses the perms list when there is no menu list', () => {
    expect(keys('system_admin', undefined, ['self', 'region.read', 'region.write', 'user.read', 'user.account'])).toEqual(['home', 'regions', 'users', 'tokens'])
    expect(keys('audit_admin', undefined, ['self', 'audit.read'])).toEqual(['home', 'audit', 'tokens'])
    expect(keys('readonly', undefined, ['self', 'region.read'])).toEqual(['home', 'regions', 'tokens'])
    expect(keys('district', undefined, ['self', 'region.read', 'ledger.read'])).toEqual([
      'home', 'dashboard', 'organizations', 'partyOrgs', 'instructors', 'worklists', 'dangtong', 'visitFrequencies', 'regions', 'tokens',
    ])
    expect(keys('street', undefined, ['self', 'orglife.read', 'assess.manage'])).toEqual([
      'home', 'meetings', 'committees', 'compliance', 'assessSheets', 'assessRounds', 'assessSignals', 'assessPairs', 'assessHonours', 'tokens',
    ])
    expect(canAccess('district', 'assessRounds', undefined, ['self', 'orglife.read'])).toBe(false)
    expect(canManageAreas('readonly', ['self', 'region.read', 'region.write'])).toBe(true)
    expect(canManageAreas('system_admin', ['self', 'region.read'])).toBe(false)
  })

  it('guards access and area management', () => {
    expect(canAccess('audit_admin', 'regions')).toBe(false)
    expect(canAccess('district', 'users')).toBe(false)
    expect(canManageAreas('street')).toBe(true)
    expect(canManageAreas('district')).toBe(true)
    expect(canManageAreas('system_admin')).toBe(true)
    expect(canManageAreas('readonly')).toBe(false)
    expect(canManageAreas('security_admin')).toBe(false)
  })
})

describe('the user menu', () => {
  it('puts API 令牌 in the user menu, not the side menu, for every role', () => {
    for (const r of ['district', 'street', 'party_org', 'instructor', 'readonly', 'system_admin', 'security_admin', 'audit_admin']) {
      const items = visibleMenus(r)
      expect(sideMenus(items).map((m) => m.key)).not.toContain('tokens')
      expect(personalMenus(items).map((m) => [m.key, m.path, m.title])).toEqual([['tokens', '/tokens', 'API 令牌']])
      // The /tokens route stays reachable.
      expect(canAccess(r, 'tokens')).toBe(true)
    }
  })
})

describe('ledger menus and permissions', () => {
  it('groups the ledger pages under 两新台账', () => {
    const entries = groupMenus(sideMenus(visibleMenus('district')))
    expect(entries.map((e) => e.item?.key || e.group)).toEqual(['home', '两新台账', '组织生活', '考评与星级', '党员管理', 'serviceDesk', 'wishes', '志愿服务/时间银行', 'venues', 'funds', 'contracts', '区域化共建', '工作督办', 'regions'])
    expect(entries[7].items?.map((m) => m.title)).toEqual(['志愿活动', '党员服务队', '时间银行'])
    expect(entries[3].items?.map((m) => m.title)).toEqual(['指标体系', '考评轮次', '软弱涣散', '结对帮带', '表彰'])
    expect(entries[1].items?.map((m) => m.title)).toEqual(['数据驾驶舱', '两新组织', '党组织', '党建指导员', '工作清单', '党统报表', '指导员走访频次'])
    expect(entries[4].items?.map((m) => m.title)).toEqual(['党员花名册', '发展党员', '党费管理', '组织关系转接'])
    expect(groupMenus(visibleMenus('system_admin')).every((e) => !!e.item)).toBe(true)
  })

  it('follows ledger.write and ledger.settings', () => {
    expect(canWriteLedger('readonly', ['self', 'ledger.read', 'ledger.write'])).toBe(true)
    expect(canWriteLedger('district', ['self', 'ledger.read'])).toBe(false)
    expect(canWriteLedger('street')).toBe(true)
    expect(canWriteLedger('party_org')).toBe(false)
    expect(canChangeLedgerSettings('street', ['ledger.read', 'ledger.write'])).toBe(false)
    expect(canChangeLedgerSettings('district', ['ledger.settings'])).toBe(true)
    expect(canChangeLedgerSettings('district')).toBe(true)
    expect(canAccess('system_admin', 'dashboard', undefined, ['self', 'region.read', 'user.read', 'user.grant'])).toBe(false)
    expect(canAccess('readonly', 'worklists', undefined, ['self', 'region.read', 'ledger.read'])).toBe(true)
    expect(canAccess('readonly', 'visitFrequencies', undefined, ['self', 'region.read', 'ledger.read'])).toBe(true)
    expect(canAccess('instructor', 'visitFrequencies', undefined, ['self', 'instructor.work'])).toBe(false)
  })
})

describe('dues and transfers menus', () => {
  it('puts 党费管理 and 组织关系转接 after 发展党员 under 党员管理 for member.read', async () => {
    const { canWriteMembers, canChangeMemberSettings } = await import('../menus')
    const entries = groupMenus(visibleMenus('party_org'))
    const group = entries.find((e) => e.group === '党员管理')
    expect(group?.items?.map((m) => m.title)).toEqual(['党员花名册', '发展党员', '党费管理', '组织关系转接'])
    expect(keys('readonly', undefined, ['self', 'member.read'])).toEqual(['home', 'members', 'develop', 'dues', 'transfers', 'tokens'])
    expect(canAccess('audit_admin', 'dues')).toBe(false)
    expect(canWriteMembers('readonly', ['self', 'member.read'])).toBe(false)
    expect(canWriteMembers('readonly', ['self', 'member.write'])).toBe(true)
    expect(canWriteMembers('instructor')).toBe(false)
    expect(canChangeMemberSettings('street', ['member.read', 'member.write'])).toBe(false)
    expect(canChangeMemberSettings('district')).toBe(true)
  })
})

describe('三员分立 on the users page', () => {
  it('gives accounts to the system administrator and grants to the security administrator', () => {
    expect(canManageAccounts('system_admin', ['self', 'user.read', 'user.account'])).toBe(true)
    expect(canGrantRoles('system_admin', ['self', 'user.read', 'user.account'])).toBe(false)
    expect(canGrantRoles('security_admin', ['self', 'user.read', 'user.grant'])).toBe(true)
    expect(canManageAccounts('security_admin', ['self', 'user.read', 'user.grant'])).toBe(false)
    expect(canManageAccounts('system_admin')).toBe(true)
    expect(canGrantRoles('security_admin')).toBe(true)
    expect(keys('none', undefined, ['self'])).toEqual(['home', 'tokens'])
  })
})
