import { describe, expect, it } from 'vitest'
import {
  addMonths,
  bracketLabels,
  centsToYuan,
  checkPaymentMonths,
  formatYuan,
  monthLabel,
  monthRange,
  monthRuns,
  quarterMonths,
  ratePercent,
  sumYuan,
  timesYuan,
  toCents,
  yuanError,
} from '../utils/dues'
import { maxValidUntil, sides, statusLabel, statusTagType, transferActions } from '../utils/transfers'

describe('money in 元 without floats', () => {
  it('parses decimal strings into integer 分', () => {
    expect(toCents('15')).toBe(1500n)
    expect(toCents('15.5')).toBe(1550n)
    expect(toCents('0.07')).toBe(7n)
    expect(toCents('1,234.50')).toBe(123450n)
    expect(toCents('-3.20')).toBe(-320n)
    expect(toCents('1.005')).toBeNull()
    expect(toCents('abc')).toBeNull()
    expect(toCents('')).toBeNull()
  })

  it('formats with two decimals and grouping', () => {
    expect(formatYuan('15')).toBe('15.00 元')
    expect(formatYuan('0.2')).toBe('0.20 元')
    expect(formatYuan('1234567.8')).toBe('1,234,567.80 元')
    expect(formatYuan('-1000')).toBe('-1,000.00 元')
    expect(formatYuan('', '未申报')).toBe('未申报')
    expect(formatYuan('12.5', '—', false)).toBe('12.50')
    expect(centsToYuan(5n)).toBe('0.05')
  })

  it('sums and multiplies exactly where floats would drift', () => {
    // 0.1 + 0.2 is 0.30000000000000004 in floating point.
    expect(sumYuan(['0.10', '0.20'])).toBe('0.30')
    expect(sumYuan(['15.01', '15.01', '15.01', 'x'])).toBe('45.03')
    expect(timesYuan('5.01', 3)).toBe('15.03')
    expect(timesYuan('1.15', 100)).toBe('115.00')
    expect(timesYuan('bad', 3)).toBe('')
  })

  it('checks amounts typed by the user', () => {
    expect(yuanError('', '基数')).toBe('请填写基数')
    expect(yuanError('3000.123', '基数')).toBe('基数应为数字，最多两位小数')
    expect(yuanError('-1')).toBe('金额不能为负数')
    expect(yuanError('2999.99')).toBe('')
  })

  it('shows rates as percentages by moving the point', () => {
    expect(ratePercent('0.005')).toBe('0.5%')
    expect(ratePercent('0.01')).toBe('1%')
    expect(ratePercent('0.015')).toBe('1.5%')
    expect(ratePercent('0.02')).toBe('2%')
    expect(ratePercent('1')).toBe('100%')
    expect(ratePercent('0.3333')).toBe('33.33%')
    expect(ratePercent('')).toBe('定额')
  })
})

describe('months', () => {
  it('adds months across years', () => {
    expect(addMonths('2026-11', 3)).toBe('2027-02')
    expect(addMonths('2026-01', -1)).toBe('2025-12')
    expect(() => addMonths('2026-13', 1)).toThrow()
  })

  it('lists ranges inclusive and quarters', () => {
    expect(monthRange('2026-11', '2027-02')).toEqual(['2026-11', '2026-12', '2027-01', '2027-02'])
    expect(monthRange('2026-05', '2026-04')).toEqual([])
    expect(quarterMonths('2026-05')).toEqual(['2026-04', '2026-05', '2026-06'])
    expect(quarterMonths('2026-12')).toEqual(['2026-10', '2026-11', '2026-12'])
    expect(quarterMonths('2026-01')).toEqual(['2026-01', '2026-02', '2026-03'])
  })

  it('labels months and runs of months', () => {
    expect(monthLabel('2026-05')).toBe('2026年5月')
    expect(monthLabel('2026-05', true)).toBe('5月')
    expect(monthRuns(['2026-03', '2026-01', '2026-02', '2026-05'])).toBe('2026年1月—3月、5月')
    expect(monthRuns(['2025-11', '2025-12', '2026-01', '2026-03'])).toBe('2025年11月—2026年1月、3月')
    expect(monthRuns([])).toBe('')
  })

  it('pre-checks back payment and advance limits', () => {
    const ok = checkPaymentMonths(['2026-10', '2026-11', '2026-12'], '2026-11', 6, 3)
    expect(ok).toEqual({ back: 1, ahead: 1, problems: [] })
    const back7 = checkPaymentMonths(monthRange('2026-04', '2026-10'), '2026-11', 6, 3)
    expect(back7.back).toBe(7)
    expect(back7.problems).toEqual(['补交最多 6 个月，所选 7 个月'])
    const ahead4 = checkPaymentMonths(['2027-03'], '2026-11', 6, 3)
    expect(ahead4.ahead).toBe(4)
    expect(ahead4.problems).toEqual(['最多预交 3 个月'])
    expect(checkPaymentMonths([], '2026-11', 6, 3).problems).toEqual(['请选择交纳月份'])
  })
})

describe('rate table labels', () => {
  it('labels the 2008 employed brackets with inclusive upper bounds', () => {
    const rows = bracketLabels([
      { up_to: '3000.00', rate: '0.005' },
      { up_to: '5000.00', rate: '0.01' },
      { up_to: '10000.00', rate: '0.015' },
      { rate: '0.02' },
    ])
    expect(rows).toEqual([
      { range: '3,000.00 元及以下', charge: '0.5%' },
      { range: '3,000.01–5,000.00 元', charge: '1%' },
      { range: '5,000.01–10,000.00 元', charge: '1.5%' },
      { range: '10,000.00 元以上', charge: '2%' },
    ])
  })

  it('labels a flat kind', () => {
    expect(bracketLabels([{ amount: '0.20' }])).toEqual([{ range: '每月定额', charge: '0.20 元/月' }])
  })
})

describe('transfers', () => {
  it('offers actions by kind, status and validity', () => {
    expect(transferActions({ kind: 'internal', status: 'issued', expired: false })).toEqual(['accept', 'return', 'cancel'])
    expect(transferActions({ kind: 'internal', status: 'issued', expired: true })).toEqual(['return', 'cancel'])
    expect(transferActions({ kind: 'out_to_outside', status: 'issued', expired: false })).toEqual(['returnSlip', 'cancel'])
    expect(transferActions({ kind: 'in_from_outside', status: 'issued', expired: false })).toEqual(['accept', 'return', 'cancel'])
    expect(transferActions({ kind: 'internal', status: 'accepted', expired: false })).toEqual([])
  })

  it('labels and colours the status', () => {
    expect(statusLabel({ kind: 'internal', status: 'issued', expired: true, status_name: '待接收' })).toBe('已过期')
    expect(statusLabel({ kind: 'internal', status: 'issued', expired: false, status_name: '待接收' })).toBe('待接收')
    expect(statusTagType({ kind: 'internal', status: 'issued', expired: true })).toBe('danger')
    expect(statusTagType({ kind: 'internal', status: 'accepted', expired: false })).toBe('success')
  })

  it('computes the longest validity with month-end clamping', () => {
    expect(maxValidUntil('2026-11-30')).toBe('2027-02-28')
    expect(maxValidUntil('2026-08-15')).toBe('2026-11-15')
    expect(maxValidUntil('2027-11-30')).toBe('2028-02-29')
    expect(maxValidUntil('bad')).toBe('')
  })

  it('names the sides, inside or outside the system', () => {
    expect(sides({ from_party_org_name: '甲支部', to_outside: '长沙市某党委' })).toEqual({ from: '甲支部', to: '长沙市某党委（系统外）' })
  })
})
