// Types and endpoints of 党员花名册: the roster, one member (masked, or in full
// with reveal=true, audited), statistics, export and membership history (import goes through ImportDialog).
import { buildQuery, http } from './http'
import type { Items, Page } from './types'

const base = '/api/v1'

export type Gender = 'male' | 'female'
export type MemberCategory = 'full' | 'probationary'
export type MemberStatus = 'active' | 'transferred_out' | 'suspended' | 'expelled' | 'deceased'

export interface Member {
  id: number
  name: string
  gender: Gender | string
  ethnicity: string
  birth_date: string
  /** Masked (430426********1234) unless fetched with reveal=true. */
  id_number: string
  /** Masked (138****5678) unless fetched with reveal=true. */
  phone: string
  education: string
  category: MemberCategory | string
  party_org_id: number
  organization_id: number | null
  joined_on: string | null
  confirmed_on: string | null
  position: string
  status: MemberStatus | string
}

export interface MemberInput {
  name: string
  gender: Gender | ''
  ethnicity?: string
  birth_date: string
  id_number: string
  phone?: string
  education?: string
  category: MemberCategory | ''
  party_org_id: number | null
  organization_id?: number | null
  joined_on?: string
  confirmed_on?: string
  position?: string
}

/** A partial update; 身份证号, gender and birth date cannot change. */
export interface MemberPatch {
  name?: string
  ethnicity?: string
  phone?: string
  education?: string
  category?: MemberCategory
  party_org_id?: number
  organization_id?: number
  joined_on?: string
  confirmed_on?: string
  position?: string
  status?: MemberStatus
}

export type MemberSort = '' | 'id' | 'name' | '-name' | 'birth_date' | '-birth_date' | 'joined_on' | '-joined_on'

export interface MemberQuery {
  name?: string
  /** Exact match of the full number. */
  id_number?: string
  party_org_id?: number | null
  organization_id?: number | null
  region_code?: string
  category?: MemberCategory | ''
  status?: MemberStatus | ''
  gender?: Gender | ''
  education?: string
  age_band?: string
  sort?: MemberSort
  page?: number
  page_size?: number
}

export interface StatCount {
  code: string
  name: string
  count: number
}

export interface MemberStats {
  total: number
  by_age: StatCount[]
  by_gender: StatCount[]
  by_education: StatCount[]
  by_party_age: StatCount[]
  by_category: StatCount[]
  by_region: StatCount[]
  by_party_org: StatCount[]
}

export interface Membership {
  party_org_id: number
  party_org_name: string
  from: string
  to: string | null
  transfer_id: number | null
}

type Query = Record<string, string | number | undefined | null>

/** The list query without paging (export takes the same filter). */
function filterOnly(q: MemberQuery): Query {
  const { page: _p, page_size: _s, ...rest } = q
  return rest as Query
}

export const memberApi = {
  list: (q: MemberQuery) => http.get<Page<Member>>(`${base}/members`, q as Query),
  get: (id: number, reveal = false) => http.get<Member>(`${base}/members/${id}`, reveal ? { reveal: 'true' } : undefined),
  create: (body: MemberInput) => http.post<Member>(`${base}/members`, body),
  update: (id: number, body: MemberPatch) => http.patch<Member>(`${base}/members/${id}`, body),
  stats: (q: { region_code?: string; party_org_id?: number | null } = {}) => http.get<MemberStats>(`${base}/members/stats`, q as Query),
  memberships: (id: number) => http.get<Items<Membership>>(`${base}/members/${id}/memberships`),
  exportUrl: (q: MemberQuery) => `${base}/members/export${buildQuery(filterOnly(q))}`,
}

/** A member's place in a 党小组 (party organization of kind `group`) over a period. */
export interface GroupMember {
  id: number
  group_id: number
  group_name: string
  member_id: number
  member_name: string
  from: string
  to: string | null
  /** Where a 流出 member is away ('' if not away). */
  mobile: string
  /** A member of another party organization taking part here under 双重管理 (流入). */
  dual: boolean
}

export const groupMemberApi = {
  list: (groupId: number) => http.get<Items<GroupMember>>(`${base}/party-orgs/${groupId}/group-members`),
  add: (groupId: number, member_id: number, from: string) =>
    http.post<GroupMember>(`${base}/party-orgs/${groupId}/group-members`, { member_id, from }),
  end: (groupId: number, memberId: number, on: string) =>
    http.post<GroupMember>(`${base}/party-orgs/${groupId}/group-members/${memberId}/end`, { on }),
}
