// Pure helpers of the 组织关系转接 screen: which actions a transfer offers,
// the tag colour of its status and the default validity of a letter.

export interface TransferLike {
  kind: string
  status: string
  expired: boolean
}

export type TransferAction = 'accept' | 'returnSlip' | 'return' | 'cancel'

/**
 * The actions still open on a transfer (the server checks the side and scope):
 * only an issued letter can change; an expired one can no longer be accepted,
 * only returned or cancelled. 转出到系统外 is closed by its return slip (回执)
 * and has no receiving side in the system.
 */
export function transferActions(t: TransferLike): TransferAction[] {
  if (t.status !== 'issued') return []
  const out: TransferAction[] = []
  if (t.kind === 'out_to_outside') {
    out.push('returnSlip')
  } else {
    if (!t.expired) out.push('accept')
    out.push('return')
  }
  out.push('cancel')
  return out
}

export const actionNames: Record<TransferAction, string> = {
  accept: '接收',
  returnSlip: '登记回执',
  return: '退回',
  cancel: '撤销',
}

/** Element Plus tag type of a transfer's status (expired letters are shown as danger). */
export function statusTagType(t: TransferLike): 'success' | 'warning' | 'info' | 'danger' | 'primary' {
  if (t.status === 'issued') return t.expired ? 'danger' : 'warning'
  if (t.status === 'accepted' || t.status === 'completed') return 'success'
  if (t.status === 'returned') return 'danger'
  return 'info'
}

/** Status label, with 已过期 for an issued letter past its validity. */
export function statusLabel(t: TransferLike & { status_name?: string }): string {
  if (t.status === 'issued' && t.expired) return '已过期'
  return t.status_name || t.status
}

/**
 * The longest validity of a letter issued on `issued` (YYYY-MM-DD): three months
 * later, the day clamped to the month end (2026-11-30 → 2027-02-28).
 */
export function maxValidUntil(issued: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(issued)
  if (!m) return ''
  let y = Number(m[1])
  let mo = Number(m[2]) + 3
  if (mo > 12) {
    mo -= 12
    y++
  }
  const last = new Date(Date.UTC(y, mo, 0)).getUTCDate()
  const d = Math.min(Number(m[3]), last)
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`
}

/** The two sides of a transfer as text: a party org of the system or an outside one. */
export function sides(t: { from_party_org_name?: string; from_outside?: string; to_party_org_name?: string; to_outside?: string }): { from: string; to: string } {
  return {
    from: t.from_party_org_name || (t.from_outside ? `${t.from_outside}（系统外）` : '—'),
    to: t.to_party_org_name || (t.to_outside ? `${t.to_outside}（系统外）` : '—'),
  }
}
