import { describe, expect, it } from 'vitest'
import { fenToYuan, hundredthsText, weightedPreview, yuanToFen } from '../api/contracts'

describe('purchased-service amounts and scores (no floating point)', () => {
  it('reads 元 into 分', () => {
    expect(yuanToFen('120000')).toBe(12000000)
    expect(yuanToFen('1,234.5')).toBe(123450)
    expect(yuanToFen('0.07')).toBe(7)
    expect(yuanToFen('0.1')).toBe(10)
    expect(yuanToFen('1.234')).toBeNull()
    expect(yuanToFen('-5')).toBeNull()
    expect(yuanToFen('abc')).toBeNull()
  })
  it('writes 分 as 元', () => {
    expect(fenToYuan(12345678)).toBe('123456.78')
    expect(fenToYuan(5)).toBe('0.05')
  })
  it('previews the weighted result like the server (hand-computed)', () => {
    // 85.5×0.3 + 90×0.3 + 77.5×0.2 + 66.5×0.2 = 81.45
    expect(weightedPreview(['85.5', '90', '77.5', '66.5'], [30, 30, 20, 20])).toBe(8145)
    // 80.5×0.33 + 80×0.33 + 80×0.17 + 80×0.17 = 80.165 → 80.17
    expect(weightedPreview(['80.5', '80', '80', '80'], [33, 33, 17, 17])).toBe(8017)
    expect(weightedPreview(['100.5', '80', '80', '80'], [30, 30, 20, 20])).toBeNull()
    expect(hundredthsText(8017)).toBe('80.17')
    expect(hundredthsText(6003)).toBe('60.03')
  })
})
