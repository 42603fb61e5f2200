// Types and endpoints of the 两新 ledger: organizations, party organizations,
// instructors, coverage statistics and work lists.
import { allPages, buildQuery, http, uploadFile } from './http'
import type { Items, Page } from './types'

const base = '/api/v1'

export interface Code {
  code: string
  name: string
}

export interface Category extends Code {
  sector: 'economic' | 'social' | string
}

export interface LedgerOptions {
  categories: Category[]
  industries: Code[]
  tags: string[]
  party_org_kinds: Code[]
  formations: Code[]
  instructor_levels: string[]
}

export interface Organization {
  id: number
  name: string
  uscc: string
  category: string
  category_name: string
  sector: string
  region_code: string
  region_name: string
  area_codes: string[]
  industry: string
  employees: number
  above_scale: boolean
  full_members: number
  probationary_members: number
  owner_is_member: boolean
  has_charter: boolean
  charter_has_party: boolean
  tags: string[]
  registered_on: string | null
  closed_on: string | null
  no_org_reason: string
  planned_on: string | null
  created_at: string
  updated_at: string
}

/** Body of POST/PATCH /organizations; absent fields are left unchanged on PATCH. */
export interface OrganizationInput {
  name?: string
  uscc?: string
  category?: string
  region_code?: string
  area_codes?: string[]
  industry?: string
  employees?: number
  above_scale?: boolean
  full_members?: number
  probationary_members?: number
  owner_is_member?: boolean
  has_charter?: boolean
  charter_has_party?: boolean
  tags?: string[]
  registered_on?: string
  closed_on?: string
  no_org_reason?: string
  planned_on?: string
}

export interface OrganizationQuery {
  q?: string
  category?: string
  sector?: string
  region_code?: string
  area_code?: string
  industry?: string
  above_scale?: string
  min_employees?: number | string
  max_employees?: number | string
  has_members?: string
  owner_is_member?: string
  has_charter?: string
  tag?: string
  status?: string
  coverage?: string
  registered_from?: string
  registered_to?: string
  sort?: string
  order?: string
  page?: number
  page_size?: number
}

export interface HistoryEntry {
  at: string
  username: string
  action: string
  action_name: string
  detail: { before?: Record<string, unknown>; after?: Record<string, unknown>; note?: string; [key: string]: unknown } | null
}

export interface Cover {
  id: number
  organization_id: number
  organization_name: string
  from: string
  to: string | null
}

export interface PartyOrg {
  id: number
  name: string
  kind: string
  kind_name: string
  formation: string
  formation_name: string
  parent_id: number | null
  parent_name: string
  region_code: string
  region_name: string
  established_on: string
  dissolved_on: string | null
  term_started_on: string
  term_years: number
  term_due_on: string
  covers: Cover[]
  members: number
  warnings?: string[]
  created_at: string
  updated_at: string
}

export interface PartyOrgInput {
  name: string
  kind: string
  formation: string
  parent_id?: number | null
  region_code?: string
  established_on: string
  term_started_on?: string
  covers: number[]
}

export interface PartyOrgPatch {
  name?: string
  parent_id?: number | null
  term_started_on?: string
}

export interface PartyOrgQuery {
  q?: string
  kind?: string
  formation?: string
  region_code?: string
  parent_id?: number
  status?: string
  page?: number
  page_size?: number
}

export interface PartyOrgNode {
  id: number
  name: string
  kind: string
  kind_name: string
  formation: string
  formation_name: string
  units: number
  children: PartyOrgNode[]
}

export interface Renewal extends PartyOrg {
  days_left: number
  overdue: boolean
}

export interface Assignment {
  id: number
  instructor_id: number
  organization_id: number
  organization_name: string
  from: string
  to: string | null
}

export interface Instructor {
  id: number
  name: string
  phone: string
  unit: string
  full_time: boolean
  level: string
  region_code: string
  region_name: string
  assignments: Assignment[]
  active: number
  created_at: string
}

export interface InstructorInput {
  name?: string
  phone?: string
  unit?: string
  full_time?: boolean
  level?: string
  region_code?: string
}

export interface Visit {
  id: number
  instructor_id: number
  organization_id: number
  organization_name: string
  visited_on: string
  /** 走访, 电话, 线上 or 座谈. */
  form: string
  /** The visit's photos (the images at visitPhotoUrl). */
  photos?: VisitPhoto[]
  content: string
  problems: string
  solved: string
  /** When the problems raised were marked solved (标记已解决), and how. */
  solved_on?: string | null
  solved_note?: string
}

/** A photo of a visit (JPEG, PNG or WebP, sealed at rest). */
export interface VisitPhoto {
  id: number
  visit_id: number
  content_type: string
  size: number
  created_at: string
}

/** Largest photo the server takes (instructor.MaxPhotoBytes) and photos per visit (MaxPhotosPerVisit). */
export const maxPhotoBytes = 8 << 20
export const maxPhotosPerVisit = 9

/** URL of a visit photo's image (same origin: the session cookie goes along). */
export function visitPhotoUrl(instructorId: number, visitId: number, photoId: number): string {
  return `${base}/instructors/${instructorId}/visits/${visitId}/photos/${photoId}`
}

/** The body of POST /settings/visit-frequencies. */
export interface VisitFrequencyInput {
  full_time: boolean
  every_months: number
  effective_from: string
  reason?: string
}

/** The ways a visit is made. */
export const visitForms = ['走访', '电话', '线上', '座谈']

/** GET /instructors/{id}/organizations: an organization assigned today. */
export interface AssignedOrg {
  organization_id: number
  name: string
  uscc: string
  region_name: string
  from: string
  last_visit_on: string | null
  party_orgs: { id: number; name: string; kind_name: string }[]
  members: { name: string; gender: string; category: string; id_number: string; phone: string; position: string }[]
}

/** GET /instructors/{id}/due-visits: an assigned organization whose visit is overdue. */
export interface DueVisit {
  organization_id: number
  name: string
  region_name: string
  from: string
  last_visit_on: string | null
  due_on: string
  days_overdue: number
}

/** GET /instructors/due-visits: one row of the district's list of who is behind. */
export interface OverdueVisit extends DueVisit {
  instructor_id: number
  instructor_name: string
  full_time: boolean
  kind_name: string
  every_months: number
}

/** GET /settings/visit-frequencies: a default (id 0) or a version of a kind's visit frequency. */
export interface VisitFrequency {
  id: number
  full_time: boolean
  kind_name: string
  every_months: number
  effective_from: string
  reason: string
}

export interface VisitInput {
  organization_id: number
  visited_on: string
  form?: string
  content: string
  problems?: string
  solved?: string
}

export interface CoverageCounts {
  total: number
  org_covered: number
  single_covered: number
  work_covered: number
  org_rate: number
  single_rate: number
  work_rate: number
  /** 有效覆盖: covered by a party organization with ≥3 正式党员. */
  effective_covered?: number
  effective_rate?: number
  /** 有形无效 = org_covered − effective_covered. */
  ineffective?: number
  /** 其中党建工作指导员联系的. */
  instructed?: number
  has_charter?: number
  charter_has_party?: number
  /** 党建入章率 = charter_has_party ÷ has_charter. */
  charter_rate?: number
}

/** One named coverage rule (全部单位, 应建单位, 规模口径, 规模以上) with its own denominator. */
export interface RuleCounts extends CoverageCounts {
  key: 'all' | 'should_build' | 'size' | 'above_scale' | string
  name: string
  description: string
}

export interface KeyCounts extends CoverageCounts {
  key: string
  name: string
}

export interface RegionCounts extends CoverageCounts {
  region_code: string
  name: string
}

export interface CoverageRule {
  kind: 'all' | 'above_scale' | 'min_employees' | string
  min_employees?: number
  enterprise_min_employees?: number
  social_min_employees?: number
  description: string
}

export interface CoverageReport extends CoverageCounts {
  region_code: string
  region_name: string
  as_of: string
  scope_rule: CoverageRule
  by_sector: Record<string, CoverageCounts>
  by_category: KeyCounts[] | null
  by_industry: KeyCounts[] | null
  by_above_scale: KeyCounts[] | null
  by_region: RegionCounts[] | null
  rules?: RuleCounts[] | null
}

export type WorklistKind = 'should_build' | 'few_members' | 'no_members' | 'ineffective'

/** An import session (POST /imports/organizations answers with it; GET /imports/{id} polls it). */
export interface ImportSession {
  id: string
  kind: string
  status: 'running' | 'succeeded' | 'rejected' | 'failed' | string
  phase: 'parse' | 'write' | string
  processed: number
  rows: number
  created: number
  updated: number
  unchanged: number
  message: string
  has_report: boolean
}

/** One bad cell of a rejected import (the first 50 come in the 422 answer). */
export interface ImportCellError {
  row: number
  column: string
  message: string
}

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
export interface OrganizationProfile {
  organization_id: number
  region_name: string
  industry_name: string
  areas: { code: string; name: string }[]
  coverage: 'single' | 'shared' | 'guided' | 'none'
  coverage_name: string
  covers: {
    party_org_id: number
    party_org_name: string
    kind: string
    kind_name: string
    formation: string
    formation_name: string
    from: string
    to: string | null
    current: boolean
    units: number
  }[]
  instructors: { instructor_id: number; name: string; unit: string; full_time: boolean; from: string; to: string | null; current: boolean }[]
  visits: { id: number; instructor_name: string; visited_on: string; content: string; problems: string; solved: string }[]
  visit_count: number
  members: {
    organization_id: number
    declared_full: number
    declared_probationary: number
    recorded_full: number
    recorded_probationary: number
    mismatch: boolean
  }
}

export const orgApi = {
  list: (q: OrganizationQuery) => http.get<Page<Organization>>(`${base}/organizations`, { ...q }),
  get: (id: number) => http.get<Organization>(`${base}/organizations/${id}`),
  create: (body: OrganizationInput) => http.post<Organization>(`${base}/organizations`, body),
  update: (id: number, body: OrganizationInput) => http.patch<Organization>(`${base}/organizations/${id}`, body),
  remove: (id: number) => http.del<void>(`${base}/organizations/${id}`),
  history: (id: number) => http.get<Items<HistoryEntry>>(`${base}/organizations/${id}/history`),
  profile: (id: number) => http.get<OrganizationProfile>(`${base}/organizations/${id}/profile`),
  exportUrl: (q: OrganizationQuery) => {
    const { page: _p, page_size: _s, ...rest } = q
    return `${base}/organizations/export${buildQuery({ ...rest })}`
  },
  importSession: (id: string) => http.get<ImportSession>(`${base}/imports/${enc(id)}`),
}

export const partyOrgApi = {
  list: (q: PartyOrgQuery) => http.get<Page<PartyOrg>>(`${base}/party-orgs`, { ...q }),
  get: (id: number) => http.get<PartyOrg>(`${base}/party-orgs/${id}`),
  create: (body: PartyOrgInput) => http.post<PartyOrg>(`${base}/party-orgs`, body),
  update: (id: number, body: PartyOrgPatch) => http.patch<PartyOrg>(`${base}/party-orgs/${id}`, body),
  tree: () => http.get<Items<PartyOrgNode>>(`${base}/party-orgs/tree`),
  renewals: (within_days = 90) => allPages<Renewal>(`${base}/party-orgs/renewals`, { within_days }),
  dissolve: (id: number, on: string) => http.post<PartyOrg>(`${base}/party-orgs/${id}/dissolve`, { on }),
  addCover: (id: number, organization_id: number, from: string) =>
    http.post<PartyOrg>(`${base}/party-orgs/${id}/covers`, { organization_id, from }),
  endCover: (id: number, coverId: number, on: string) =>
    http.post<PartyOrg>(`${base}/party-orgs/${id}/covers/${coverId}/end`, { on }),
}

export const instructorApi = {
  list: (q: { q?: string; page?: number; page_size?: number }) => http.get<Page<Instructor>>(`${base}/instructors`, { ...q }),
  /** One instructor; the phone is masked unless reveal (needs member.reveal; audited). */
  get: (id: number, reveal = false) => http.get<Instructor>(`${base}/instructors/${id}`, reveal ? { reveal: 'true' } : undefined),
  create: (body: InstructorInput) => http.post<Instructor>(`${base}/instructors`, body),
  update: (id: number, body: InstructorInput) => http.patch<Instructor>(`${base}/instructors/${id}`, body),
  assign: (id: number, organization_id: number, from: string, to?: string) =>
    http.post<Assignment>(`${base}/instructors/${id}/assignments`, { organization_id, from, ...(to ? { to } : {}) }),
  endAssignment: (id: number, assignmentId: number, on: string) =>
    http.post<Assignment>(`${base}/instructors/${id}/assignments/${assignmentId}/end`, { on }),
  visits: (id: number) => allPages<Visit>(`${base}/instructors/${id}/visits`),
  organizations: (id: number) => allPages<AssignedOrg>(`${base}/instructors/${id}/organizations`),
  overdue: (q: { full_time?: 'true' | 'false'; page?: number; page_size?: number } = {}) =>
    http.get<Page<OverdueVisit>>(`${base}/instructors/due-visits`, { ...q }),
  visitFrequencies: () => http.get<{ items: VisitFrequency[] }>(`${base}/settings/visit-frequencies`),
  dueVisits: async (id: number) => {
    const url = `${base}/instructors/${id}/due-visits`
    const first = await http.get<{ every_months: number; items: DueVisit[]; total: number }>(url, { page_size: 200 })
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
    http.get<Items<CoverageReport>>(`${base}/stats/coverage/trend`, { region_code, as_of, months }),
  worklist: (kind: WorklistKind, q: { region_code?: string; as_of?: string; page?: number; page_size?: number }) =>
    http.get<Page<Organization>>(`${base}/stats/worklists/${enc(kind)}`, { ...q }),
  rule: () => http.get<CoverageRule>(`${base}/settings/coverage-rule`),
  setRule: (kind: string, min_employees?: number, size?: { enterprise_min_employees?: number; social_min_employees?: number }) =>
    http.put<CoverageRule>(`${base}/settings/coverage-rule`, { kind, ...(kind === 'min_employees' ? { min_employees } : {}), ...(size || {}) }),
}
