import { describe, expect, it } from 'vitest'
import { deltaText, homeRankingOption, homeTrendOption, severityColor, severityType, toLocation } from '../utils/home'

describe('home page helpers', () => {
  it('turns a card link into a router location', () => {
    expect(toLocation({ route: '/tasks', query: { tab: 'overdue', task: '7' } })).toEqual({ path: '/tasks', query: { tab: 'overdue', task: '7' } })
    expect(toLocation({ route: '/briefings', query: null })).toEqual({ path: '/briefings', query: {} })
  })

  it('maps severities to tag types and colours', () => {
    expect(severityType('danger')).toBe('danger')
    expect(severityType('warning')).toBe('warning')
    expect(severityType('ok')).toBe('success')
    expect(severityType('info')).toBe('info')
    expect(severityColor('danger')).toBe('#c8161d')
    expect(severityColor('something')).toBe('#3a7bd5')
  })

  it('words the change since the month start', () => {
    expect(deltaText(1.5)).toBe('较月初+1.5 个百分点')
    expect(deltaText(-0.25)).toBe('较月初-0.3 个百分点')
    expect(deltaText(0)).toBe('较月初持平')
    expect(deltaText(null)).toBe('')
  })

  it('draws the trend and the ranking lowest first from the top', () => {
    const t = homeTrendOption([
      { day: '2026-10-31', org_rate: 70, work_rate: 80 },
      { day: '2026-11-28', org_rate: 75, work_rate: 82.5 },
    ]) as { xAxis: { data: string[] }; series: { data: number[] }[] }
    expect(t.xAxis.data).toEqual(['10-31', '11-28'])
    expect(t.series[1].data).toEqual([80, 82.5])
    // The server sends the lowest first; the bar chart draws from the bottom, so the list is reversed.
    const r = homeRankingOption([
      { name: '玉合街道', org_rate: 50 },
      { name: '洪桥街道', org_rate: 100 },
    ]) as { yAxis: { data: string[] } }
    expect(r.yAxis.data).toEqual(['洪桥街道', '玉合街道'])
  })
})
