// Types and endpoints of 阵地: the venue register, rooms and bookings.
import { http } from './http'
import type { Schemas } from './types'

// The request and response types are the OpenAPI document's (schema.d.ts).
export type VenueOptions = Schemas['VenueOptions']
export type Venue = Schemas['Venue']
export type VenueInput = Schemas['VenueInput']
export type VenueWeek = Schemas['VenueWeek']
export type Booking = Schemas['VenueBooking']
export type BookingInput = Schemas['VenueBookingInput']

export interface VenueQuery {
  kind?: string
  region_code?: string
  q?: string
  page?: number
  page_size?: number
}

export const venueApi = {
  options: () => http.get<VenueOptions>('/api/v1/venue-options'),
  list: (q: VenueQuery) =>
    http.get<Schemas['VenuePage']>('/api/v1/venues', { kind: q.kind || undefined, region_code: q.region_code || undefined, q: q.q?.trim() || undefined, page: q.page, page_size: q.page_size }),
  get: (id: number) => http.get<Venue>(`/api/v1/venues/${id}`),
  create: (body: VenueInput) => http.post<Venue>('/api/v1/venues', body),
  week: (id: number, week?: string) => http.get<VenueWeek>(`/api/v1/venues/${id}/week`, { week: week || undefined }),
  book: (id: number, room: number, body: BookingInput) => http.post<Booking>(`/api/v1/venues/${id}/rooms/${room}/bookings`, body),
  cancel: (id: number, room: number, booking: number, reason: string) =>
    http.post<Booking>(`/api/v1/venues/${id}/rooms/${room}/bookings/${booking}/cancel`, { reason }),
  revealPhone: (id: number) => http.post<Venue>(`/api/v1/venues/${id}/reveal-phone`),
}

export const weekdayNames = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日']

/** Shifts a YYYY-MM-DD day by n days (calendar arithmetic in UTC). */
export function shiftDay(day: string, n: number): string {
  const d = new Date(day + 'T00:00:00Z')
  d.setUTCDate(d.getUTCDate() + n)
  return d.toISOString().slice(0, 10)
}
