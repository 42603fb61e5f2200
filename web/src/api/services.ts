// Types and endpoints of 订单式服务: requests (诉求/订单) with their life
// cycle, handler units and the desk's settings.
import { http } from './http'
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

export interface ServiceQuery {
  state?: string
  category_id?: number
  region_code?: string
  handler_unit_id?: number
  overdue?: boolean
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
}
