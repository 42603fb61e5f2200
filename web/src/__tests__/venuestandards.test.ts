import { describe, expect, it } from 'vitest'
import type { Checklist } from '../api/venues'
import { checklistBody, checklistDraftErrors, draftFrom, groupByCode, periodText, versionState } from '../utils/venueStandards'

const v = (id: number, code: string, version: number, from: string, to = ''): Checklist => ({
  id,
  code,
  version,
  name: `${code} v${version}`,
  kinds: ['red_station'],
  effective_from: from,
  effective_to: to,
  source: '',
  created_at: '2025-01-01T00:00:00Z',
  created_by: 'admin',
  items: [{ id: id * 10, name: '有场所', guidance: '面积不少于 50 ㎡', position: 1 }],
})

describe('venue standard drafts', () => {
  it('accepts a complete draft and trims the body', () => {
    const d = { code: ' liuyou ', name: ' 六有 ', kinds: ['red_station'], effective_from: '2027-01-01', source: '', items: [{ name: ' 有场所 ', guidance: '' }] }
    expect(checklistDraftErrors(d)).toEqual({})
    expect(checklistBody(d)).toEqual({ code: 'liuyou', name: '六有', kinds: ['red_station'], effective_from: '2027-01-01', source: '', items: [{ name: '有场所', guidance: '' }] })
  })
  it('names every wrong field like the server does', () => {
    const d = { code: 'Liu You', name: '', kinds: [], effective_from: '2027-02-30', source: '', items: [{ name: '', guidance: '' }, { name: '有'.repeat(61), guidance: '' }] }
    const e = checklistDraftErrors(d)
    expect(Object.keys(e).sort()).toEqual(['code', 'effective_from', 'items[0].name', 'items[1].name', 'kinds', 'name'])
    expect(e['items[1].name']).toBe('检查项名称不能超过 60 个字')
    expect(checklistDraftErrors({ ...d, items: [] }).items).toBe('检查项应为 1–50 项')
  })
  it('wants a new version to start after the latest one', () => {
    const d = draftFrom(v(2, 'liuyou', 2, '2026-01-01'), '2026-01-01')
    expect(d.items).toEqual([{ name: '有场所', guidance: '面积不少于 50 ㎡' }])
    expect(checklistDraftErrors(d, '2026-01-01').effective_from).toBe('新版本的生效日期应晚于上一版本的生效日期 2026-01-01')
    expect(checklistDraftErrors({ ...d, effective_from: '2026-01-02' }, '2026-01-01')).toEqual({})
  })
  it('groups versions by code, newest first', () => {
    const g = groupByCode([v(1, 'liuyou', 1, '2025-01-01', '2025-12-31'), v(3, 'liuge', 1, '2025-01-01'), v(2, 'liuyou', 2, '2026-01-01')])
    expect(g.map((x) => [x.code, x.versions.map((y) => y.version)])).toEqual([
      ['liuyou', [2, 1]],
      ['liuge', [1]],
    ])
    expect(g[0].name).toBe('liuyou v2')
    expect(periodText(g[0].versions[1])).toBe('2025-01-01 至 2025-12-31')
    expect(periodText(g[0].versions[0])).toBe('2026-01-01 起')
  })
  it('tells pending, current and ended versions apart', () => {
    expect(versionState({ effective_from: '2027-01-01', effective_to: '' }, '2026-12-06').label).toBe('待生效')
    expect(versionState({ effective_from: '2026-01-01', effective_to: '' }, '2026-12-06').label).toBe('现行')
    expect(versionState({ effective_from: '2025-01-01', effective_to: '2026-12-06' }, '2026-12-06').label).toBe('现行')
    expect(versionState({ effective_from: '2025-01-01', effective_to: '2025-12-31' }, '2026-12-06').label).toBe('已失效')
  })
})
