import { describe, expect, it } from 'vitest'
import { dashboardQuery, readDashboardQuery } from '../utils/dashboard'

describe('dashboard state in the URL', () => {
  const today = '2026-12-06'
  it('round-trips region, date and the uncovered list', () => {
    const s = { region: '430426001', asOf: '2026-06-30', uncovered: true }
    const q = dashboardQuery(s, today)
    expect(q).toEqual({ region: '430426001', as_of: '2026-06-30', drill: 'uncovered' })
    expect(readDashboardQuery(q, today)).toEqual(s)
  })
  it('leaves defaults out and refuses malformed values', () => {
    expect(dashboardQuery({ region: '', asOf: today, uncovered: false }, today)).toEqual({})
    expect(readDashboardQuery({ region: '<x>', as_of: '2099-01-01', drill: 'x' }, today)).toEqual({ region: '', asOf: today, uncovered: false })
  })
})
