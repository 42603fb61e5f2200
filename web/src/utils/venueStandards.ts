// The form of a new venue standard version (达标标准): a draft prefilled
// from the version it follows, the checks the server makes (so the user sees
// them before sending) and the request body.
import type { Checklist } from '../api/venues'
import type { Schemas } from '../api/types'

export type ChecklistBody = Schemas['VenueChecklistInput']

export interface ChecklistDraft {
  code: string
  name: string
  kinds: string[]
  effective_from: string
  source: string
  items: { name: string; guidance: string }[]
}

const codeRe = /^[a-z0-9_]{2,30}$/
const dayRe = /^\d{4}-\d{2}-\d{2}$/

/** A blank standard, or the next version of prev (its code, name, kinds and items copied). */
export function draftFrom(prev: Checklist | null | undefined, effectiveFrom: string): ChecklistDraft {
  if (!prev) return { code: '', name: '', kinds: [], effective_from: effectiveFrom, source: '', items: [{ name: '', guidance: '' }] }
  return {
    code: prev.code,
    name: prev.name,
    kinds: [...prev.kinds],
    effective_from: effectiveFrom,
    source: prev.source,
    items: prev.items.map((it) => ({ name: it.name, guidance: it.guidance })),
  }
}

function validDay(s: string): boolean {
  if (!dayRe.test(s)) return false
  const [y, m, d] = s.split('-').map(Number)
  const t = new Date(Date.UTC(y, m - 1, d))
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d
}

const runes = (s: string) => [...s].length

/**
 * The field messages of a draft, keyed like the server's (code, name, kinds,
 * effective_from, items, items[i].name, items[i].guidance). lastFrom is the
 * effective date of the latest version of the same code, if any.
 */
export function checklistDraftErrors(d: ChecklistDraft, lastFrom = ''): Record<string, string> {
  const out: Record<string, string> = {}
  if (!codeRe.test(d.code.trim())) out.code = '标准代码应为 2–30 位小写字母、数字或下划线，如 liuyou'
  const name = d.name.trim()
  if (!name) out.name = '请填写标准名称'
  else if (runes(name) > 40) out.name = '标准名称不能超过 40 个字'
  if (runes(d.source.trim()) > 200) out.source = '依据不能超过 200 个字'
  if (!d.kinds.length) out.kinds = '请选择适用的阵地类型'
  if (!validDay(d.effective_from)) out.effective_from = '生效日期格式应为 YYYY-MM-DD'
  else if (lastFrom && d.effective_from <= lastFrom) out.effective_from = `新版本的生效日期应晚于上一版本的生效日期 ${lastFrom}`
  if (d.items.length < 1 || d.items.length > 50) out.items = '检查项应为 1–50 项'
  d.items.forEach((it, i) => {
    const n = it.name.trim()
    if (!n) out[`items[${i}].name`] = '请填写检查项名称'
    else if (runes(n) > 60) out[`items[${i}].name`] = '检查项名称不能超过 60 个字'
    if (runes(it.guidance.trim()) > 200) out[`items[${i}].guidance`] = '检查要点不能超过 200 个字'
  })
  return out
}

/** The request body of a draft, trimmed. */
export function checklistBody(d: ChecklistDraft): ChecklistBody {
  return {
    code: d.code.trim(),
    name: d.name.trim(),
    kinds: [...d.kinds],
    effective_from: d.effective_from,
    source: d.source.trim(),
    items: d.items.map((it) => ({ name: it.name.trim(), guidance: it.guidance.trim() })),
  }
}

/** The checklists grouped by code, newest version first within a code. */
export function groupByCode(list: Checklist[]): { code: string; name: string; versions: Checklist[] }[] {
  const out: { code: string; name: string; versions: Checklist[] }[] = []
  for (const c of list) {
    let g = out.find((x) => x.code === c.code)
    if (!g) out.push((g = { code: c.code, name: c.name, versions: [] }))
    g.versions.push(c)
  }
  for (const g of out) {
    g.versions.sort((a, b) => b.version - a.version)
    g.name = g.versions[0].name
  }
  return out
}

/** 生效期 text of a version: "2025-01-01 起" or "2024-01-01 至 2024-12-31". */
export function periodText(c: Pick<Checklist, 'effective_from' | 'effective_to'>): string {
  return c.effective_to ? `${c.effective_from} 至 ${c.effective_to}` : `${c.effective_from} 起`
}

/** Whether a version is in force on a day: 待生效 (later), 现行, or 已失效 (ended before it). */
export function versionState(c: Pick<Checklist, 'effective_from' | 'effective_to'>, today: string): { label: string; type: 'success' | 'info' | 'warning' } {
  if (c.effective_from > today) return { label: '待生效', type: 'warning' }
  if (c.effective_to && c.effective_to < today) return { label: '已失效', type: 'info' }
  return { label: '现行', type: 'success' }
}
