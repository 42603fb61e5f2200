import { afterEach, describe, expect, it, vi } from 'vitest'
import { createApp, h, nextTick, ref } from 'vue'
import ElementPlus from 'element-plus'

const upload = vi.fn()
const session = vi.fn()
vi.mock('../api/http', async (importOriginal) => {
  const real = await importOriginal<typeof import('../api/http')>()
  return { ...real, uploadFile: (...a: unknown[]) => upload(...a), downloadUrl: vi.fn() }
})
vi.mock('../api/ledger', () => ({ orgApi: { importSession: (...a: unknown[]) => session(...a) } }))

import { ApiError } from '../api/http'
import ImportDialog from '../components/ImportDialog.vue'
import { importSessionView } from '../utils/ledger'

const flush = async () => {
  for (let i = 0; i < 10; i++) {
    await nextTick()
    await new Promise((r) => setTimeout(r, 0))
  }
}

const restarted = '服务重启，导入未完成，数据已回滚，请重新导入'
const internal = '导入因服务内部错误中止，数据已回滚，请重新导入；如再次出现请联系系统管理员'

function job(status: string, extra: Record<string, unknown> = {}) {
  return { id: 'imp-1', kind: 'organizations', status, phase: 'done', processed: 0, rows: 0, created: 0, updated: 0, unchanged: 0, message: '', has_report: false, created_at: '', updated_at: '', ...extra }
}

describe('import session view', () => {
  it('shows a failed job with its reason and follows a running one', () => {
    expect(importSessionView(job('failed', { message: restarted }))).toEqual({ phase: 'error', message: restarted, reportUrl: '' })
    expect(importSessionView(job('failed')).message).toBe('导入未完成，未导入任何数据，请重新导入')
    expect(importSessionView(job('running', { phase: 'write', processed: 500 }))).toEqual({ phase: 'processing', message: '正在写入台账，已写入 500 行…', reportUrl: '' })
    expect(importSessionView(job('rejected', { message: '文件中有 2 处错误', has_report: true }))).toEqual({
      phase: 'invalid',
      message: '文件中有 2 处错误',
      reportUrl: '/api/v1/imports/imp-1/report',
    })
    expect(importSessionView(job('succeeded', { message: '导入完成' })).phase).toBe('done')
  })
})

describe('import dialog', () => {
  afterEach(() => {
    document.body.innerHTML = ''
    upload.mockReset()
    session.mockReset()
  })

  async function run(fail: ApiError, recorded: () => Promise<unknown>) {
    upload.mockRejectedValue(fail)
    session.mockImplementation(recorded)
    const show = ref(true)
    const el = document.createElement('div')
    document.body.appendChild(el)
    const app = createApp({
      render: () => h(ImportDialog, { modelValue: show.value, 'onUpdate:modelValue': (v: boolean) => (show.value = v), kind: 'organizations', title: '导入两新组织', hint: '按统一社会信用代码识别' }),
    }).use(ElementPlus)
    app.mount(el)
    await flush()
    const input = document.querySelector('[data-testid="import-dialog"] input[type="file"]') as HTMLInputElement
    const file = new File(['PK'], '台账.xlsx', { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' })
    Object.defineProperty(input, 'files', { value: [file] })
    input.dispatchEvent(new Event('change'))
    await flush()
    ;(document.querySelector('[data-testid="import-start"]') as HTMLButtonElement).click()
    await flush()
    // A lost connection is asked about again every 2 s: wait for the outcome.
    for (let i = 0; i < 50 && !document.querySelector('[data-testid="import-error"]'); i++) await new Promise((r) => setTimeout(r, 100))
    const alert = document.querySelector('[data-testid="import-error"]')
    app.unmount()
    return alert?.textContent || ''
  }

  it('shows the reason the server recorded when the import ended in an internal error', async () => {
    const text = await run(new ApiError(500, { code: 'internal', message: '服务器内部错误，请稍后重试' }), async () => job('failed', { message: internal }))
    expect(session).toHaveBeenCalledTimes(1)
    expect(String(session.mock.calls[0][0])).toBe(String(upload.mock.calls[0][0]).split('session=')[1])
    expect(text).toContain(internal)
  })

  it('falls back to the upload error when the server cannot be asked', async () => {
    const text = await run(new ApiError(502, { code: 'http_502', message: '网关错误' }), async () => {
      throw new ApiError(502, { code: 'http_502', message: '网关错误' })
    })
    expect(session).toHaveBeenCalledTimes(1)
    expect(text).toContain('网关错误')
  })

  it('asks again after a lost connection and shows why the restarted server failed the job', async () => {
    let calls = 0
    const text = await run(new ApiError(0, { code: 'network_error', message: '网络连接失败' }), async () => {
      calls++
      if (calls === 1) throw new ApiError(0, { code: 'network_error', message: '网络连接失败' }) // still restarting
      return job('failed', { message: restarted })
    })
    expect(calls).toBe(2)
    expect(text).toContain(restarted)
  })
})
