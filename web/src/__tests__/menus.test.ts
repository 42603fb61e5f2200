import { describe, expect, it } from 'vitest'
import { canAccess, canManageAreas, serverMenuKeys, visibleMenus } from '../menus'

const keys = (role: string, menus?: unknown, perms?: unknown) => visibleMenus(role, menus, perms).map((m) => m.key)

describe('menus by role', () => {
  it('follows the role table', () => {
    expect(keys('system_admin')).toEqual(['home', 'regions', 'users', 'tokens'])
    expect(keys('security_admin')).toEqual(['home', 'regions', 'users', 'tokens'])
    expect(keys('audit_admin')).toEqual(['home', 'audit', 'tokens'])
    for (const r of ['district', 'street', 'party_org', 'instructor', 'readonly']) {
      expect(keys(r)).toEqual(['home', 'regions', 'tokens'])
    }
    expect(keys('')).toEqual([])
  })

  it('prefers the server menu list when present', () => {
    expect(keys('readonly', ['home', '/users', { key: 'audit' }])).toEqual(['home', 'users', 'audit'])
    expect(keys('audit_admin', [{ path: '/regions' }, { code: 'tokens' }])).toEqual(['regions', 'tokens'])
    expect(serverMenuKeys(undefined)).toBeNull()
    expect(serverMenuKeys([])).toBeNull()
    expect(serverMenuKeys(['unknown'])).toBeNull()
  })

  it('uses the perms list when there is no menu list', () => {
    expect(keys('system_admin', undefined, ['self', 'region.read', 'region.write', 'user.manage'])).toEqual(['home', 'regions', 'users', 'tokens'])
    expect(keys('audit_admin', undefined, ['self', 'audit.read'])).toEqual(['home', 'audit', 'tokens'])
    expect(keys('readonly', undefined, ['self', 'region.read'])).toEqual(['home', 'regions', 'tokens'])
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
