// Types and endpoints of 发展党员: the 25-step pipeline.
import { buildQuery, http } from './http'
import type { Page } from './types'

const base = '/api/v1/develop'

export interface StepDef {
  n: number
  phase: number
  phase_name: string
  name: string
  repeatable: boolean
  enters?: string
  fields?: string
}

export interface Catalogue {
  stages: { code: string; name: string }[]
  steps: StepDef[]
}

export interface Due {
  step: number
  name: string
  on: string
  kind: 'deadline' | 'eligible' | string
  label: string
}

export interface DevStep {
  id: number
  n: number
  name: string
  done_on: string
  people: string
  details: Record<string, unknown>
  documents: string
  note: string
  warning: string
  recorded_by: string
}

export interface DevPerson {
  id: number
  party_org_id: number
  party_org_name: string
  name: string
  gender: string
  birth_date: string
  id_number: string
  organization_id: number | null
  stage: string
  stage_name: string
  applied_on: string
  probation_ends_on: string | null
  extension_months: number
  member_id: number | null
  last_step: number
  last_step_name: string
  last_step_on: string
  steps?: DevStep[]
  next: Due[]
}

export interface DevPersonInput {
  party_org_id: number | null
  name: string
  id_number: string
  applied_on: string
  note?: string
}

export interface DevStepInput {
  step: number
  done_on: string
  people?: string
  documents?: string
  note?: string
  introducers?: number[]
  /** Step ⑲: the 党小组 of the branch the new member joins (optional). */
  group_id?: number
  training_days?: number
  training_hours?: number
  voters_due?: number
  present?: number
  yes?: number
  months?: number
  /** Steps ⑯ and ㉔: the 公示 held before the step. */
  publicity_from?: string
  publicity_to?: string
}

export interface DevPublicity {
  days: number
  unit: 'working' | 'calendar'
  holidays: string[]
  workdays: string[]
}

export interface ScheduleItem extends Due {
  person_id: number
  name: string
  party_org_id: number
  party_org_name: string
  stage: string
  stage_name: string
  overdue: boolean
}

export interface Schedule {
  from: string
  to: string
  due: ScheduleItem[]
  overdue: ScheduleItem[]
}

export interface StageCounts {
  party_org_id: number
  party_org_name: string
  counts: Record<string, number>
  total: number
}

export const developApi = {
  catalogue: () => http.get<Catalogue>(`${base}/steps`),
  list: (q: { party_org_id?: number | null; stage?: string; name?: string; page?: number; page_size?: number }) =>
    http.get<Page<DevPerson>>(`${base}/people`, q as Record<string, string | number | undefined>),
  exportUrl: (q: { party_org_id?: number | null; stage?: string; name?: string }) =>
    `${base}/export${buildQuery({
      party_org_id: q.party_org_id || undefined,
      stage: q.stage || undefined,
      name: q.name?.trim() || undefined,
    })}`,
  get: (id: number) => http.get<DevPerson>(`${base}/people/${id}`),
  apply: (body: DevPersonInput) => http.post<DevPerson>(`${base}/people`, body),
  publicity: () => http.get<DevPublicity>(`${base}/publicity`),
  setPublicity: (body: DevPublicity & { reason?: string }) => http.put<DevPublicity>(`${base}/publicity`, body),
  record: (id: number, body: DevStepInput) => http.post<{ person: DevPerson; step: DevStep; warnings: string[] }>(`${base}/people/${id}/steps`, body),
  schedule: (within: number, party_org_id?: number | null) => http.get<Schedule>(`${base}/schedule`, { within, party_org_id: party_org_id || undefined }),
  stats: (party_org_id?: number | null) => http.get<{ items: StageCounts[]; totals: Record<string, number> }>(`${base}/stats`, { party_org_id: party_org_id || undefined }),
}
