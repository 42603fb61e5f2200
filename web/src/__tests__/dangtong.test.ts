import { describe, expect, it } from 'vitest'
import { headerRows, type DangtongTable } from '../api/dangtong'
import { patchOf, editFormOf } from '../utils/members'

const table = {
  code: '27',
  title: 't',
  region_code: '430426',
  region_name: '祁东县',
  as_of: '2026-11-23',
  period_from: '2026-01-01',
  scope_rule: '',
  notes: [],
  rows: [],
  columns: [
    { no: 1, label: '合计', group: '' },
    { no: 2, label: '50人以上', group: '从业人员' },
    { no: 3, label: '100人以上', group: '从业人员' },
    { no: 4, label: '投资', group: '外商' },
  ],
} as DangtongTable

describe('党统 header rows', () => {
  it('merges grouped columns over one cell and lone ones over both rows', () => {
    const h = headerRows(table)
    expect(h.top).toEqual([
      { label: '合计', colspan: 1, rowspan: 2 },
      { label: '从业人员', colspan: 2, rowspan: 1 },
      { label: '外商', colspan: 1, rowspan: 1 },
    ])
    expect(h.sub).toEqual(['50人以上', '100人以上', '投资'])
  })
})

describe('失联 in the member patch', () => {
  const m = {
    id: 1, name: '张三', gender: 'male', ethnicity: '', birth_date: '1980-01-01', id_number: 'x', phone: '', education: '', category: 'full',
    party_org_id: 1, organization_id: null, joined_on: null, confirmed_on: null, position: '', status: 'active', lost_since: null, lost_reason: '',
  } as Parameters<typeof editFormOf>[0]
  it('sends both fields together, and clears the reason with the date', () => {
    const f = editFormOf(m)
    expect(patchOf(m, f)).toEqual({})
    f.lost_since = '2025-03-01'
    f.lost_reason = 'abroad'
    expect(patchOf(m, f)).toEqual({ lost_since: '2025-03-01', lost_reason: 'abroad' })
    const lost = { ...m, lost_since: '2025-03-01', lost_reason: 'abroad' as const }
    const g = editFormOf(lost)
    g.lost_since = ''
    expect(patchOf(lost, g)).toEqual({ lost_since: '', lost_reason: '' })
  })
})
