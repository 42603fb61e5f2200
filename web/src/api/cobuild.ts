// Types and endpoints of 区域化共建: co-building units, 党建联盟 and
// 联席会议, 双报到 and 双向考核, the three lists and resource matching.
import { http, uploadFile, type UploadProgress } from './http'
import type { ItemOf, Schemas } from './types'

export type CobuildOptions = Schemas['CobuildOptions']
export type CobuildUnit = Schemas['CobuildUnit']
export type CobuildAlliance = Schemas['CobuildAlliance']
export type CobuildMeeting = Schemas['CobuildMeeting']
export type CobuildReport = Schemas['CobuildReport']
export type CobuildCount = ItemOf<Schemas['CobuildCommunityCountList']['items']>
export type CobuildRating = ItemOf<Schemas['CobuildRatingList']['items']>
export type CobuildNeed = Schemas['CobuildNeed']
export type CobuildResource = Schemas['CobuildResource']
export type CobuildProject = Schemas['CobuildProject']
export type CobuildAgreement = Schemas['CobuildAgreement']

export type Query = Record<string, string | number | undefined>

/** Drops empty values so the URL carries only what filters. */
export function clean(q: Query): Query {
  const out: Query = {}
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '' && v !== null) out[k] = typeof v === 'string' ? v.trim() : v
  return out
}

/** The export URL of a list: its filters without paging. */
export function exportUrl(path: string, q: Query): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(clean(q))) if (k !== 'page' && k !== 'page_size') p.set(k, String(v))
  const s = p.toString()
  return `${path}/export${s ? `?${s}` : ''}`
}

/** Hours with one decimal, e.g. 6.5 → "6.5", 3 → "3". */
export function hours(h: number | null | undefined): string {
  if (h === null || h === undefined) return ''
  return Number.isInteger(h) ? String(h) : h.toFixed(1)
}

export const cobuildApi = {
  options: () => http.get<CobuildOptions>('/api/v1/cobuild-options'),
  units: (q: Query) => http.get<Schemas['CobuildUnitPage']>('/api/v1/cobuild-units', clean(q)),
  createUnit: (b: Schemas['CobuildUnitInput']) => http.post<CobuildUnit>('/api/v1/cobuild-units', b),
  revealUnit: (id: number) => http.post<CobuildUnit>(`/api/v1/cobuild-units/${id}/reveal-phone`),
  alliances: (q: Query) => http.get<Schemas['CobuildAlliancePage']>('/api/v1/cobuild-alliances', clean(q)),
  alliance: (id: number) => http.get<CobuildAlliance>(`/api/v1/cobuild-alliances/${id}`),
  updateAlliance: (id: number, b: Schemas['CobuildAllianceInput']) => http.put<CobuildAlliance>(`/api/v1/cobuild-alliances/${id}`, b),
  createAlliance: (b: Schemas['CobuildAllianceInput']) => http.post<CobuildAlliance>('/api/v1/cobuild-alliances', b),
  addMember: (id: number, b: Schemas['CobuildMemberInput']) => http.post<CobuildAlliance>(`/api/v1/cobuild-alliances/${id}/members`, b),
  removeMember: (id: number, mid: number, b: Schemas['CobuildLeaveInput']) => http.post<CobuildAlliance>(`/api/v1/cobuild-alliances/${id}/members/${mid}/remove`, b),
  meetings: (id: number) => http.get<Schemas['CobuildMeetingList']>(`/api/v1/cobuild-alliances/${id}/meetings`),
  recordMeeting: (id: number, b: Schemas['CobuildMeetingInput']) => http.post<CobuildMeeting>(`/api/v1/cobuild-alliances/${id}/meetings`, b),
  follow: (id: number, did: number, b: Schemas['CobuildFollowInput']) => http.post<Schemas['CobuildDecision']>(`/api/v1/cobuild-alliances/${id}/decisions/${did}/follow`, b),
  reports: (q: Query) => http.get<Schemas['CobuildReportPage']>('/api/v1/cobuild-reports', clean(q)),
  createReport: (b: Schemas['CobuildReportInput']) => http.post<CobuildReport>('/api/v1/cobuild-reports', b),
  participations: (id: number) => http.get<Schemas['CobuildParticipationList']>(`/api/v1/cobuild-reports/${id}/participations`),
  addParticipation: (id: number, b: Schemas['CobuildParticipationInput']) => http.post<Schemas['CobuildParticipation']>(`/api/v1/cobuild-reports/${id}/participations`, b),
  counts: (q: Query) => http.get<Schemas['CobuildCommunityCountList']>('/api/v1/cobuild-community-counts', clean(q)),
  ratings: (q: Query) => http.get<Schemas['CobuildRatingList']>('/api/v1/cobuild-ratings', clean(q)),
  rate: (b: Schemas['CobuildRatingInput']) => http.post<CobuildRating>('/api/v1/cobuild-ratings', b),
  needs: (q: Query, unmatched = false) => http.get<Schemas['CobuildNeedPage']>(unmatched ? '/api/v1/cobuild-needs/unmatched' : '/api/v1/cobuild-needs', clean(q)),
  createNeed: (b: Schemas['CobuildNeedInput']) => http.post<CobuildNeed>('/api/v1/cobuild-needs', b),
  suggestions: (id: number) => http.get<Schemas['CobuildResourceList']>(`/api/v1/cobuild-needs/${id}/suggestions`),
  resources: (q: Query) => http.get<Schemas['CobuildResourcePage']>('/api/v1/cobuild-resources', clean(q)),
  createResource: (b: Schemas['CobuildResourceInput']) => http.post<CobuildResource>('/api/v1/cobuild-resources', b),
  projects: (q: Query) => http.get<Schemas['CobuildProjectPage']>('/api/v1/cobuild-projects', clean(q)),
  project: (id: number) => http.get<CobuildProject>(`/api/v1/cobuild-projects/${id}`),
  createProject: (b: Schemas['CobuildProjectInput']) => http.post<CobuildProject>('/api/v1/cobuild-projects', b),
  updateProject: (id: number, b: Schemas['CobuildProjectInput']) => http.put<CobuildProject>(`/api/v1/cobuild-projects/${id}`, b),
  uploadFile: (id: number, file: File, onProgress?: (p: UploadProgress) => void) => uploadFile<Schemas['CobuildFile']>(`/api/v1/cobuild-projects/${id}/files`, file, 'file', onProgress),
  fileUrl: (id: number, fileId: number) => `/api/v1/cobuild-projects/${id}/files/${fileId}`,
  updateAgreement: (id: number, b: Schemas['CobuildAgreementInput']) => http.put<CobuildAgreement>(`/api/v1/cobuild-agreements/${id}`, b),
  agreements: (q: Query) => http.get<Schemas['CobuildAgreementPage']>('/api/v1/cobuild-agreements', clean(q)),
  createAgreement: (b: Schemas['CobuildAgreementInput']) => http.post<CobuildAgreement>('/api/v1/cobuild-agreements', b),
}
