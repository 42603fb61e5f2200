// Types and endpoints of 党费: calculator, rate tables, yearly bases,
// payments, arrears, the annual publication and refunds.
import { allPages, http, buildQuery } from './http'
import type { ItemOf, Schemas } from './types'

const base = '/api/v1/dues'

export type DuesBaseInput = Schemas['DuesBaseInput']
export type DuesPaymentInput = Schemas['DuesPaymentInput']
export type DuesKind = DuesBaseInput['kind']
export type DuesMethod = DuesPaymentInput['method']

export type DuesOptions = Schemas['DuesOptions']
export type CodeName = ItemOf<DuesOptions['kinds']>

/** rate: a decimal fraction ("0.005"), absent for flat kinds; amount: 元 with two decimals. */
export type DuesCalc = Schemas['DuesCalc']

export type RateTable = Schemas['DuesRateTable']
export type RateTableInput = Schemas['DuesRateTableInput']
export type Bracket = ItemOf<RateTable['brackets'][string]>

export type RefundPolicy = Schemas['DuesRefundPolicy']
export type RefundPolicyInput = Schemas['DuesRefundPolicyInput']

export type DuesBase = Schemas['DuesBase']
export type DuesMemberYear = Schemas['DuesMemberYear']
export type MonthStatus = ItemOf<NonNullable<DuesMemberYear['months']>>
export type DuesPayment = NonNullable<MonthStatus['payment']>

export type DuesBatch = Schemas['DuesBatch']
export type DuesVoidInput = Schemas['DuesVoidInput']

export type Arrear = Schemas['DuesArrear']

/** The arrears filter state. */
export interface ArrearsQuery {
  as_of?: string
  party_org_id?: number | null
  flagged?: boolean
}

export type DuesSummary = Schemas['DuesSummary']
export type SummaryLine = ItemOf<DuesSummary['lines']>

export type Refund = Schemas['DuesRefund']
export type RefundInput = Schemas['DuesRefundInput']

/** A member as listed by GET /members (masked), the fields the dues screens use. */
export type MemberBrief = Pick<Schemas['Member'], 'id' | 'name' | 'party_org_id' | 'category' | 'status' | 'joined_on'>

function arrearsParams(q: ArrearsQuery) {
  return { as_of: q.as_of || undefined, party_org_id: q.party_org_id || undefined, flagged: q.flagged ? 'true' : undefined }
}

export const duesApi = {
  calc: (baseAmount: string, kind: string) => http.get<DuesCalc>(`${base}/calc`, { base: baseAmount, kind }),
  options: () => http.get<DuesOptions>(`${base}/options`),
  rateTables: () => http.get<Schemas['DuesRateTableList']>(`${base}/rate-tables`),
  refundPolicy: () => http.get<RefundPolicy>(`${base}/refund-policy`),
  setRefundPolicy: (p: RefundPolicyInput) => http.put<RefundPolicy>(`${base}/refund-policy`, p),
  declareBase: (body: DuesBaseInput) => http.post<DuesBase>(`${base}/bases`, body),
  memberYear: (id: number, year?: number) => http.get<DuesMemberYear>(`${base}/members/${id}`, { year }),
  pay: (body: DuesPaymentInput) => http.post<DuesBatch>(`${base}/payments`, body),
  /** Voids a payment recorded by mistake: the whole batch, with a reason (audited). */
  voidBatch: (body: DuesVoidInput) => http.post<DuesBatch>(`${base}/payments/void`, body),
  /** One page of the arrears (in the order of the whole list); total is the full count. */
  arrears: (q: ArrearsQuery, page = 1, page_size = 50) => http.get<Schemas['DuesArrearsPage']>(`${base}/arrears`, { ...arrearsParams(q), page, page_size }),
  arrearsExportUrl: (q: ArrearsQuery) => `${base}/arrears/export${buildQuery(arrearsParams(q))}`,
  summary: (party_org_id: number, year: number) => http.get<DuesSummary>(`${base}/summary`, { party_org_id, year }),
  summaryExportUrl: (party_org_id: number, year: number) => `${base}/summary/export${buildQuery({ party_org_id, year })}`,
  refunds: (year: number, party_org_id?: number | null) => allPages<Refund>(`${base}/refunds`, { year, party_org_id: party_org_id || undefined }),
  recordRefund: (body: RefundInput) => http.post<Refund>(`${base}/refunds`, body),
  /** Members of a party organization (and its subtree), for the pickers. */
  members: (q: { party_org_id?: number | null; name?: string; status?: string; page_size?: number }) =>
    http.get<Schemas['MemberPage']>('/api/v1/members', {
      party_org_id: q.party_org_id || undefined,
      name: q.name || undefined,
      status: q.status ?? 'active',
      page_size: q.page_size ?? 200,
      sort: 'name',
    }),
}
