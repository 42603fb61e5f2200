// Types and endpoints of the 两新 ledger: organizations, party organizations,
// instructors, coverage statistics and work lists.
import { allPages, buildQuery, http, uploadFile } from './http'
import type { FilterOf, ItemOf, QueryOf, Schemas } from './types'

const base = '/api/v1'

export type LedgerOptions = Schemas['LedgerOptions']
export type Code = ItemOf<LedgerOptions['industries']>
export type Category = ItemOf<LedgerOptions['categories']>

export type Organization = Schemas['Organization']

/** Body of POST /organizations. */
export type OrganizationInput = Schemas['OrganizationInput']
/** Body of PATCH /organizations/{id}; absent fields are left unchanged. */
export type OrganizationPatch = Schemas['OrganizationPatch']

/** The ledger's filter state (GET /organizations). */
export type OrganizationQuery = FilterOf<QueryOf<'listOrganizations'>>

export type HistoryEntry = ItemOf<Schemas['HistoryList']['items']>

export type Cover = Schemas['Cover']
export type PartyOrg = Schemas['PartyOrg']
export type PartyOrgInput = Schemas['PartyOrgInput']
export type PartyOrgPatch = Schemas['PartyOrgPatch']
export type PartyOrgQuery = QueryOf<'listPartyOrgs'>
export type PartyOrgNode = Schemas['PartyOrgNode']
export type Renewal = ItemOf<Schemas['RenewalPage']['items']>

export type Assignment = Schemas['Assignment']
export type Instructor = Schemas['Instructor']
/** Body of POST /instructors. */
export type InstructorInput = Schemas['InstructorInput']
/** Body of PATCH /instructors/{id}. */
export type InstructorPatch = Schemas['InstructorPatch']
export type Visit = Schemas['Visit']
/** A photo of a visit (JPEG, PNG or WebP, sealed at rest). */
export type VisitPhoto = Schemas['VisitPhoto']

/** Largest photo the server takes (instructor.MaxPhotoBytes) and photos per visit (MaxPhotosPerVisit). */
export const maxPhotoBytes = 8 << 20
export const maxPhotosPerVisit = 9

/** URL of a visit photo's image (same origin: the session cookie goes along). */
export function visitPhotoUrl(instructorId: number, visitId: number, photoId: number): string {
  return `${base}/instructors/${instructorId}/visits/${visitId}/photos/${photoId}`
}

/** The body of POST /settings/visit-frequencies. */
export type VisitFrequencyInput = Schemas['VisitFrequencyInput']

/** The ways a visit is made. */
/** 走访, 电话, 线上 or 座谈. */
export type VisitForm = NonNullable<VisitInput['form']>
export const visitForms: VisitForm[] = ['走访', '电话', '线上', '座谈']

/** GET /instructors/{id}/organizations: an organization assigned today. */
export type AssignedOrg = ItemOf<Schemas['AssignedOrgPage']['items']>
/** GET /instructors/{id}/due-visits: an assigned organization whose visit is overdue. */
export type DueVisit = ItemOf<Schemas['DueVisitPage']['items']>
/** GET /instructors/due-visits: one row of the district's list of who is behind. */
export type OverdueVisit = ItemOf<Schemas['OverdueVisitPage']['items']>
/** GET /settings/visit-frequencies: a default (id 0) or a version of a kind's visit frequency. */
export type VisitFrequency = Schemas['VisitFrequency']
export type VisitInput = Schemas['VisitInput']

export type CoverageCounts = Schemas['CoverageCounts']
export type CoverageReport = Schemas['CoverageReport']
/** One named coverage rule (全部单位, 应建单位, 规模口径, 规模以上) with its own denominator. */
export type RuleCounts = ItemOf<NonNullable<CoverageReport['rules']>>
export type KeyCounts = ItemOf<CoverageReport['by_category']>
export type RegionCounts = ItemOf<CoverageReport['by_region']>
export type CoverageRule = Schemas['CoverageRule']
export type CoverageRuleInput = Schemas['CoverageRuleInput']
/** One month of GET /stats/coverage/trend (no breakdowns: the by_* lists are null). */
export type CoverageTrendPoint = ItemOf<Schemas['CoverageTrend']['items']>

export type WorklistKind = 'should_build' | 'few_members' | 'no_members' | 'ineffective'

/** An import session (POST /imports/organizations answers with it; GET /imports/{id} polls it). */
export type ImportSession = Schemas['ImportSession']

/** One bad cell of a rejected import (the first 50 come in the 422 answer). */
export type ImportCellError = ItemOf<NonNullable<Schemas['Error']['error']['errors']>>

const enc = encodeURIComponent

let optionsCache: Promise<LedgerOptions> | null = null

export const ledgerApi = {
  options: () => http.get<LedgerOptions>(`${base}/organizations/options`),
  /** The options, fetched once per page load (they are fixed lists on the server). */
  cachedOptions: (): Promise<LedgerOptions> => {
    if (!optionsCache) {
      optionsCache = ledgerApi.options().catch((e) => {
        optionsCache = null
        throw e
      })
    }
    return optionsCache
  },
}

/** GET /organizations/{id}/profile: how an organization is covered, its instructors and visits, its members. */
export type OrganizationProfile = Schemas['OrganizationProfile']

export const orgApi = {
  list: (q: OrganizationQuery) => http.get<Schemas['OrganizationPage']>(`${base}/organizations`, { ...q }),
  get: (id: number) => http.get<Organization>(`${base}/organizations/${id}`),
  create: (body: OrganizationInput) => http.post<Organization>(`${base}/organizations`, body),
  update: (id: number, body: OrganizationPatch) => http.patch<Organization>(`${base}/organizations/${id}`, body),
  remove: (id: number) => http.del<void>(`${base}/organizations/${id}`),
  history: (id: number) => http.get<Schemas['HistoryList']>(`${base}/organizations/${id}/history`),
  profile: (id: number) => http.get<OrganizationProfile>(`${base}/organizations/${id}/profile`),
  exportUrl: (q: OrganizationQuery) => {
    const { page: _p, page_size: _s, ...rest } = q
    return `${base}/organizations/export${buildQuery({ ...rest })}`
  },
  importSession: (id: string) => http.get<ImportSession>(`${base}/imports/${enc(id)}`),
}

export const partyOrgApi = {
  list: (q: PartyOrgQuery) => http.get<Schemas['PartyOrgPage']>(`${base}/party-orgs`, { ...q }),
  get: (id: number) => http.get<PartyOrg>(`${base}/party-orgs/${id}`),
  create: (body: PartyOrgInput) => http.post<PartyOrg>(`${base}/party-orgs`, body),
  update: (id: number, body: PartyOrgPatch) => http.patch<PartyOrg>(`${base}/party-orgs/${id}`, body),
  tree: () => http.get<Schemas['PartyOrgTree']>(`${base}/party-orgs/tree`),
  renewals: (within_days = 90) => allPages<Renewal>(`${base}/party-orgs/renewals`, { within_days }),
  dissolve: (id: number, on: string) => http.post<PartyOrg>(`${base}/party-orgs/${id}/dissolve`, { on }),
  addCover: (id: number, organization_id: number, from: string) =>
    http.post<PartyOrg>(`${base}/party-orgs/${id}/covers`, { organization_id, from }),
  endCover: (id: number, coverId: number, on: string) =>
    http.post<PartyOrg>(`${base}/party-orgs/${id}/covers/${coverId}/end`, { on }),
}

export const instructorApi = {
  list: (q: { q?: string; page?: number; page_size?: number }) => http.get<Schemas['InstructorPage']>(`${base}/instructors`, { ...q }),
  /** One instructor; the phone is masked unless reveal (needs member.reveal; audited). */
  get: (id: number, reveal = false) => http.get<Instructor>(`${base}/instructors/${id}`, reveal ? { reveal: 'true' } : undefined),
  create: (body: InstructorInput) => http.post<Instructor>(`${base}/instructors`, body),
  update: (id: number, body: InstructorPatch) => http.patch<Instructor>(`${base}/instructors/${id}`, body),
  assign: (id: number, organization_id: number, from: string, to?: string) =>
    http.post<Assignment>(`${base}/instructors/${id}/assignments`, { organization_id, from, ...(to ? { to } : {}) }),
  endAssignment: (id: number, assignmentId: number, on: string) =>
    http.post<Assignment>(`${base}/instructors/${id}/assignments/${assignmentId}/end`, { on }),
  visits: (id: number) => allPages<Visit>(`${base}/instructors/${id}/visits`),
  organizations: (id: number) => allPages<AssignedOrg>(`${base}/instructors/${id}/organizations`),
  overdue: (q: { full_time?: 'true' | 'false'; page?: number; page_size?: number } = {}) =>
    http.get<Schemas['OverdueVisitPage']>(`${base}/instructors/due-visits`, { ...q }),
  visitFrequencies: () => http.get<Schemas['VisitFrequencyList']>(`${base}/settings/visit-frequencies`),
  dueVisits: async (id: number) => {
    const url = `${base}/instructors/${id}/due-visits`
    const first = await http.get<Schemas['DueVisitPage']>(url, { page_size: 200 })
    return first.items.length >= first.total ? first : { ...first, items: (await allPages<DueVisit>(url)).items }
  },
  addVisit: (id: number, body: VisitInput) => http.post<Visit>(`${base}/instructors/${id}/visits`, body),
  uploadPhoto: (id: number, visitId: number, file: Blob) => uploadFile<VisitPhoto>(`${base}/instructors/${id}/visits/${visitId}/photos`, file),
  deletePhoto: (id: number, visitId: number, photoId: number) => http.del<void>(visitPhotoUrl(id, visitId, photoId)),
  setVisitFrequency: (body: VisitFrequencyInput) => http.post<VisitFrequency>(`${base}/settings/visit-frequencies`, body),
}

export const coverageApi = {
  report: (region_code?: string, as_of?: string) => http.get<CoverageReport>(`${base}/stats/coverage`, { region_code, as_of }),
  trend: (region_code?: string, as_of?: string, months = 12) =>
    http.get<Schemas['CoverageTrend']>(`${base}/stats/coverage/trend`, { region_code, as_of, months }),
  worklist: (kind: WorklistKind, q: { region_code?: string; as_of?: string; page?: number; page_size?: number }) =>
    http.get<Schemas['OrganizationPage']>(`${base}/stats/worklists/${enc(kind)}`, { ...q }),
  rule: () => http.get<CoverageRule>(`${base}/settings/coverage-rule`),
  setRule: (kind: string, min_employees?: number, size?: { enterprise_min_employees?: number; social_min_employees?: number }) =>
    http.put<CoverageRule>(`${base}/settings/coverage-rule`, { kind, ...(kind === 'min_employees' ? { min_employees } : {}), ...(size || {}) }),
}
