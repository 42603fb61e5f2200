import { describe, expect, it } from 'vitest'
import { percentToRatio, yuan } from '../api/funds'

describe('funds money helpers', () => {
  it('formats 分 as 元 with two decimals', () => {
    expect(yuan(123456)).toBe('1,234.56')
    expect(yuan(5)).toBe('0.05')
    expect(yuan(-100)).toBe('-1.00')
    expect(yuan(1500000)).toBe('15,000.00')
  })
  it('reads percentages as exact ratios', () => {
    expect(percentToRatio('100')).toEqual({ num: 10000, den: 10000 })
    expect(percentToRatio('37.5%')).toEqual({ num: 3750, den: 10000 })
    expect(percentToRatio('200')).toEqual({ num: 20000, den: 10000 })
    expect(percentToRatio('1e2')).toBeNull()
  })
})
