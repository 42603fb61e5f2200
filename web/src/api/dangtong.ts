// 党统 tables 24, 27, 30 and 43 (issue 16 item 5): the table in its official
// layout, a cell's drill-down, the .xlsx, the agreement with the coverage
// report and the period counts.
import { downloadUrl, http } from './http'
import type { Schemas } from './types'

export type DangtongTable = Schemas['DangtongTable']
export type DangtongCell = Schemas['DangtongCell']
export type DangtongCheck = Schemas['DangtongCheck']
export type DangtongPeriod = Schemas['DangtongPeriod']
export type DangtongCode = '24' | '27' | '30' | '43'

const base = '/api/v1/stats/dangtong'

export interface DangtongQuery {
  date?: string
  region_code?: string
}

function clean(q: DangtongQuery) {
  return { date: q.date || undefined, region_code: q.region_code || undefined }
}

export const dangtongApi = {
  table: (code: DangtongCode, q: DangtongQuery) => http.get<DangtongTable>(`${base}/${code}`, clean(q)),
  cell: (code: DangtongCode, row: number, col: number, q: DangtongQuery & { page?: number; page_size?: number }) =>
    http.get<DangtongCell>(`${base}/${code}/cells/${row}/${col}`, { ...clean(q), page: q.page, page_size: q.page_size }),
  check: (q: DangtongQuery) => http.get<DangtongCheck>(`${base}/check`, clean(q)),
  period: (q: { from?: string; to?: string; region_code?: string }) =>
    http.get<DangtongPeriod>(`${base}/period`, { from: q.from || undefined, to: q.to || undefined, region_code: q.region_code || undefined }),
  /** Downloads the table as .xlsx in the official layout. */
  exportXlsx: (code: DangtongCode, q: DangtongQuery) => {
    const p = new URLSearchParams()
    const c = clean(q)
    if (c.date) p.set('date', c.date)
    if (c.region_code) p.set('region_code', c.region_code)
    const s = p.toString()
    downloadUrl(`${base}/${code}/export${s ? `?${s}` : ''}`)
  },
}

/** Header rows of a table: the first row has groups (colspan) and lone columns (rowspan 2); the second the grouped labels. */
export function headerRows(t: DangtongTable): { top: { label: string; colspan: number; rowspan: number }[]; sub: string[] } {
  const top: { label: string; colspan: number; rowspan: number }[] = []
  const sub: string[] = []
  const cols = t.columns
  for (let i = 0; i < cols.length; ) {
    const c = cols[i]
    if (!c.group) {
      top.push({ label: c.label, colspan: 1, rowspan: 2 })
      i++
      continue
    }
    let j = i
    while (j < cols.length && cols[j].group === c.group) {
      sub.push(cols[j].label)
      j++
    }
    top.push({ label: c.group, colspan: j - i, rowspan: 1 })
    i = j
  }
  return { top, sub }
}
