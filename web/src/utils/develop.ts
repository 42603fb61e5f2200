// Pure helpers of the development (发展党员) screens.
import type { DevPerson, StepDef } from '../api/develop'

/** The extension of the probation, recorded beside the 25 steps. */
export const STEP_EXTENSION = 100

/**
 * The steps a person may record next: the first step not yet recorded
 * after the last one, the repeatable review of the current phase, and the
 * probation extension while it is still possible. Mirrors the server's
 * ordering rule so the form offers only steps that can be accepted.
 */
export function recordableSteps(p: DevPerson, steps: StepDef[]): StepDef[] {
  const done = new Set((p.steps || []).map((s) => s.n))
  if (p.stage === 'full') return done.has(25) ? [] : steps.filter((s) => s.n === 25)
  const out: StepDef[] = []
  const next = steps.find((s) => !done.has(s.n) && s.n > 1)
  if (next) {
    const prev = steps.find((s) => s.n === next.n - 1)
    if (prev?.repeatable && done.has(prev.n)) out.push(prev)
    out.push(next)
  }
  if (p.stage === 'probationary' && p.extension_months === 0) {
    out.push({ n: STEP_EXTENSION, phase: 5, phase_name: '预备党员的教育考察和转正', name: '延长预备期', repeatable: false, fields: 'extension' })
  }
  return out
}

/** Circled number of a step (① … ㉕), or the plain number beyond. */
export function stepMark(n: number): string {
  if (n >= 1 && n <= 20) return String.fromCodePoint(0x2460 + n - 1)
  if (n >= 21 && n <= 35) return String.fromCodePoint(0x3251 + n - 21)
  return n === STEP_EXTENSION ? '延' : String(n)
}

/** How urgent a due day is, relative to today (YYYY-MM-DD strings). */
export function dueLevel(on: string, kind: string, today: string): 'overdue' | 'soon' | 'later' {
  if (kind === 'deadline' && on < today) return 'overdue'
  const d = (Date.parse(on) - Date.parse(today)) / 86400000
  return d <= 30 ? 'soon' : 'later'
}
