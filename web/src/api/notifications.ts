// The user's own in-app notifications (inbox): list, unread count, mark read.
import { http } from './http'
import type { Schemas } from './types'

export type Notification = Schemas['Notification']

export const notificationApi = {
  list: (q: { unread?: boolean; kind?: string; page?: number; page_size?: number }) =>
    http.get<Schemas['NotificationPage']>('/api/v1/notifications', { unread: q.unread ? 'true' : undefined, kind: q.kind || undefined, page: q.page, page_size: q.page_size }),
  unread: () => http.get<Schemas['NotificationUnread']>('/api/v1/notifications/unread-count'),
  read: (id: number) => http.post<Notification>(`/api/v1/notifications/${id}/read`),
  readAll: () => http.post<Schemas['NotificationMarked']>('/api/v1/notifications/read-all'),
}

/** The kinds of notification with their Chinese names (as the server names them). */
export const notificationKinds = [
  { code: 'assigned', name: '新接诉求' },
  { code: 'transferred', name: '转来诉求' },
  { code: 'overdue', name: '诉求超期' },
  { code: 'reopened', name: '重新办理' },
]
