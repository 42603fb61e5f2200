// Types and endpoints of assessment: indicator sheets, rounds with star
// rating, 软弱涣散 signals and rectifications, "1+1" pairs and honours.
// Points are numbers with at most two decimals (89.99).
import { allPages, http } from './http'
import type { ItemOf, QueryOf, Schemas } from './types'

const base = '/api/v1/assess'

export type AssessOptions = Schemas['AssessOptions']
export type Code = ItemOf<AssessOptions['methods']>
export type Thresholds = AssessOptions['default_thresholds']

export type Sheet = Schemas['AssessSheet']
export type Indicator = ItemOf<Sheet['indicators']>
export type Veto = ItemOf<Sheet['vetoes']>
export type SheetInput = Schemas['AssessSheetInput']
export type SheetCopy = Schemas['AssessSheetCopy']

export type Round = Schemas['AssessRound']
export type RoundInput = Schemas['AssessRoundInput']
export type RoundView = Schemas['AssessRoundView']
export type Result = ItemOf<RoundView['results']>
export type Distribution = RoundView['distribution']

export type OrgScores = Schemas['AssessOrgScores']
export type ScoreLine = ItemOf<OrgScores['scores']>
export type VetoLine = ItemOf<OrgScores['vetoes']>
export type OrgScoresInput = Schemas['AssessOrgScoresInput']

export type SignalReport = Schemas['AssessSignalReport']
export type SignalRow = ItemOf<SignalReport['items']>
export type Signal = ItemOf<SignalRow['signals']>
/** The signals' filter state; all (every party organization, not only those with signals) is a switch. */
export type SignalQuery = Omit<QueryOf<'getAssessSignals'>, 'all'> & { all?: boolean }

export type Rectification = Schemas['AssessRectification']
export type RectificationInput = Schemas['AssessRectificationInput']
export type RectificationPatch = Schemas['AssessRectificationPatch']
export type RectificationQuery = QueryOf<'listAssessRectifications'>

export type Pair = Schemas['AssessPair']
export type PairSnapshot = Pair['before']
export type PairInput = Schemas['AssessPairInput']
export type ActivityInput = Schemas['AssessActivityInput']

export type Honour = Schemas['AssessHonour']
export type HonourInput = Schemas['AssessHonourInput']
export type HonourDecision = Schemas['AssessHonourDecision']
export type HonourYear = ItemOf<Schemas['AssessHonourStats']['items']>
export type HonourQuery = QueryOf<'listAssessHonours'>

function qs(q: object): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '' && v !== null && v !== false) p.set(k, String(v))
  const s = p.toString()
  return s ? `?${s}` : ''
}

type Query = Record<string, string | number | undefined>

export const assessApi = {
  options: () => http.get<AssessOptions>(`${base}/options`),

  sheets: () => http.get<Schemas['AssessSheetList']>(`${base}/sheets`),
  sheet: (id: number) => http.get<Sheet>(`${base}/sheets/${id}`),
  createSheet: (body: SheetInput) => http.post<Sheet>(`${base}/sheets`, body),
  updateSheet: (id: number, body: SheetInput) => http.put<Sheet>(`${base}/sheets/${id}`, body),
  copySheet: (id: number, body: SheetCopy) => http.post<Sheet>(`${base}/sheets/${id}/copy`, body),

  rounds: () => http.get<Schemas['AssessRoundList']>(`${base}/rounds`),
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

  rectifications: (q: RectificationQuery) => allPages<Rectification>(`${base}/rectifications`, { ...q }),
  designate: (body: RectificationInput) => http.post<Rectification>(`${base}/rectifications`, body),
  updateRectification: (id: number, body: RectificationPatch) => http.patch<Rectification>(`${base}/rectifications/${id}`, body),
  rectificationsExportUrl: (q: RectificationQuery) => `${base}/rectifications/export${qs(q)}`,

  pairs: () => allPages<Pair>(`${base}/pairs`),
  createPair: (body: PairInput) => http.post<Pair>(`${base}/pairs`, body),
  pair: (id: number) => http.get<Pair>(`${base}/pairs/${id}`),
  addActivity: (id: number, body: ActivityInput) => http.post<Pair>(`${base}/pairs/${id}/activities`, body),
  pairsExportUrl: () => `${base}/pairs/export`,

  honours: (q: HonourQuery) => http.get<Schemas['AssessHonourPage']>(`${base}/honours`, { ...q } as Query),
  recommend: (body: HonourInput) => http.post<Honour>(`${base}/honours`, body),
  decide: (id: number, body: HonourDecision) => http.patch<Honour>(`${base}/honours/${id}`, body),
  honourStats: () => http.get<Schemas['AssessHonourStats']>(`${base}/honours/stats`),
  honoursExportUrl: (q: HonourQuery) => `${base}/honours/export${qs({ ...q, page: undefined, page_size: undefined })}`,
}
