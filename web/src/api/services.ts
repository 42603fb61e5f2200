// Types and endpoints of 订单式服务: requests (诉求/订单) with their life
// cycle, handler units and the desk's settings.
import { downloadUrl, http } from './http'
import type { ItemOf, Schemas } from './types'

// The request and response types are the OpenAPI document's (schema.d.ts).
export type ServiceOptions = Schemas['ServiceOptions']
export type Code = ItemOf<ServiceOptions['sources']>
export type ServiceCategory = ItemOf<ServiceOptions['categories']>
export type ServiceRequest = Schemas['ServiceRequest']
export type ServiceRequestInput = Schemas['ServiceRequestInput']
export type ServiceAction = Schemas['ServiceRequestAction']
export type ServiceEvent = ItemOf<Schemas['ServiceRequestEventList']['items']>
export type ServiceCounts = Schemas['ServiceRequestCounts']
export type StateCount = ItemOf<ServiceCounts['states']>
export type HandlerUnit = Schemas['ServiceHandlerUnit']
export type HandlerUnitInput = Schemas['ServiceHandlerUnitInput']
export type ServiceStats = Schemas['ServiceStats']
export type Dialogue = Schemas['Dialogue']
export type DialogueInput = Schemas['DialogueInput']

export interface ServiceQuery {
  state?: string
  category_id?: number
  region_code?: string
  handler_unit_id?: number
  overdue?: boolean
  org_id?: number
  origin_kind?: string
  origin_id?: number
  /** done_by_my_unit: a handler account's history (本单位已办结). */
  scope?: string
  q?: string
  sort?: string
  page?: number
  page_size?: number
}

type Query = Record<string, string | number | undefined>

/**
 * The list query as URL parameters. State, overdue, sort and paging belong to
 * the list only: the tab counts are counted over the other filters.
 */
export function serviceQuery(q: ServiceQuery, forCounts = false): Query {
  const out: Query = {
    category_id: q.category_id || undefined,
    region_code: q.region_code || undefined,
    handler_unit_id: q.handler_unit_id || undefined,
    org_id: q.org_id || undefined,
    origin_kind: q.origin_kind || undefined,
    origin_id: q.origin_id || undefined,
    scope: q.scope || undefined,
    q: q.q?.trim() || undefined,
  }
  if (!forCounts) Object.assign(out, { overdue: q.overdue ? 'true' : undefined, state: q.state || undefined, sort: q.sort || undefined, page: q.page, page_size: q.page_size })
  return out
}

export const serviceApi = {
  options: () => http.get<ServiceOptions>('/api/v1/service-options'),
  list: (q: ServiceQuery) => http.get<Schemas['ServiceRequestPage']>('/api/v1/service-requests', serviceQuery(q)),
  counts: (q: ServiceQuery) => http.get<ServiceCounts>('/api/v1/service-requests/counts', serviceQuery(q, true)),
  get: (id: number) => http.get<ServiceRequest>(`/api/v1/service-requests/${id}`),
  create: (body: ServiceRequestInput) => http.post<ServiceRequest>('/api/v1/service-requests', body),
  timeline: (id: number) => http.get<Schemas['ServiceRequestEventList']>(`/api/v1/service-requests/${id}/timeline`),
  act: (id: number, body: ServiceAction) => http.post<ServiceRequest>(`/api/v1/service-requests/${id}/actions`, body),
  revealPhone: (id: number) => http.post<ServiceRequest>(`/api/v1/service-requests/${id}/reveal-phone`),
  units: (q: { q?: string; page?: number; page_size?: number }) => http.get<Schemas['ServiceHandlerUnitPage']>('/api/v1/service-handler-units', q),
  createUnit: (body: HandlerUnitInput) => http.post<HandlerUnit>('/api/v1/service-handler-units', body),
  stats: (q: StatsQuery) => http.get<ServiceStats>('/api/v1/service-requests/stats', statsQuery(q)),
  exportStats: (q: StatsQuery) => downloadUrl('/api/v1/service-requests/stats/export' + queryString(statsQuery(q))),
  /** Downloads the list as Excel with the list's filters (not its paging). */
  exportList: (q: ServiceQuery) => {
    const { page: _p, page_size: _s, ...rest } = serviceQuery(q)
    void _p
    void _s
    downloadUrl('/api/v1/service-requests/export' + queryString(rest))
  },
  dialogues: (q: { q?: string; region_code?: string; page?: number; page_size?: number }) =>
    http.get<Schemas['DialoguePage']>('/api/v1/dialogues', { q: q.q?.trim() || undefined, region_code: q.region_code || undefined, page: q.page, page_size: q.page_size }),
  dialogue: (id: number) => http.get<Dialogue>(`/api/v1/dialogues/${id}`),
  createDialogue: (body: DialogueInput) => http.post<Dialogue>('/api/v1/dialogues', body),
  updateDialogue: (id: number, body: DialogueInput) => http.put<Dialogue>(`/api/v1/dialogues/${id}`, body),
}

export interface StatsQuery {
  from?: string
  to?: string
  region_code?: string
}

function statsQuery(q: StatsQuery): Query {
  return { from: q.from || undefined, to: q.to || undefined, region_code: q.region_code || undefined }
}

function queryString(q: Query): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') p.set(k, String(v))
  const s = p.toString()
  return s ? '?' + s : ''
}
