// Types and endpoints of 党员账号: the secretary's activation codes, the
// public activation and the member's own pages (/api/v1/me/member).
import { http } from './http'
import type { Schemas } from './types'

export type MemberActivationCode = Schemas['MemberActivationCode']
export type MemberAccountStatus = Schemas['MemberAccountStatus']
export type MemberActivateInput = Schemas['MemberActivateInput']
export type MemberActivated = Schemas['MemberActivated']
export type MyMemberProfile = Schemas['MyMemberProfile']
export type MyMeetingYear = Schemas['MyMeetingYear']
export type MyMeeting = Schemas['MyMeeting']
export type MyWishBoard = Schemas['MyWishBoard']
export type MyWish = Schemas['MyWish']
export type DuesMemberYear = Schemas['DuesMemberYear']

const base = '/api/v1'

export const memberAccountApi = {
  issueCode: (memberId: number) => http.post<MemberActivationCode>(`${base}/members/${memberId}/activation-code`),
  status: (memberId: number) => http.get<MemberAccountStatus>(`${base}/members/${memberId}/account`),
  disable: (memberId: number) => http.post<MemberAccountStatus>(`${base}/members/${memberId}/account/disable`),
  activate: (body: MemberActivateInput) => http.post<MemberActivated>(`${base}/public/member-activation`, body, { handle401: false }),
}

/** The member's volunteering at a glance (internal/volunteer Summary). */
export type VolunteerSummary = Schemas['VolunteerSummary']
export type VolunteerParticipant = Schemas['VolunteerParticipant']
export type TimebankRedemption = Schemas['TimebankRedemption']

export const meApi = {
  profile: () => http.get<MyMemberProfile>(`${base}/me/member`),
  meetings: (year?: number) => http.get<MyMeetingYear>(`${base}/me/member/meetings`, { year }),
  meeting: (id: number) => http.get<MyMeeting>(`${base}/me/member/meetings/${id}`),
  signInMeeting: (id: number) => http.post<MyMeeting>(`${base}/me/member/meetings/${id}/sign-in`),
  dues: (year?: number) => http.get<DuesMemberYear>(`${base}/me/member/dues`, { year }),
  wishes: () => http.get<MyWishBoard>(`${base}/me/member/wishes`),
  claim: (id: number, version: number) => http.post<MyWish>(`${base}/me/member/wishes/${id}/claim`, { version }),
  /** GET /api/v1/me/volunteer: null when the account has no volunteering (any answer but 200). */
  volunteer: async (): Promise<VolunteerSummary | null> => {
    try {
      const res = await fetch(`${base}/me/volunteer`, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      if (res.status !== 200) return null
      return (await res.json()) as VolunteerSummary
    } catch {
      return null
    }
  },
  signUp: (activityId: number) => http.post<VolunteerParticipant>(`${base}/me/volunteer/activities/${activityId}/signup`),
  signIn: (token: string) => http.post<VolunteerParticipant>(`${base}/me/volunteer/sign-in`, { token }),
  redeem: (rewardId: number) => http.post<TimebankRedemption>(`${base}/me/timebank/redeem`, { reward_id: rewardId }),
}

/** A 10-character activation code as typed: upper case, grouped XXXXX-XXXXX. */
export function formatCode(typed: string): string {
  const s = typed.toUpperCase().replace(/[^0-9A-Z]/g, '').slice(0, 10)
  return s.length > 5 ? `${s.slice(0, 5)}-${s.slice(5)}` : s
}

/** Which identity the digits are: 6 characters → 身份证号, 4 digits → phone. */
export function identityKind(v: string): 'id' | 'phone' | '' {
  const s = v.trim()
  if (/^[0-9]{5}[0-9Xx]$/.test(s)) return 'id'
  if (/^[0-9]{4}$/.test(s)) return 'phone'
  return ''
}
