// Helpers of the home-page reminders ("本月还需召开党小组会1次（剩余29天）").
import type { ItemOf, Schemas } from '../api/types'

export interface ReminderItem {
  /** 本月, 本季度 or 本年度 ('' when the text has none of them). */
  period: string
  text: string
  /** Meeting kind code the reminder is about, when one of the kinds' names appears. */
  kind: string
  /** Days left in the period, when the text says so. */
  daysLeft: number | null
}

const periods = ['本季度', '本年度', '本月']

/** Parses one reminder line; kinds are the meeting kinds (code and zh-CN name). */
export function parseReminder(text: string, kinds: { code: string; name: string }[]): ReminderItem {
  const period = periods.find((p) => text.startsWith(p)) || ''
  let kind = ''
  let best = 0
  for (const k of kinds) {
    if (k.name && text.includes(k.name) && k.name.length > best) {
      kind = k.code
      best = k.name.length
    }
  }
  const m = text.match(/剩余(\d+)天/)
  return { period, text, kind, daysLeft: m ? Number(m[1]) : null }
}

/** Keeps the month and quarter reminders (what must still be held soon), month first. */
export function dueSoon(items: ReminderItem[]): ReminderItem[] {
  const order: Record<string, number> = { 本月: 0, 本季度: 1 }
  return items.filter((i) => i.period in order).sort((a, b) => order[a.period] - order[b.period])
}

/** The link that opens the meeting form of a party organization, with the kind preset. */
export function recordLink(partyOrgID: number, kind: string): string {
  const q = new URLSearchParams({ party_org_id: String(partyOrgID), record: kind || '1' })
  return `/meetings?${q.toString()}`
}

/** One meeting kind still due in the current period (the server's `due` of a reminder). */
export type DueItem = ItemOf<Schemas['Reminder']['due']>

/** One line of the compact reminder summary: a kind and how many party organizations still owe it. */
export interface KindSummary {
  kind: string
  kindName: string
  periodName: string
  orgs: number
  times: number
  /** Fewest days left among those organizations. */
  daysLeft: number
}

/** Counts the reminders per kind (organizations and meetings still due), soonest deadline first. */
export function summariseByKind(reminders: { due?: DueItem[] }[]): KindSummary[] {
  const by = new Map<string, KindSummary>()
  for (const r of reminders) {
    for (const d of r.due || []) {
      const s = by.get(d.kind) || { kind: d.kind, kindName: d.kind_name, periodName: d.period_name, orgs: 0, times: 0, daysLeft: d.days_left }
      s.orgs++
      s.times += d.times
      s.daysLeft = Math.min(s.daysLeft, d.days_left)
      by.set(d.kind, s)
    }
  }
  return [...by.values()].sort((a, b) => a.daysLeft - b.daysLeft || b.orgs - a.orgs || a.kind.localeCompare(b.kind))
}
