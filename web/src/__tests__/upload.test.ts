import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError, pending, setCsrfToken, uploadFile } from '../api/http'

/** A scripted XMLHttpRequest: records the request, then answers with respond(). */
class FakeXHR {
  static last: FakeXHR | null = null
  method = ''
  url = ''
  headers: Record<string, string> = {}
  body: unknown = null
  withCredentials = false
  status = 0
  responseText = ''
  upload: { onprogress: ((e: { loaded: number; total: number; lengthComputable: boolean }) => void) | null } = { onprogress: null }
  onload: (() => void) | null = null
  onerror: (() => void) | null = null
  onabort: (() => void) | null = null
  constructor() {
    FakeXHR.last = this
  }
  open(method: string, url: string) {
    this.method = method
    this.url = url
  }
  setRequestHeader(k: string, v: string) {
    this.headers[k] = v
  }
  send(body: unknown) {
    this.body = body
  }
  respond(status: number, body: unknown) {
    this.status = status
    this.responseText = JSON.stringify(body)
    this.onload?.()
  }
}

describe('uploadFile', () => {
  beforeEach(() => {
    vi.stubGlobal('XMLHttpRequest', FakeXHR)
    setCsrfToken('tok')
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    setCsrfToken('')
  })

  it('posts multipart with the CSRF header and reports progress', async () => {
    const seen: number[] = []
    const file = new File(['x'.repeat(10)], '台账.xlsx')
    const p = uploadFile<{ created: number }>('/api/v1/imports/organizations?session=imp-1', file, 'file', (e) => seen.push(e.percent))
    const xhr = FakeXHR.last as FakeXHR
    expect(xhr.method).toBe('POST')
    expect(xhr.url).toBe('/api/v1/imports/organizations?session=imp-1')
    expect(xhr.headers['X-CSRF-Token']).toBe('tok')
    expect((xhr.body as FormData).get('file')).toBeInstanceOf(Blob)
    expect(pending.value).toBe(1)
    xhr.upload.onprogress?.({ loaded: 5, total: 10, lengthComputable: true })
    xhr.upload.onprogress?.({ loaded: 10, total: 10, lengthComputable: true })
    xhr.respond(200, { created: 3 })
    await expect(p).resolves.toEqual({ created: 3 })
    expect(seen).toEqual([50, 100])
    expect(pending.value).toBe(0)
  })

  it('raises the server error with its extra fields (report_url)', async () => {
    const p = uploadFile('/api/v1/imports/organizations', new File(['x'], 'a.xlsx'))
    ;(FakeXHR.last as FakeXHR).respond(422, {
      error: { code: 'import_invalid', message: '文件中有 1 处错误', report_url: '/api/v1/imports/x/report', error_count: 1 },
    })
    const e = (await p.catch((x) => x)) as ApiError
    expect(e).toBeInstanceOf(ApiError)
    expect(e.status).toBe(422)
    expect(e.code).toBe('import_invalid')
    expect(e.message).toBe('文件中有 1 处错误')
    expect(e.body.report_url).toBe('/api/v1/imports/x/report')
  })

  it('turns a network failure into a Chinese message', async () => {
    const p = uploadFile('/api/v1/imports/organizations', new File(['x'], 'a.xlsx'))
    ;(FakeXHR.last as FakeXHR).onerror?.()
    const e = (await p.catch((x) => x)) as ApiError
    expect(e.status).toBe(0)
    expect(e.message).toContain('网络')
    expect(pending.value).toBe(0)
  })
})
