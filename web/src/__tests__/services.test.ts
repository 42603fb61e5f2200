import { describe, expect, it } from 'vitest'
import { actionFields, checkAction, dueLabel, reasonLabel } from '../utils/services'
import { serviceQuery } from '../api/services'

const blank = { handler_unit_id: null, reason: '', result: '', replied_by: '', reply_method: '', satisfaction: '' }

describe('service desk helpers', () => {
  it('asks each action for its own fields', () => {
    expect(actionFields('transfer')).toEqual(['handler_unit_id', 'reason'])
    expect(actionFields('reply')).toEqual(['replied_by', 'reply_method', 'satisfaction'])
    expect(actionFields('handle')).toEqual([])
    expect(reasonLabel('send_back')).toBe('退回原因')
  })

  it('checks the required fields in Chinese', () => {
    expect(checkAction('transfer', blank)).toEqual({ handler_unit_id: '请选择承办单位' })
    expect(checkAction('reopen', blank)).toEqual({ reason: '请填写重新办理原因' })
    expect(checkAction('reply', { ...blank, replied_by: '李干事' })).toEqual({ reply_method: '请选择回复方式', satisfaction: '请选择诉求人满意度' })
    expect(checkAction('handle', blank)).toEqual({})
  })

  it('labels the deadline', () => {
    const r = { state: 'handling', paused: false, overdue: true, days_overdue: 3, due_on: '2026-11-09' }
    expect(dueLabel(r)).toBe('超期 3 个工作日')
    expect(dueLabel({ ...r, paused: true })).toBe('暂停计时')
    expect(dueLabel({ ...r, overdue: false })).toBe('2026-11-09 前办结')
    expect(dueLabel({ ...r, state: 'closed' })).toBe('期限 2026-11-09')
  })

  it('builds the query without empty values', () => {
    expect(serviceQuery({ state: 'done', overdue: true, q: ' 补贴 ', page: 2, page_size: 20 })).toEqual({
      category_id: undefined, region_code: undefined, handler_unit_id: undefined, overdue: 'true', q: '补贴', state: 'done', sort: undefined, page: 2, page_size: 20,
    })
    // The tab counts ignore the tab itself (state, overdue) and the paging.
    expect(serviceQuery({ state: 'done', overdue: true, category_id: 3, page: 2 }, true)).toEqual({ category_id: 3, region_code: undefined, handler_unit_id: undefined, q: undefined })
  })
})
