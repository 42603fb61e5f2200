// Pure helpers of the home page: severity colours, links as router
// locations, and the two mini charts (coverage trend, ranking of children).
import type { ChartOption } from './charts'

export interface LinkLike {
  route: string
  query?: Record<string, string> | null
}

/** A card or item link as a vue-router location. */
export function toLocation(l: LinkLike): { path: string; query: Record<string, string> } {
  return { path: l.route || '/', query: { ...(l.query || {}) } }
}

/** Element Plus tag type of a severity. */
export function severityType(s: string): 'danger' | 'warning' | 'success' | 'info' {
  if (s === 'danger') return 'danger'
  if (s === 'warning') return 'warning'
  if (s === 'ok') return 'success'
  return 'info'
}

/** The colour of a card's count. */
export function severityColor(s: string): string {
  return { danger: '#c8161d', warning: '#d48806', ok: '#2a9d8f' }[s] || '#3a7bd5'
}

/** "+1.5" / "-0.3" / "持平" for a change in percentage points. */
export function deltaText(d: number | null | undefined): string {
  if (d === null || d === undefined) return ''
  if (d === 0) return '较月初持平'
  return `较月初${d > 0 ? '+' : ''}${d.toFixed(1)} 个百分点`
}

export interface TrendLike {
  day: string
  org_rate: number
  work_rate: number
}

/** The coverage trend (month ends and today) as a small line chart. */
export function homeTrendOption(points: TrendLike[]): ChartOption {
  return {
    grid: { left: 36, right: 12, top: 28, bottom: 24 },
    tooltip: { trigger: 'axis', valueFormatter: (v) => `${v}%` },
    legend: { top: 0, itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 11 } },
    xAxis: { type: 'category', data: points.map((p) => p.day.slice(5)), axisLabel: { fontSize: 10 } },
    yAxis: { type: 'value', max: 100, axisLabel: { fontSize: 10, formatter: '{value}%' } },
    series: [
      { name: '组织覆盖率', type: 'line', smooth: true, data: points.map((p) => p.org_rate), color: '#c8161d' },
      { name: '工作覆盖率', type: 'line', smooth: true, data: points.map((p) => p.work_rate), color: '#3a7bd5' },
    ],
  }
}

export interface RankLike {
  name: string
  org_rate: number
}

/** The children's organization coverage, lowest first, at most n bars. */
export function homeRankingOption(rows: RankLike[], n = 8): ChartOption {
  const shown = rows.slice(0, n).reverse()
  return {
    grid: { left: 76, right: 36, top: 8, bottom: 8 },
    tooltip: { trigger: 'axis', valueFormatter: (v) => `${v}%` },
    xAxis: { type: 'value', max: 100, show: false },
    yAxis: { type: 'category', data: shown.map((r) => r.name), axisLabel: { fontSize: 11 } },
    series: [
      {
        name: '组织覆盖率',
        type: 'bar',
        data: shown.map((r) => r.org_rate),
        barMaxWidth: 14,
        color: '#c8161d',
        label: { show: true, position: 'right', formatter: '{c}%', fontSize: 10 },
      },
    ],
  }
}
