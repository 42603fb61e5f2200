// Types and endpoints of 订单式服务: requests (诉求/订单) with their life
// cycle, handler units and the desk's settings.
import { http } from './http'
import type { Items, Page } from './types'

export interface Code {
  code: string
  name: string
}

export interface ServiceCategory {
  id: number
  code: string
  name: string
  deadline_days: number
  active: boolean
}

export interface ServiceOptions {
  sources: Code[]
  states: Code[]
  actions: Code[]
  handler_kinds: Code[]
  reply_methods: Code[]
  satisfactions: Code[]
  categories: ServiceCategory[]
}

export interface ServiceRequest {
  id: number
  source: string
  source_name: string
  category_id: number
  category_name: string
  deadline_days: number
  content: string
  requester_name: string
  requester_phone: string
  org_id: number | null
  org_name: string
  region_code: string
  region_name: string
  receiving_party_org_id: number | null
  receiving_party_org_name: string
  handler_unit_id: number | null
  handler_unit_name: string
  state: string
  state_name: string
  received_on: string
  due_on: string
  paused: boolean
  paused_on: string | null
  pause_reason: string
  result: string
  replied_on: string | null
  satisfaction: string
  satisfaction_name: string
  reopen_count: number
  overdue: boolean
  days_overdue: number
  version: number
  allowed_actions: string[]
  created_by: string
  created_at: string
  updated_at: string
}

export interface ServiceRequestInput {
  source: string
  category_id: number
  content: string
  requester_name: string
  requester_phone: string
  region_code: string
  org_id?: number | null
  receiving_party_org_id?: number | null
  received_on?: string
}

export interface ServiceAction {
  action: string
  version: number
  handler_unit_id?: number | null
  reason?: string
  result?: string
  replied_by?: string
  reply_method?: string
  satisfaction?: string
}

export interface ServiceEvent {
  id: number
  action: string
  action_name: string
  from_state: string
  to_state: string
  to_state_name: string
  handler_unit_id: number | null
  handler_unit_name: string
  note: string
  detail: Record<string, string>
  due_on: string
  username: string
  at: string
}

export interface StateCount {
  state: string
  name: string
  count: number
}

export interface ServiceCounts {
  states: StateCount[]
  all: number
  overdue: number
}

export interface HandlerUnit {
  id: number
  name: string
  kind: string
  kind_name: string
  region_code: string
  region_name: string
  org_id: number | null
  org_name: string
  contact: string
  active: boolean
}

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
  list: (q: ServiceQuery) => http.get<Page<ServiceRequest>>('/api/v1/service-requests', serviceQuery(q)),
  counts: (q: ServiceQuery) => http.get<ServiceCounts>('/api/v1/service-requests/counts', serviceQuery(q, true)),
  get: (id: number) => http.get<ServiceRequest>(`/api/v1/service-requests/${id}`),
  create: (body: ServiceRequestInput) => http.post<ServiceRequest>('/api/v1/service-requests', body),
  timeline: (id: number) => http.get<Items<ServiceEvent>>(`/api/v1/service-requests/${id}/timeline`),
  act: (id: number, body: ServiceAction) => http.post<ServiceRequest>(`/api/v1/service-requests/${id}/actions`, body),
  revealPhone: (id: number) => http.post<ServiceRequest>(`/api/v1/service-requests/${id}/reveal-phone`),
  units: (q: { q?: string; page?: number; page_size?: number }) => http.get<Page<HandlerUnit>>('/api/v1/service-handler-units', q),
  createUnit: (body: { name: string; kind: string; region_code: string; contact?: string }) => http.post<HandlerUnit>('/api/v1/service-handler-units', body),
}
