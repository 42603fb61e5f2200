// End-to-end browser test of 区域化共建. With the demo loaded (the 商圈's "1+7+N" alliance), a
// district clerk creates an alliance and adds a unit to it, records a need in a community of
// 洪桥街道, sees the matching resource suggested (same street), exports the need list, and
// looks at the 双报到 counts per community with their chart. A second test rates the unit that
// reported to the community (双向考核), downloads its year report, reports a roster member picked
// by remote search, signs a 共建协议, and edits a project and uploads its evidence.
//
// Run: cd e2e && npm ci && LIANGXIN_BIN=../bin/liangxin node --test cobuild.test.mjs
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { districtAPI, failOnScriptErrors, LOGIN_PROBE, loginDistrictReady, newContext, newPage, shot, startServer, state, stopServer } from './harness.mjs'

let community = { code: '', name: '' }
let unitId = 0
let rosterName = ''

before(async () => {
  await startServer('cobuild')
  const api = await districtAPI()
  const kids = await api.get('/api/v1/regions/430426001/children')
  assert.equal(kids.status, 200)
  community = kids.data.items.find((r) => r.level === 'village') || kids.data.items[0]
  const unit = await api.post('/api/v1/cobuild-units', { kind: 'institution', name: 'E2E县妇幼保健院', region_code: '430426001', contact_name: '钱院长', contact_phone: '13907349999' })
  assert.equal(unit.status, 201, `unit: ${JSON.stringify(unit.data)}`)
  const res = await api.post('/api/v1/cobuild-resources', { unit_id: unit.data.id, title: 'E2E 妇幼保健医生上门', category: 'elderly', quantity: '每月 2 次' })
  assert.equal(res.status, 201, `resource: ${JSON.stringify(res.data)}`)
  unitId = unit.data.id
  const rep = await api.post('/api/v1/cobuild-reports', { kind: 'unit', unit_id: unit.data.id, community_code: community.code, reported_on: '2026-02-01' })
  assert.equal(rep.status, 201, `report: ${JSON.stringify(rep.data)}`)
  // A roster member who has not reported anywhere yet, to report through the remote select.
  const members = await api.get('/api/v1/members?status=active&page_size=100')
  const reported = await api.get('/api/v1/cobuild-reports?kind=member&page_size=200')
  if (members.status === 200 && reported.status === 200) {
    const taken = new Set(reported.data.items.map((x) => x.member_id))
    const names = new Map()
    for (const m of members.data.items) names.set(m.name, (names.get(m.name) || 0) + 1)
    rosterName = members.data.items.find((m) => !taken.has(m.id) && names.get(m.name) === 1)?.name || ''
  }
  // The project links its own resource, so the one above stays free to be suggested.
  const res2 = await api.post('/api/v1/cobuild-resources', { unit_id: unit.data.id, title: 'E2E 体检车', category: 'elderly', quantity: '1 辆' })
  assert.equal(res2.status, 201, `resource: ${JSON.stringify(res2.data)}`)
  const proj = await api.post('/api/v1/cobuild-projects', { community_code: community.code, title: 'E2E 上门体检项目', owner: '钱院长', starts_on: '2026-03-01', ends_on: '2026-06-30', resource_ids: [res2.data.id] })
  assert.equal(proj.status, 201, `project: ${JSON.stringify(proj.data)}`)
})
after(stopServer)
failOnScriptErrors(LOGIN_PROBE)

test('alliance, need, suggested resource, export, counts', { timeout: 300_000 }, async () => {
  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginDistrictReady(page, '/cobuild/units')
    const alliances = page.locator('[data-test="alliances-table"]')
    if (state.demo) await alliances.getByText('万达商圈党建联盟').waitFor()
    await shot(page, 'cobuild-1-alliances.png')

    await page.locator('[data-test="new-alliance"]').click()
    const form = page.locator('[data-test="alliance-form"]')
    await form.locator('input[data-test="af-name"], [data-test="af-name"] input').fill('E2E 步行街党建联盟')
    await form.locator('.region-tree-select').click()
    await page.locator('.el-tree-node:visible .el-select-dropdown__item', { hasText: '洪桥街道' }).first().click()
    // The lead party organization, by remote search (first of the list offered).
    await form.locator('[data-test="af-lead"]').click()
    const lead = page.locator('.el-select-dropdown__item:visible').first()
    await lead.waitFor()
    const leadName = (await lead.locator('.opt-name').innerText()).trim()
    await lead.click()
    await form.locator('[data-test="af-submit"]').click()
    const drawer = page.locator('[data-test="alliance-drawer"]')
    await drawer.getByText('成员单位（0）').waitFor()
    await drawer.getByText(`牵头：${leadName}`).waitFor()
    await drawer.locator('[data-test="join-unit"]').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: 'E2E县妇幼保健院' }).first().click()
    await drawer.locator('.el-date-editor input').fill('2026-01-05')
    await drawer.locator('.el-date-editor input').press('Enter')
    await drawer.locator('[data-test="join-submit"]').click()
    await drawer.getByText('成员单位（1）').waitFor()
    await shot(page, 'cobuild-2-alliance-drawer.png')
    await page.keyboard.press('Escape')

    await page.goto(`${state.baseURL}/cobuild/lists`)
    await page.locator('[data-test="needs-table"]').waitFor()
    await page.locator('[data-test="new-need"]').click()
    const nf = page.locator('[data-test="need-form"]')
    await nf.locator('.region-tree-select').click()
    const street = page.locator('.el-tree-node__content:visible', { hasText: '洪桥街道' }).first()
    await street.locator('.el-tree-node__expand-icon').click()
    await page.locator('.el-tree-node:visible .el-select-dropdown__item', { hasText: community.name }).first().click()
    await nf.locator('input[data-test="nf-title"], [data-test="nf-title"] input').fill('E2E 独居老人上门体检')
    await nf.locator('[data-test="nf-category"]').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: '助老助残' }).first().click()
    await nf.locator('[data-test="nf-submit"]').click()
    const row = page.locator('[data-test="needs-table"] .el-table__row').filter({ hasText: 'E2E 独居老人上门体检' })
    await row.waitFor()
    await row.getByText('推荐资源').click()
    const dialog = page.locator('[data-test="suggest-dialog"]')
    const hit = dialog.locator('.el-table__row').filter({ hasText: 'E2E 妇幼保健医生上门' })
    await hit.waitFor()
    assert.match(await hit.innerText(), /同街道/)
    await shot(page, 'cobuild-3-suggestions.png')
    await page.keyboard.press('Escape')

    const download = page.waitForEvent('download')
    await page.locator('[data-test="list-export"]').click()
    const file = await download
    assert.match(file.suggestedFilename(), /\.xlsx$/)

    await page.goto(`${state.baseURL}/cobuild/reports`)
    await page.locator('[data-test="counts-table"]').waitFor()
    if (state.demo) await page.locator('[data-test="counts-table"] .el-table__row').first().waitFor()
    await shot(page, 'cobuild-4-counts.png')
  } finally {
    await context.close()
  }
})

test('rate a reported unit, download its year report, sign an agreement', { timeout: 300_000 }, async () => {
  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginDistrictReady(page, '/cobuild/reports')
    await page.locator('[data-test="counts-table"]').waitFor()
    await page.locator('.el-tabs__item', { hasText: '报到名册' }).click()
    const row = page.locator('[data-test="reports-table"] .el-table__row').filter({ hasText: 'E2E县妇幼保健院' })
    await row.waitFor()
    await row.getByText('考核').click()
    const form = page.locator('[data-test="rate-form"]')
    await form.getByText('E2E县妇幼保健院').waitFor()
    await form.locator('[data-test="rate-score"] input').fill('85')
    await form.locator('textarea').fill('E2E 上门服务及时，群众满意')
    await shot(page, 'cobuild-5-rate.png')
    await form.locator('[data-test="rate-submit"]').click()
    await page.locator('.el-message, .el-notification').filter({ hasText: '85 分' }).first().waitFor()

    const download = page.waitForEvent('download')
    await row.getByText('年度报告').click()
    const file = await download
    assert.match(file.suggestedFilename(), /\.xlsx$/)

    if (rosterName) {
      // 双报到 of a roster member picked by remote search.
      await page.getByRole('button', { name: '登记报到' }).click()
      const rp = page.locator('.el-dialog:visible', { hasText: '登记双报到' })
      await rp.locator('[data-test="rp-member"]').click()
      await page.keyboard.type(rosterName)
      await page.locator('.el-select-dropdown__item:visible', { hasText: rosterName }).first().click()
      await rp.locator('.region-tree-select').click()
      const st = page.locator('.el-tree-node__content:visible', { hasText: '洪桥街道' }).first()
      await st.locator('.el-tree-node__expand-icon').click()
      await page.locator('.el-tree-node:visible .el-select-dropdown__item', { hasText: community.name }).first().click()
      await rp.locator('.el-date-editor input').fill('2026-03-01')
      await rp.locator('.el-date-editor input').press('Enter')
      await shot(page, 'cobuild-5b-member-report.png')
      await rp.getByRole('button', { name: '保存' }).click()
      await page.locator('.el-message').filter({ hasText: '已登记报到' }).first().waitFor()
      await page.locator('[data-test="reports-table"] .el-table__row').filter({ hasText: rosterName }).first().waitFor()
    }

    await page.locator('.el-tabs__item', { hasText: '双向考核' }).click()
    const rated = page.locator('[data-test="ratings-table"] .el-table__row').filter({ hasText: 'E2E县妇幼保健院' })
    await rated.waitFor()
    const text = await rated.innerText()
    assert.match(text, /85/)
    assert.match(text, /良好/) // 85 is at least 80 and below 90: 良好 by default
    await shot(page, 'cobuild-6-ratings.png')

    await page.goto(`${state.baseURL}/cobuild/lists`)
    await page.locator('.el-tabs__item', { hasText: '共建协议' }).click()
    await page.locator('[data-test="agreements-table"]').waitFor()
    await page.locator('[data-test="new-agreement"]').click()
    const ag = page.locator('[data-test="agreement-form"]')
    await ag.locator('.region-tree-select').click()
    const street = page.locator('.el-tree-node__content:visible', { hasText: '洪桥街道' }).first()
    await street.locator('.el-tree-node__expand-icon').click()
    await page.locator('.el-tree-node:visible .el-select-dropdown__item', { hasText: community.name }).first().click()
    await ag.locator('[data-test="ag-unit"]').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: 'E2E县妇幼保健院' }).first().click()
    await ag.locator('input[data-test="ag-title"], [data-test="ag-title"] input').fill('E2E 健康进社区共建协议')
    const dates = ag.locator('.el-date-editor input')
    await dates.nth(0).fill('2026-01-01')
    await dates.nth(0).press('Enter')
    await dates.nth(1).fill('2026-12-31')
    await dates.nth(1).press('Enter')
    await ag.locator('[data-test="ag-submit"]').click()
    const signed = page.locator('[data-test="agreements-table"] .el-table__row').filter({ hasText: 'E2E 健康进社区共建协议' })
    await signed.waitFor()
    assert.match(await signed.innerText(), /履行中/)
    await shot(page, 'cobuild-7-agreement.png')
    assert.ok(unitId > 0)

    // The project's detail: edit status and result, upload an evidence file.
    await page.locator('.el-tabs__item', { hasText: '项目清单' }).click()
    const prow = page.locator('[data-test="projects-table"] .el-table__row').filter({ hasText: 'E2E 上门体检项目' })
    await prow.getByText('详情').click()
    const drawer = page.locator('[data-test="project-drawer"]')
    await drawer.getByText('关联资源（1）').waitFor()
    await drawer.locator('[data-test="pe-status"]').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: '实施中' }).first().click()
    await drawer.locator('textarea[data-test="pe-result"], [data-test="pe-result"] textarea').fill('E2E 已为 12 位老人体检')
    await drawer.locator('[data-test="pe-submit"]').click()
    await page.locator('.el-message').filter({ hasText: '实施中' }).first().waitFor()
    // A 1×1 PNG.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64')
    await drawer.locator('input[data-test="file-input"]').setInputFiles({ name: '体检现场.png', mimeType: 'image/png', buffer: png })
    await drawer.locator('[data-test="files-table"] .el-table__row').filter({ hasText: '体检现场.png' }).waitFor()
    await drawer.getByText('佐证材料（1）').waitFor()
    await shot(page, 'cobuild-8-project.png')
  } finally {
    await context.close()
  }
})
