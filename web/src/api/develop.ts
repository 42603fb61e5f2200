// Types and endpoints of 发展党员: the 25-step pipeline.
import { buildQuery, http } from './http'
import type { ItemOf, Schemas } from './types'

const base = '/api/v1/develop'

export type Catalogue = Schemas['DevelopCatalogue']
export type StepDef = ItemOf<NonNullable<Catalogue['steps']>>

export type DevPerson = Schemas['DevPerson']
/** A date the next step is due or allowed. */
export type Due = ItemOf<DevPerson['next']>
export type DevStep = ItemOf<NonNullable<DevPerson['steps']>>
export type DevPersonInput = Schemas['DevPersonInput']
export type DevStepInput = Schemas['DevStepInput']
export type DevStepRecorded = Schemas['DevStepRecorded']

export type DevPublicity = Schemas['DevPublicity']
export type DevPublicityInput = Schemas['DevPublicityInput']

export type Schedule = Schemas['DevSchedule']
export type ScheduleItem = ItemOf<Schedule['due']>

export type DevStats = Schemas['DevStats']
export type StageCounts = ItemOf<DevStats['items']>

export const developApi = {
  catalogue: () => http.get<Catalogue>(`${base}/steps`),
  list: (q: { party_org_id?: number | null; stage?: string; name?: string; page?: number; page_size?: number }) =>
    http.get<Schemas['DevPersonPage']>(`${base}/people`, q as Record<string, string | number | undefined>),
  exportUrl: (q: { party_org_id?: number | null; stage?: string; name?: string }) =>
    `${base}/export${buildQuery({
      party_org_id: q.party_org_id || undefined,
      stage: q.stage || undefined,
      name: q.name?.trim() || undefined,
    })}`,
  get: (id: number) => http.get<DevPerson>(`${base}/people/${id}`),
  apply: (body: DevPersonInput) => http.post<DevPerson>(`${base}/people`, body),
  publicity: () => http.get<DevPublicity>(`${base}/publicity`),
  setPublicity: (body: DevPublicityInput) => http.put<DevPublicity>(`${base}/publicity`, body),
  record: (id: number, body: DevStepInput) => http.post<DevStepRecorded>(`${base}/people/${id}/steps`, body),
  schedule: (within: number, party_org_id?: number | null) => http.get<Schedule>(`${base}/schedule`, { within, party_org_id: party_org_id || undefined }),
  stats: (party_org_id?: number | null) => http.get<DevStats>(`${base}/stats`, { party_org_id: party_org_id || undefined }),
}
