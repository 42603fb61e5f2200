import { describe, expect, it } from 'vitest'
import {
  canDrill,
  childLevelLabel,
  compactQuery,
  csvField,
  diffFields,
  displayValue,
  drillInto,
  drillTo,
  flattenAreas,
  formatCount,
  formatRate,
  inRegion,
  isDrillTarget,
  monthLabel,
  pickQuery,
  ratePercent,
  regionDepth,
  renewalText,
  tableSort,
  toCsv,
  todayString,
  worklistExportQuery,
} from '../utils/ledger'

describe('rates and counts', () => {
  it('formats rates as percentages with two decimals', () => {
    expect(formatRate(0.8243)).toBe('82.43%')
    expect(formatRate(0.82426)).toBe('82.43%')
    expect(formatRate(2 / 3)).toBe('66.67%')
    expect(formatRate(1)).toBe('100.00%')
    expect(formatRate(0)).toBe('0.00%')
    expect(formatRate(0.5, 1)).toBe('50.0%')
    expect(formatRate(undefined)).toBe('—')
    expect(formatRate(null)).toBe('—')
    expect(formatRate(Number.NaN)).toBe('—')
  })
  it('gives chart percentages', () => {
    expect(ratePercent(0.82426)).toBe(82.43)
    expect(ratePercent(1 / 3)).toBe(33.33)
    expect(ratePercent(undefined)).toBe(0)
  })
  it('groups thousands', () => {
    expect(formatCount(12345)).toBe('12,345')
    expect(formatCount(0)).toBe('0')
    expect(formatCount(undefined)).toBe('—')
  })
})

describe('dates', () => {
  it('formats today and month labels', () => {
    expect(todayString(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05')
    expect(monthLabel('2026-11-30')).toBe('2026-11')
    expect(monthLabel('bad')).toBe('bad')
  })
  it('describes renewals', () => {
    expect(renewalText(-26)).toBe('已逾期 26 天')
    expect(renewalText(0)).toBe('今日到期')
    expect(renewalText(40)).toBe('剩余 40 天')
  })
})

describe('region drill-down', () => {
  const county = { code: '430426', name: '祁东县' }
  const street = { code: '430426001', name: '洪桥街道' }
  const community = { code: '430426001001', name: '达孝社区居委会' }
  const otherStreet = { code: '430426002', name: '玉合街道' }

  it('knows levels by code shape', () => {
    expect(regionDepth('43')).toBe('province')
    expect(regionDepth('4304')).toBe('prefecture')
    expect(regionDepth('430426')).toBe('county')
    expect(regionDepth('430426001')).toBe('town')
    expect(regionDepth('430426001001')).toBe('village')
    expect(regionDepth('430426001A001')).toBe('area')
    expect(regionDepth('')).toBe('unknown')
    expect(canDrill('430426')).toBe(true)
    expect(canDrill('430426001')).toBe(true)
    expect(canDrill('430426001001')).toBe(false)
    expect(canDrill('430426001A001')).toBe(false)
    expect(childLevelLabel('430426')).toBe('街道（乡镇）')
    expect(childLevelLabel('430426001')).toBe('社区（村）')
  })

  it('goes jurisdiction → street → community and back', () => {
    let path = [county]
    path = drillInto(path, street)
    expect(path.map((c) => c.code)).toEqual(['430426', '430426001'])
    path = drillInto(path, community)
    expect(path.map((c) => c.name)).toEqual(['祁东县', '洪桥街道', '达孝社区居委会'])
    expect(drillTo(path, 0)).toEqual([county])
    expect(drillTo(path, 1)).toEqual([county, street])
    expect(drillTo(path, 9)).toEqual(path)
    expect(drillTo(path, -1)).toEqual([county])
  })

  it('does not grow the path with regions already on it or with siblings', () => {
    const path = [county, street, community]
    expect(drillInto(path, street)).toEqual([county, street])
    expect(drillInto(path, community)).toEqual(path)
    // A sibling street replaces the branch below the common ancestor.
    expect(drillInto([county, street], otherStreet)).toEqual([county, otherStreet])
    expect(drillInto([], county)).toEqual([county])
  })

  it('skips the "（直属）" row of the region itself', () => {
    expect(isDrillTarget('430426001', '430426001001')).toBe(true)
    expect(isDrillTarget('430426001', '430426001')).toBe(false)
    expect(isDrillTarget('430426001', '430426002001')).toBe(false)
    expect(isDrillTarget('430426', '')).toBe(false)
  })

  it('filters items by region prefix', () => {
    const items = [{ region_code: '430426001001' }, { region_code: '430426002' }, { region_code: '' }]
    expect(inRegion(items, '430426001')).toHaveLength(1)
    expect(inRegion(items, '430426')).toHaveLength(2)
    expect(inRegion(items, '')).toHaveLength(3)
  })
})

describe('queries', () => {
  it('drops empty values', () => {
    expect(compactQuery({ q: '', a: 'x', b: null, c: undefined, d: 0, e: false })).toEqual({ a: 'x', d: 0, e: false })
  })
  it('picks known route query keys', () => {
    expect(pickQuery({ coverage: 'uncovered', region_code: ['430426001', 'x'], junk: 'y', q: '' }, ['coverage', 'region_code', 'q'])).toEqual({
      coverage: 'uncovered',
      region_code: '430426001',
    })
  })
  it('maps table sorting', () => {
    expect(tableSort('employees', 'descending')).toEqual({ sort: 'employees', order: 'desc' })
    expect(tableSort('name', 'ascending')).toEqual({ sort: 'name', order: 'asc' })
    expect(tableSort('name', null)).toEqual({})
  })
  it('exports the 无党员 list through the ledger export when it can', () => {
    expect(worklistExportQuery('no_members', { kind: 'all' }, '430426001', true)).toEqual({
      has_members: 'false',
      coverage: 'uncovered',
      status: 'operating',
      region_code: '430426001',
    })
    expect(worklistExportQuery('no_members', { kind: 'above_scale' }, '', true)).toMatchObject({ above_scale: 'true' })
    expect(worklistExportQuery('no_members', { kind: 'min_employees', min_employees: 20 }, '', true)).toMatchObject({ min_employees: '20' })
    expect(worklistExportQuery('no_members', { kind: 'all' }, '', false)).toBeNull()
    expect(worklistExportQuery('should_build', { kind: 'all' }, '', true)).toBeNull()
    expect(worklistExportQuery('few_members', { kind: 'all' }, '', true)).toBeNull()
    expect(worklistExportQuery('no_members', null, '', true)).toBeNull()
  })
})

describe('csv', () => {
  it('quotes and neutralises formulas', () => {
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('=SUM(A1)')).toBe("'=SUM(A1)")
    expect(csvField(null)).toBe('')
    expect(csvField(12)).toBe('12')
    expect(toCsv(['名称', '人数'], [['甲', 3]])).toBe('\ufeff名称,人数\r\n甲,3\r\n')
  })
})

describe('history', () => {
  it('lists changed fields with Chinese labels', () => {
    const before = { name: '甲公司', employees: 10, above_scale: false, tags: [] }
    const after = { name: '甲公司', employees: 12, above_scale: true, tags: ['快递'] }
    expect(diffFields(before, after)).toEqual([
      { field: 'employees', label: '从业人员数', from: '10', to: '12' },
      { field: 'above_scale', label: '规模以上', from: '否', to: '是' },
      { field: 'tags', label: '标签', from: '（空）', to: '快递' },
    ])
  })
  it('shows only filled fields of a creation', () => {
    const changes = diffFields(null, { name: '乙', employees: 0, above_scale: false, full_members: 3, closed_on: null })
    expect(changes.map((c) => c.field)).toEqual(['name', 'full_members'])
  })
  it('displays values', () => {
    expect(displayValue(true)).toBe('是')
    expect(displayValue('')).toBe('（空）')
    expect(displayValue(['a', 'b'])).toBe('a、b')
  })
})

describe('areas', () => {
  it('collects areas of a region tree', () => {
    const tree = {
      code: '430426001',
      name: '洪桥街道',
      level: 'town',
      children: [
        { code: '430426001001', name: '达孝社区', level: 'village', children: [] },
        { code: '430426001A001', name: '步行街商圈', level: 'area', children: [{ code: '430426001A001001', name: '金源大厦', level: 'area' }] },
      ],
    }
    expect(flattenAreas(tree)).toEqual([
      { code: '430426001A001', name: '步行街商圈' },
      { code: '430426001A001001', name: '步行街商圈 / 金源大厦' },
    ])
    expect(flattenAreas(null)).toEqual([])
  })
})

describe('imports', () => {
  it('makes session ids the server accepts', async () => {
    const { newImportSessionId, importPhaseText } = await import('../utils/ledger')
    const id = newImportSessionId()
    expect(id).toMatch(/^[A-Za-z0-9_-]{8,64}$/)
    expect(newImportSessionId((n) => new Uint8Array(n).fill(171))).toBe('imp-' + 'ab'.repeat(12))
    expect(newImportSessionId()).not.toBe(id)
    expect(importPhaseText('parse', 0)).toBe('正在读取并校验…')
    expect(importPhaseText('parse', 120)).toBe('正在读取并校验，已检查 120 行…')
    expect(importPhaseText('publish', 200000)).toBe('正在提交入库，共 200000 行，即将完成…')
    expect(importPhaseText('publish', 0)).toBe('正在提交入库，即将完成…')
    expect(importPhaseText('write', 3)).toBe('正在写入台账，已写入 3 行…')
    expect(importPhaseText('', 0)).toContain('正在处理')
  })
})

describe('history names codes', () => {
  it('shows names instead of codes where the page knows them', () => {
    const name = (field: string, v: unknown) => (field === 'industry' ? `${v} 制造业` : undefined)
    expect(diffFields({ industry: '' }, { industry: 'C' }, undefined, name)).toEqual([{ field: 'industry', label: '行业门类', from: '（空）', to: 'C 制造业' }])
    expect(diffFields({ employees: 1 }, { employees: 2 }, undefined, name)[0]).toMatchObject({ from: '1', to: '2' })
  })
})
