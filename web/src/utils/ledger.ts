// Pure helpers of the 两新 ledger pages: rates, dates, region drill-down,
// query building and change lists. No Vue or Element Plus here, so they are unit-tested.

/** Formats a 0–1 rate as a percentage with two decimals: 0.8243 → "82.43%". */
export function formatRate(rate: number | null | undefined, digits = 2): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—'
  const pct = Math.round(rate * 100 * 10 ** digits) / 10 ** digits
  return `${pct.toFixed(digits)}%`
}

/** A 0–1 rate as a percentage number for charts (two decimals): 0.82426 → 82.43. */
export function ratePercent(rate: number | null | undefined): number {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return 0
  return Math.round(rate * 10000) / 100
}

/** Thousands separators for counts: 12345 → "12,345". */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—'
  return Math.round(n).toLocaleString('en-US')
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

/** The local calendar date as YYYY-MM-DD. */
export function todayString(now: Date = new Date()): string {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}

/** "2026-11-30" → "2026-11"; other strings are returned as they are. */
export function monthLabel(day: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? day.slice(0, 7) : day
}

/** Text of a 换届 reminder: overdue, due today or days left. */
export function renewalText(daysLeft: number): string {
  if (daysLeft < 0) return `已逾期 ${-daysLeft} 天`
  if (daysLeft === 0) return '今日到期'
  return `剩余 ${daysLeft} 天`
}

// --- regions and drill-down ----------------------------------------------

export type RegionDepth = 'province' | 'prefecture' | 'county' | 'town' | 'village' | 'area' | 'unknown'

/** Level of a region code by its shape (2/4/6/9/12 digits; area codes carry a letter). */
export function regionDepth(code: string): RegionDepth {
  if (!code) return 'unknown'
  if (!/^\d+$/.test(code)) return 'area'
  switch (code.length) {
    case 2:
      return 'province'
    case 4:
      return 'prefecture'
    case 6:
      return 'county'
    case 9:
      return 'town'
    case 12:
      return 'village'
  }
  return 'unknown'
}

/** Whether the coverage of a region breaks down into child regions (one can drill further). */
export function canDrill(code: string): boolean {
  const d = regionDepth(code)
  return d === 'province' || d === 'prefecture' || d === 'county' || d === 'town'
}

/** Chinese name of the child level shown in the "by region" chart. */
export function childLevelLabel(code: string): string {
  switch (regionDepth(code)) {
    case 'province':
      return '市（州）'
    case 'prefecture':
      return '县（市、区）'
    case 'county':
      return '街道（乡镇）'
    case 'town':
      return '社区（村）'
  }
  return '下级区划'
}

export interface Crumb {
  code: string
  name: string
}

/**
 * Drills into a child: appends it to the path. Clicking a region already on the
 * path (or the current one) cuts the path back to it instead of growing it.
 */
export function drillInto(path: Crumb[], next: Crumb): Crumb[] {
  const at = path.findIndex((c) => c.code === next.code)
  if (at >= 0) return path.slice(0, at + 1)
  const current = path[path.length - 1]
  // Only a true descendant of the current region is appended; anything else starts afresh.
  if (current && next.code.startsWith(current.code) && next.code.length > current.code.length) return [...path, next]
  const ancestors = path.filter((c) => next.code.startsWith(c.code) && c.code !== next.code)
  return [...ancestors, next]
}

/** Cuts the path back to the crumb at index (breadcrumb click). */
export function drillTo(path: Crumb[], index: number): Crumb[] {
  if (index < 0) return path.slice(0, 1)
  return path.slice(0, Math.min(index + 1, path.length))
}

/** Whether a by-region row is a real child to drill into (not the "（直属）" row of the region itself). */
export function isDrillTarget(currentCode: string, childCode: string): boolean {
  return !!childCode && childCode !== currentCode && childCode.startsWith(currentCode)
}

/** Keeps items whose region lies in (or is) the given region. */
export function inRegion<T extends { region_code: string }>(items: T[], code: string): T[] {
  if (!code) return items
  return items.filter((i) => (i.region_code || '').startsWith(code))
}

// --- queries -------------------------------------------------------------

/** Drops empty values ('' / null / undefined) from a filter object. */
export function compactQuery<T extends Record<string, unknown>>(q: T): Partial<T> {
  const out: Partial<T> = {}
  for (const [k, v] of Object.entries(q)) {
    if (v === '' || v === null || v === undefined) continue
    ;(out as Record<string, unknown>)[k] = v
  }
  return out
}

/** Reads string filters from a route query (first value of arrays), keeping only known keys. */
export function pickQuery(query: Record<string, unknown>, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const k of keys) {
    let v = query[k]
    if (Array.isArray(v)) v = v[0]
    if (typeof v === 'string' && v !== '') out[k] = v
  }
  return out
}

/** Maps an el-table sort-change to the API's sort/order (null → default order). */
export function tableSort(prop: string | null | undefined, order: string | null | undefined): { sort?: string; order?: string } {
  if (!prop || !order) return {}
  return { sort: prop, order: order === 'descending' ? 'desc' : 'asc' }
}

export interface ScopeRuleLike {
  kind: string
  min_employees?: number
}

/**
 * The /organizations export filter that yields the same organizations as a work
 * list, or null when no such filter exists (the list is then exported on the client).
 * Only the 无党员 list can be expressed, and only for today (the filter counts coverage as of today).
 */
export function worklistExportQuery(kind: string, rule: ScopeRuleLike | null, regionCode: string, asOfIsToday: boolean): Record<string, string> | null {
  if (kind !== 'no_members' || !asOfIsToday || !rule) return null
  const q: Record<string, string> = { has_members: 'false', coverage: 'uncovered', status: 'operating' }
  if (regionCode) q.region_code = regionCode
  if (rule.kind === 'above_scale') q.above_scale = 'true'
  else if (rule.kind === 'min_employees') {
    if (!rule.min_employees) return null
    q.min_employees = String(rule.min_employees)
  } else if (rule.kind !== 'all') return null
  return q
}

/** One CSV field, quoted when needed (RFC 4180). Leading =,+,-,@ are neutralised against formula injection. */
export function csvField(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v)
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** A CSV document (UTF-8 with BOM so that Excel reads Chinese correctly). */
export function toCsv(headers: string[], rows: unknown[][]): string {
  const lines = [headers.map(csvField).join(','), ...rows.map((r) => r.map(csvField).join(','))]
  return '\ufeff' + lines.join('\r\n') + '\r\n'
}

// --- history -------------------------------------------------------------

/** Chinese labels of organization fields, in display order. */
export const organizationFieldLabels: Record<string, string> = {
  name: '单位名称',
  uscc: '统一社会信用代码',
  category_name: '单位类别',
  region_name: '所属区划',
  area_codes: '所属片区',
  industry: '行业门类',
  employees: '从业人员数',
  above_scale: '规模以上',
  full_members: '正式党员数',
  probationary_members: '预备党员数',
  owner_is_member: '出资人是党员',
  has_charter: '有章程',
  charter_has_party: '党建入章',
  tags: '标签',
  registered_on: '成立日期',
  closed_on: '注销日期',
  no_org_reason: '未建原因',
  planned_on: '计划组建日期',
}

/** Shows a field value as text. */
export function displayValue(v: unknown): string {
  if (v === null || v === undefined || v === '') return '（空）'
  if (typeof v === 'boolean') return v ? '是' : '否'
  if (Array.isArray(v)) return v.length ? v.map((x) => String(x)).join('、') : '（空）'
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

export interface FieldChange {
  field: string
  label: string
  from: string
  to: string
}

/** The fields that differ between an audit entry's before and after, with Chinese labels. */
export function diffFields(
  before: Record<string, unknown> | null | undefined,
  after: Record<string, unknown> | null | undefined,
  labels: Record<string, string> = organizationFieldLabels,
  /** Names a field's value (codes → names); undefined leaves the default display. */
  name?: (field: string, value: unknown) => string | undefined,
): FieldChange[] {
  const out: FieldChange[] = []
  for (const [field, label] of Object.entries(labels)) {
    const a = before ? before[field] : undefined
    const b = after ? after[field] : undefined
    if (JSON.stringify(a ?? null) === JSON.stringify(b ?? null)) continue
    if (!before && (b === null || b === undefined || b === '' || b === false || (Array.isArray(b) && b.length === 0) || b === 0)) continue
    const show = (v: unknown) => (v === null || v === undefined || v === '' ? undefined : name?.(field, v)) ?? displayValue(v)
    out.push({ field, label, from: show(a), to: show(b) })
  }
  return out
}

export interface TreeLike {
  code: string
  name: string
  level: string
  children?: TreeLike[]
}

/** The areas (商圈、楼宇、园区、网格) anywhere under a region tree, with their path names. */
export function flattenAreas(node: TreeLike | null | undefined, prefix = ''): { code: string; name: string }[] {
  if (!node) return []
  const out: { code: string; name: string }[] = []
  for (const c of node.children || []) {
    const label = c.level === 'area' ? (prefix ? `${prefix} / ${c.name}` : c.name) : ''
    if (c.level === 'area') out.push({ code: c.code, name: label })
    out.push(...flattenAreas(c, c.level === 'area' ? label : ''))
  }
  return out
}

/** A client-chosen import session id (8–64 of A–Z a–z 0–9 - _), so the import can be polled while it runs. */
export function newImportSessionId(random: (n: number) => Uint8Array = randomBytes): string {
  return 'imp-' + Array.from(random(12), (b) => b.toString(16).padStart(2, '0')).join('')
}

function randomBytes(n: number): Uint8Array {
  const a = new Uint8Array(n)
  if (typeof crypto !== 'undefined' && crypto.getRandomValues) crypto.getRandomValues(a)
  else for (let i = 0; i < n; i++) a[i] = Math.floor(Math.random() * 256)
  return a
}

/** Chinese text of an import phase with the rows done so far. */
export function importPhaseText(phase: string, processed: number): string {
  if (phase === 'parse') return processed > 0 ? `正在读取并校验，已检查 ${processed} 行…` : '正在读取并校验…'
  if (phase === 'write') return processed > 0 ? `正在写入台账，已写入 ${processed} 行…` : '正在写入台账…'
  // A staged import (SQLite) copies what it checked into the ledger in one short step at the end.
  if (phase === 'publish') return processed > 0 ? `正在提交入库，共 ${processed} 行，即将完成…` : '正在提交入库，即将完成…'
  return '上传完成，正在处理，请稍候…'
}

/** The fields of an import session (GET /api/v1/imports/{id}) the dialog reads. */
export interface ImportSessionState {
  id: string
  status: string
  phase: string
  processed: number
  message: string
  has_report: boolean
}

/** What the import dialog shows for a session as the server recorded it. */
export interface ImportSessionView {
  phase: 'processing' | 'done' | 'invalid' | 'error'
  message: string
  reportUrl: string
}

/**
 * The dialog's view of a recorded import session: used when the upload's
 * own answer is an internal error or never came (a lost connection, a
 * restarted server), so the user reads why the import ended — a failed job
 * carries its reason (服务重启…, 导入因服务内部错误中止…) — or sees that it is
 * still running.
 */
export function importSessionView(s: ImportSessionState): ImportSessionView {
  switch (s.status) {
    case 'running':
      return { phase: 'processing', message: importPhaseText(s.phase, s.processed), reportUrl: '' }
    case 'succeeded':
      return { phase: 'done', message: s.message, reportUrl: '' }
    case 'rejected':
      return { phase: 'invalid', message: s.message, reportUrl: s.has_report ? `/api/v1/imports/${encodeURIComponent(s.id)}/report` : '' }
    default:
      return { phase: 'error', message: s.message || '导入未完成，未导入任何数据，请重新导入', reportUrl: '' }
  }
}
