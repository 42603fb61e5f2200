// Pure helpers of the assessment screens: star levels, the star-distribution
// chart and summary, grouping indicators by area and API field messages.
import type { ChartOption } from './charts'
import type { Distribution, Thresholds } from '../api/assess'

export const starLevels: { key: keyof Omit<Distribution, 'summary'>; stars: number; name: string }[] = [
  { key: 'five', stars: 5, name: '五星级' },
  { key: 'four', stars: 4, name: '四星级' },
  { key: 'three', stars: 3, name: '三星级' },
  { key: 'two', stars: 2, name: '二星级' },
  { key: 'one', stars: 1, name: '一星级' },
]

/** "五星级 7 个、四星级 10 个…", skipping empty levels; "暂无评定结果" when all are empty. */
export function distributionText(d: Distribution | null | undefined): string {
  if (!d) return '暂无评定结果'
  const parts = starLevels.filter((l) => (d[l.key] || 0) > 0).map((l) => `${l.name} ${d[l.key]} 个`)
  return parts.length ? parts.join('、') : '暂无评定结果'
}

/** Bar chart of the count per star level, five stars first. */
export function starChartOption(d: Distribution | null | undefined): ChartOption {
  const data = starLevels.map((l) => (d ? d[l.key] || 0 : 0))
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 48, right: 16, top: 24, bottom: 28 },
    xAxis: { type: 'category', data: starLevels.map((l) => l.name) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', name: '党组织数', data, itemStyle: { color: '#c8161d' }, label: { show: true, position: 'top', formatter: '{c} 个' } }],
  } as ChartOption
}

/** "★★★☆☆" for a star level 0–5. */
export function starsText(n: number | null | undefined): string {
  const s = Math.max(0, Math.min(5, n || 0))
  return '★'.repeat(s) + '☆'.repeat(5 - s)
}

/** The star level a total reaches under the thresholds (below 二星 is 一星). */
export function starsFor(total: number, t: Thresholds): number {
  if (total >= t.five) return 5
  if (total >= t.four) return 4
  if (total >= t.three) return 3
  if (total >= t.two) return 2
  return 1
}

/** "≥90 五星、≥80 四星、≥70 三星、≥60 二星". */
export function thresholdsText(t: Thresholds | null | undefined): string {
  if (!t) return ''
  return `≥${t.five} 五星、≥${t.four} 四星、≥${t.three} 三星、≥${t.two} 二星`
}

/** Sum of points with two decimals, exact on hundredths. */
export function sumPoints(values: (number | null | undefined)[]): number {
  const cents = values.reduce<number>((acc, v) => acc + Math.round((v || 0) * 100), 0)
  return cents / 100
}

/** Groups items by their area, keeping first-seen order. */
export function byArea<T extends { area: string }>(items: T[]): { area: string; items: T[] }[] {
  const out: { area: string; items: T[] }[] = []
  for (const it of items) {
    let g = out.find((x) => x.area === it.area)
    if (!g) out.push((g = { area: it.area, items: [] }))
    g.items.push(it)
  }
  return out
}

/** The Chinese field messages of an API error joined for a toast, or its message. */
export function errorText(e: unknown, fallback = '操作失败，请稍后重试'): string {
  const err = e as { fields?: Record<string, string>; message?: string } | null
  const fields = err?.fields ? Object.values(err.fields).filter(Boolean) : []
  if (fields.length) return fields.join('；')
  return err?.message || fallback
}

/** Filters rows whose text fields contain the keyword (case-insensitive). */
export function matches(row: object, keyword: string, fields: string[]): boolean {
  const k = keyword.trim().toLowerCase()
  if (!k) return true
  return fields.some((f) => String((row as Record<string, unknown>)[f] ?? '').toLowerCase().includes(k))
}

/** The page slice of rows. */
export function pageOf<T>(rows: T[], page: number, size: number): T[] {
  return rows.slice((page - 1) * size, page * size)
}
