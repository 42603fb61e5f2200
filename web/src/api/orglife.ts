// Types and endpoints of organizational life: meetings with attendance,
// compliance against the required frequencies, committees and 换届.
import type { DueItem } from '../utils/reminders'
import { allPages, http, uploadFile } from './http'
import type { Items, Page } from './types'

const base = '/api/v1'

export interface Code {
  code: string
  name: string
}

export interface MeetingOptions {
  kinds: Code[]
  statuses: Code[]
  attendance: Code[]
  roles: Code[]
  periods: Code[]
  /** 党委, 党总支 and 党支部 with the meeting kinds whose frequency can be set for each. */
  party_org_kinds?: (Code & { kinds: Code[] })[]
}

/** A version of the required frequency of a meeting kind for a kind of party organization. */
export interface Frequency {
  /** 0 for a built-in default. */
  id: number
  party_org_kind: string
  party_org_kind_name: string
  kind: string
  kind_name: string
  period: string
  period_name: string
  times: number
  effective_from: string
}

export interface FrequencyInput {
  party_org_kind: string
  kind: string
  period: string
  times: number
  effective_from: string
  /** Required when effective_from is before today. */
  reason?: string
}

export const frequencyApi = {
  list: () => http.get<Items<Frequency>>(`${base}/meeting-frequencies`),
  set: (body: FrequencyInput) => http.post<Frequency>(`${base}/meeting-frequencies`, body),
}

export interface Attendee {
  member_id: number
  name: string
  status: 'present' | 'excused' | 'absent' | string
  status_name: string
}

export interface Attachment {
  id: number
  name: string
  content_type: string
  size: number
  created_at: string
}

export interface Meeting {
  id: number
  party_org_id: number
  party_org_name: string
  kind: string
  kind_name: string
  status: string
  status_name: string
  date: string
  place: string
  topic: string
  presenter: string
  host: string
  recorder: string
  minutes: string
  resolutions: string
  late: boolean
  late_note: string
  expected: number
  present: number
  excused: number
  absent: number
  attendance: number | null
  attendees: Attendee[]
  attachments: Attachment[]
}

export interface MeetingInput {
  party_org_id: number
  kind: string
  status: string
  date: string
  place: string
  topic: string
  presenter: string
  host: string
  recorder: string
  minutes: string
  resolutions: string
  late: boolean
  late_note: string
  attendees: { member_id: number; status: string }[]
}

export interface Candidate {
  id: number
  name: string
  category: string
  party_org_name: string
}

export interface KindCompliance {
  kind: string
  kind_name: string
  required: number
  held: number
  total: number
  late: number
  rate: number | null
  missing: string[]
}

export interface OrgCompliance {
  party_org_id: number
  party_org_name: string
  region_code: string
  street_code: string
  street_name: string
  required: number
  held: number
  rate: number | null
  attendance: number | null
  meetings: number
  kinds: KindCompliance[]
  missing: string[]
}

export interface GroupRate {
  code: string
  name: string
  required: number
  held: number
  rate: number | null
  orgs: number
}

export interface ComplianceReport {
  from: string
  to: string
  required: number
  held: number
  rate: number | null
  attendance: number | null
  orgs: OrgCompliance[]
  by_street: GroupRate[]
  by_kind: GroupRate[]
  missing: string[]
}

export interface Reminder {
  party_org_id: number
  party_org_name: string
  items: string[]
  /** The items as data, one per kind. */
  due: DueItem[]
}

export interface CommitteeMember {
  id: number
  role: string
  role_name: string
  member_id: number | null
  name: string
  from: string
  to: string | null
  cross_post: boolean
}

export interface Committee {
  party_org_id: number
  party_org_name: string
  full_members: number
  term_started_on: string
  term_due_on: string
  current: CommitteeMember[]
  history: CommitteeMember[]
  elections: { id: number; held_on: string; note: string; members: number; timing: string; approval: string }[]
  warnings: string[]
  incomplete: boolean
  vacant_since?: string
  secretary_vacant: boolean
}

export interface Vacancy {
  party_org_id: number
  party_org_name: string
  vacant_since: string
  days: number
  flagged: boolean
}

export interface ComplianceQuery {
  from?: string
  to?: string
  region_code?: string
  party_org_id?: number
}

export const meetingApi = {
  options: () => http.get<MeetingOptions>(`${base}/meetings/options`),
  list: (q: Record<string, string | number | undefined>) => http.get<Page<Meeting>>(`${base}/meetings`, q),
  get: (id: number) => http.get<Meeting>(`${base}/meetings/${id}`),
  create: (body: MeetingInput) => http.post<Meeting>(`${base}/meetings`, body),
  update: (id: number, body: MeetingInput) => http.put<Meeting>(`${base}/meetings/${id}`, body),
  remove: (id: number) => http.del<void>(`${base}/meetings/${id}`),
  /** The whole roster of a party organization and its subordinates (all pages), for choosing attendees. */
  candidates: (party_org_id: number) => allPages<Candidate>(`${base}/meetings/candidates`, { party_org_id }),
  upload: (id: number, file: Blob) => uploadFile<Attachment>(`${base}/meetings/${id}/attachments`, file),
  attachmentUrl: (id: number) => `${base}/meeting-attachments/${id}`,
  exportUrl: () => `${base}/meetings/export`,
}

export const complianceApi = {
  report: (q: ComplianceQuery) => http.get<ComplianceReport>(`${base}/compliance`, { ...q }),
  /** Every reminder in scope (all pages): the pages summarise them by kind. */
  reminders: (party_org_id?: number) => allPages<Reminder>(`${base}/compliance/reminders`, party_org_id ? { party_org_id } : {}),
  laggards: (q: ComplianceQuery, page = 1, page_size = 20) => http.get<Page<OrgCompliance>>(`${base}/compliance/laggards`, { ...q, page, page_size }),
  exportUrl: (q: ComplianceQuery) =>
    `${base}/compliance/export?` + new URLSearchParams(Object.entries(q).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, String(v)])).toString(),
}

export const committeeApi = {
  get: (partyOrgID: number) => http.get<Committee>(`${base}/party-orgs/${partyOrgID}/committee`),
  add: (partyOrgID: number, body: { role: string; name: string; member_id?: number; from: string; cross_post: boolean }) =>
    http.post<CommitteeMember>(`${base}/party-orgs/${partyOrgID}/committee`, body),
  end: (id: number, to: string) => http.patch<CommitteeMember>(`${base}/committee-members/${id}`, { to }),
  elect: (partyOrgID: number, body: { held_on: string; note: string; approval?: string; members: { role: string; name: string; member_id?: number; cross_post: boolean }[] }) =>
    http.post<Committee>(`${base}/party-orgs/${partyOrgID}/elections`, body),
  vacancies: () => allPages<Vacancy>(`${base}/committees/vacancies`),
}

/** Formats a 0–1 rate as a percentage ("—" when absent). */
export function percent(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`
}
