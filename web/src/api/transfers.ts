// Types and endpoints of 组织关系转接, 口袋党员 and 流动党员.
import { allPages, buildQuery, http } from './http'
import type { Items, Page } from './types'

const base = '/api/v1'

export type TransferKind = 'internal' | 'in_from_outside' | 'out_to_outside'

export interface CodeName {
  code: string
  name: string
}

export interface Transfer {
  id: number
  member_id: number | null
  member_name: string
  kind: TransferKind | string
  kind_name: string
  from_party_org_id: number | null
  from_party_org_name: string
  from_outside: string
  to_party_org_id: number | null
  to_party_org_name: string
  to_outside: string
  letter_no: string
  issued_on: string
  valid_until: string
  status: string
  status_name: string
  expired: boolean
  return_slip_on: string | null
  accepted_on: string | null
  accepted_by: string
  closed_on: string | null
  note: string
  created_by: string
  created_at: string
  updated_at: string
}

export interface TransferInput {
  kind: TransferKind
  member_id?: number
  member_name?: string
  from_outside?: string
  to_party_org_id?: number
  to_outside?: string
  letter_no: string
  issued_on?: string
  valid_until?: string
  note?: string
}

/** The member registered when a transfer from outside is accepted. */
export interface IncomingMember {
  name: string
  gender: 'male' | 'female' | ''
  birth_date: string
  id_number: string
  phone?: string
  category: 'full' | 'probationary'
  organization_id?: number | null
  joined_on?: string
  confirmed_on?: string
}

export interface TransferAccept {
  on?: string
  member?: IncomingMember
}

export interface TransferClose {
  on?: string
  note?: string
}

export interface TransferOptions {
  kinds: CodeName[]
  statuses: CodeName[]
  directions: CodeName[]
}

export interface TransferQuery {
  status?: string
  kind?: string
  party_org_id?: number | null
  member_id?: number | null
  page?: number
  page_size?: number
}

export interface Mobility {
  id: number
  member_id: number
  member_name: string
  party_org_id: number
  party_org_name: string
  direction: 'out' | 'in' | string
  direction_name: string
  place: string
  since: string
  card_no: string
  reviewed_on: string | null
  ended_on: string | null
  note: string
  months: number
}

export interface MobilityQuery {
  as_of?: string
  direction?: string
  min_months?: number | null
  party_org_id?: number | null
}

export interface MobilityInput {
  direction: 'out' | 'in'
  place: string
  since: string
  card_no?: string
  reviewed_on?: string
  note?: string
}

export interface MobilityPatch {
  card_no?: string
  reviewed_on?: string
  ended_on?: string
  note?: string
}

export interface Place {
  place: string
  count: number
  members: Mobility[]
}

export interface Membership {
  party_org_id: number
  party_org_name: string
  from: string
  to: string | null
  transfer_id: number | null
}

export const transferApi = {
  list: (q: TransferQuery) =>
    http.get<Page<Transfer>>(`${base}/transfers`, {
      status: q.status || undefined,
      kind: q.kind || undefined,
      party_org_id: q.party_org_id || undefined,
      member_id: q.member_id || undefined,
      page: q.page,
      page_size: q.page_size,
    }),
  /** The Excel export of the filtered list (all pages). */
  exportUrl: (q: Omit<TransferQuery, 'page' | 'page_size'>) =>
    `${base}/transfers/export${buildQuery({
      status: q.status || undefined,
      kind: q.kind || undefined,
      party_org_id: q.party_org_id || undefined,
      member_id: q.member_id || undefined,
    })}`,
  get: (id: number) => http.get<Transfer>(`${base}/transfers/${id}`),
  create: (body: TransferInput) => http.post<Transfer>(`${base}/transfers`, body),
  options: () => http.get<TransferOptions>(`${base}/transfers/options`),
  pocket: (q: { as_of?: string; page?: number; page_size?: number } = {}) => http.get<Page<Transfer>>(`${base}/transfers/pocket`, { ...q }),
  accept: (id: number, body: TransferAccept) => http.post<Transfer>(`${base}/transfers/${id}/accept`, body),
  returnSlip: (id: number, body: TransferClose) => http.post<Transfer>(`${base}/transfers/${id}/return-slip`, body),
  giveBack: (id: number, body: TransferClose) => http.post<Transfer>(`${base}/transfers/${id}/return`, body),
  cancel: (id: number, body: TransferClose) => http.post<Transfer>(`${base}/transfers/${id}/cancel`, body),
  memberships: (memberId: number) => http.get<Items<Membership>>(`${base}/members/${memberId}/memberships`),
}

export const mobilityApi = {
  list: (q: MobilityQuery) =>
    allPages<Mobility>(`${base}/mobility`, {
      as_of: q.as_of || undefined,
      direction: q.direction || undefined,
      min_months: q.min_months ?? undefined,
      party_org_id: q.party_org_id || undefined,
    }),
  places: (as_of?: string) => allPages<Place>(`${base}/mobility/places`, { as_of }),
  start: (memberId: number, body: MobilityInput) => http.post<Mobility>(`${base}/members/${memberId}/mobility`, body),
  update: (id: number, body: MobilityPatch) => http.patch<Mobility>(`${base}/mobility/${id}`, body),
}

/** 双重管理: a member takes part in a second party organization's activities; the membership stays. */
export interface Dual {
  id: number
  member_id: number
  member_name: string
  party_org_id: number
  party_org_name: string
  second_party_org_id: number
  second_party_org_name: string
  from: string
  to: string | null
  note: string
}

export interface DualInput {
  second_party_org_id: number
  from: string
  note?: string
}

export const dualApi = {
  list: (q: { party_org_id?: number | null; ended?: boolean; page?: number; page_size?: number }) =>
    http.get<Page<Dual>>(`${base}/dual`, { party_org_id: q.party_org_id || undefined, ended: q.ended ? 'true' : undefined, page: q.page, page_size: q.page_size }),
  start: (memberId: number, body: DualInput) => http.post<Dual>(`${base}/members/${memberId}/dual`, body),
  end: (id: number, body: { on: string; note?: string }) => http.post<Dual>(`${base}/dual/${id}/end`, body),
}
