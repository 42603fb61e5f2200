// Pure helpers of the 订单式服务 desk: the deadline label, which fields each
// action asks for, the confirmation text and client-side checks.
import type { ServiceRequest } from '../api/services'

export const actionNames: Record<string, string> = {
  receive: '接单',
  handle: '做单',
  transfer: '转单',
  send_back: '退回',
  finish: '办结',
  reply: '回单',
  close: '关闭',
  reopen: '重新办理',
  pause: '暂停计时',
  resume: '恢复计时',
}

/** Fields the action dialog shows for an action. */
export function actionFields(action: string): string[] {
  switch (action) {
    case 'transfer':
      return ['handler_unit_id', 'reason']
    case 'send_back':
    case 'pause':
    case 'reopen':
      return ['reason']
    case 'finish':
      return ['result']
    case 'reply':
      return ['replied_by', 'reply_method', 'satisfaction']
    default:
      return []
  }
}

/** Label of the reason field per action. */
export function reasonLabel(action: string): string {
  switch (action) {
    case 'send_back':
      return '退回原因'
    case 'pause':
      return '暂停原因（等待诉求人的事项）'
    case 'reopen':
      return '重新办理原因'
    default:
      return '转单说明'
  }
}

export interface ActionForm {
  handler_unit_id: number | null
  reason: string
  result: string
  replied_by: string
  reply_method: string
  satisfaction: string
}

/** Client-side checks before sending an action; the server checks again. */
export function checkAction(action: string, f: ActionForm): Record<string, string> {
  const out: Record<string, string> = {}
  const fields = actionFields(action)
  if (fields.includes('handler_unit_id') && !f.handler_unit_id) out.handler_unit_id = '请选择承办单位'
  if (fields.includes('reason') && action !== 'transfer' && !f.reason.trim()) out.reason = `请填写${reasonLabel(action)}`
  if (fields.includes('result') && !f.result.trim()) out.result = '请填写办理结果'
  if (action === 'reply') {
    if (!f.replied_by.trim()) out.replied_by = '请填写回复人'
    if (!f.reply_method) out.reply_method = '请选择回复方式'
    if (!f.satisfaction) out.satisfaction = '请选择诉求人满意度'
  }
  return out
}

/** Deadline shown in lists: paused, overdue by N working days, or the due day. */
export function dueLabel(r: Pick<ServiceRequest, 'state' | 'paused' | 'overdue' | 'days_overdue' | 'due_on'>): string {
  if (!['received', 'handling', 'transferred'].includes(r.state)) return `期限 ${r.due_on}`
  if (r.paused) return '暂停计时'
  if (r.overdue) return `超期 ${r.days_overdue} 个工作日`
  return `${r.due_on} 前办结`
}

/** Tag colour of a state. */
export function stateTag(state: string): 'primary' | 'success' | 'warning' | 'info' | 'danger' {
  switch (state) {
    case 'received':
      return 'warning'
    case 'handling':
    case 'transferred':
      return 'primary'
    case 'done':
    case 'replied':
      return 'success'
    default:
      return 'info'
  }
}
