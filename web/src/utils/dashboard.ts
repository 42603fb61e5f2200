// The dashboard's state in the URL: ?region=<code>&as_of=<date>&drill=uncovered.
import type { LocationQuery } from 'vue-router'

export interface DashboardState {
  /** The region drilled into; '' is the user's own region. */
  region: string
  asOf: string
  /** Whether the list of uncovered units is open. */
  uncovered: boolean
}

const DATE = /^\d{4}-\d{2}-\d{2}$/
const CODE = /^[0-9A-Za-z]{1,20}$/

/** Reads the state from a route query; anything malformed falls back to the default. */
export function readDashboardQuery(q: LocationQuery, today: string): DashboardState {
  const str = (v: unknown) => (typeof v === 'string' ? v : '')
  const region = str(q.region)
  const asOf = str(q.as_of)
  return {
    region: CODE.test(region) ? region : '',
    asOf: DATE.test(asOf) && asOf <= today ? asOf : today,
    uncovered: q.drill === 'uncovered',
  }
}

/** The route query of a state, leaving defaults out. */
export function dashboardQuery(s: DashboardState, today: string): Record<string, string> {
  const q: Record<string, string> = {}
  if (s.region) q.region = s.region
  if (s.asOf && s.asOf !== today) q.as_of = s.asOf
  if (s.uncovered) q.drill = 'uncovered'
  return q
}
