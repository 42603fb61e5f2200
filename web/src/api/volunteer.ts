// Types and endpoints of 志愿服务与时间银行 (volunteer teams, activities,
// sign-in codes, participants, the time bank).
import { http } from './http'
import type { ItemOf, Schemas } from './types'

export type VolunteerOptions = Schemas['VolunteerOptions']
export type Team = Schemas['VolunteerTeam']
export type TeamInput = Schemas['VolunteerTeamInput']
export type Activity = Schemas['VolunteerActivity']
export type ActivityInput = Schemas['VolunteerActivityInput']
export type Participant = Schemas['VolunteerParticipant']
export type SignInCode = Schemas['VolunteerSignInCode']
export type Account = Schemas['TimebankAccount']
export type Entry = Schemas['TimebankEntry']
export type Reward = Schemas['TimebankReward']
export type RewardInput = Schemas['TimebankRewardInput']
export type Redemption = Schemas['TimebankRedemption']
export type Rate = Schemas['TimebankRate']
export type TimebankSettings = Schemas['TimebankSettings']
export type Statement = Schemas['TimebankStatement']
export type LeaderRow = ItemOf<Schemas['TimebankLeaderboard']['items']>

type Query = Record<string, string | number | boolean | undefined | null>

function qs(q: Query): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v))
  const s = p.toString()
  return s ? `?${s}` : ''
}

/** Minutes as hours with two decimals, from integers only (90 → "1.50"). */
export function hours(minutes: number): string {
  const h = Math.floor(minutes / 60)
  const c = Math.floor(((minutes % 60) * 200 + 60) / 120)
  return c === 100 ? `${h + 1}.00` : `${h}.${String(c).padStart(2, '0')}`
}

/** The address a phone opens when it scans the activity's code. */
export function signInLink(origin: string, token: string): string {
  return `${origin}/m/volunteer/sign-in?token=${encodeURIComponent(token)}`
}

const v = '/api/v1/volunteer'
const t = '/api/v1/timebank'

export const volunteerApi = {
  options: () => http.get<VolunteerOptions>('/api/v1/volunteer-options'),
  teams: (q: Query) => http.get<Schemas['VolunteerTeamPage']>(`${v}/teams`, q as Record<string, string | number | undefined>),
  team: (id: number) => http.get<Team>(`${v}/teams/${id}`),
  createTeam: (b: TeamInput) => http.post<Team>(`${v}/teams`, b),
  updateTeam: (id: number, b: TeamInput) => http.put<Team>(`${v}/teams/${id}`, b),
  teamsExportUrl: (q: Query) => `${v}/teams/export${qs(q)}`,
  activities: (q: Query) => http.get<Schemas['VolunteerActivityPage']>(`${v}/activities`, q as Record<string, string | number | undefined>),
  activitiesExportUrl: (q: Query) => `${v}/activities/export${qs(q)}`,
  activity: (id: number) => http.get<Activity>(`${v}/activities/${id}`),
  createActivity: (b: ActivityInput) => http.post<Activity>(`${v}/activities`, b),
  updateActivity: (id: number, b: ActivityInput) => http.put<Activity>(`${v}/activities/${id}`, b),
  cancelActivity: (id: number) => http.post<Activity>(`${v}/activities/${id}/cancel`),
  signInCode: (id: number) => http.get<SignInCode>(`${v}/activities/${id}/sign-in-code`),
  participants: (id: number) => http.get<Schemas['VolunteerParticipantList']>(`${v}/activities/${id}/participants`),
  participantsExportUrl: (id: number) => `${v}/activities/${id}/participants/export`,
  signUp: (id: number, memberId: number) => http.post<Participant>(`${v}/activities/${id}/participants`, { member_id: memberId }),
  signInManual: (id: number, memberId: number) => http.post<Participant>(`${v}/activities/${id}/sign-ins`, { member_id: memberId }),
  confirm: (id: number, pid: number, minutes: number | null) =>
    http.post<Participant>(`${v}/activities/${id}/participants/${pid}/confirm`, { minutes }),
  confirmAll: (id: number) => http.post<Schemas['VolunteerConfirmAll']>(`${v}/activities/${id}/confirm-all`),

  accounts: (q: Query) => http.get<Schemas['TimebankAccountPage']>(`${t}/accounts`, q as Record<string, string | number | undefined>),
  accountsExportUrl: (q: Query) => `${t}/accounts/export${qs(q)}`,
  memberAccount: (memberId: number) => http.post<Account>(`${t}/member-accounts`, { member_id: memberId }),
  setFamily: (id: number, code: string) => http.put<Account>(`${t}/accounts/${id}/family`, { family_code: code }),
  statement: (id: number, year: number) => http.get<Statement>(`${t}/accounts/${id}/statement`, { year }),
  statementExportUrl: (id: number, year: number) => `${t}/accounts/${id}/statement/export?year=${year}`,
  entries: (q: Query) => http.get<Schemas['TimebankEntryPage']>(`${t}/entries`, q as Record<string, string | number | undefined>),
  entriesExportUrl: (q: Query) => `${t}/entries/export${qs(q)}`,
  reverse: (id: number, reason: string) => http.post<Entry>(`${t}/entries/${id}/reverse`, { reason }),
  transfer: (from: number, to: number, amount: number, memo: string) =>
    http.post<Entry>(`${t}/transfers`, { from_account_id: from, to_account_id: to, amount, memo }),
  rewards: () => http.get<Schemas['TimebankRewardList']>(`${t}/rewards`),
  createReward: (b: RewardInput) => http.post<Reward>(`${t}/rewards`, b),
  updateReward: (id: number, b: RewardInput) => http.put<Reward>(`${t}/rewards/${id}`, b),
  redemptions: (q: Query) => http.get<Schemas['TimebankRedemptionPage']>(`${t}/redemptions`, q as Record<string, string | number | undefined>),
  redeem: (accountId: number, rewardId: number) => http.post<Redemption>(`${t}/redemptions`, { account_id: accountId, reward_id: rewardId }),
  decide: (id: number, post: boolean, reason: string) => http.post<Redemption>(`${t}/redemptions/${id}/decide`, { post, reason }),
  leaderboard: (q: Query) => http.get<Schemas['TimebankLeaderboard']>(`${t}/leaderboard`, q as Record<string, string | number | undefined>),
  rates: () => http.get<Schemas['TimebankRateList']>(`${t}/rates`),
  setRate: (kind: string, pointsPerHour: number, reason: string) => http.put<Rate>(`${t}/rates`, { kind, points_per_hour: pointsPerHour, reason }),
  settings: () => http.get<TimebankSettings>(`${t}/settings`),
  setSettings: (b: Schemas['TimebankSettingsInput']) => http.put<TimebankSettings>(`${t}/settings`, b),
  expire: () => http.post<Schemas['TimebankExpiry']>(`${t}/expire`),
}
