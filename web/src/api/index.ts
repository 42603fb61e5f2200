// Typed endpoints of the Liangxin API.
import { http, buildQuery } from './http'
import type {
  ItemOf,
  QueryOf,
  Region,
  RegionNode,
  RegionStats,
  Schemas,
  SessionInfo,
  SystemInfo,
  User,
} from './types'

const base = '/api/v1'
const enc = encodeURIComponent

export const authApi = {
  login: (username: string, password: string) =>
    http.post<SessionInfo>(`${base}/auth/login`, { username, password }, { handle401: false }),
  logout: () => http.post<void>(`${base}/auth/logout`, undefined, { handle401: false }),
  me: () => http.get<SessionInfo>(`${base}/auth/me`, undefined, { handle401: false }),
  changePassword: (old_password: string, new_password: string) =>
    http.post<void>(`${base}/auth/password`, { old_password, new_password }),
}

export const systemApi = {
  info: () => http.get<SystemInfo>(`${base}/system`),
  roles: () => http.get<Schemas['RoleList']>(`${base}/roles`),
}

export const regionApi = {
  scope: () => http.get<Region>(`${base}/regions/scope`),
  get: (code: string) => http.get<Region>(`${base}/regions/${enc(code)}`),
  children: (code: string) => http.get<Schemas['RegionList']>(`${base}/regions/${enc(code)}/children`),
  tree: (code: string, depth = 2) => http.get<RegionNode>(`${base}/regions/${enc(code)}/tree`, { depth }),
  search: (q: string, page = 1, page_size = 20) => http.get<Schemas['RegionPage']>(`${base}/regions`, { q, page, page_size }),
  stats: (code: string) => http.get<RegionStats>(`${base}/regions/${enc(code)}/stats`),
  createArea: (code: string, name: string, kind: string) =>
    http.post<Region>(`${base}/regions/${enc(code)}/areas`, { name, kind }),
  rename: (code: string, name: string) => http.patch<Region>(`${base}/regions/${enc(code)}`, { name }),
  remove: (code: string) => http.del<void>(`${base}/regions/${enc(code)}`),
}

export type UserQuery = QueryOf<'listUsers'>

/** A new account: name only. It has no business role until the security administrator grants one. */
export type CreateUserBody = Schemas['UserCreate']

/** Account fields the system administrator changes. */
export type UpdateUserBody = Schemas['UserPatch']

/** What the security administrator grants: a role and a scope, or a party organization for party_org. */
export type GrantBody = Schemas['UserGrant']

/** An instructor record an instructor account may be bound to. */
export type InstructorOption = ItemOf<Schemas['InstructorOptionList']['items']>
export type HandlerUnitOption = ItemOf<Schemas['HandlerUnitOptionList']['items']>

export type PartyOrgOption = ItemOf<Schemas['PartyOrgOptionList']['items']>

export const userApi = {
  list: (q: UserQuery) => http.get<Schemas['UserPage']>(`${base}/users`, { ...q }),
  get: (id: number) => http.get<User>(`${base}/users/${id}`),
  create: (body: CreateUserBody) => http.post<Schemas['UserCreated']>(`${base}/users`, body),
  update: (id: number, body: UpdateUserBody) => http.patch<User>(`${base}/users/${id}`, body),
  grant: (id: number, body: GrantBody) => http.put<User>(`${base}/users/${id}/grant`, body),
  resetPassword: (id: number) => http.post<Schemas['PasswordReset']>(`${base}/users/${id}/reset-password`),
  unlock: (id: number) => http.post<void>(`${base}/users/${id}/unlock`),
  revokeSessions: (id: number) => http.post<void>(`${base}/users/${id}/revoke-sessions`),
  partyOrgOptions: (q: string) => http.get<Schemas['PartyOrgOptionList']>(`${base}/users/party-org-options`, { q }),
  instructorOptions: (q: string) => http.get<Schemas['InstructorOptionList']>(`${base}/users/instructor-options`, { q }),
  handlerUnitOptions: (q: string) => http.get<Schemas['HandlerUnitOptionList']>(`${base}/users/handler-unit-options`, { q }),
}

export const tokenApi = {
  list: () => http.get<Schemas['TokenList']>(`${base}/tokens`),
  create: (name: string) => http.post<Schemas['TokenCreated']>(`${base}/tokens`, { name }),
  revoke: (id: number) => http.del<void>(`${base}/tokens/${id}`),
}

export type AuditQuery = QueryOf<'listAudit'>

export const auditApi = {
  list: (q: AuditQuery) => http.get<Schemas['AuditPage']>(`${base}/audit`, { ...q }),
  actions: () => http.get<Schemas['ActionList']>(`${base}/audit/actions`),
  exportUrl: (q: AuditQuery) => {
    const { action, username, from, to, entity, entity_id } = q
    return `${base}/audit/export${buildQuery({ action, username, from, to, entity, entity_id })}`
  },
}
