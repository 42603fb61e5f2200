// Excel exports of party organizations, instructors, work lists, 换届 reminders and coverage (issue 3).
import { downloadUrl } from './http'

function withQuery(path: string, q: Record<string, string | number | undefined | null> = {}): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(q)) {
    if (v !== undefined && v !== null && v !== '') p.set(k, String(v))
  }
  const s = p.toString()
  return s ? `${path}?${s}` : path
}

/** Downloads the party organizations with the list's filters. */
export function exportPartyOrgs(q: Record<string, string | number | undefined | null> = {}): void {
  downloadUrl(withQuery('/api/v1/party-orgs/export', q))
}

/** Downloads the instructors and their assignments. */
export function exportInstructors(q: Record<string, string | undefined> = {}): void {
  downloadUrl(withQuery('/api/v1/instructors/export', q))
}

/** Downloads the district's list of overdue instructor visits (full_time: "true" 专职, "false" 兼职). */
export function exportOverdueVisits(q: Record<string, string | undefined> = {}): void {
  downloadUrl(withQuery('/api/v1/instructors/due-visits/export', q))
}

/** Downloads one work list: should_build, few_members or no_members. */
export function exportWorklist(kind: string, q: Record<string, string | undefined> = {}): void {
  downloadUrl(withQuery(`/api/v1/stats/worklists/${encodeURIComponent(kind)}/export`, q))
}

/** Downloads the 换届 due and overdue list. */
export function exportRenewals(withinDays?: number): void {
  downloadUrl(withQuery('/api/v1/party-orgs/renewals/export', { within_days: withinDays }))
}

/** Downloads the coverage report of a region on a day. */
export function exportCoverage(q: Record<string, string | undefined> = {}): void {
  downloadUrl(withQuery('/api/v1/stats/coverage/export', q))
}
