import { describe, expect, it } from 'vitest'
import type { DevPerson, StepDef } from '../api/develop'
import { dueLevel, recordableSteps, stepMark } from '../utils/develop'

const steps: StepDef[] = Array.from({ length: 25 }, (_, i) => ({ n: i + 1, phase: 1, phase_name: '', name: `步骤${i + 1}`, repeatable: i + 1 === 6 || i + 1 === 21 }))
const person = (stage: string, done: number[], ext = 0): DevPerson =>
  ({ stage, extension_months: ext, steps: done.map((n) => ({ n })) }) as unknown as DevPerson

describe('recordable steps', () => {
  it('offers the next step only', () => {
    expect(recordableSteps(person('applicant', [1]), steps).map((s) => s.n)).toEqual([2])
  })
  it('offers another half-yearly review beside the next step', () => {
    expect(recordableSteps(person('activist', [1, 2, 3, 4, 5, 6]), steps).map((s) => s.n)).toEqual([6, 7])
  })
  it('offers the extension to a probationary member once', () => {
    const done = Array.from({ length: 18 }, (_, i) => i + 1)
    expect(recordableSteps(person('probationary', done), steps).map((s) => s.n)).toEqual([19, 100])
    expect(recordableSteps(person('probationary', done, 6), steps).map((s) => s.n)).toEqual([19])
  })
  it('leaves only the archive after 转正', () => {
    const done = Array.from({ length: 24 }, (_, i) => i + 1)
    expect(recordableSteps(person('full', done), steps).map((s) => s.n)).toEqual([25])
    expect(recordableSteps(person('full', [...done, 25]), steps)).toEqual([])
  })
})

describe('marks and due levels', () => {
  it('numbers the steps ① to ㉕', () => {
    expect(stepMark(1)).toBe('①')
    expect(stepMark(20)).toBe('⑳')
    expect(stepMark(21)).toBe('㉑')
    expect(stepMark(25)).toBe('㉕')
  })
  it('grades a day', () => {
    expect(dueLevel('2026-11-22', 'deadline', '2026-11-23')).toBe('overdue')
    expect(dueLevel('2026-11-22', 'eligible', '2026-11-23')).toBe('soon')
    expect(dueLevel('2026-12-23', 'deadline', '2026-11-23')).toBe('soon')
    expect(dueLevel('2026-12-24', 'deadline', '2026-11-23')).toBe('later')
  })
})
