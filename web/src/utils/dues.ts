// Pure helpers of the 党费 screens: money in 元 from decimal strings (integer
// 分, never floats), rates as percentages, months and month ranges, bracket
// labels of the rate table and the payment preview.

/** Parses a decimal 元 string ("15", "15.5", "1,234.50", "-3.20") into integer 分; null when invalid or with more than two decimals. */
export function toCents(s: string | null | undefined): bigint | null {
  if (s === null || s === undefined) return null
  const t = String(s).trim().replace(/,/g, '')
  const m = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(t)
  if (!m) return null
  const cents = BigInt(m[2]) * 100n + BigInt((m[3] || '').padEnd(2, '0') || '0')
  return m[1] ? -cents : cents
}

/** Integer 分 → "1234.50" (no grouping). */
export function centsToYuan(c: bigint): string {
  const neg = c < 0n
  const a = neg ? -c : c
  const frac = String(a % 100n).padStart(2, '0')
  return `${neg ? '-' : ''}${a / 100n}.${frac}`
}

/** Inserts thousands separators into the integer part of "1234567.50". */
function group(s: string): string {
  const [int, frac] = s.split('.')
  const neg = int.startsWith('-')
  const digits = neg ? int.slice(1) : int
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${neg ? '-' : ''}${grouped}${frac !== undefined ? '.' + frac : ''}`
}

/**
 * Formats a decimal 元 string from the API for display: two decimals, grouped,
 * with the unit ("1,234.50 元"). Empty or invalid input gives the placeholder.
 */
export function formatYuan(s: string | null | undefined, placeholder = '—', unit = true): string {
  const c = toCents(s)
  if (c === null) return placeholder
  return group(centsToYuan(c)) + (unit ? ' 元' : '')
}

/** Sums decimal 元 strings exactly; invalid entries count as zero. */
export function sumYuan(list: (string | null | undefined)[]): string {
  let total = 0n
  for (const s of list) total += toCents(s) ?? 0n
  return centsToYuan(total)
}

/** amount × n exactly ("5.01" × 3 = "15.03"); "" when amount is invalid. */
export function timesYuan(amount: string | null | undefined, n: number): string {
  const c = toCents(amount)
  if (c === null || !Number.isInteger(n)) return ''
  return centsToYuan(c * BigInt(n))
}

/** Checks a 元 amount typed by the user: non-negative, at most two decimals. Returns the error or ''. */
export function yuanError(s: string, label = '金额'): string {
  if (!String(s ?? '').trim()) return `请填写${label}`
  const c = toCents(s)
  if (c === null) return `${label}应为数字，最多两位小数`
  if (c < 0n) return `${label}不能为负数`
  return ''
}

/**
 * A rate as a decimal fraction string ("0.005", "0.015", "1") → percent
 * ("0.5%", "1.5%", "100%"), by moving the decimal point, without floats.
 * An empty rate (flat kinds) gives the placeholder.
 */
export function ratePercent(rate: string | null | undefined, placeholder = '定额'): string {
  const t = String(rate ?? '').trim()
  const m = /^(\d+)(?:\.(\d+))?$/.exec(t)
  if (!m) return placeholder
  const frac = (m[2] || '').padEnd(2, '0')
  let int = (m[1] + frac.slice(0, 2)).replace(/^0+(?=\d)/, '')
  const rest = frac.slice(2).replace(/0+$/, '')
  if (int === '') int = '0'
  return `${int}${rest ? '.' + rest : ''}%`
}

// --- months -----------------------------------------------------------------

const monthRe = /^(\d{4})-(\d{2})$/

/** "2026-05" → 2026*12+4 (a month index); null when invalid. */
export function monthIndex(m: string): number | null {
  const r = monthRe.exec(m)
  if (!r) return null
  const mo = Number(r[2])
  if (mo < 1 || mo > 12) return null
  return Number(r[1]) * 12 + mo - 1
}

/** Month index → "YYYY-MM". */
export function monthOf(i: number): string {
  const y = Math.floor(i / 12)
  return `${y}-${String((i % 12) + 1).padStart(2, '0')}`
}

/** "2026-11" + 3 → "2027-02". */
export function addMonths(m: string, n: number): string {
  const i = monthIndex(m)
  if (i === null) throw new Error(`bad month ${m}`)
  return monthOf(i + n)
}

/** The months from `from` to `to` inclusive ([] when to is before from or either is invalid). */
export function monthRange(from: string, to: string): string[] {
  const a = monthIndex(from)
  const b = monthIndex(to)
  if (a === null || b === null || b < a) return []
  return Array.from({ length: b - a + 1 }, (_, k) => monthOf(a + k))
}

/** The three months of the calendar quarter holding m ("2026-05" → 2026-04..2026-06). */
export function quarterMonths(m: string): string[] {
  const i = monthIndex(m)
  if (i === null) return []
  const start = i - (i % 12) % 3
  return [monthOf(start), monthOf(start + 1), monthOf(start + 2)]
}

/** "2026-05" → "2026年5月"; short: "5月". */
export function monthLabel(m: string, short = false): string {
  const r = monthRe.exec(m)
  if (!r) return m
  return short ? `${Number(r[2])}月` : `${r[1]}年${Number(r[2])}月`
}

/** "YYYY-MM" of a YYYY-MM-DD day (or of today). */
export function monthOfDay(day: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? day.slice(0, 7) : day
}

/**
 * Collapses a sorted list of months into readable runs:
 * ["2026-01","2026-02","2026-03","2026-05"] → "2026年1月—3月、5月".
 */
export function monthRuns(months: string[]): string {
  const idx = months.map(monthIndex).filter((i): i is number => i !== null).sort((a, b) => a - b)
  const runs: [number, number][] = []
  for (const i of idx) {
    const last = runs[runs.length - 1]
    if (last && i === last[1] + 1) last[1] = i
    else if (!last || i !== last[1]) runs.push([i, i])
  }
  let year = -1
  return runs
    .map(([a, b]) => {
      const ya = Math.floor(a / 12)
      const yb = Math.floor(b / 12)
      const head = ya === year ? monthLabel(monthOf(a), true) : monthLabel(monthOf(a))
      year = yb
      if (a === b) return head
      return `${head}—${yb === ya ? monthLabel(monthOf(b), true) : monthLabel(monthOf(b))}`
    })
    .join('、')
}

export interface PaymentCheck {
  /** Months before the month of payment (补交). */
  back: number
  /** Months after the month of payment (预交). */
  ahead: number
  /** Problems found before sending, in Chinese; the server decides in the end. */
  problems: string[]
}

/**
 * Pre-checks a set of months against the month of payment and the limits of
 * the options (at most maxBack months of back payment, maxAhead in advance).
 */
export function checkPaymentMonths(months: string[], paidMonth: string, maxBack: number, maxAhead: number): PaymentCheck {
  const p = monthIndex(paidMonth)
  const out: PaymentCheck = { back: 0, ahead: 0, problems: [] }
  if (p === null) {
    out.problems.push('交纳日期无效')
    return out
  }
  if (months.length === 0) out.problems.push('请选择交纳月份')
  for (const m of months) {
    const i = monthIndex(m)
    if (i === null) continue
    if (i < p) out.back++
    if (i > p) out.ahead = Math.max(out.ahead, i - p)
  }
  if (out.back > maxBack) out.problems.push(`补交最多 ${maxBack} 个月，所选 ${out.back} 个月`)
  if (out.ahead > maxAhead) out.problems.push(`最多预交 ${maxAhead} 个月`)
  return out
}

// --- rate tables ----------------------------------------------------------------

export interface BracketView {
  up_to?: string
  rate?: string
  amount?: string
}

/**
 * Labels the brackets of one kind: the income range and the rate or flat amount.
 * Upper bounds are inclusive; each lower bound is the previous bound plus 0.01 元.
 */
export function bracketLabels(brackets: BracketView[]): { range: string; charge: string }[] {
  let prev: bigint | null = null
  return brackets.map((b) => {
    const up = toCents(b.up_to)
    let range: string
    if (b.amount && !b.rate) range = '每月定额'
    else if (prev === null && up !== null) range = `${group(centsToYuan(up))} 元及以下`
    else if (prev !== null && up !== null) range = `${group(centsToYuan(prev + 1n))}–${group(centsToYuan(up))} 元`
    else if (prev !== null) range = `${group(centsToYuan(prev))} 元以上`
    else range = '全部'
    if (up !== null) prev = up
    const charge = b.rate ? ratePercent(b.rate) : b.amount ? formatYuan(b.amount) + '/月' : '—'
    return { range, charge }
  })
}
