// ECharts options of the 数据驾驶舱, built from API data. Type-only imports of
// echarts keep this file pure (and unit-testable without a canvas).
import type { ComposeOption } from 'echarts/core'
import type { BarSeriesOption, LineSeriesOption, PieSeriesOption } from 'echarts/charts'
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components'
import { formatRate, monthLabel, ratePercent } from './ledger'

export type ChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | PieSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption
>

export interface CountsLike {
  total: number
  org_covered: number
  single_covered: number
  work_covered: number
  org_rate: number
  single_rate: number
  work_rate: number
}

/** The three coverage measures with their colours. */
export const rateSeries = [
  { key: 'org', name: '组织覆盖率', rate: 'org_rate', count: 'org_covered', color: '#c8161d' },
  { key: 'single', name: '单独组建率', rate: 'single_rate', count: 'single_covered', color: '#e8a33d' },
  { key: 'work', name: '工作覆盖率', rate: 'work_rate', count: 'work_covered', color: '#3a7bd5' },
] as const

export const palette = ['#c8161d', '#e8a33d', '#3a7bd5', '#2a9d8f', '#8e5bd0', '#e76f51', '#6c8ebf', '#b5838d', '#90a955', '#5e6472']

/** Drops the parenthesised part of long names: 民办非企业单位（社会服务机构） → 民办非企业单位. */
export function shortName(name: string): string {
  return name.replace(/[（(].*?[）)]/g, '').trim() || name
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)
}

/** Tooltip lines for one group of counts. */
export function countsTooltip(title: string, c: CountsLike): string {
  const lines = [`<b>${escapeHtml(title)}</b>`, `单位总数：${c.total} 家`]
  for (const s of rateSeries) {
    lines.push(`${s.name}：${formatRate(c[s.rate])}（${c[s.count]} 家）`)
  }
  return lines.join('<br/>')
}

const percentAxis = {
  type: 'value' as const,
  min: 0,
  max: 100,
  axisLabel: { formatter: '{value}%' },
  splitLine: { lineStyle: { color: '#eef0f3' } },
}

/** Grouped bars of the three rates by child region. */
export function coverageBarOption(rows: (CountsLike & { name: string })[], horizontal = false): ChartOption {
  const names = rows.map((r) => r.name)
  const category = {
    type: 'category' as const,
    data: names,
    triggerEvent: true,
    axisTick: { alignWithLabel: true },
    axisLabel: horizontal
      ? { fontSize: 12, width: 96, overflow: 'truncate' as const }
      : { interval: 0, fontSize: names.length > 16 ? 11 : 12, rotate: names.length > 6 ? 30 : 0, width: 110, overflow: 'truncate' as const },
  }
  return {
    color: rateSeries.map((s) => s.color),
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      confine: true,
      formatter: (params: unknown) => {
        const list = Array.isArray(params) ? params : [params]
        const idx = (list[0] as { dataIndex?: number })?.dataIndex ?? 0
        const row = rows[idx]
        return row ? countsTooltip(row.name, row) + '<br/><span style="color:#8a8f99">点击查看下级</span>' : ''
      },
    },
    legend: { top: 0, left: 'center', itemWidth: 14, itemHeight: 10 },
    grid: { left: 8, right: 20, top: 36, bottom: 8, containLabel: true },
    xAxis: horizontal ? { ...percentAxis, position: 'top' } : category,
    yAxis: horizontal ? { ...category, inverse: true } : percentAxis,
    series: rateSeries.map((s) => ({
      name: s.name,
      type: 'bar' as const,
      data: rows.map((r) => ratePercent(r[s.rate])),
      barMaxWidth: horizontal ? 10 : 18,
      barGap: '15%',
      emphasis: { focus: 'none' as const },
    })),
  }
}

/** Lines of the three rates over the months of a trend. */
export function trendOption(items: (CountsLike & { as_of: string })[]): ChartOption {
  const labels = items.map((i) => monthLabel(i.as_of))
  return {
    color: rateSeries.map((s) => s.color),
    tooltip: {
      trigger: 'axis',
      confine: true,
      formatter: (params: unknown) => {
        const list = Array.isArray(params) ? params : [params]
        const idx = (list[0] as { dataIndex?: number })?.dataIndex ?? 0
        const it = items[idx]
        return it ? countsTooltip(`截至 ${it.as_of}`, it) : ''
      },
    },
    legend: { top: 0, left: 'center', itemWidth: 14, itemHeight: 10 },
    grid: { left: 8, right: 20, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: labels, boundaryGap: false, axisLabel: { fontSize: 11 } },
    yAxis: percentAxis,
    series: rateSeries.map((s) => ({
      name: s.name,
      type: 'line' as const,
      symbolSize: 6,
      data: items.map((i) => ratePercent(i[s.rate])),
    })),
  }
}

export interface Slice {
  name: string
  value: number
  rate?: number
}

/** Two rings: sectors inside, categories outside (zero slices are left out); names and counts in the legend. */
export function sectorPieOption(sectors: Slice[], categories: Slice[], compact = false): ChartOption {
  const inner = sectors.filter((s) => s.value > 0)
  const outer = categories.filter((s) => s.value > 0)
  const counts = new Map(outer.map((s) => [s.name, s.value]))
  const tip = (p: unknown) => {
    const d = p as { name: string; value: number; percent: number; data: Slice }
    const rate = d.data?.rate
    return `<b>${escapeHtml(d.name)}</b><br/>${d.value} 家（占 ${d.percent}%）${rate !== undefined ? `<br/>组织覆盖率：${formatRate(rate)}` : ''}`
  }
  const center: [string, string] = compact ? ['50%', '38%'] : ['30%', '52%']
  return {
    color: palette,
    tooltip: { trigger: 'item', confine: true, formatter: tip },
    legend: {
      type: 'plain',
      orient: compact ? 'horizontal' : 'vertical',
      ...(compact ? { bottom: 0, left: 'center' } : { right: 0, top: 'middle' }),
      itemWidth: 10,
      itemHeight: 10,
      itemGap: compact ? 8 : 10,
      textStyle: { fontSize: 12 },
      data: outer.map((s) => s.name),
      formatter: (name: string) => `${shortName(name)}  ${counts.get(name) ?? 0} 家`,
    },
    series: [
      {
        name: '领域',
        type: 'pie',
        radius: [0, '30%'],
        center,
        minShowLabelAngle: 40,
        label: { position: 'inner', fontSize: 11, color: '#fff', formatter: (p: unknown) => `${(p as { name: string }).name.replace('组织', '')}\n${(p as { value: number }).value}` },
        labelLine: { show: false },
        itemStyle: { borderColor: '#fff', borderWidth: 2 },
        data: inner.map((s) => ({ ...s, itemStyle: { color: s.name === '新社会组织' ? '#3a7bd5' : '#a40f15' } })),
      },
      {
        name: '单位类别',
        type: 'pie',
        radius: ['40%', '62%'],
        center,
        label: { show: false },
        labelLine: { show: false },
        itemStyle: { borderColor: '#fff', borderWidth: 2 },
        data: outer,
      },
    ],
  }
}

/** Horizontal bars: counts per formation (单独组建、联合组建…). */
export function formationOption(items: Slice[]): ChartOption {
  return {
    color: ['#c8161d'],
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true, formatter: (p: unknown) => {
      const d = (Array.isArray(p) ? p[0] : p) as { name: string; value: number }
      return `${escapeHtml(d.name)}：${d.value} 个`
    } },
    grid: { left: 8, right: 36, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: '#eef0f3' } } },
    yAxis: { type: 'category', data: items.map((i) => i.name), inverse: true, axisTick: { show: false } },
    series: [
      {
        name: '党组织数',
        type: 'bar',
        barMaxWidth: 18,
        data: items.map((i, k) => ({ value: i.value, itemStyle: { color: palette[k % palette.length] } })),
        label: { show: true, position: 'right', formatter: '{c} 个' },
      },
    ],
  }
}
