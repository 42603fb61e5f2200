// Types and endpoints of organizational life: meetings with attendance,
// compliance against the required frequencies, committees and 换届.
import { allPages, http, uploadFile } from './http'
import type { FilterOf, ItemOf, QueryOf, Schemas } from './types'

const base = '/api/v1'

export type MeetingOptions = Schemas['MeetingOptions']
export type Code = ItemOf<MeetingOptions['kinds']>

/** A version of the required frequency of a meeting kind for a kind of party organization (id 0: a built-in default). */
export type Frequency = Schemas['Frequency']
/** reason is required when effective_from is before today. */
export type FrequencyInput = Schemas['FrequencyInput']
export type FrequencyPeriod = FrequencyInput['period']
export type FrequencyOrgKind = NonNullable<FrequencyInput['party_org_kind']>

export const frequencyApi = {
  list: () => http.get<Schemas['FrequencyList']>(`${base}/meeting-frequencies`),
  set: (body: FrequencyInput) => http.post<Frequency>(`${base}/meeting-frequencies`, body),
}

export type Meeting = Schemas['Meeting']
export type Attendee = ItemOf<Meeting['attendees']>
export type Attachment = Schemas['Attachment']
/** Body of POST /meetings. */
export type MeetingInput = Schemas['MeetingInput']
/** Body of PUT /meetings/{id}. */
export type MeetingUpdate = Schemas['MeetingUpdate']
/** planned or held. */
export type MeetingStatus = NonNullable<MeetingInput['status']>
/** present, excused or absent. */
export type AttendanceStatus = NonNullable<ItemOf<NonNullable<MeetingInput['attendees']>>['status']>
const attendanceStatuses: AttendanceStatus[] = ['present', 'excused', 'absent']
/** A recorded attendee's status (a plain string in the answer) as the form's; an unknown one counts as absent. */
export function asAttendanceStatus(s: string): AttendanceStatus {
  return attendanceStatuses.find((x) => x === s) ?? 'absent'
}
export type MeetingQuery = QueryOf<'listMeetings'>
export type Candidate = Schemas['Candidate']

export type ComplianceReport = Schemas['CompliancePage']
export type OrgCompliance = Schemas['OrgCompliance']
export type KindCompliance = ItemOf<OrgCompliance['kinds']>
export type GroupRate = ItemOf<ComplianceReport['by_street']>
export type ComplianceStatus = NonNullable<ComplianceQuery['status']>
export type ComplianceSort = NonNullable<ComplianceQuery['sort']>
export type Reminder = Schemas['Reminder']

export type CommitteeMember = Schemas['CommitteeMember']
export type CommitteeMemberInput = Schemas['CommitteeMemberInput']
export type Committee = Schemas['Committee']
export type ElectionInput = Schemas['ElectionInput']
export type Vacancy = ItemOf<Schemas['VacancyPage']['items']>

export type ComplianceQuery = QueryOf<'getCompliance'>

export const meetingApi = {
  options: () => http.get<MeetingOptions>(`${base}/meetings/options`),
  list: (q: FilterOf<MeetingQuery>) => http.get<Schemas['MeetingPage']>(`${base}/meetings`, q),
  get: (id: number) => http.get<Meeting>(`${base}/meetings/${id}`),
  create: (body: MeetingInput) => http.post<Meeting>(`${base}/meetings`, body),
  update: (id: number, body: MeetingUpdate) => http.put<Meeting>(`${base}/meetings/${id}`, body),
  remove: (id: number) => http.del<void>(`${base}/meetings/${id}`),
  /** The whole roster of a party organization and its subordinates (all pages), for choosing attendees. */
  candidates: (party_org_id: number) => allPages<Candidate>(`${base}/meetings/candidates`, { party_org_id }),
  upload: (id: number, file: Blob) => uploadFile<Attachment>(`${base}/meetings/${id}/attachments`, file),
  attachmentUrl: (id: number) => `${base}/meeting-attachments/${id}`,
  exportUrl: () => `${base}/meetings/export`,
}

export const complianceApi = {
  /** The scope's summary with one page of party organizations (sorted and filtered by the server). */
  report: (q: ComplianceQuery) => http.get<ComplianceReport>(`${base}/compliance`, { ...q }),
  /** Every reminder in scope (all pages): the pages summarise them by kind. */
  reminders: (party_org_id?: number) => allPages<Reminder>(`${base}/compliance/reminders`, party_org_id ? { party_org_id } : {}),
  laggards: (q: ComplianceQuery, page = 1, page_size = 20) => http.get<Schemas['LaggardPage']>(`${base}/compliance/laggards`, { ...q, page, page_size }),
  exportUrl: (q: Pick<ComplianceQuery, 'from' | 'to' | 'region_code' | 'party_org_id'>) =>
    `${base}/compliance/export?` + new URLSearchParams(Object.entries(q).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, String(v)])).toString(),
}

export const committeeApi = {
  get: (partyOrgID: number) => http.get<Committee>(`${base}/party-orgs/${partyOrgID}/committee`),
  add: (partyOrgID: number, body: CommitteeMemberInput) =>
    http.post<CommitteeMember>(`${base}/party-orgs/${partyOrgID}/committee`, body),
  end: (id: number, to: string) => http.patch<CommitteeMember>(`${base}/committee-members/${id}`, { to }),
  elect: (partyOrgID: number, body: ElectionInput) =>
    http.post<Committee>(`${base}/party-orgs/${partyOrgID}/elections`, body),
  vacancies: () => allPages<Vacancy>(`${base}/committees/vacancies`),
}

/** Formats a 0–1 rate as a percentage ("—" when absent). */
export function percent(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`
}
