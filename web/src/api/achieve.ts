// What the 党建指导员's work achieved (issue 22 item 4): the figures of one
// instructor with their drill-down, the district ranking, marking a visit's
// problems solved, and the Excel exports for the annual 述职.
import { downloadUrl, http } from './http'
import type { Visit } from './ledger'

const base = '/api/v1'

/** The counts of one instructor, or summed over the district. */
export interface AchieveFigures {
  assigned: number
  reached: number
  visits: number
  on_time: number
  problems_raised: number
  problems_solved: number
  incubated: number
  applications: number
  admitted: number
}

export interface AchievementRow extends AchieveFigures {
  instructor_id: number
  instructor_name: string
  unit: string
  kind_name: string
  region_name: string
  rank: number
}

export interface AchieveOrgRef {
  organization_id: number
  name: string
}

export interface AchieveVisit {
  visit_id: number
  organization_id: number
  organization_name: string
  visited_on: string
  form: string
  due_on: string | null
  on_time: boolean
  problems: string
  solved_on: string | null
  solved_note: string
}

export interface Achievement extends AchievementRow {
  from: string
  to: string
  assigned_orgs: AchieveOrgRef[]
  reached_orgs: AchieveOrgRef[]
  visit_list: AchieveVisit[]
  incubated_orgs: { organization_id: number; name: string; party_org_id: number; party_org_name: string; covered_from: string }[]
  developed: { person_id: number; name: string; organization_id: number; organization_name: string; step: number; step_name: string; done_on: string }[]
}

export interface AchievementPage {
  items: AchievementRow[]
  total: number
  page: number
  page_size: number
  totals: AchieveFigures & { instructors: number; contacted: { on: string; count: number; organization_ids: number[] } }
}

/** A period: a whole year, a quarter of it, or from..to. */
export interface AchievePeriod {
  year?: string
  quarter?: string
  from?: string
  to?: string
}

export type AchieveSort = 'visits' | 'reached' | 'on_time' | 'problems_solved' | 'incubated' | 'developed' | 'assigned' | 'name'

function clean(q: Record<string, string | number | undefined>): Record<string, string | number> {
  const out: Record<string, string | number> = {}
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') out[k] = v
  return out
}

function withQuery(path: string, q: Record<string, string | number | undefined>): string {
  const s = new URLSearchParams(Object.entries(clean(q)).map(([k, v]) => [k, String(v)])).toString()
  return s ? `${path}?${s}` : path
}

export const achieveApi = {
  ranking: (q: AchievePeriod & { region?: string; sort?: AchieveSort; page?: number; page_size?: number }) =>
    http.get<AchievementPage>(`${base}/instructors/achievements`, clean({ ...q })),
  get: (id: number, p: AchievePeriod) => http.get<Achievement>(`${base}/instructors/${id}/achievements`, clean({ ...p })),
  solve: (id: number, visitId: number, solved_on: string, note: string) =>
    http.post<Visit>(`${base}/instructors/${id}/visits/${visitId}/solve`, { solved_on, note }),
}

/** Downloads the ranking with its filters. */
export function exportAchievementRanking(q: AchievePeriod & { region?: string; sort?: string }): void {
  downloadUrl(withQuery(`${base}/instructors/achievements/export`, { ...q }))
}

/** Downloads one instructor's 述职 workbook (summary, visits, organizations, 孵化). */
export function exportAchievement(id: number, p: AchievePeriod): void {
  downloadUrl(withQuery(`${base}/instructors/${id}/achievements/export`, { ...p }))
}

/** 按时率: on-time visits over visits, as a whole percent; '—' with no visits. */
export function onTimeRate(f: Pick<AchieveFigures, 'visits' | 'on_time'>): string {
  return f.visits ? `${Math.round((f.on_time * 100) / f.visits)}%` : '—'
}

/** The Chinese label of a period. */
export function periodLabel(p: AchievePeriod): string {
  if (p.from && p.to) return `${p.from} 至 ${p.to}`
  if (p.quarter) return `${p.year} 年第 ${p.quarter} 季度`
  return `${p.year} 年`
}
