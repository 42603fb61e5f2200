// Types and endpoints of the work loop: 工作提示 and 学习清单 with receipts,
// 挂牌销号 tasks and supervision (督导调研).
import { buildQuery, http, uploadFile } from './http'
import type { ItemOf, Schemas } from './types'

export type WorkOptions = Schemas['WorkOptions']
export type Notice = Schemas['Notice']
export type NoticeInput = Schemas['NoticeInput']
export type NoticeItem = ItemOf<Notice['items']>
export type WorkFile = Schemas['WorkFile']
export type Receipt = ItemOf<Schemas['NoticeReceiptPage']['items']>
export type ReceiptSummary = Schemas['NoticeReceiptSummary']
export type Task = Schemas['Task']
export type TaskInput = Schemas['TaskInput']
export type TaskAction = Schemas['TaskAction']
export type TaskCounts = Schemas['TaskCounts']
export type TaskEvent = ItemOf<Schemas['TaskEventList']['items']>
export type StreetTasks = ItemOf<Schemas['StreetTaskList']['items']>
export type Plan = Schemas['SupervisionPlan']
export type PlanInput = Schemas['SupervisionPlanInput']
export type VisitInput = Schemas['SupervisionVisitInput']
export type Finding = Schemas['SupervisionFinding']

type Query = Record<string, string | number | boolean | undefined>

/** Drops empty values so that the server sees only the filters in use. */
export function clean(q: Query): Record<string, string | number | undefined> {
  const out: Record<string, string | number | undefined> = {}
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === '' || v === false) continue
    out[k] = v === true ? 'true' : v
  }
  return out
}

export const workApi = {
  options: () => http.get<WorkOptions>('/api/v1/workloop-options'),
  upload: (file: File) => uploadFile<WorkFile>('/api/v1/workloop-files', file),
  fileUrl: (id: number) => `/api/v1/workloop-files/${id}`,

  notices: (q: Query) => http.get<Schemas['NoticePage']>('/api/v1/notices', clean(q)),
  notice: (id: number) => http.get<Notice>(`/api/v1/notices/${id}`),
  createNotice: (body: NoticeInput) => http.post<Notice>('/api/v1/notices', body),
  updateNotice: (id: number, body: NoticeInput) => http.put<Notice>(`/api/v1/notices/${id}`, body),
  publish: (id: number) => http.post<Notice>(`/api/v1/notices/${id}/publish`),
  withdraw: (id: number, reason: string) => http.post<Notice>(`/api/v1/notices/${id}/withdraw`, { reason }),
  read: (id: number) => http.post<Notice>(`/api/v1/notices/${id}/read`),
  done: (id: number, itemId: number, body: Schemas['NoticeItemDone']) => http.post<Notice>(`/api/v1/notices/${id}/items/${itemId}/done`, body),
  receipts: (id: number, q: Query) => http.get<Schemas['NoticeReceiptPage']>(`/api/v1/notices/${id}/receipts`, clean(q)),
  byStreet: (id: number) => http.get<ReceiptSummary>(`/api/v1/notices/${id}/receipts/by-street`),
  receiptsExportUrl: (id: number, q: Query) => `/api/v1/notices/${id}/receipts/export${buildQuery(clean(q))}`,

  tasks: (q: Query) => http.get<Schemas['TaskPage']>('/api/v1/tasks', clean(q)),
  taskCounts: (q: Query) => http.get<TaskCounts>('/api/v1/tasks/counts', clean(q)),
  tasksByStreet: () => http.get<Schemas['StreetTaskList']>('/api/v1/tasks/by-street'),
  task: (id: number) => http.get<Task>(`/api/v1/tasks/${id}`),
  createTask: (body: TaskInput) => http.post<Task>('/api/v1/tasks', body),
  timeline: (id: number) => http.get<Schemas['TaskEventList']>(`/api/v1/tasks/${id}/timeline`),
  act: (id: number, body: TaskAction) => http.post<Task>(`/api/v1/tasks/${id}/actions`, body),

  plans: (q: Query) => http.get<Schemas['SupervisionPlanPage']>('/api/v1/supervision-plans', clean(q)),
  plan: (id: number) => http.get<Plan>(`/api/v1/supervision-plans/${id}`),
  createPlan: (body: PlanInput) => http.post<Plan>('/api/v1/supervision-plans', body),
  addVisit: (id: number, body: VisitInput) => http.post<Plan>(`/api/v1/supervision-plans/${id}/visits`, body),
  findingDone: (id: number, body: Schemas['SupervisionFindingDone']) => http.post<Finding>(`/api/v1/supervision-findings/${id}/done`, body),
  findingTask: (id: number, body: Schemas['SupervisionFindingTask']) => http.post<Task>(`/api/v1/supervision-findings/${id}/task`, body),
}

/** Whether the signed-in user holds a permission (falling back to the role when the server sent none). */
export function holds(perms: unknown, role: string | undefined, perm: string, roles: string[]): boolean {
  if (Array.isArray(perms) && perms.length) return (perms as string[]).includes(perm)
  return roles.includes(role || '')
}
