// Types mirroring the Liangxin HTTP API contract.

export type RoleCode =
  | 'system_admin'
  | 'security_admin'
  | 'audit_admin'
  | 'district'
  | 'street'
  | 'party_org'
  | 'instructor'
  | 'readonly'

export interface User {
  id: number
  username: string
  display_name: string
  role: RoleCode | string
  role_name: string
  scope: string
  scope_name: string
  party_org_id?: number | null
  /** The instructor record an instructor account is bound to. */
  instructor_id?: number | null
  must_change_password: boolean
  disabled: boolean
  locked_until: string | null
  last_login_at: string | null
  created_at: string
}

export interface SessionInfo {
  user: User
  csrf_token: string
  menus?: unknown
  perms?: string[]
}

export interface Role {
  code: string
  name: string
  /** false for the three administrators (三员), managed from the server console only */
  assignable?: boolean
}

export type RegionLevel = 'province' | 'prefecture' | 'county' | 'town' | 'village' | 'area'
export type AreaKind = 'business_district' | 'building' | 'park' | 'grid'

export interface Region {
  code: string
  name: string
  level: RegionLevel | string
  level_name: string
  parent_code: string
  kind: AreaKind | ''
  kind_name: string
  has_children: boolean
  path?: string
}

/** A region with its loaded descendants (GET /regions/{code}/tree). */
export interface RegionNode extends Region {
  children?: RegionNode[]
}

export interface Page<T> {
  items: T[]
  total: number
  page: number
  page_size: number
}

export interface Items<T> {
  items: T[]
}

export interface RegionStats {
  counts: Record<string, number>
  children: { code: string; name: string; villages: number; areas: number }[]
}

export interface SystemInfo {
  name: string
  version: string
  jurisdiction: { code: string; name: string; full_name: string }
}

export interface ApiToken {
  id: number
  name: string
  /** Leading characters of the token, when the server shares them. */
  prefix?: string
  created_at: string
  last_used_at: string | null
  revoked_at: string | null
}

export interface AuditEntry {
  id: number
  at: string
  username: string
  ip: string
  action: string
  action_name: string
  entity: string
  entity_name?: string
  /** Chinese name of the kind of object (党员, 会议). */
  entity_label?: string
  /** For a reveal: whose data was shown, values masked. */
  subject?: string
  /** Chinese labels of the keys of detail. */
  labels?: Record<string, string>
  entity_id: string
  result: string
  detail: { before?: unknown; after?: unknown; note?: string; [key: string]: unknown } | null
}

export interface AuditAction {
  code: string
  name: string
}
