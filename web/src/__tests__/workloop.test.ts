import { describe, expect, it } from 'vitest'
import { clean, holds } from '../api/workloop'

describe('work loop helpers', () => {
  it('sends only the filters in use', () => {
    expect(clean({ kind: 'tip', state: '', unread: false, overdue: true, year: 2026, q: undefined })).toEqual({ kind: 'tip', overdue: 'true', year: 2026 })
  })
  it('follows the permissions, else the role', () => {
    expect(holds(['workloop.read', 'workloop.respond'], 'street', 'workloop.write', ['district'])).toBe(false)
    expect(holds(['workloop.write'], 'street', 'workloop.write', ['district'])).toBe(true)
    expect(holds(undefined, 'district', 'workloop.write', ['district'])).toBe(true)
    expect(holds([], 'party_org', 'workloop.write', ['district'])).toBe(false)
  })
})
