// Types and endpoints of 经费保障: standards, entitlements, the journal
// (allocations, spending, reversals, receipts) and 孵化发展基金.
import { http, uploadFile } from './http'
import type { Schemas } from './types'

export type FundsOptions = Schemas['FundsOptions']
export type FundsStandard = Schemas['FundsStandard']
export type FundsStandardInput = Schemas['FundsStandardInput']
export type FundsReport = Schemas['FundsReport']
export type FundsRow = Schemas['FundsReport']['rows'][number]
export type FundsEntry = Schemas['FundsEntry']
export type FundsApplication = Schemas['FundsApplication']
export type FundsAllocationInput = Schemas['FundsAllocationInput']
export type FundsSpendingInput = Schemas['FundsSpendingInput']

const base = '/api/v1/funds'

export const fundsApi = {
  options: () => http.get<FundsOptions>('/api/v1/funds-options'),
  standard: (year: number) => http.get<FundsStandard>(`${base}/standard`, { year }),
  setStandard: (body: FundsStandardInput) => http.put<FundsStandard>(`${base}/standard`, body),
  recompute: (year: number) => http.post<Schemas['FundsRecompute']>(`${base}/recompute`, { year }),
  report: (year: number, region_code?: string) => http.get<FundsReport>(`${base}/report`, { year, region_code: region_code || undefined }),
  exportUrl: (year: number, region_code?: string) =>
    `${base}/report/export?year=${year}` + (region_code ? `&region_code=${encodeURIComponent(region_code)}` : ''),
  entries: (q: { year: number; kind?: string; party_org_id?: number; q?: string; page?: number; page_size?: number }) =>
    http.get<Schemas['FundsEntryPage']>(`${base}/entries`, {
      year: q.year,
      kind: q.kind || undefined,
      party_org_id: q.party_org_id || undefined,
      q: q.q?.trim() || undefined,
      page: q.page,
      page_size: q.page_size,
    }),
  allocate: (body: FundsAllocationInput) => http.post<FundsEntry>(`${base}/allocations`, body),
  spend: (body: FundsSpendingInput) => http.post<FundsEntry>(`${base}/spendings`, body),
  reverse: (id: number, reason: string) => http.post<FundsEntry>(`${base}/entries/${id}/reverse`, { reason }),
  uploadReceipt: (id: number, file: Blob) => uploadFile<Schemas['FundsReceipt']>(`${base}/entries/${id}/receipts`, file),
  importAllocations: (file: Blob) => uploadFile<Schemas['ImportSession']>('/api/v1/imports/funds-allocations', file),
  templateUrl: '/api/v1/imports/funds-allocations/template',
  receiptUrl: (id: number, receipt: number) => `${base}/entries/${id}/receipts/${receipt}`,
  applications: (q: { year: number; status?: string; page?: number; page_size?: number }) =>
    http.get<Schemas['FundsApplicationPage']>(`${base}/incubation`, { year: q.year, status: q.status || undefined, page: q.page, page_size: q.page_size }),
  apply: (body: Schemas['FundsApplicationInput']) => http.post<FundsApplication>(`${base}/incubation`, body),
  review: (id: number, opinion: string) => http.post<FundsApplication>(`${base}/incubation/${id}/review`, { opinion }),
  decide: (id: number, grant: boolean, reason: string) => http.post<FundsApplication>(`${base}/incubation/${id}/decide`, { grant, reason }),
}

/** Renders integer 分 as 元 with two decimals, without floating point. */
export function yuan(cents: number): string {
  const neg = cents < 0
  const c = Math.abs(Math.trunc(cents))
  const whole = Math.floor(c / 100)
  const frac = c % 100
  return (neg ? '-' : '') + String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ',') + '.' + String(frac).padStart(2, '0')
}

/** Parses a percentage text ("100", "37.5", "200%") into an exact ratio num/den (basis points over 10000). */
export function percentToRatio(text: string): { num: number; den: number } | null {
  const t = text.trim().replace(/%$/, '')
  const m = /^(\d{1,4})(?:\.(\d{1,2}))?$/.exec(t)
  if (!m) return null
  const num = Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'))
  return { num, den: 10000 }
}
