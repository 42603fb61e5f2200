// Types and endpoints of 购买服务: contracts with social organizations and
// their four-party evaluation.
import { downloadUrl, http } from './http'
import type { Schemas } from './types'

export type Contract = Schemas['ServiceContract']
export type ContractInput = Schemas['ServiceContractInput']
export type Evaluation = Schemas['ContractEvaluation']
export type EvaluationInput = Schemas['ContractEvaluationInput']
export type ContractSettings = Schemas['ContractSettings']
export type ContractSettingsInput = Schemas['ContractSettingsInput']
export type ContractOptions = Schemas['ContractOptions']

export interface ContractQuery {
  status?: string
  region_code?: string
  year?: number | null
  grade?: string
  q?: string
  sort?: string
  page?: number
  page_size?: number
}

function clean(q: ContractQuery): Record<string, string | number | undefined> {
  return { status: q.status || undefined, region_code: q.region_code || undefined, year: q.year || undefined, grade: q.grade || undefined, q: q.q?.trim() || undefined, sort: q.sort || undefined }
}

export const contractApi = {
  options: () => http.get<ContractOptions>('/api/v1/contract-options'),
  settings: () => http.get<ContractSettings>('/api/v1/contract-settings'),
  setSettings: (body: ContractSettingsInput) => http.put<ContractSettings>('/api/v1/contract-settings', body),
  list: (q: ContractQuery) => http.get<Schemas['ServiceContractPage']>('/api/v1/service-contracts', { ...clean(q), page: q.page, page_size: q.page_size }),
  create: (body: ContractInput) => http.post<Contract>('/api/v1/service-contracts', body),
  update: (id: number, body: ContractInput) => http.put<Contract>(`/api/v1/service-contracts/${id}`, body),
  evaluations: (id: number) => http.get<Schemas['ContractEvaluationList']>(`/api/v1/service-contracts/${id}/evaluations`),
  evaluate: (id: number, body: EvaluationInput) => http.post<Evaluation>(`/api/v1/service-contracts/${id}/evaluations`, body),
  export: (q: ContractQuery) => {
    const p = new URLSearchParams()
    for (const [k, v] of Object.entries(clean(q))) if (v !== undefined) p.set(k, String(v))
    const s = p.toString()
    downloadUrl('/api/v1/service-contracts/export' + (s ? `?${s}` : ''))
  },
}

/**
 * Reads an amount in 元 typed by the user ("120000", "1,234.5") into 分,
 * with string arithmetic only (no floating point). null when it is not an
 * amount with at most two decimals.
 */
export function yuanToFen(text: string): number | null {
  const s = text.replace(/[,，\s]/g, '')
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(s)
  if (!m) return null
  const frac = (m[2] || '').padEnd(2, '0')
  return Number(m[1]) * 100 + Number(frac)
}

/** Writes an amount in 分 as 元 with two decimals ("1234.50"). */
export function fenToYuan(fen: number): string {
  const neg = fen < 0
  const a = Math.abs(fen)
  const yuan = Math.floor(a / 100)
  const rest = String(a % 100).padStart(2, '0')
  return `${neg ? '-' : ''}${yuan}.${rest}`
}

/**
 * The weighted result of four scores (text, 0–100 with one decimal) in
 * hundredths of a point, rounded half up — the server's rule, for the
 * preview in the dialog (the server's figure is the one stored).
 */
export function weightedPreview(scores: string[], weights: number[]): number | null {
  let thousandths = 0
  for (let i = 0; i < 4; i++) {
    const m = /^(\d{1,3})(?:\.(\d))?$/.exec((scores[i] || '').trim())
    if (!m) return null
    const tenths = Number(m[1]) * 10 + Number(m[2] || '0')
    if (tenths > 1000) return null
    thousandths += tenths * weights[i]
  }
  return Math.floor((thousandths + 5) / 10)
}

export function hundredthsText(h: number): string {
  return `${Math.floor(h / 100)}.${String(h % 100).padStart(2, '0')}`
}
