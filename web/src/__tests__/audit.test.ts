import { describe, expect, it } from 'vitest'
import { detailFields, extraFields, objectText } from '../utils/audit'

describe('audit entries', () => {
  it('names the object in Chinese', () => {
    expect(objectText({ entity: 'member', entity_label: '党员', entity_name: '张三', entity_id: '1' })).toBe('党员「张三」')
    expect(objectText({ entity: 'meeting', entity_label: '会议', entity_id: '3607' })).toBe('会议（编号 3607）')
    expect(objectText({ entity: '', entity_id: '' })).toBe('—')
  })

  it('shows details as labelled fields, changes first', () => {
    const f = detailFields({
      detail: { before: { name: '甲', position: '', full_time: false }, after: { name: '甲', position: '委员', full_time: true } },
      labels: { name: '名称', position: '职务' },
    })
    expect(f.map((x) => [x.label, x.before, x.after, x.changed])).toEqual([
      ['职务', '—', '委员', true],
      ['full_time', '否', '是', true],
      ['名称', '甲', '甲', false],
    ])
    expect(extraFields({ detail: { note: 'x', count: 3 }, labels: { count: '条数' } })).toEqual([{ label: '条数', value: '3' }])
  })
})
