import { describe, expect, it } from 'vitest'
import { countsTooltip, coverageBarOption, formationOption, sectorPieOption, shortName, trendOption } from '../utils/charts'

const c = (total: number, org: number, single: number, work: number) => ({
  total,
  org_covered: org,
  single_covered: single,
  work_covered: work,
  org_rate: total ? org / total : 0,
  single_rate: total ? single / total : 0,
  work_rate: total ? work / total : 0,
})

describe('chart options', () => {
  it('builds grouped bars of the three rates', () => {
    const rows = [
      { name: '洪桥街道', region_code: '430426001', ...c(5, 4, 1, 5) },
      { name: '玉合街道', region_code: '430426002', ...c(4, 3, 0, 4) },
    ]
    const o = coverageBarOption(rows) as { xAxis: { type: string; data: string[] }; series: { name: string; data: number[] }[] }
    expect(o.xAxis.type).toBe('category')
    expect(o.xAxis.data).toEqual(['洪桥街道', '玉合街道'])
    expect(o.series.map((s) => s.name)).toEqual(['组织覆盖率', '单独组建率', '工作覆盖率'])
    expect(o.series[0].data).toEqual([80, 75])
    const h = coverageBarOption(rows, true) as { yAxis: { type: string; inverse: boolean } }
    expect(h.yAxis.type).toBe('category')
    expect(h.yAxis.inverse).toBe(true)
  })

  it('builds the trend lines by month', () => {
    const o = trendOption([
      { as_of: '2026-10-31', ...c(10, 5, 1, 6) },
      { as_of: '2026-11-24', ...c(12, 8, 2, 10) },
    ]) as { xAxis: { data: string[] }; series: { type: string; data: number[] }[] }
    expect(o.xAxis.data).toEqual(['2026-10', '2026-11'])
    expect(o.series[0].type).toBe('line')
    expect(o.series[0].data).toEqual([50, 66.67])
  })

  it('leaves empty slices out of the pie and counts formations', () => {
    const o = sectorPieOption(
      [
        { name: '新经济组织', value: 8 },
        { name: '新社会组织', value: 0 },
      ],
      [
        { name: '民营企业', value: 6 },
        { name: '基金会', value: 0 },
      ],
    ) as { series: { data: { name: string }[] }[] }
    expect(o.series[0].data.map((d) => d.name)).toEqual(['新经济组织'])
    expect(o.series[1].data.map((d) => d.name)).toEqual(['民营企业'])
    const f = formationOption([{ name: '单独组建', value: 2 }]) as { yAxis: { data: string[] } }
    expect(f.yAxis.data).toEqual(['单独组建'])
  })

  it('shortens names and escapes tooltips', () => {
    expect(shortName('民办非企业单位（社会服务机构）')).toBe('民办非企业单位')
    expect(shortName('民营企业')).toBe('民营企业')
    const t = countsTooltip('<b>x</b>', c(4, 3, 1, 4))
    expect(t).toContain('&lt;b&gt;x&lt;/b&gt;')
    expect(t).toContain('组织覆盖率：75.00%（3 家）')
  })
})
