// Types and endpoints of 组织关系转接, 口袋党员 and 流动党员.
import { allPages, buildQuery, http } from './http'
import type { FilterOf, ItemOf, QueryOf, Schemas } from './types'

const base = '/api/v1'

export type Transfer = Schemas['Transfer']
export type TransferInput = Schemas['TransferInput']
export type TransferKind = TransferInput['kind']
export type TransferOptions = Schemas['TransferOptions']
export type CodeName = ItemOf<TransferOptions['kinds']>

export type TransferAccept = Schemas['TransferAccept']
/** The member registered when a transfer from outside is accepted. */
export type IncomingMember = NonNullable<TransferAccept['member']>
/** Its form: gender may stay unchosen (the server takes it from the 身份证号). */
export type IncomingMemberForm = Omit<IncomingMember, 'gender'> & { gender: NonNullable<IncomingMember['gender']> | '' }
export type TransferClose = Schemas['TransferClose']

/** The transfers' filter state ('' and null: no filter). */
export type TransferQuery = FilterOf<QueryOf<'listTransfers'>>

export type Mobility = Schemas['Mobility']
/** The mobility filter state ('' and null: no filter). */
export type MobilityQuery = FilterOf<QueryOf<'listMobility'>>
export type MobilityInput = Schemas['MobilityInput']
export type MobilityPatch = Schemas['MobilityPatch']
export type Place = ItemOf<Schemas['PlacePage']['items']>
export type Membership = ItemOf<Schemas['MembershipList']['items']>

export const transferApi = {
  list: (q: TransferQuery) =>
    http.get<Schemas['TransferPage']>(`${base}/transfers`, {
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
  pocket: (q: { as_of?: string; page?: number; page_size?: number } = {}) => http.get<Schemas['TransferPage']>(`${base}/transfers/pocket`, { ...q }),
  accept: (id: number, body: TransferAccept) => http.post<Transfer>(`${base}/transfers/${id}/accept`, body),
  returnSlip: (id: number, body: TransferClose) => http.post<Transfer>(`${base}/transfers/${id}/return-slip`, body),
  giveBack: (id: number, body: TransferClose) => http.post<Transfer>(`${base}/transfers/${id}/return`, body),
  cancel: (id: number, body: TransferClose) => http.post<Transfer>(`${base}/transfers/${id}/cancel`, body),
  memberships: (memberId: number) => http.get<Schemas['MembershipList']>(`${base}/members/${memberId}/memberships`),
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
export type Dual = Schemas['Dual']
export type DualInput = Schemas['DualInput']

export const dualApi = {
  list: (q: { party_org_id?: number | null; ended?: boolean; page?: number; page_size?: number }) =>
    http.get<Schemas['DualPage']>(`${base}/dual`, { party_org_id: q.party_org_id || undefined, ended: q.ended ? 'true' : undefined, page: q.page, page_size: q.page_size }),
  start: (memberId: number, body: DualInput) => http.post<Dual>(`${base}/members/${memberId}/dual`, body),
  end: (id: number, body: TransferClose) => http.post<Dual>(`${base}/dual/${id}/end`, body),
}
