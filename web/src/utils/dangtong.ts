// Code lists of the 党统 ledger fields (domain.md §11), as the server names them.

export const OWNERSHIPS: { code: string; name: string }[] = [
  { code: 'private_control', name: '私有经济控制' },
  { code: 'private_sole', name: '私营独资' },
  { code: 'hmt_invest', name: '港澳台商投资（非控制）' },
  { code: 'hmt_control', name: '港澳台商经济控制' },
  { code: 'hmt_sole', name: '港澳台商独资' },
  { code: 'foreign_invest', name: '外商投资（非控制）' },
  { code: 'foreign_control', name: '外商经济控制' },
  { code: 'foreign_sole', name: '外商独资' },
]

export const INTERMEDIARY_KINDS: { code: string; name: string }[] = [
  { code: 'law', name: '律师事务所' },
  { code: 'accounting', name: '会计师事务所' },
  { code: 'tax', name: '税务师事务所' },
  { code: 'other', name: '其他中介服务组织' },
]

export const LOST_REASONS: { code: string; name: string }[] = [
  { code: 'migrant_work', name: '外出务工经商' },
  { code: 'restructure', name: '单位改制或破产' },
  { code: 'graduate', name: '毕业后去向不明' },
  { code: 'job_change', name: '工作单位改变' },
  { code: 'abroad', name: '出国（境）' },
  { code: 'moved', name: '居住地改变' },
  { code: 'other', name: '其他' },
]

/** Categories of enterprises (the only ones with an ownership). */
export const ENTERPRISE_CATEGORIES = ['private_enterprise', 'individual_business', 'foreign_enterprise', 'other_enterprise']

export function codeName(list: { code: string; name: string }[], code: string | undefined | null): string {
  return list.find((c) => c.code === code)?.name || '—'
}
