// Types and endpoints of 党员花名册: the roster, one member (masked, or in full
// with reveal=true, audited), statistics, export and membership history (import goes through ImportDialog).
import { buildQuery, http } from './http'
import type { ItemOf, QueryOf, Schemas } from './types'

const base = '/api/v1'

export type Member = Schemas['Member']
export type Gender = Member['gender']
export type MemberCategory = Member['category']
export type MemberStatus = Member['status']

/** Body of POST /members. */
export type MemberInput = Schemas['MemberInput']

/** Form state of a new member: the selects start empty. */
export type MemberForm = Omit<MemberInput, 'gender' | 'category' | 'party_org_id' | 'birth_date'> & {
  gender: Gender | ''
  category: MemberCategory | ''
  party_org_id: number | null
  birth_date: string
}

/** A partial update; 身份证号, gender and birth date cannot change. */
export type MemberPatch = Schemas['MemberPatch']

export type MemberSort = '' | 'id' | 'name' | '-name' | 'birth_date' | '-birth_date' | 'joined_on' | '-joined_on'

/** The roster's filter state (GET /members; '' and null mean no filter). */
export interface MemberQuery extends Omit<QueryOf<'listMembers'>, 'party_org_id' | 'organization_id' | 'category' | 'status' | 'gender' | 'sort'> {
  party_org_id?: number | null
  organization_id?: number | null
  category?: MemberCategory | ''
  status?: MemberStatus | ''
  gender?: Gender | ''
  sort?: MemberSort
}

export type MemberStats = Schemas['MemberStats']
export type StatCount = ItemOf<MemberStats['by_age']>
export type Membership = ItemOf<Schemas['MembershipList']['items']>

type Query = Record<string, string | number | undefined | null>

/** The list query without paging (export takes the same filter). */
function filterOnly(q: MemberQuery): Query {
  const { page: _p, page_size: _s, ...rest } = q
  return rest as Query
}

export const memberApi = {
  list: (q: MemberQuery) => http.get<Schemas['MemberPage']>(`${base}/members`, q as Query),
  get: (id: number, reveal = false) => http.get<Member>(`${base}/members/${id}`, reveal ? { reveal: 'true' } : undefined),
  create: (body: MemberInput) => http.post<Member>(`${base}/members`, body),
  update: (id: number, body: MemberPatch) => http.patch<Member>(`${base}/members/${id}`, body),
  stats: (q: { region_code?: string; party_org_id?: number | null } = {}) => http.get<MemberStats>(`${base}/members/stats`, q as Query),
  memberships: (id: number) => http.get<Schemas['MembershipList']>(`${base}/members/${id}/memberships`),
  exportUrl: (q: MemberQuery) => `${base}/members/export${buildQuery(filterOnly(q))}`,
}

/** A member's place in a 党小组 (party organization of kind `group`) over a period. */
export type GroupMember = Schemas['GroupMember']

export const groupMemberApi = {
  list: (groupId: number) => http.get<Schemas['GroupMemberList']>(`${base}/party-orgs/${groupId}/group-members`),
  add: (groupId: number, member_id: number, from: string) =>
    http.post<GroupMember>(`${base}/party-orgs/${groupId}/group-members`, { member_id, from }),
  end: (groupId: number, memberId: number, on: string) =>
    http.post<GroupMember>(`${base}/party-orgs/${groupId}/group-members/${memberId}/end`, { on }),
}
