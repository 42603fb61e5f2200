import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError, allPages, buildQuery, pending, request, setCsrfToken, setPasswordChangeHandler, setUnauthorizedHandler } from '../api/http'

function jsonResponse(status: number, body: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  })
}

async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p
  } catch (e) {
    return e as ApiError
  }
  throw new Error('expected the request to fail')
}

describe('buildQuery', () => {
  it('skips empty values and encodes the rest', () => {
    expect(buildQuery({ q: '洪桥', page: 1, role: '', x: undefined, y: null })).toBe('?q=%E6%B4%AA%E6%A1%A5&page=1')
    expect(buildQuery({})).toBe('')
    expect(buildQuery()).toBe('')
  })
})

describe('request', () => {
  const fetchMock = vi.fn()
  beforeEach(() => {
    fetchMock.mockReset()
    vi.stubGlobal('fetch', fetchMock)
    setCsrfToken('')
    setUnauthorizedHandler(null)
  })
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it('sends the CSRF token on writes but not on reads, with same-origin credentials', async () => {
    setCsrfToken('tok123')
    fetchMock.mockResolvedValueOnce(jsonResponse(200, { ok: 1 }))
    fetchMock.mockResolvedValueOnce(jsonResponse(201, { id: 1 }))
    await request('/api/v1/x')
    await request('/api/v1/y', { method: 'POST', body: { a: 1 } })
    const [, getInit] = fetchMock.mock.calls[0]
    const [, postInit] = fetchMock.mock.calls[1]
    expect(getInit.credentials).toBe('same-origin')
    expect(getInit.headers['X-CSRF-Token']).toBeUndefined()
    expect(postInit.headers['X-CSRF-Token']).toBe('tok123')
    expect(postInit.headers['Content-Type']).toBe('application/json')
    expect(postInit.body).toBe('{"a":1}')
  })

  it('returns undefined for 204', async () => {
    fetchMock.mockResolvedValueOnce(new Response(null, { status: 204 }))
    await expect(request('/api/v1/auth/logout', { method: 'POST' })).resolves.toBeUndefined()
  })

  it('turns error bodies into ApiError with code, message, fields and locked_until', async () => {
    fetchMock.mockResolvedValueOnce(
      jsonResponse(423, { error: { code: 'account_locked', message: '账户已锁定', locked_until: '2026-01-01T08:00:00Z' } }),
    )
    const err = await failure(request('/api/v1/auth/login', { method: 'POST', handle401: false }))
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(423)
    expect(err.code).toBe('account_locked')
    expect(err.message).toBe('账户已锁定')
    expect(err.body.locked_until).toBe('2026-01-01T08:00:00Z')

    fetchMock.mockResolvedValueOnce(
      jsonResponse(422, { error: { code: 'invalid', message: '数据有误', fields: { new_password: '密码太弱' } } }),
    )
    const err2 = await failure(request('/api/v1/auth/password', { method: 'POST' }))
    expect(err2.fields.new_password).toBe('密码太弱')
  })

  it('falls back to a Chinese message when the body is not JSON', async () => {
    fetchMock.mockResolvedValueOnce(new Response('oops', { status: 500 }))
    const err = await failure(request('/api/v1/x'))
    expect(err.message).toBe('服务器内部错误，请稍后重试')
    expect(err.code).toBe('http_500')
  })

  it('reports network failures as ApiError status 0', async () => {
    fetchMock.mockRejectedValueOnce(new TypeError('Failed to fetch'))
    const err = await failure(request('/api/v1/x'))
    expect(err.status).toBe(0)
    expect(err.message).toContain('网络')
    expect(pending.value).toBe(0)
  })

  it('calls the unauthorized handler on 401 unless disabled', async () => {
    const handler = vi.fn()
    setUnauthorizedHandler(handler)
    fetchMock.mockResolvedValue(jsonResponse(401, { error: { code: 'unauthenticated', message: '请先登录' } }))
    await request('/api/v1/users').catch(() => undefined)
    expect(handler).toHaveBeenCalledTimes(1)
    await request('/api/v1/auth/me', { handle401: false }).catch(() => undefined)
    expect(handler).toHaveBeenCalledTimes(1)
  })

  it('calls the password-change handler on 403 password_change_required', async () => {
    const handler = vi.fn()
    setPasswordChangeHandler(handler)
    fetchMock.mockResolvedValueOnce(jsonResponse(403, { error: { code: 'password_change_required', message: '请先修改密码' } }))
    fetchMock.mockResolvedValueOnce(jsonResponse(403, { error: { code: 'forbidden', message: '没有权限执行此操作' } }))
    await request('/api/v1/regions/scope').catch(() => undefined)
    await request('/api/v1/users').catch(() => undefined)
    expect(handler).toHaveBeenCalledTimes(1)
    setPasswordChangeHandler(null)
  })

  it('tracks pending requests', async () => {
    let resolve!: (r: Response) => void
    fetchMock.mockReturnValueOnce(new Promise<Response>((r) => (resolve = r)))
    const p = request('/api/v1/x')
    expect(pending.value).toBe(1)
    resolve(jsonResponse(200, {}))
    await p
    expect(pending.value).toBe(0)
  })
})

describe('allPages', () => {
  const fetchMock = vi.fn()
  beforeEach(() => {
    fetchMock.mockReset()
    vi.stubGlobal('fetch', fetchMock)
  })
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it('reads the pages of 200 in order until the total is reached', async () => {
    // 401 items: pages of 200, 200 and 1.
    const item = (n: number) => ({ id: n })
    const pageOf = (p: number, n: number) => ({ items: Array.from({ length: n }, (_, i) => item((p - 1) * 200 + i + 1)), total: 401, page: p, page_size: 200 })
    fetchMock
      .mockResolvedValueOnce(jsonResponse(200, pageOf(1, 200)))
      .mockResolvedValueOnce(jsonResponse(200, pageOf(2, 200)))
      .mockResolvedValueOnce(jsonResponse(200, pageOf(3, 1)))
    const all = await allPages<{ id: number }>('/api/v1/meetings/candidates', { party_org_id: 7 })
    expect(all.total).toBe(401)
    expect(all.items.length).toBe(401)
    expect(all.items[0].id).toBe(1)
    expect(all.items[400].id).toBe(401)
    expect(fetchMock.mock.calls.map((c) => c[0])).toEqual([
      '/api/v1/meetings/candidates?party_org_id=7&page=1&page_size=200',
      '/api/v1/meetings/candidates?party_org_id=7&page=2&page_size=200',
      '/api/v1/meetings/candidates?party_org_id=7&page=3&page_size=200',
    ])
  })

  it('stops on an empty page even if the total grew meanwhile', async () => {
    fetchMock
      .mockResolvedValueOnce(jsonResponse(200, { items: [{ id: 1 }], total: 1, page: 1, page_size: 200 }))
    expect((await allPages('/api/v1/compliance/reminders')).items).toEqual([{ id: 1 }])
    fetchMock.mockReset()
    fetchMock.mockResolvedValueOnce(jsonResponse(200, { items: [], total: 3, page: 1, page_size: 200 }))
    expect((await allPages('/api/v1/compliance/reminders')).items).toEqual([])
    expect(fetchMock).toHaveBeenCalledTimes(1)
  })
})
