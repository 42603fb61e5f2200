import { beforeEach, describe, expect, it } from 'vitest'
import type { RouteLocationNormalized } from 'vue-router'
import { guardDecision } from '../router'
import { session } from '../session'
import type { User } from '../api/types'

function route(name: string, path: string, meta: Record<string, unknown> = {}): RouteLocationNormalized {
  return { name, path, fullPath: path, meta, params: {}, query: {}, hash: '', matched: [], redirectedFrom: undefined } as unknown as RouteLocationNormalized
}

function user(role: string, mustChange = false): User {
  return {
    id: 1,
    username: 'u',
    display_name: '用户',
    role,
    role_name: role,
    scope: '430426',
    scope_name: '祁东县',
    party_org_id: null,
    instructor_id: null,
    handler_unit_id: null,
    must_change_password: mustChange,
    password_changed_at: '2026-01-01T00:00:00Z',
    disabled: false,
    locked_until: null,
    last_login_at: null,
    created_at: '2026-01-01T00:00:00Z',
  }
}

describe('route guard', () => {
  beforeEach(() => {
    session.user = null
    session.menus = undefined
    session.perms = undefined
    session.loaded = true
  })

  it('sends anonymous users to login with a redirect', () => {
    expect(guardDecision(route('users', '/users', { menu: 'users' }))).toEqual({ path: '/login', query: { redirect: '/users' } })
    expect(guardDecision(route('home', '/', { menu: 'home' }))).toEqual({ path: '/login', query: {} })
    expect(guardDecision(route('login', '/login', { public: true }))).toBe(true)
  })

  it('forces the password page while must_change_password is set', () => {
    session.user = user('system_admin', true)
    expect(guardDecision(route('home', '/', { menu: 'home' }))).toEqual({ path: '/password' })
    expect(guardDecision(route('regions', '/regions', { menu: 'regions' }))).toEqual({ path: '/password' })
    expect(guardDecision(route('password', '/password'))).toBe(true)
    expect(guardDecision(route('login', '/login', { public: true }))).toEqual({ path: '/password' })
  })

  it('keeps users out of pages their role cannot see', () => {
    session.user = user('audit_admin')
    expect(guardDecision(route('regions', '/regions', { menu: 'regions' }))).toEqual({ path: '/' })
    expect(guardDecision(route('audit', '/audit', { menu: 'audit' }))).toBe(true)
    session.user = user('street')
    expect(guardDecision(route('users', '/users', { menu: 'users' }))).toEqual({ path: '/' })
    expect(guardDecision(route('regions', '/regions', { menu: 'regions' }))).toBe(true)
    expect(guardDecision(route('login', '/login', { public: true }))).toEqual({ path: '/' })
  })

  it('shows an instructor its home (the day’s work) and its own work page, and keeps it out of the ledger', () => {
    session.user = user('instructor')
    session.perms = ['self', 'instructor.work']
    expect(guardDecision(route('home', '/', { menu: 'home' }))).toBe(true)
    expect(guardDecision(route('my-work', '/my-work', { menu: 'myWork' }))).toBe(true)
    expect(guardDecision(route('organizations', '/organizations', { menu: 'organizations' }))).toEqual({ path: '/' })
    session.user = user('street')
    session.perms = ['self', 'ledger.read', 'instructor.work']
    expect(guardDecision(route('my-work', '/my-work', { menu: 'myWork' }))).toEqual({ path: '/' })
  })

  it('sends a handler to its inbox on the service desk and nowhere else', () => {
    session.user = user('handler')
    session.perms = ['self', 'service.handle']
    expect(guardDecision(route('home', '/', { menu: 'home' }))).toEqual({ path: '/services' })
    expect(guardDecision(route('services', '/services', { menu: 'serviceDesk' }))).toBe(true)
    expect(guardDecision(route('members', '/members', { menu: 'members' }))).toEqual({ path: '/' })
  })
})

describe('route guard for a party member (党员账号)', () => {
  beforeEach(() => {
    session.menus = undefined
    session.perms = ['self', 'member.self']
    session.loaded = true
  })

  it('keeps a member on its phone pages', () => {
    session.user = user('member')
    expect(guardDecision(route('home', '/', { menu: 'home' }))).toEqual({ path: '/m' })
    expect(guardDecision(route('members', '/members', { menu: 'members' }))).toEqual({ path: '/m' })
    expect(guardDecision(route('password', '/password'))).toEqual({ path: '/m' })
    expect(guardDecision(route('m-dues', '/m/dues', { member: true }))).toBe(true)
  })

  it('sends a member who must change the password to the phone password page', () => {
    session.user = user('member', true)
    expect(guardDecision(route('m-home', '/m', { member: true }))).toEqual({ path: '/m/password' })
    expect(guardDecision(route('m-password', '/m/password', { member: true }))).toBe(true)
  })

  it('keeps staff off the phone pages', () => {
    session.user = user('street')
    session.perms = ['self', 'member.read']
    expect(guardDecision(route('m-home', '/m', { member: true }))).toEqual({ path: '/' })
  })

  it('lets anyone open the activation page', () => {
    session.user = null
    expect(guardDecision(route('m-activate', '/m/activate', { public: true }))).toBe(true)
  })
})
