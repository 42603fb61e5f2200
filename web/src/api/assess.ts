// Types and endpoints of assessment: indicator sheets, rounds with star
// rating, 软弱涣散 signals and rectifications, "1+1" pairs and honours.
// Points are numbers with at most two decimals (89.99).
import { allPages, http } from './http'
import type { Items, Page } from './types'

const base = '/api/v1/assess'

export interface Code {
  code: string
  name: string
}

export interface Thresholds {
  five: number
  four: number
  three: number
  two: number
}

export interface AssessOptions {
  methods: Code[]
  signals: Code[]
  honour_kinds: Code[]
  honour_levels: Code[]
  default_thresholds: Thresholds
}

export interface Indicator {
  id: number
  area: string
  name: string
  max_points: number
  method: string
  method_name: string
  guidance: string
}

export interface Veto {
  id: number
  name: string
  cap_stars: number
}

export interface Sheet {
  id: number
  name: string
  year: number
  version: number
  copied_from: number | null
  region_code: string
  thresholds: Thresholds
  indicators: Indicator[]
  vetoes: Veto[]
  total_max: number
  used: boolean
  created_at: string
  updated_at: string
}

export interface SheetInput {
  name: string
  year: number
  region_code: string
  thresholds: Thresholds | null
  indicators: { area: string; name: string; max_points: number; method: string; guidance: string }[]
  vetoes: { name: string; cap_stars: number }[]
}

export interface Round {
  id: number
  sheet_id: number
  sheet_name: string
  name: string
  region_code: string
  region_name: string
  from: string
  to: string
  status: 'open' | 'closed' | string
  status_name: string
  closed_at: string | null
  closed_by: string
  party_orgs: number
  created_at: string
}

export interface RoundInput {
  sheet_id: number
  name: string
  region_code: string
  from: string
  to: string
}

export interface Result {
  party_org_id: number
  party_org_name: string
  region_code: string
  region_name: string
  total: number
  stars: number
  star_name: string
  capped: boolean
  vetoes: string[] | null
  rank: number
  missing: number
  complete: boolean
  satisfaction: number | null
}

export interface Distribution {
  five: number
  four: number
  three: number
  two: number
  one: number
  summary: string
}

export interface RoundView extends Round {
  thresholds: Thresholds
  results: Result[]
  distribution: Distribution
  incomplete: number
}

export interface ScoreLine {
  indicator_id: number
  area: string
  name: string
  max_points: number
  method: string
  method_name: string
  computable: boolean
  value: string | null
  points: number | null
  evidence: string
  note: string
  scored_by: string
  scored_at: string | null
  editable: boolean
}

export interface VetoLine {
  veto_id: number
  name: string
  cap_stars: number
  hit: boolean
  note: string
}

export interface OrgScores {
  round: Round
  result: Result
  scores: ScoreLine[]
  vetoes: VetoLine[]
}

export interface OrgScoresInput {
  scores: { indicator_id: number; points: number | null; note: string; evidence: string }[]
  vetoes: { veto_id: number; hit: boolean; note: string }[]
  satisfaction: number | null
  clear_satisfaction?: boolean
}

export interface Signal {
  code: string
  name: string
  evidence: string
}

export interface SignalRow {
  party_org_id: number
  party_org_name: string
  region_code: string
  region_name: string
  signals: Signal[]
  unknown: string[] | null
  designated: boolean
}

export interface SignalReport {
  from: string
  to: string
  as_of: string
  settings: { min_compliance: number; min_satisfaction: number }
  items: SignalRow[]
  total: number
  unavailable: string[] | null
}

export interface SignalQuery {
  region_code?: string
  from?: string
  to?: string
  as_of?: string
  all?: boolean
}

export interface Rectification {
  id: number
  party_org_id: number
  party_org_name: string
  region_code: string
  region_name: string
  designated_on: string
  reasons: string
  measures: string
  responsible: string
  deadline: string
  done_on: string | null
  outcome: string
  overdue: boolean
  days_overdue: number
  status_name: string
}

export interface RectificationInput {
  party_org_id: number
  designated_on: string
  reasons: string
  measures: string
  responsible: string
  deadline: string
}

export interface RectificationPatch {
  measures?: string
  responsible?: string
  deadline?: string
  done_on?: string
  outcome?: string
}

export interface PairSnapshot {
  from: string
  to: string
  compliance: string | null
  note: string
  round_name: string
  stars: number | null
  star_name: string
  total: number | null
}

export interface Pair {
  id: number
  model_party_org_id: number
  model_party_org_name: string
  helped_party_org_id: number
  helped_party_org_name: string
  from: string
  to: string
  goals: string
  activities: { id: number; held_on: string; content: string }[] | null
  before: PairSnapshot
  after: PairSnapshot
  status_name: string
}

export interface PairInput {
  model_party_org_id: number
  helped_party_org_id: number
  from: string
  to: string
  goals: string
}

export interface Honour {
  id: number
  subject: 'member' | 'party_org' | string
  member_id: number | null
  member_name: string
  party_org_id: number
  party_org_name: string
  kind: string
  kind_name: string
  title: string
  level: string
  level_name: string
  year: number
  status: 'recommended' | 'awarded' | 'rejected' | string
  status_name: string
  recommended_on: string
  decided_on: string | null
  note: string
}

export interface HonourInput {
  subject: string
  member_id: number | null
  party_org_id: number
  kind: string
  title: string
  level: string
  year: number
  recommended_on: string
  note: string
}

export interface HonourYear {
  year: number
  awarded: Record<string, number>
  recommended: number
  awarded_total: number
  summary: string
}

export interface HonourQuery {
  year?: number
  kind?: string
  status?: string
  subject?: string
  page?: number
  page_size?: number
}

function qs(q: object): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '' && v !== null && v !== false) p.set(k, String(v))
  const s = p.toString()
  return s ? `?${s}` : ''
}

type Query = Record<string, string | number | undefined>

export const assessApi = {
  options: () => http.get<AssessOptions>(`${base}/options`),

  sheets: () => http.get<Items<Sheet>>(`${base}/sheets`),
  sheet: (id: number) => http.get<Sheet>(`${base}/sheets/${id}`),
  createSheet: (body: SheetInput) => http.post<Sheet>(`${base}/sheets`, body),
  updateSheet: (id: number, body: SheetInput) => http.put<Sheet>(`${base}/sheets/${id}`, body),
  copySheet: (id: number, body: { name: string; year: number; region_code?: string }) => http.post<Sheet>(`${base}/sheets/${id}/copy`, body),

  rounds: () => http.get<Items<Round>>(`${base}/rounds`),
  createRound: (body: RoundInput) => http.post<Round>(`${base}/rounds`, body),
  round: (id: number) => http.get<RoundView>(`${base}/rounds/${id}`),
  prefill: (id: number) => http.post<Round>(`${base}/rounds/${id}/prefill`, {}),
  close: (id: number) => http.post<RoundView>(`${base}/rounds/${id}/close`, {}),
  reopen: (id: number, reason: string) => http.post<RoundView>(`${base}/rounds/${id}/reopen`, { reason }),
  orgScores: (id: number, partyOrgID: number) => http.get<OrgScores>(`${base}/rounds/${id}/orgs/${partyOrgID}`),
  saveOrgScores: (id: number, partyOrgID: number, body: OrgScoresInput) => http.put<OrgScores>(`${base}/rounds/${id}/orgs/${partyOrgID}`, body),
  roundExportUrl: (id: number) => `${base}/rounds/${id}/export`,

  signals: (q: SignalQuery) => http.get<SignalReport>(`${base}/signals`, { ...q, all: q.all ? 'true' : undefined }),
  signalsExportUrl: (q: SignalQuery) => `${base}/signals/export${qs(q)}`,

  rectifications: (q: { region_code?: string; status?: string }) => allPages<Rectification>(`${base}/rectifications`, { ...q }),
  designate: (body: RectificationInput) => http.post<Rectification>(`${base}/rectifications`, body),
  updateRectification: (id: number, body: RectificationPatch) => http.patch<Rectification>(`${base}/rectifications/${id}`, body),
  rectificationsExportUrl: (q: { region_code?: string; status?: string }) => `${base}/rectifications/export${qs(q)}`,

  pairs: () => allPages<Pair>(`${base}/pairs`),
  createPair: (body: PairInput) => http.post<Pair>(`${base}/pairs`, body),
  pair: (id: number) => http.get<Pair>(`${base}/pairs/${id}`),
  addActivity: (id: number, body: { held_on: string; content: string }) => http.post<Pair>(`${base}/pairs/${id}/activities`, body),
  pairsExportUrl: () => `${base}/pairs/export`,

  honours: (q: HonourQuery) => http.get<Page<Honour>>(`${base}/honours`, { ...q } as Query),
  recommend: (body: HonourInput) => http.post<Honour>(`${base}/honours`, body),
  decide: (id: number, body: { status: string; decided_on: string; note: string }) => http.patch<Honour>(`${base}/honours/${id}`, body),
  honourStats: () => http.get<Items<HonourYear>>(`${base}/honours/stats`),
  honoursExportUrl: (q: HonourQuery) => `${base}/honours/export${qs({ ...q, page: undefined, page_size: undefined })}`,
}
