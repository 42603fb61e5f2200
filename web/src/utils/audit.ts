// Reading audit entries: the object as a Chinese name and the details as
// labelled fields.
import type { AuditEntry } from '../api/types'

/** One labelled field of an entry's details: the value before and after. */
export interface DetailField {
  key: string
  label: string
  before: string
  after: string
  changed: boolean
}

function show(v: unknown): string {
  if (v === undefined) return ''
  if (v === null || v === '') return '—'
  if (typeof v === 'boolean') return v ? '是' : '否'
  if (Array.isArray(v)) {
    return v.map((x) => (x && typeof x === 'object' ? (x as Record<string, unknown>).name ?? (x as Record<string, unknown>).organization_name ?? JSON.stringify(x) : String(x))).join('、') || '—'
  }
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

function asRecord(v: unknown): Record<string, unknown> | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null
}

/**
 * The fields of before/after side by side, labelled in Chinese (the server's
 * labels; a key without one keeps its code). Keys only in one side show the
 * other empty; when both sides exist, unchanged keys come last.
 */
export function detailFields(row: Pick<AuditEntry, 'detail' | 'labels'>): DetailField[] {
  const before = asRecord(row.detail?.before)
  const after = asRecord(row.detail?.after)
  const keys: string[] = []
  for (const obj of [before, after]) for (const k of Object.keys(obj || {})) if (!keys.includes(k)) keys.push(k)
  const out = keys.map((key) => {
    const b = before ? show(before[key]) : ''
    const a = after ? show(after[key]) : ''
    return { key, label: row.labels?.[key] || key, before: b, after: a, changed: !!before && !!after && b !== a }
  })
  if (before && after) out.sort((x, y) => Number(y.changed) - Number(x.changed))
  return out
}

/** Other detail values (not before, after or note), labelled. */
export function extraFields(row: Pick<AuditEntry, 'detail' | 'labels'>): { label: string; value: string }[] {
  if (!row.detail) return []
  return Object.entries(row.detail)
    .filter(([k]) => k !== 'before' && k !== 'after' && k !== 'note')
    .map(([k, v]) => ({ label: row.labels?.[k] || k, value: show(v) }))
}

/** The object of an entry as the audit administrator reads it: 党员「张三」. */
export function objectText(row: Pick<AuditEntry, 'entity' | 'entity_label' | 'entity_name' | 'entity_id'>): string {
  if (!row.entity) return '—'
  const label = row.entity_label || row.entity
  if (row.entity_name) return `${label}「${row.entity_name}」`
  return row.entity_id ? `${label}（编号 ${row.entity_id}）` : label
}
