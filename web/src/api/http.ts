// A small fetch wrapper: JSON bodies, CSRF header, structured errors,
// a global pending-request counter and a hook for expired sessions.
import { ref } from 'vue'
import type { Schemas } from './types'

/**
 * The `error` object of a failed answer (the document's Error schema). Every
 * member is optional here: a proxy or a network failure answers with
 * something else, and the client invents its own code then (http_502).
 */
export type ApiErrorBody = Partial<Omit<Schemas['Error']['error'], 'code'>> & { code?: string; [key: string]: unknown }

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly fields: Record<string, string>
  readonly body: ApiErrorBody

  constructor(status: number, body: ApiErrorBody) {
    super(body.message || defaultMessage(status))
    this.name = 'ApiError'
    this.status = status
    this.code = body.code || `http_${status}`
    this.fields = body.fields || {}
    this.body = body
  }
}

export function defaultMessage(status: number): string {
  if (status === 0) return '网络连接失败，请检查网络后重试'
  if (status === 400) return '请求参数有误'
  if (status === 401) return '登录已过期，请重新登录'
  if (status === 403) return '没有权限执行此操作'
  if (status === 404) return '请求的资源不存在'
  if (status === 409) return '数据冲突，请刷新后重试'
  if (status === 413) return '提交的内容过大'
  if (status === 422) return '提交的数据有误，请检查后重试'
  if (status === 423) return '账户已锁定'
  if (status === 429) return '操作过于频繁，请稍后再试'
  if (status >= 500) return '服务器内部错误，请稍后重试'
  return `请求失败（${status}）`
}

/** Number of requests in flight; drives the global loading indicator. */
export const pending = ref(0)

let csrfToken = ''
export function setCsrfToken(token: string): void {
  csrfToken = token || ''
}
export function getCsrfToken(): string {
  return csrfToken
}

type UnauthorizedHandler = () => void
let onUnauthorized: UnauthorizedHandler | null = null
/** Registers the handler called when a request answers 401 (session expired). */
export function setUnauthorizedHandler(fn: UnauthorizedHandler | null): void {
  onUnauthorized = fn
}

type PasswordChangeHandler = () => void
let onPasswordChangeRequired: PasswordChangeHandler | null = null
/** Registers the handler called when the server demands a password change (403 password_change_required). */
export function setPasswordChangeHandler(fn: PasswordChangeHandler | null): void {
  onPasswordChangeRequired = fn
}

export interface RequestOptions {
  method?: string
  body?: unknown
  query?: Record<string, string | number | boolean | undefined | null>
  /** When false, a 401 answer does not trigger the session-expired handler. */
  handle401?: boolean
  signal?: AbortSignal
}

export function buildQuery(query?: RequestOptions['query']): string {
  if (!query) return ''
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue
    params.append(k, String(v))
  }
  const s = params.toString()
  return s ? `?${s}` : ''
}

export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = (opts.method || 'GET').toUpperCase()
  const headers: Record<string, string> = { Accept: 'application/json' }
  let body: BodyInit | undefined
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(opts.body)
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) {
    headers['X-CSRF-Token'] = csrfToken
  }
  pending.value++
  let res: Response
  try {
    res = await fetch(path + buildQuery(opts.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: opts.signal,
    })
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e
    throw new ApiError(0, { code: 'network_error', message: defaultMessage(0) })
  } finally {
    pending.value--
  }
  if (res.status === 204) return undefined as T
  const text = await res.text()
  let data: unknown = undefined
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = undefined
    }
  }
  if (!res.ok) {
    const errBody = extractError(data)
    const err = new ApiError(res.status, errBody)
    if (res.status === 401 && opts.handle401 !== false && onUnauthorized) onUnauthorized()
    if (res.status === 403 && err.code === 'password_change_required' && onPasswordChangeRequired) onPasswordChangeRequired()
    throw err
  }
  return data as T
}

export function extractError(data: unknown): ApiErrorBody {
  if (data && typeof data === 'object') {
    const obj = data as Record<string, unknown>
    const e = obj.error
    if (e && typeof e === 'object') {
      const body = { ...(e as ApiErrorBody) }
      if (!body.locked_until && typeof obj.locked_until === 'string') body.locked_until = obj.locked_until
      return body
    }
    if (typeof e === 'string') return { message: e }
  }
  return {}
}

export const http = {
  get: <T>(path: string, query?: RequestOptions['query'], extra: Omit<RequestOptions, 'query'> = {}) =>
    request<T>(path, { ...extra, query }),
  post: <T>(path: string, body?: unknown, extra: RequestOptions = {}) =>
    request<T>(path, { ...extra, method: 'POST', body }),
  patch: <T>(path: string, body?: unknown, extra: RequestOptions = {}) =>
    request<T>(path, { ...extra, method: 'PATCH', body }),
  put: <T>(path: string, body?: unknown, extra: RequestOptions = {}) =>
    request<T>(path, { ...extra, method: 'PUT', body }),
  del: <T>(path: string, extra: RequestOptions = {}) => request<T>(path, { ...extra, method: 'DELETE' }),
}

/**
 * Reads every page of a paged list ({items,total,page,page_size}) with the
 * largest page size the server allows, for a picker or a summary that needs
 * the whole list; the items keep the order of the list.
 */
export async function allPages<T>(path: string, query: RequestOptions['query'] = {}): Promise<{ items: T[]; total: number }> {
  const items: T[] = []
  for (let page = 1; ; page++) {
    const p = await http.get<{ items: T[]; total: number }>(path, { ...query, page, page_size: 200 })
    items.push(...p.items)
    if (!p.items.length || items.length >= p.total) return { items, total: p.total }
  }
}

export interface UploadProgress {
  loaded: number
  total: number
  /** 0–100 */
  percent: number
}

/**
 * Uploads one file as multipart/form-data (field `field`) with progress events.
 * Uses XMLHttpRequest because fetch cannot report upload progress. Errors are
 * raised as ApiError like request().
 */
export function uploadFile<T>(path: string, file: Blob, field = 'file', onProgress?: (p: UploadProgress) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', path)
    xhr.withCredentials = true
    xhr.setRequestHeader('Accept', 'application/json')
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken)
    if (onProgress) {
      xhr.upload.onprogress = (e) => {
        const total = e.lengthComputable ? e.total : file.size
        onProgress({ loaded: e.loaded, total, percent: total > 0 ? Math.min(100, Math.round((e.loaded / total) * 100)) : 0 })
      }
    }
    pending.value++
    let settled = false
    const done = () => {
      if (!settled) {
        settled = true
        pending.value--
      }
    }
    xhr.onerror = () => {
      done()
      reject(new ApiError(0, { code: 'network_error', message: defaultMessage(0) }))
    }
    xhr.onabort = () => {
      done()
      const e = new Error('aborted')
      e.name = 'AbortError'
      reject(e)
    }
    xhr.onload = () => {
      done()
      let data: unknown = undefined
      if (xhr.responseText) {
        try {
          data = JSON.parse(xhr.responseText)
        } catch {
          data = undefined
        }
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(data as T)
        return
      }
      const err = new ApiError(xhr.status, extractError(data))
      if (xhr.status === 401 && onUnauthorized) onUnauthorized()
      if (xhr.status === 403 && err.code === 'password_change_required' && onPasswordChangeRequired) onPasswordChangeRequired()
      reject(err)
    }
    const form = new FormData()
    form.append(field, file, (file as File).name || 'upload.xlsx')
    xhr.send(form)
  })
}

/** Starts a browser download of a same-origin GET URL (the session cookie goes along). */
export function downloadUrl(url: string): void {
  const a = document.createElement('a')
  a.href = url
  a.rel = 'noopener'
  a.download = ''
  document.body.appendChild(a)
  a.click()
  document.body.removeChild(a)
}
