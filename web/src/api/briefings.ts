// The monthly 通报 (issue 16 item 4): drafts generated from a month's frozen
// figures, the editable template, 签发, and the .docx/.xlsx downloads.
import { downloadUrl, http } from './http'
import type { ItemOf, Schemas } from './types'

export type Briefing = Schemas['Briefing']
export type BriefingRendered = Schemas['BriefingRendered']
export type BriefingTemplate = Schemas['BriefingTemplate']
export type BriefingPlaceholder = ItemOf<Schemas['BriefingPlaceholderList']['items']>
export type BriefingFigures = NonNullable<Briefing['figures']>
export type BriefingBlock = ItemOf<BriefingRendered['document']['blocks']>

export interface BriefingQuery {
  state?: string
  year?: number
  region_code?: string
  q?: string
  page?: number
  page_size?: number
}

export const briefingApi = {
  list: (q: BriefingQuery) =>
    http.get<Schemas['BriefingPage']>('/api/v1/briefings', {
      state: q.state || undefined,
      year: q.year || undefined,
      region_code: q.region_code || undefined,
      q: q.q || undefined,
      page: q.page,
      page_size: q.page_size,
    }),
  generate: (month: string, region_code: string, refresh = false) => http.post<Briefing>('/api/v1/briefings', { month, region_code, refresh }),
  get: (id: number) => http.get<Briefing>(`/api/v1/briefings/${id}`),
  update: (id: number, body: { title: string; body: string; version: number }) => http.put<Briefing>(`/api/v1/briefings/${id}`, body),
  remove: (id: number) => http.del<void>(`/api/v1/briefings/${id}`),
  issue: (id: number, version: number) => http.post<Briefing>(`/api/v1/briefings/${id}/issue`, { version }),
  document: (id: number) => http.get<BriefingRendered>(`/api/v1/briefings/${id}/document`),
  template: () => http.get<BriefingTemplate>('/api/v1/briefing-template'),
  saveTemplate: (body: { title: string; body: string; note: string }) => http.put<BriefingTemplate>('/api/v1/briefing-template', body),
  placeholders: () => http.get<Schemas['BriefingPlaceholderList']>('/api/v1/briefing-placeholders'),
  docx: (id: number) => downloadUrl(`/api/v1/briefings/${id}/docx`),
  xlsx: (id: number) => downloadUrl(`/api/v1/briefings/${id}/xlsx`),
}

/** The month before the current one (YYYY-MM): the usual month to brief on. */
export function lastMonth(today = new Date()): string {
  const d = new Date(today.getFullYear(), today.getMonth() - 1, 1)
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`
}

/** A percentage with one decimal. */
export function pct(v: number): string {
  return `${v.toFixed(1)}%`
}
