// Pure helpers of 党员花名册: labels, filter options, 身份证号 (GB 11643) and
// phone checks, form validation, the PATCH body of an edit, the server sort
// of a table column and the chart options of the statistics.
import type { Member, MemberForm, MemberPatch, MemberSort, StatCount } from '../api/members'
import type { ChartOption } from './charts'
import { palette } from './charts'

export interface Option {
  value: string
  label: string
}

export const GENDERS: Option[] = [
  { value: 'male', label: '男' },
  { value: 'female', label: '女' },
]

export const CATEGORIES: Option[] = [
  { value: 'full', label: '正式党员' },
  { value: 'probationary', label: '预备党员' },
]

export const STATUSES: Option[] = [
  { value: 'active', label: '在册' },
  { value: 'transferred_out', label: '已转出' },
  { value: 'suspended', label: '停止党籍' },
  { value: 'expelled', label: '出党' },
  { value: 'deceased', label: '死亡' },
]

/** The 学历 groups of the national member form (全国党员管理信息系统). */
export const EDUCATIONS: Option[] = ['研究生', '大学本科', '大学专科', '中专', '高中中技', '初中及以下'].map((e) => ({ value: e, label: e }))

/** The server's age bands (age_band of the roster query). */
export const AGE_BANDS: Option[] = [
  { value: 'lt30', label: '30岁以下' },
  { value: '30_39', label: '30–39岁' },
  { value: '40_49', label: '40–49岁' },
  { value: '50_59', label: '50–59岁' },
  { value: '60_69', label: '60–69岁' },
  { value: 'ge70', label: '70岁及以上' },
]

function labelOf(list: Option[], v: string | null | undefined): string {
  if (!v) return '—'
  return list.find((o) => o.value === v)?.label || v
}

export const genderLabel = (v: string | null | undefined) => labelOf(GENDERS, v)
export const categoryLabel = (v: string | null | undefined) => labelOf(CATEGORIES, v)
export const statusLabel = (v: string | null | undefined) => labelOf(STATUSES, v)
export const educationLabel = (v: string | null | undefined) => (v ? v : '未填写')

/** Element Plus tag type of a status: 在册 green, 停止党籍 orange, the ends grey. */
export function statusTagType(v: string): 'success' | 'warning' | 'info' | 'danger' {
  if (v === 'active') return 'success'
  if (v === 'suspended') return 'warning'
  if (v === 'expelled') return 'danger'
  return 'info'
}

// --- 身份证号 (GB 11643-1999) ---------------------------------------------------------

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const ID_CHECK = '10X98765432'

/** The check character of the first 17 digits, or '' when they are not 17 digits. */
export function idCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) return ''
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]
  return ID_CHECK[sum % 11]
}

export interface IdInfo {
  number: string
  /** YYYY-MM-DD */
  birthDate: string
  gender: 'male' | 'female'
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

/**
 * Checks an 18-character 身份证号 as the server does: digits, check character,
 * a real birth date from 1900 on and not after today (YYYY-MM-DD). Answers the
 * number (upper case), birth date and gender, or the problem in Chinese.
 */
export function parseIdNumber(raw: string, today: string): { info?: IdInfo; error?: string } {
  const s = (raw || '').trim().toUpperCase()
  if (!s) return { error: '请填写身份证号' }
  if (s.length !== 18) return { error: '身份证号必须是18位' }
  if (!/^\d{17}/.test(s)) return { error: '身份证号前17位必须是数字' }
  if (!/[\dX]$/.test(s)) return { error: '身份证号最后一位必须是数字或X' }
  if (idCheckChar(s.slice(0, 17)) !== s[17]) return { error: '身份证号校验位不正确' }
  const y = Number(s.slice(6, 10))
  const m = Number(s.slice(10, 12))
  const d = Number(s.slice(12, 14))
  const date = new Date(Date.UTC(y, m - 1, d))
  if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return { error: '身份证号中的出生日期无效' }
  }
  const birthDate = `${y}-${pad(m)}-${pad(d)}`
  if (birthDate > today) return { error: '身份证号中的出生日期晚于今天' }
  return { info: { number: s, birthDate, gender: Number(s[16]) % 2 === 1 ? 'male' : 'female' } }
}

/** The problem of a 身份证号, or '' when it is valid. */
export function idNumberError(raw: string, today: string): string {
  return parseIdNumber(raw, today).error || ''
}

/** Whether a value is shown masked (the list and the export never carry full numbers). */
export function isMasked(v: string | null | undefined): boolean {
  return !!v && v.includes('*')
}

/**
 * The problem of a 联系电话, or '' when it is valid or empty: a mobile number
 * (11 digits starting 13–19) or a landline with its area code (0731-12345678).
 */
export function phoneError(raw: string | null | undefined): string {
  const s = (raw || '').trim().replace(/\s+/g, '')
  if (!s) return ''
  if (/^1[3-9]\d{9}$/.test(s)) return ''
  if (/^0\d{2,3}-?\d{7,8}(-\d{1,6})?$/.test(s)) return ''
  if (/^1\d*$/.test(s)) return '手机号应为11位数字，以13至19开头'
  return '联系电话应为11位手机号，或带区号的固定电话（如 0734-1234567）'
}

function isDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false
  const [y, m, d] = s.split('-').map(Number)
  const t = new Date(Date.UTC(y, m - 1, d))
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d
}

/** The dates of a member form: valid, not in the future, 入党 before 转正 and after birth. */
function dateErrors(f: { birth_date?: string; joined_on?: string | null; confirmed_on?: string | null; category?: string }, today: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, label] of [['joined_on', '入党日期'], ['confirmed_on', '转正日期']] as const) {
    const v = f[k]
    if (!v) continue
    if (!isDate(v)) out[k] = `${label}格式应为 YYYY-MM-DD`
    else if (v > today) out[k] = `${label}不能晚于今天`
  }
  if (!out.joined_on && f.joined_on && f.birth_date && f.joined_on <= f.birth_date) out.joined_on = '入党日期应晚于出生日期'
  if (!out.joined_on && !out.confirmed_on && f.joined_on && f.confirmed_on && f.confirmed_on < f.joined_on) {
    out.confirmed_on = '转正日期不能早于入党日期'
  }
  if (f.category === 'probationary' && f.confirmed_on) out.confirmed_on = '预备党员不填转正日期'
  return out
}

/** Field errors of the 登记党员 form, keyed as the server's `error.fields`; empty when valid. */
export function validateMemberInput(f: MemberForm, today: string): Record<string, string> {
  const out: Record<string, string> = {}
  if (!f.name.trim()) out.name = '请填写姓名'
  const id = parseIdNumber(f.id_number, today)
  if (id.error) out.id_number = id.error
  if (!f.gender) out.gender = '请选择性别'
  else if (id.info && f.gender !== id.info.gender) out.gender = '性别与身份证号不一致'
  if (!f.birth_date) out.birth_date = '请填写出生日期'
  else if (id.info && f.birth_date !== id.info.birthDate) out.birth_date = '出生日期与身份证号不一致'
  if (!f.category) out.category = '请选择人员类别'
  if (!f.party_org_id) out.party_org_id = '请选择组织关系所在党组织'
  const p = phoneError(f.phone)
  if (p) out.phone = p
  Object.assign(out, dateErrors(f, today))
  return out
}

export interface MemberEditForm {
  name: string
  ethnicity: string
  phone: string
  education: string
  category: string
  party_org_id: number | null
  organization_id: number | null
  joined_on: string
  confirmed_on: string
  position: string
  status: string
  /** 失联: since (YYYY-MM-DD, '' when not lost) and its 情形. */
  lost_since: string
  lost_reason: string
}

/** The edit form of a member; the phone starts empty (the list only has it masked). */
export function editFormOf(m: Member): MemberEditForm {
  return {
    name: m.name,
    ethnicity: m.ethnicity || '',
    phone: isMasked(m.phone) ? '' : m.phone || '',
    education: m.education || '',
    category: m.category,
    party_org_id: m.party_org_id,
    organization_id: m.organization_id,
    joined_on: m.joined_on || '',
    confirmed_on: m.confirmed_on || '',
    position: m.position || '',
    status: m.status,
    lost_since: m.lost_since || '',
    lost_reason: m.lost_reason || '',
  }
}

/** Field errors of the edit form; the phone is checked only when a new one is typed. */
export function validateMemberEdit(f: MemberEditForm, birthDate: string, today: string): Record<string, string> {
  const out: Record<string, string> = {}
  if (!f.name.trim()) out.name = '请填写姓名'
  if (!f.party_org_id) out.party_org_id = '请选择组织关系所在党组织'
  const p = phoneError(f.phone)
  if (p) out.phone = p
  Object.assign(out, dateErrors({ ...f, birth_date: birthDate }, today))
  return out
}

/**
 * The PATCH body of an edit: only the fields that changed. An empty phone
 * keeps the stored number (the form never holds it unless revealed).
 */
export function patchOf(m: Member, f: MemberEditForm): MemberPatch {
  const before = editFormOf(m)
  const out: MemberPatch = {}
  const str = ['name', 'ethnicity', 'education', 'joined_on', 'confirmed_on', 'position'] as const
  for (const k of str) {
    const v = (f[k] || '').trim()
    if (v !== (before[k] || '').trim()) out[k] = v
  }
  const phone = f.phone.trim().replace(/\s+/g, '')
  if (phone && phone !== before.phone) out.phone = phone
  if (f.category !== before.category) out.category = f.category as MemberPatch['category']
  if (f.status !== before.status) out.status = f.status as MemberPatch['status']
  if (f.party_org_id && f.party_org_id !== before.party_org_id) out.party_org_id = f.party_org_id
  if (f.organization_id && f.organization_id !== before.organization_id) out.organization_id = f.organization_id
  // 失联 goes as a pair: both set, or both cleared.
  if (f.lost_since !== before.lost_since || f.lost_reason !== before.lost_reason) {
    out.lost_since = f.lost_since || ''
    out.lost_reason = f.lost_since ? f.lost_reason : ''
  }
  return out
}

/** The server sort of an Element Plus sort-change (columns name, birth_date, joined_on). */
export function memberSort(prop: string | null | undefined, order: string | null | undefined): MemberSort {
  if (!prop || !order || !['name', 'birth_date', 'joined_on'].includes(prop)) return ''
  return (order === 'descending' ? `-${prop}` : prop) as MemberSort
}

/** The age in full years on a day (YYYY-MM-DD), or null when the birth date is not a date. */
export function ageOn(birth: string, today: string): number | null {
  if (!isDate(birth) || !isDate(today)) return null
  const [by, bm, bd] = birth.split('-').map(Number)
  const [ty, tm, td] = today.split('-').map(Number)
  let a = ty - by
  if (tm < bm || (tm === bm && td < bd)) a--
  return a
}

/**
 * Splits a failed save into field errors and the text of the form alert: the
 * server's 422 `error.fields` go under the fields the form shows, the others
 * into the alert; a 409 (same 身份证号) goes under conflictField when given.
 */
export function formErrorsOf(
  e: { status: number; message: string; fields?: Record<string, string> },
  shown: string[],
  conflictField = '',
): { fields: Record<string, string>; alert: string } {
  const fields = e.fields || {}
  if (e.status === 409 && conflictField) return { fields: { [conflictField]: e.message }, alert: '' }
  if (Object.keys(fields).length) {
    const onForm: Record<string, string> = {}
    const rest: string[] = []
    for (const [k, v] of Object.entries(fields)) {
      if (shown.includes(k)) onForm[k] = v
      else rest.push(v)
    }
    return { fields: onForm, alert: rest.join('；') }
  }
  return { fields: {}, alert: e.message }
}

// --- charts -------------------------------------------------------------------------------

/** Bars of counts (one category per bucket, empty buckets kept so the bands stay in order). */
export function countBarOption(counts: StatCount[], color = '#c8161d', horizontal = false): ChartOption {
  const names = counts.map((c) => c.name)
  const category = {
    type: 'category' as const,
    data: names,
    axisTick: { alignWithLabel: true },
    axisLabel: horizontal
      ? { fontSize: 12, width: 300, overflow: 'truncate' as const }
      : { interval: 0, fontSize: 12, rotate: names.length > 6 ? 30 : 0, width: 90, overflow: 'truncate' as const },
  }
  const value = { type: 'value' as const, minInterval: 1, splitLine: { lineStyle: { color: '#eef0f3' } } }
  return {
    color: [color],
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true },
    grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
    xAxis: horizontal ? value : category,
    yAxis: horizontal ? { ...category, inverse: true } : value,
    series: [
      {
        name: '人数',
        type: 'bar',
        data: counts.map((c) => c.count),
        barMaxWidth: horizontal ? 16 : 32,
        label: { show: true, position: horizontal ? 'right' : 'top', fontSize: 11 },
      },
    ],
  }
}

/**
 * Names the region buckets of the statistics: members of party organizations
 * registered on the scope's own region come back under its bare code, shown as 本级.
 */
export function regionCounts(counts: StatCount[]): StatCount[] {
  return counts.map((c) => (c.name === c.code && /^\d+$/.test(c.code) ? { ...c, name: '本级' } : c))
}

/** A ring of counts without the empty buckets; names and counts in the legend. */
export function countPieOption(counts: StatCount[]): ChartOption {
  const data = counts.filter((c) => c.count > 0).map((c) => ({ name: c.name, value: c.count }))
  const byName = new Map(data.map((d) => [d.name, d.value]))
  return {
    color: palette,
    tooltip: { trigger: 'item', confine: true, formatter: '{b}：{c} 人（{d}%）' },
    legend: { orient: 'vertical', right: 8, top: 'middle', itemWidth: 10, itemHeight: 10, formatter: (n: string) => `${n}  ${byName.get(n) ?? 0} 人` },
    series: [
      {
        name: '人数',
        type: 'pie',
        radius: ['40%', '68%'],
        center: ['35%', '52%'],
        avoidLabelOverlap: true,
        label: { show: false },
        data,
      },
    ],
  }
}
