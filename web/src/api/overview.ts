// The figures beside compliance on the organizational-life dashboard: the
// star distribution of the latest closed assessment round, the 软弱涣散
// signals and the 换届 due. Each is optional: a role without the permission
// or a district without a closed round simply shows none.
import { allPages, http } from './http'
import type { ItemOf, Schemas } from './types'

export type StarDistribution = Schemas['AssessRoundView']['distribution']

export interface Overview {
  round: { id: number; name: string; distribution: StarDistribution } | null
  weak: number | null
  renewalsDue: number | null
  renewalsOverdue: number | null
}

export async function loadOverview(): Promise<Overview> {
  const [rounds, signals, renewals] = await Promise.allSettled([
    http.get<Schemas['AssessRoundList']>('/api/v1/assess/rounds'),
    http.get<Schemas['AssessSignalReport']>('/api/v1/assess/signals'),
    allPages<ItemOf<Schemas['RenewalPage']['items']>>('/api/v1/committees/renewals'),
  ])
  const out: Overview = { round: null, weak: null, renewalsDue: null, renewalsOverdue: null }
  if (rounds.status === 'fulfilled') {
    const closed = rounds.value.items.filter((r) => r.status === 'closed').sort((a, b) => (a.to < b.to ? 1 : a.to > b.to ? -1 : b.id - a.id))
    if (closed.length) {
      try {
        const v = await http.get<Schemas['AssessRoundView']>(`/api/v1/assess/rounds/${closed[0].id}`)
        out.round = { id: v.id, name: v.name, distribution: v.distribution }
      } catch {
        out.round = null
      }
    }
  }
  if (signals.status === 'fulfilled') out.weak = signals.value.total
  if (renewals.status === 'fulfilled') {
    out.renewalsOverdue = renewals.value.items.filter((r) => r.overdue).length
    out.renewalsDue = renewals.value.items.length - out.renewalsOverdue
  }
  return out
}

/** The star levels, highest first, with their counts. */
export function starRows(d: StarDistribution): { name: string; value: number }[] {
  return [
    { name: '五星级', value: d.five },
    { name: '四星级', value: d.four },
    { name: '三星级', value: d.three },
    { name: '二星级', value: d.two },
    { name: '一星级', value: d.one },
  ]
}
