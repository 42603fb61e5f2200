// End-to-end browser test of the work loop: the district publishes a 学习清单 (drafted through the
// API) in the browser; a party-organization account opens it in its inbox (its read receipt
// appears in the district's statistics) and marks an item done; a task is listed (挂牌), the party
// organization asks to close it (申请销号) and the district accepts it (销号). Set-up from harness.mjs.
//
// Run: cd e2e && npm ci && LIANGXIN_BIN=../bin/liangxin node --test workloop.test.mjs
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { cli, day, districtAPI, failOnScriptErrors, LOGIN_PROBE, loginAndChange, loginDistrict, login, newContext, newPage, shot, startServer, state, stopServer } from './harness.mjs'

const PO_USER = { username: 'zhibu1', initial: 'Zb#Pass2026init', password: 'Zb#Qidong-2026e2e' }

before(async () => {
  await startServer('workloop')
  const api = await districtAPI()
  const unit = await api.post('/api/v1/organizations', { name: '祁东县工作提示测试科技有限公司', category: 'individual_business', region_code: '430426001', full_members: 4, registered_on: '2020-01-01' })
  assert.equal(unit.status, 201, `organization: ${JSON.stringify(unit.data)}`)
  const po = await api.post('/api/v1/party-orgs', { name: '祁东县工作提示测试科技有限公司党支部', kind: 'branch', formation: 'single', established_on: day(-400), covers: [unit.data.id] })
  assert.equal(po.status, 201, `party org: ${JSON.stringify(po.data)}`)
  const other = await api.post('/api/v1/organizations', { name: '玉合测试商贸有限公司', category: 'individual_business', region_code: '430426002', full_members: 3, registered_on: '2020-01-01' })
  const po2 = await api.post('/api/v1/party-orgs', { name: '玉合测试商贸有限公司党支部', kind: 'branch', formation: 'single', established_on: day(-400), covers: [other.data.id] })
  assert.equal(po2.status, 201, `party org 2: ${JSON.stringify(po2.data)}`)
  const year = new Date().getFullYear()
  const q = Math.floor(new Date().getMonth() / 3) + 1
  const n = await api.post('/api/v1/notices', {
    kind: 'study',
    title: `${year}年第${q}季度学习清单（E2E）`,
    body: '各党组织：\n请按以下内容组织学习，并于季度末前标记完成。\n- 集中学习不少于 2 次\n- 结合实际开展研讨',
    period: `${year}-Q${q}`,
    region_code: '430426',
    items: ['学习党的二十届四中全会精神', '开展一次“学习强企”主题党日'],
  })
  assert.equal(n.status, 201, `notice: ${JSON.stringify(n.data)}`)
  await cli('user', 'create', '--data', state.dataDir, '--username', PO_USER.username, '--name', '测试支部书记', '--role', 'party_org', '--party-org-id', String(po.data.id), '--password', PO_USER.initial)
  state.seeded = { po: po.data, notice: n.data }
})
after(stopServer)
failOnScriptErrors(LOGIN_PROBE)

test('notice: the district publishes, the party organization reads (receipt) and marks an item done', { timeout: 240_000 }, async () => {
  const { notice } = state.seeded
  const district = await newContext()
  const page = await newPage(district)
  try {
    await loginDistrict(page, '/notices')
    const row = page.locator('[data-test="notices-table"] .el-table__row').filter({ hasText: 'E2E' })
    await row.waitFor()
    assert.match(await row.innerText(), /草稿/)
    await page.locator(`[data-test="open-notice-${notice.id}"]`).click()
    const drawer = page.locator('[data-test="notice-drawer"]')
    await drawer.locator('[data-test="publish"]').click()
    await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click()
    await drawer.locator('[data-test="notice-state"]').filter({ hasText: '已发布' }).waitFor()
    await drawer.locator('[data-test="receipts-by-street"]').waitFor()
    assert.match(await drawer.innerText(), /0\/\d+ 已阅读/)
    await shot(page, 'workloop-1-published.png')
  } finally {
    await district.close()
  }

  const poCtx = await newContext()
  const po = await newPage(poCtx)
  try {
    await loginAndChange(po, PO_USER.username, PO_USER.initial, PO_USER.password)
    await po.goto(`${state.baseURL}/notices`)
    const row = po.locator('[data-test="notices-table"] .el-table__row').filter({ hasText: 'E2E' })
    await row.waitFor()
    assert.match(await row.innerText(), /未阅读/)
    await shot(po, 'workloop-2-inbox.png')
    await po.locator(`[data-test="open-notice-${notice.id}"]`).click()
    const drawer = po.locator('[data-test="notice-drawer"]')
    await drawer.locator('[data-test="my-receipt"]').waitFor()
    await drawer.locator('[data-test="done-1"]').click()
    const dialog = po.locator('[data-test="done-dialog"]')
    await dialog.locator('textarea').fill('支部集中学习两次，形成学习记录')
    await dialog.locator('[data-test="save-done"]').click()
    await drawer.getByText(/已完成 \d{4}-\d{2}-\d{2}/).waitFor()
    await shot(po, 'workloop-3-party-org-done.png')
  } finally {
    await poCtx.close()
  }

  // The receipt is in the district's statistics: the one read is 洪桥's test branch; 玉合's is unread.
  const api = await districtAPI()
  const sum = (await api.get(`/api/v1/notices/${notice.id}/receipts/by-street`)).data
  assert.equal(sum.total.read, 1)
  assert.equal(sum.streets.find((s) => s.street_name === '洪桥街道').read, 1)
  const mine = (await api.get(`/api/v1/notices/${notice.id}/receipts?status=read`)).data
  assert.deepEqual(mine.items.map((r) => [r.party_org_name, r.read_by, r.items_done]), [['祁东县工作提示测试科技有限公司党支部', '测试支部书记', 1]])
  const unread = (await api.get(`/api/v1/notices/${notice.id}/receipts?status=unread&q=玉合测试`)).data
  assert.equal(unread.total, 1)
  const xlsx = await api.bytes(`/api/v1/notices/${notice.id}/receipts/export?status=unread`)
  assert.equal(xlsx.status, 200)
  assert.equal(xlsx.body.subarray(0, 2).toString(), 'PK')

  const again = await newContext()
  const page2 = await newPage(again)
  try {
    await loginDistrict(page2)
    await page2.goto(`${state.baseURL}/notices`)
    await page2.locator(`[data-test="open-notice-${notice.id}"]`).click()
    const drawer = page2.locator('[data-test="notice-drawer"]')
    await drawer.getByText(/\b1\/\d+ 已阅读/).waitFor()
    await drawer.locator('[data-test="receipt-status"]').click()
    await page2.locator('.el-select-dropdown__item').filter({ hasText: /^已阅读$/ }).click()
    await drawer.locator('[data-test="receipts-table"]').getByText('测试支部书记', { exact: false }).waitFor()
    await shot(page2, 'workloop-4-receipts.png')
  } finally {
    await again.close()
  }
})

test('task: 挂牌 → 申请销号 (party organization) → 销号 (district)', { timeout: 240_000 }, async () => {
  const { po } = state.seeded
  const api = await districtAPI()
  const t = await api.post('/api/v1/tasks', { title: 'E2E：完成党员活动室“六有”建设', detail: '对照六有标准补齐标识和制度上墙', assignee_kind: 'party_org', party_org_id: po.id, deadline: day(30) })
  assert.equal(t.status, 201, `task: ${JSON.stringify(t.data)}`)
  const late = await api.post('/api/v1/tasks', { title: 'E2E：上报年度党建工作总结', assignee_kind: 'region', region_code: '430426002', deadline: day(-5) })
  assert.equal(late.status, 201)

  const poCtx = await newContext()
  const pg = await newPage(poCtx)
  try {
    await login(pg, PO_USER.username, PO_USER.password)
    await pg.waitForURL(`${state.baseURL}/`)
    await pg.goto(`${state.baseURL}/tasks`)
    const rows = pg.locator('[data-test="tasks-table"] .el-table__row')
    await rows.filter({ hasText: '六有' }).waitFor()
    assert.equal(await rows.count(), 1, 'the party organization sees its own task only')
    await pg.locator(`[data-test="open-task-${t.data.id}"]`).click()
    const drawer = pg.locator('[data-test="task-drawer"]')
    const steps = await drawer.locator('[data-test="task-steps"]').innerText()
    assert.match(steps, /申请销号/)
    assert.equal(await drawer.locator('[data-test="step-accept"], [data-test="step-send_back"]').count(), 0, '销号 and 退回 are the district’s')
    await drawer.locator('[data-test="step-request_close"]').click()
    await drawer.locator('[data-test="step-note"] textarea, textarea[data-test="step-note"]').fill('标识已上墙，制度已张贴，附照片说明')
    await drawer.locator('[data-test="submit-step"]').click()
    await drawer.locator('[data-test="task-state"]').filter({ hasText: '待销号' }).waitFor()
    await shot(pg, 'workloop-5-request-close.png')
  } finally {
    await poCtx.close()
  }

  const dCtx = await newContext()
  const page = await newPage(dCtx)
  try {
    await loginDistrict(page, '/tasks')
    await page.locator('[data-test="tasks-by-street"]').waitFor()
    assert.match(await page.locator('[data-test="tasks-by-street"]').innerText(), /超期 \d+/)
    assert.match(await page.locator('[data-test="task-tabs"]').innerText(), /待销号 [1-9]/)
    await shot(page, 'workloop-6-tasks.png')
    await page.locator(`[data-test="open-task-${t.data.id}"]`).click()
    const drawer = page.locator('[data-test="task-drawer"]')
    await drawer.locator('[data-test="step-accept"]').click()
    await drawer.locator('[data-test="submit-step"]').click()
    await drawer.locator('[data-test="task-state"]').filter({ hasText: '已销号' }).waitFor()
    const timeline = await drawer.locator('[data-test="task-timeline"]').innerText()
    for (const s of ['挂牌', '申请销号', '销号']) assert.match(timeline, new RegExp(s))
    await shot(page, 'workloop-7-closed.png')
  } finally {
    await dCtx.close()
  }
  // The same step again, with the old version, is refused.
  const stale = await api.post(`/api/v1/tasks/${t.data.id}/actions`, { action: 'accept', version: 2, note: '' })
  assert.equal(stale.status, 409)
})
