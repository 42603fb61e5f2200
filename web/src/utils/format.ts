// Display helpers.

export const levelNames: Record<string, string> = {
  province: '省',
  prefecture: '市',
  county: '县',
  town: '街道乡镇',
  village: '社区村',
  area: '片区',
}

export const levelOrder = ['province', 'prefecture', 'county', 'town', 'village', 'area']

export function levelName(level: string, fallback?: string): string {
  return levelNames[level] || fallback || level
}

export const areaKinds: { value: string; label: string }[] = [
  { value: 'business_district', label: '商圈' },
  { value: 'building', label: '楼宇' },
  { value: 'park', label: '园区' },
  { value: 'grid', label: '网格' },
]

export function kindName(kind: string, fallback?: string): string {
  return areaKinds.find((k) => k.value === kind)?.label || fallback || kind
}

export const roleNames: Record<string, string> = {
  system_admin: '系统管理员',
  security_admin: '安全管理员',
  audit_admin: '审计管理员',
  district: '区两新工委',
  street: '街道/综合党委',
  party_org: '党组织书记/党务工作者',
  instructor: '党建指导员',
  readonly: '只读',
  member: '党员',
  none: '未授权',
}

/** Chinese names of audit entity types; unknown types are shown as sent. */
export const entityNames: Record<string, string> = {
  user: '用户',
  api_token: 'API 令牌',
  token: 'API 令牌',
  region: '区划',
  area: '片区',
  session: '会话',
  system: '系统',
  audit_log: '审计日志',
  route: '接口',
  role: '角色',
}

export function entityName(entity: string, fallback?: string): string {
  return fallback || entityNames[entity] || entity
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

/** Formats an RFC 3339 time as local "YYYY-MM-DD HH:mm:ss"; empty values become "—". */
export function formatTime(value: string | null | undefined): string {
  if (!value) return '—'
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return value
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

export function isFuture(value: string | null | undefined, now = Date.now()): boolean {
  if (!value) return false
  const t = new Date(value).getTime()
  return !Number.isNaN(t) && t > now
}

export function prettyJSON(value: unknown): string {
  if (value === undefined || value === null) return '—'
  try {
    return JSON.stringify(value, null, 2)
  } catch {
    return String(value)
  }
}

// formatTotal is a list's count as a reader sees it: "10,000+" when the server
// stopped counting at its cap (total_capped), the plain number otherwise.
export function formatTotal(total: number | null | undefined, capped?: boolean | null): string {
  const n = total || 0
  return capped ? `${n.toLocaleString('zh-CN')}+` : String(n)
}
