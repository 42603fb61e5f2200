// Types and endpoints of 党费: calculator, rate tables, yearly bases,
// payments, arrears, the annual publication and refunds.
import { allPages, http, buildQuery } from './http'
import type { Items, Page } from './types'

const base = '/api/v1/dues'

export type DuesKind = 'employed' | 'retired' | 'student' | 'unemployed' | 'relief' | 'farmer'
export type DuesMethod = 'self' | 'proxy' | 'waived'

export interface CodeName {
  code: string
  name: string
}

export interface DuesCalc {
  /** Decimal fraction ("0.005"); empty for flat kinds. */
  rate: string
  /** 元 with two decimals. */
  amount: string
}

export interface DuesOptions {
  kinds: CodeName[]
  methods: CodeName[]
  max_back_months: number
  max_ahead_months: number
}

export interface Bracket {
  up_to?: string
  rate?: string
  amount?: string
}

export interface RateTable {
  id: number
  effective_from: string
  note: string
  built_in: boolean
  brackets: Record<string, Bracket[]>
}

export interface RefundPolicy {
  ratio: string
  note: string
}

export interface DuesBase {
  member_id: number
  year: number
  kind: string
  kind_name: string
  base: string
  monthly_amount: string
  rate: string
  rate_table_from: string
}

export interface DuesBaseInput {
  member_id: number
  year: number
  kind: string
  base: string
}

export interface DuesPayment {
  id: number
  member_id: number
  month: string
  amount: string
  paid_on: string
  method: DuesMethod | string
  method_name: string
  payer: string
  reason: string
  batch_id: string
  recorded_by: string
}

export interface MonthStatus {
  month: string
  due: boolean
  payment: DuesPayment | null
}

export interface DuesMemberYear {
  member_id: number
  name: string
  year: number
  base: DuesBase | null
  months: MonthStatus[]
  paid: string
}

export interface DuesPaymentInput {
  member_id: number
  months: string[]
  paid_on: string
  method: DuesMethod
  payer?: string
  reason?: string
}

export interface DuesBatch {
  batch_id: string
  member_id: number
  total: string
  back_months: number
  ahead_months: number
  payments: DuesPayment[]
}

export interface Arrear {
  member_id: number
  name: string
  party_org_id: number
  party_org_name: string
  joined_on: string
  unpaid_months: string[]
  consecutive_unpaid: number
  flagged: boolean
}

export interface ArrearsQuery {
  as_of?: string
  party_org_id?: number | null
  flagged?: boolean
}

export interface SummaryLine {
  member_id: number
  name: string
  kind: string
  kind_name: string
  monthly_amount: string
  months_due: number
  months_paid: number
  months_waived: number
  amount_due: string
  amount_paid: string
  amount_unpaid: string
}

export interface DuesSummary {
  party_org_id: number
  party_org_name: string
  year: number
  through: string
  members: number
  months_due: number
  months_paid: number
  months_waived: number
  amount_due: string
  amount_paid: string
  amount_unpaid: string
  lines: SummaryLine[]
}

export interface Refund {
  party_org_id: number
  party_org_name: string
  year: number
  collected: string
  ratio: string
  due: string
  refunded: string | null
  refunded_on: string | null
  note: string
}

export interface RefundInput {
  party_org_id: number
  year: number
  amount?: string
  refunded_on: string
  note?: string
}

/** A member as listed by GET /members (masked), the fields the dues screens use. */
export interface MemberBrief {
  id: number
  name: string
  party_org_id: number
  party_org_name?: string
  category?: string
  status?: string
  joined_on?: string
}

function arrearsParams(q: ArrearsQuery) {
  return { as_of: q.as_of || undefined, party_org_id: q.party_org_id || undefined, flagged: q.flagged ? 'true' : undefined }
}

export const duesApi = {
  calc: (baseAmount: string, kind: string) => http.get<DuesCalc>(`${base}/calc`, { base: baseAmount, kind }),
  options: () => http.get<DuesOptions>(`${base}/options`),
  rateTables: () => http.get<Items<RateTable>>(`${base}/rate-tables`),
  refundPolicy: () => http.get<RefundPolicy>(`${base}/refund-policy`),
  setRefundPolicy: (p: RefundPolicy) => http.put<RefundPolicy>(`${base}/refund-policy`, p),
  declareBase: (body: DuesBaseInput) => http.post<DuesBase>(`${base}/bases`, body),
  memberYear: (id: number, year?: number) => http.get<DuesMemberYear>(`${base}/members/${id}`, { year }),
  pay: (body: DuesPaymentInput) => http.post<DuesBatch>(`${base}/payments`, body),
  /** Voids a payment recorded by mistake: the whole batch, with a reason (audited). */
  voidBatch: (body: { batch_id: string; reason: string }) => http.post<DuesBatch>(`${base}/payments/void`, body),
  /** One page of the arrears (in the order of the whole list); total is the full count. */
  arrears: (q: ArrearsQuery, page = 1, page_size = 50) => http.get<Page<Arrear>>(`${base}/arrears`, { ...arrearsParams(q), page, page_size }),
  arrearsExportUrl: (q: ArrearsQuery) => `${base}/arrears/export${buildQuery(arrearsParams(q))}`,
  summary: (party_org_id: number, year: number) => http.get<DuesSummary>(`${base}/summary`, { party_org_id, year }),
  summaryExportUrl: (party_org_id: number, year: number) => `${base}/summary/export${buildQuery({ party_org_id, year })}`,
  refunds: (year: number, party_org_id?: number | null) => allPages<Refund>(`${base}/refunds`, { year, party_org_id: party_org_id || undefined }),
  recordRefund: (body: RefundInput) => http.post<Refund>(`${base}/refunds`, body),
  /** Members of a party organization (and its subtree), for the pickers. */
  members: (q: { party_org_id?: number | null; name?: string; status?: string; page_size?: number }) =>
    http.get<Page<MemberBrief>>('/api/v1/members', {
      party_org_id: q.party_org_id || undefined,
      name: q.name || undefined,
      status: q.status ?? 'active',
      page_size: q.page_size ?? 200,
      sort: 'name',
    }),
}
