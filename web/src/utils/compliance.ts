// Pure helpers of the 落实情况 page: the horizontal bar chart whose category
// labels (long street names such as 洪桥街道两新组织综合党委) wrap instead of
// being clipped, and the client-side sorting and paging of its table.
import type { ChartOption } from './charts'

/** Height of a horizontal bar chart with n categories: at least 280px, 30px a bar. */
export function barHeight(n: number): string {
  return `${Math.max(280, n * 30 + 40)}px`
}

/** A horizontal bar of rates (0..1, null shown as 0) with wrapped, fully shown category labels. */
export function rateBarOption(names: string[], values: (number | null)[], name: string, labelWidth = 120): ChartOption {
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 8, right: 48, top: 16, bottom: 24, containLabel: true },
    xAxis: { type: 'value', min: 0, max: 100, interval: 50, axisLabel: { formatter: '{value}%' } },
    yAxis: {
      type: 'category',
      data: names,
      inverse: true,
      axisLabel: { interval: 0, width: labelWidth, overflow: 'break', lineHeight: 14 },
    },
    series: [
      {
        type: 'bar',
        name,
        barMaxWidth: 22,
        data: values.map((v) => (v === null ? 0 : Math.round(v * 1000) / 10)),
        label: { show: true, position: 'right', formatter: '{c}%' },
      },
    ],
  } as ChartOption
}

export type SortOrder = 'ascending' | 'descending' | null

/** Rows sorted by rate (a null rate — nothing required — counts as 100%); the input is left untouched. */
export function sortByRate<T extends { rate?: number | null }>(rows: T[], order: SortOrder): T[] {
  if (!order) return rows
  const sign = order === 'ascending' ? 1 : -1
  return [...rows].sort((a, b) => sign * ((a.rate ?? 1) - (b.rate ?? 1)))
}

/** The rows of one page (1-based); a page past the end gives the last page. */
export function pageRows<T>(rows: T[], page: number, size: number): T[] {
  const pages = Math.max(1, Math.ceil(rows.length / size))
  const p = Math.min(Math.max(1, page), pages)
  return rows.slice((p - 1) * size, p * size)
}
