// Types and endpoints of 微心愿 (wishes) and of the public page (公开服务).
import { http } from './http'
import type { ItemOf, Schemas } from './types'

export type WishOptions = Schemas['WishOptions']
export type Wish = Schemas['Wish']
export type WishInput = Schemas['WishInput']
export type WishAction = Schemas['WishAction']
export type WishEvent = ItemOf<Schemas['WishEventList']['items']>
export type WishCounts = Schemas['WishCounts']
export type WishPhoto = Schemas['WishPhoto']
export type PublicOptions = Schemas['PublicOptions']
export type PublicReceipt = Schemas['PublicReceipt']
export type PublicStatus = Schemas['PublicStatus']
export type PublicRequestInput = Schemas['PublicRequestInput']
export type PublicWishInput = Schemas['PublicWishInput']

export interface WishQuery {
  state?: string
  category?: string
  region_code?: string
  q?: string
  sort?: string
  page?: number
  page_size?: number
}

type Query = Record<string, string | number | undefined>

/** The list query as URL parameters; the counts and the export leave out what they do not take. */
export function wishQuery(q: WishQuery, mode: 'list' | 'counts' | 'export' = 'list'): Query {
  const out: Query = { category: q.category || undefined, region_code: q.region_code || undefined, q: q.q?.trim() || undefined }
  if (mode !== 'counts') Object.assign(out, { state: q.state || undefined, sort: q.sort || undefined })
  if (mode === 'list') Object.assign(out, { page: q.page, page_size: q.page_size })
  return out
}

/** Amount in 元 from 分, e.g. 12000 → "120.00". */
export function yuan(cents: number | null | undefined): string {
  if (cents === null || cents === undefined) return ''
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`
}

export const wishApi = {
  options: () => http.get<WishOptions>('/api/v1/wish-options'),
  list: (q: WishQuery) => http.get<Schemas['WishPage']>('/api/v1/wishes', wishQuery(q)),
  counts: (q: WishQuery) => http.get<WishCounts>('/api/v1/wishes/counts', wishQuery(q, 'counts')),
  get: (id: number) => http.get<Wish>(`/api/v1/wishes/${id}`),
  create: (body: WishInput) => http.post<Wish>('/api/v1/wishes', body),
  timeline: (id: number) => http.get<Schemas['WishEventList']>(`/api/v1/wishes/${id}/timeline`),
  act: (id: number, body: WishAction) => http.post<Wish>(`/api/v1/wishes/${id}/actions`, body),
  revealPhone: (id: number) => http.post<Wish>(`/api/v1/wishes/${id}/reveal-phone`),
  photoUrl: (id: number, photoId: number) => `/api/v1/wishes/${id}/photos/${photoId}`,
  exportUrl: (q: WishQuery) => {
    const p = new URLSearchParams()
    for (const [k, v] of Object.entries(wishQuery(q, 'export'))) if (v !== undefined && v !== '') p.set(k, String(v))
    const s = p.toString()
    return `/api/v1/wishes/export${s ? `?${s}` : ''}`
  },
}

export const publicApi = {
  options: () => http.get<PublicOptions>('/api/v1/public/options'),
  submitRequest: (body: PublicRequestInput) => http.post<PublicReceipt>('/api/v1/public/service-requests', body),
  submitWish: (body: PublicWishInput) => http.post<PublicReceipt>('/api/v1/public/wishes', body),
  lookup: (ticket: string, phone_last4: string) => http.post<PublicStatus>('/api/v1/public/lookup', { ticket, phone_last4 }),
}
