import { describe, expect, it } from 'vitest'
import { barHeight, pageRows, rateBarOption, sortByRate } from '../utils/compliance'

describe('compliance helpers', () => {
  it('wraps long category labels inside the grid', () => {
    const o = rateBarOption(['洪桥街道两新组织综合党委', '归阳镇'], [0.5, null], '落实率') as Record<string, any>
    expect(o.grid.containLabel).toBe(true)
    expect(o.yAxis.axisLabel).toMatchObject({ interval: 0, overflow: 'break' })
    expect(o.series[0].data).toEqual([50, 0])
  })

  it('grows the chart with the categories', () => {
    expect(barHeight(3)).toBe('280px')
    expect(barHeight(12)).toBe('400px')
  })

  it('sorts by rate, null as 100%', () => {
    const rows = [{ rate: 0.5 }, { rate: null }, { rate: 0.2 }]
    expect(sortByRate(rows, 'ascending').map((r) => r.rate)).toEqual([0.2, 0.5, null])
    expect(sortByRate(rows, 'descending').map((r) => r.rate)).toEqual([null, 0.5, 0.2])
    expect(sortByRate(rows, null)).toBe(rows)
  })

  it('pages 116 rows at 20 a page', () => {
    const rows = Array.from({ length: 116 }, (_, i) => i)
    expect(pageRows(rows, 1, 20)).toEqual(rows.slice(0, 20))
    expect(pageRows(rows, 6, 20)).toEqual(rows.slice(100, 116))
    expect(pageRows(rows, 9, 20)).toEqual(rows.slice(100, 116))
    expect(pageRows([], 1, 20)).toEqual([])
  })
})
