import { describe, expect, it } from 'vitest'
import { onTimeRate, periodLabel } from '../api/achieve'

describe('instructor achievements', () => {
  it('gives the on-time rate as a whole percent', () => {
    expect(onTimeRate({ visits: 3, on_time: 2 })).toBe('67%')
    expect(onTimeRate({ visits: 4, on_time: 4 })).toBe('100%')
    expect(onTimeRate({ visits: 0, on_time: 0 })).toBe('—')
  })
  it('names a period in Chinese', () => {
    expect(periodLabel({ year: '2026' })).toBe('2026 年')
    expect(periodLabel({ year: '2026', quarter: '3' })).toBe('2026 年第 3 季度')
    expect(periodLabel({ from: '2026-01-01', to: '2026-06-30' })).toBe('2026-01-01 至 2026-06-30')
  })
})
