// Types and endpoints of 阵地: the venue register, rooms and bookings.
import { downloadUrl, http, uploadFile } from './http'
import type { Schemas } from './types'

// The request and response types are the OpenAPI document's (schema.d.ts).
export type VenueOptions = Schemas['VenueOptions']
export type Venue = Schemas['Venue']
export type VenueInput = Schemas['VenueInput']
export type VenueWeek = Schemas['VenueWeek']
export type Booking = Schemas['VenueBooking']
export type BookingInput = Schemas['VenueBookingInput']
export type Checklist = Schemas['VenueChecklist']
export type Inspection = Schemas['VenueInspection']
export type InspectionInput = Schemas['VenueInspectionInput']
export type BelowStandard = Schemas['VenueBelowStandardPage']['items'][number]
export type VenuePhoto = Schemas['VenuePhoto']
export type Activity = Schemas['VenueActivity']
export type ActivityInput = Schemas['VenueActivityInput']
export type VenueYear = Schemas['VenueYear']
export type VenueReport = Schemas['VenueReport']
export type Tally = Schemas['VenueReport']['total']
export type VenueUnit = Schemas['Venue']['units'][number]

/** Where a served unit opens: the 两新组织 register filtered to it (by 统一社会信用代码, else name). */
export function unitLink(u: VenueUnit): { path: string; query: { q: string } } {
  return { path: '/organizations', query: { q: u.uscc || u.name } }
}

export interface VenueQuery {
  kind?: string
  region_code?: string
  q?: string
  standard_status?: string
  active?: string
  sort?: string
  page?: number
  page_size?: number
}

/** Largest photo the server takes (venue.MaxPhotoBytes). */
export const maxPhotoBytes = 8 << 20

/** URL of a venue photo's image (same origin: the session cookie goes along). */
export function venuePhotoUrl(venueId: number, photoId: number): string {
  return `/api/v1/venues/${venueId}/photos/${photoId}`
}

export const venueApi = {
  options: () => http.get<VenueOptions>('/api/v1/venue-options'),
  list: (q: VenueQuery) =>
    http.get<Schemas['VenuePage']>('/api/v1/venues', {
      kind: q.kind || undefined,
      region_code: q.region_code || undefined,
      q: q.q?.trim() || undefined,
      standard_status: q.standard_status || undefined,
      active: q.active || undefined,
      sort: q.sort || undefined,
      page: q.page,
      page_size: q.page_size,
    }),
  belowStandard: (q: VenueQuery) =>
    http.get<Schemas['VenueBelowStandardPage']>('/api/v1/venues/below-standard', {
      kind: q.kind || undefined,
      region_code: q.region_code || undefined,
      q: q.q?.trim() || undefined,
      page: q.page,
      page_size: q.page_size,
    }),
  checklists: () => http.get<Schemas['VenueChecklistList']>('/api/v1/venue-checklists'),
  createChecklist: (body: Schemas['VenueChecklistInput']) => http.post<Checklist>('/api/v1/venue-checklists', body),
  update: (id: number, body: VenueInput) => http.put<Venue>(`/api/v1/venues/${id}`, body),
  deactivate: (id: number, reason: string) => http.post<Venue>(`/api/v1/venues/${id}/deactivate`, { reason }),
  reactivate: (id: number) => http.post<Venue>(`/api/v1/venues/${id}/reactivate`),
  setUnits: (id: number, unitIds: number[]) => http.put<Venue>(`/api/v1/venues/${id}/units`, { unit_ids: unitIds }),
  addRoom: (id: number, name: string, capacity: number) => http.post<Venue>(`/api/v1/venues/${id}/rooms`, { name, capacity }),
  updateRoom: (id: number, room: number, name: string, capacity: number) => http.put<Venue>(`/api/v1/venues/${id}/rooms/${room}`, { name, capacity }),
  uploadPhoto: (id: number, file: File) => uploadFile<VenuePhoto>(`/api/v1/venues/${id}/photos`, file),
  uploadEvidence: (id: number, inspection: number, file: File) => uploadFile<VenuePhoto>(`/api/v1/venues/${id}/inspections/${inspection}/photos`, file),
  deletePhoto: (id: number, photo: number) => http.del<void>(`/api/v1/venues/${id}/photos/${photo}`),
  inspections: (id: number, page = 1, pageSize = 20) =>
    http.get<Schemas['VenueInspectionPage']>(`/api/v1/venues/${id}/inspections`, { page, page_size: pageSize }),
  inspect: (id: number, body: InspectionInput) => http.post<Inspection>(`/api/v1/venues/${id}/inspections`, body),
  repair: (id: number, inspection: number, item: number, categoryId: number) =>
    http.post<Inspection>(`/api/v1/venues/${id}/inspections/${inspection}/items/${item}/repair`, { category_id: categoryId }),
  activities: (id: number, page = 1, pageSize = 20) =>
    http.get<Schemas['VenueActivityPage']>(`/api/v1/venues/${id}/activities`, { page, page_size: pageSize }),
  addActivity: (id: number, body: ActivityInput) => http.post<Activity>(`/api/v1/venues/${id}/activities`, body),
  deleteActivity: (id: number, activity: number) => http.del<void>(`/api/v1/venues/${id}/activities/${activity}`),
  stats: (id: number, year: number) => http.get<VenueYear>(`/api/v1/venues/${id}/stats`, { year }),
  setVisitors: (id: number, month: string, visitors: number) => http.put<VenueYear>(`/api/v1/venues/${id}/visitors/${month}`, { visitors }),
  report: (year: number, regionCode?: string) => http.get<VenueReport>('/api/v1/venue-report', { year, region_code: regionCode || undefined }),
  exportReport: (year: number, regionCode?: string) =>
    downloadUrl(`/api/v1/venue-report/export?year=${year}${regionCode ? `&region_code=${encodeURIComponent(regionCode)}` : ''}`),
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
