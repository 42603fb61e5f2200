// End-to-end browser test of 订单式服务: a handler unit and one request (接单) are set up via the
// API; then in the browser the desk is opened, the request is transferred (转单) to the unit,
// finished (办结), answered to the requester as 不满意 (回单) and reopened (重新办理), each step
// confirmed in a dialog; the timeline in the drawer shows every step. With the demo loaded, a request
// is raised from an instructor visit (提出诉求) and listed under it. Set-up from harness.mjs.
//
// Run: cd e2e && npm ci && LIANGXIN_BIN=../bin/liangxin node --test services.test.mjs
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiClient, cli, districtAPI, failOnScriptErrors, LOGIN_PROBE, loginAndChange, loginDistrict, newContext, newPage, shot, startServer, state, stopServer } from './harness.mjs'

before(async () => {
  await startServer('services')
  const api = await districtAPI()
  const unit = await api.post('/api/v1/service-handler-units', { name: '县工业和信息化局', kind: 'department', region_code: '430426' })
  assert.equal(unit.status, 201, `unit: ${JSON.stringify(unit.data)}`)
  const req = await api.post('/api/v1/service-requests', {
    source: 'dialogue',
    category_id: 3,
    content: 'E2E：企业在政企对话会上反映招工难，希望对接人才招聘会',
    requester_name: '刘经理',
    requester_phone: '13907341234',
    region_code: '430426001',
  })
  assert.equal(req.status, 201, `request: ${JSON.stringify(req.data)}`)
  state.seeded = { unit: unit.data, req: req.data }
})
after(stopServer)
failOnScriptErrors(LOGIN_PROBE)

/** Clicks a step in the drawer, fills its dialog with fill(dialog) and confirms twice (dialog, then the confirmation box). */
async function step(page, action, fill) {
  await page.locator(`[data-test="act-${action}"]`).click()
  if (fill) {
    const dialog = page.locator('.el-dialog').filter({ has: page.locator('[data-test="action-submit"]') })
    await dialog.waitFor()
    await fill(dialog)
    await dialog.locator('[data-test="action-submit"]').click()
  }
  await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click()
  await page.locator('.el-message--success').last().waitFor()
}

test('desk: 转单 → 办结 → 回单（不满意） → 重新办理', { timeout: 240_000 }, async () => {
  const { unit, req } = state.seeded
  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginDistrict(page, '/services')
    const row = page.locator('[data-test="requests-table"] .el-table__row').filter({ hasText: '招工难' })
    await row.waitFor()
    assert.match(await row.innerText(), /已接单/)
    // The demo's open requests count too: the tab shows what the API counts.
    const received = await (await districtAPI()).get('/api/v1/service-requests?state=received&page_size=1')
    assert.match(await page.locator('.el-tabs').innerText(), new RegExp(`已接单 ${received.data.total}`))
    await shot(page, 'services-1-desk.png')

    await page.locator(`[data-test="open-${req.id}"]`).click()
    const drawer = page.locator('[data-test="request-drawer"]')
    await drawer.getByText('刘经理').waitFor()
    assert.match(await drawer.innerText(), /139\*\*\*\*1234/)

    await step(page, 'transfer', async (d) => {
      await d.locator('[data-test="action-unit"]').click()
      await page.locator('.el-select-dropdown__item').filter({ hasText: unit.name }).click()
      await d.locator('textarea[data-test="action-reason"], [data-test="action-reason"] textarea').fill('涉及人才招聘，转县人社局承办')
    })
    await drawer.locator('[data-test="drawer-state"]').filter({ hasText: '已转单' }).waitFor()
    assert.match(await drawer.innerText(), /县工业和信息化局/)
    await shot(page, 'services-2-transferred.png')

    await step(page, 'finish', async (d) => {
      await d.locator('textarea[data-test="action-result"], [data-test="action-result"] textarea').fill('已邀请企业参加12月人才招聘专场，提供岗位信息发布')
    })
    await drawer.locator('[data-test="drawer-state"]').filter({ hasText: '已办结' }).waitFor()

    await step(page, 'reply', async (d) => {
      await d.locator('input[data-test="action-replied-by"], [data-test="action-replied-by"] input').fill('王干事')
      await d.getByText('不满意').click()
    })
    await drawer.locator('[data-test="drawer-state"]').filter({ hasText: '已回单' }).waitFor()
    assert.match(await drawer.innerText(), /不满意/)
    await shot(page, 'services-3-replied.png')

    await step(page, 'reopen', async (d) => {
      await d.locator('textarea[data-test="action-reason"], [data-test="action-reason"] textarea').fill('企业反映招聘会岗位不对口，要求重新对接')
    })
    await drawer.locator('[data-test="drawer-state"]').filter({ hasText: '已接单' }).waitFor()
    const timeline = await drawer.locator('.el-timeline').innerText()
    for (const s of ['接单', '转单', '办结', '回单', '重新办理']) assert.match(timeline, new RegExp(s))
    assert.match(await drawer.innerText(), /重新办理 1 次/)
    await shot(page, 'services-4-reopened.png')
  } finally {
    await context.close()
  }
})

test('handler (承办单位经办人): sees its unit’s transferred request, 办结, never another unit’s', { timeout: 240_000 }, async () => {
  const api = await districtAPI()
  const mk = async (name) => {
    const r = await api.post('/api/v1/service-handler-units', { name, kind: 'department', region_code: '430426' })
    assert.equal(r.status, 201, `unit: ${JSON.stringify(r.data)}`)
    return r.data
  }
  const ours = await mk('县商务局')
  const theirs = await mk('县自然资源局')
  const take = async (content, unit) => {
    const r = await api.post('/api/v1/service-requests', {
      source: 'phone',
      category_id: 1,
      content,
      requester_name: '陈女士',
      requester_phone: '13807345678',
      region_code: '430426001',
    })
    assert.equal(r.status, 201, `request: ${JSON.stringify(r.data)}`)
    const t = await api.post(`/api/v1/service-requests/${r.data.id}/actions`, { action: 'transfer', version: r.data.version, handler_unit_id: unit.id })
    assert.equal(t.status, 200, `transfer: ${JSON.stringify(t.data)}`)
    return t.data
  }
  const mine = await take('E2E：企业咨询食品经营许可证延续办理', ours)
  const other = await take('E2E：企业反映厂区周边道路积水', theirs)
  // The console binds the account to the unit (the security administrator does the same in 用户管理).
  const initial = 'Jb#Pass2026init'
  await cli('user', 'create', '--data', state.dataDir, '--username', 'jingban1', '--name', '市监局经办人', '--role', 'handler', '--handler-unit-id', String(ours.id), '--password', initial)

  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginAndChange(page, 'jingban1', initial, 'Jb#Qidong-2026e2e', /\/services$/)
    const desk = page.locator('[data-test="service-desk"]')
    await desk.getByText('我的待办/承办').first().waitFor()
    const rows = page.locator('[data-test="requests-table"] .el-table__row')
    await rows.filter({ hasText: '食品经营许可证' }).waitFor()
    assert.equal(await rows.count(), 1, 'the handler sees its unit’s request only')
    assert.doesNotMatch(await page.locator('[data-test="requests-table"]').innerText(), /道路积水/)
    assert.match(await page.locator('.el-tabs').innerText(), /已转单 1/)
    const menu = await page.locator('.el-menu').first().innerText()
    assert.match(menu, /我的待办\/承办/)
    assert.doesNotMatch(menu, /两新组织|党员花名册|首页/)
    await shot(page, 'services-5-handler-inbox.png')

    await page.locator(`[data-test="open-${mine.id}"]`).click()
    const drawer = page.locator('[data-test="request-drawer"]')
    await drawer.getByText('陈女士').waitFor()
    const steps = await drawer.locator('[data-test="drawer-actions"]').innerText()
    assert.match(steps, /办结/)
    assert.match(steps, /退回/)
    assert.doesNotMatch(steps, /转单|暂停/)
    assert.equal(await drawer.locator('[data-test="reveal"]').count(), 0, 'a handler cannot reveal the phone')
    await step(page, 'finish', async (d) => {
      await d.locator('textarea[data-test="action-result"], [data-test="action-result"] textarea').fill('已指导企业通过线上平台提交延续申请')
    })
    await page.locator('[data-test="requests-table"]').getByText('暂无诉求').waitFor()
    await shot(page, 'services-6-handler-finished.png')

    // Another unit's request is not found to the same account through the API.
    const h = apiClient(state.baseURL)
    assert.equal((await h.post('/api/v1/auth/login', { username: 'jingban1', password: 'Jb#Qidong-2026e2e' })).status, 200)
    assert.equal((await h.get(`/api/v1/service-requests/${other.id}`)).status, 404)
    assert.equal((await h.get(`/api/v1/service-requests/${other.id}/timeline`)).status, 404)
    assert.equal((await h.get('/api/v1/organizations')).status, 403)
  } finally {
    await context.close()
  }
  const done = await api.get(`/api/v1/service-requests/${mine.id}`)
  assert.equal(done.data.state, 'done')
})

test('visit: 提出诉求 from a demo instructor visit, listed under the visit', { timeout: 240_000 }, async (t) => {
  if (!state.demo) return t.skip('no demo data')
  const api = await districtAPI()
  const list = await api.get('/api/v1/instructors?page_size=20')
  assert.equal(list.status, 200)
  let found = null
  for (const i of list.data.items) {
    const v = await api.get(`/api/v1/instructors/${i.id}/visits?page_size=1`)
    if (v.status === 200 && v.data.items.length) {
      found = { instructor: i, visit: v.data.items[0] }
      break
    }
  }
  assert.ok(found, 'a demo instructor has visits')
  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginDistrict(page, `/instructors?instructor=${found.instructor.id}`)
    const raise = page.locator('[data-testid="visit-raise"]').first()
    await raise.waitFor()
    await raise.click()
    const dialog = page.locator('[data-test="request-form"]')
    await dialog.waitFor()
    assert.match(await dialog.locator('[data-test="form-origin"]').innerText(), /指导员走访/)
    await dialog.locator('textarea[data-test="form-content"], [data-test="form-content"] textarea').fill('E2E：走访中企业反映用工难，希望对接招聘')
    await dialog.locator('input[data-test="form-name"], [data-test="form-name"] input').fill('赵经理')
    await dialog.locator('.region-tree-select').click()
    const option = page.locator('.el-tree-select__popper:visible .el-tree-node__content', { hasText: '洪桥街道' })
    await option.first().waitFor()
    await option.first().click()
    await dialog.locator('[data-test="form-save"]').click()
    await page.locator('.el-message--success').last().waitFor()
    await page.locator('[data-testid="visit-request"]', { hasText: '已接单' }).first().waitFor()
    await shot(page, 'services-visit-request.png')
    const raised = await api.get(`/api/v1/service-requests?origin_kind=visit&origin_id=${found.visit.id}`)
    assert.equal(raised.status, 200)
    assert.ok(raised.data.items.some((r) => r.content.includes('走访中企业反映用工难') && r.source === 'instructor_visit'), JSON.stringify(raised.data.items))
  } finally {
    await context.close()
  }
})
