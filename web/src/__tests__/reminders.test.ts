import { describe, expect, it } from 'vitest'
import { dueSoon, parseReminder, recordLink, summariseByKind } from '../utils/reminders'

const kinds = [
  { code: 'member_meeting', name: '支部党员大会' },
  { code: 'committee_meeting', name: '支委会' },
  { code: 'group_meeting', name: '党小组会' },
  { code: 'party_lecture', name: '党课' },
  { code: 'theme_day', name: '主题党日' },
]

describe('home reminders', () => {
  it('parses period, kind and days left', () => {
    const r = parseReminder('本季度还需召开支部党员大会1次（剩余12天）', kinds)
    expect(r).toEqual({ period: '本季度', text: '本季度还需召开支部党员大会1次（剩余12天）', kind: 'member_meeting', daysLeft: 12 })
    expect(parseReminder('本月还需召开主题党日1次（剩余3天）', kinds).kind).toBe('theme_day')
    expect(parseReminder('其他提醒', kinds)).toMatchObject({ period: '', kind: '', daysLeft: null })
  })
  it('keeps month and quarter items, month first', () => {
    const items = ['本年度还需召开组织生活会1次（剩余29天）', '本季度还需召开党课1次（剩余29天）', '本月还需召开党小组会1次（剩余29天）'].map((t) => parseReminder(t, kinds))
    expect(dueSoon(items).map((i) => i.period)).toEqual(['本月', '本季度'])
  })
  it('links to the meeting form with the kind', () => {
    expect(recordLink(7, 'theme_day')).toBe('/meetings?party_org_id=7&record=theme_day')
    expect(recordLink(7, '')).toBe('/meetings?party_org_id=7&record=1')
  })
})

describe('reminder summary by kind', () => {
  const due = (kind: string, kind_name: string, period_name: string, times: number, days_left: number) => ({ kind, kind_name, period: '', period_name, times, days_left })
  it('counts organizations and meetings per kind, soonest first', () => {
    const s = summariseByKind([
      { due: [due('group_meeting', '党小组会', '本月', 1, 25), due('member_meeting', '支部党员大会', '本季度', 1, 25)] },
      { due: [due('group_meeting', '党小组会', '本月', 1, 25)] },
      { due: [due('party_lecture', '党课', '本季度', 2, 3)] },
      {},
    ])
    expect(s).toEqual([
      { kind: 'party_lecture', kindName: '党课', periodName: '本季度', orgs: 1, times: 2, daysLeft: 3 },
      { kind: 'group_meeting', kindName: '党小组会', periodName: '本月', orgs: 2, times: 2, daysLeft: 25 },
      { kind: 'member_meeting', kindName: '支部党员大会', periodName: '本季度', orgs: 1, times: 1, daysLeft: 25 },
    ])
  })
  it('is empty without reminders', () => {
    expect(summariseByKind([])).toEqual([])
  })
})
