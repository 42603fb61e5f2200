// End-to-end browser test of the venue standards (阵地达标): a venue (党员活动室) is set up via
// the API; in the browser its detail drawer records a 六有 inspection that fails 有党旗 (the item's
// checkbox cleared, a note), an evidence photo is uploaded, the venue shows 未达标 in the drawer
// and in the register, and it appears on the below-standard work list with the failed item; the
// report tab draws its charts. Then the 达标标准 tab lists 六有 with its versions, a new standard
// is added (a missing field is named next to it) and a second version of it supersedes the
// first. Set-up from harness.mjs.
//
// Run: cd e2e && npm ci && LIANGXIN_BIN=../bin/liangxin node --test venue-standards.test.mjs
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { districtAPI, failOnScriptErrors, LOGIN_PROBE, loginDistrict, newContext, newPage, shot, startServer, state, stopServer } from './harness.mjs'

// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')

before(async () => {
  await startServer('venue-standards')
  const api = await districtAPI()
  const unit = await api.post('/api/v1/organizations', { name: '祁东县达标测试商行', category: 'individual_business', region_code: '430426001001', full_members: 3, registered_on: '2020-01-01' })
  assert.equal(unit.status, 201, `organization: ${JSON.stringify(unit.data)}`)
  const branch = await api.post('/api/v1/party-orgs', { name: '中共祁东县达标测试商行支部委员会', kind: 'branch', formation: 'single', established_on: '2024-01-01', covers: [unit.data.id] })
  assert.equal(branch.status, 201, `party organization: ${JSON.stringify(branch.data)}`)
  const venue = await api.post('/api/v1/venues', {
    name: '达标测试党员活动室', kind: 'activity_room', party_org_id: branch.data.id, region_code: '430426001', address: '洪桥街道人民路8号',
    hours: [{ weekday: 1, open: '09:00', close: '17:30' }], rooms: [{ name: '活动室', capacity: 20 }],
  })
  assert.equal(venue.status, 201, `venue: ${JSON.stringify(venue.data)}`)
  state.seeded = { venue: venue.data }
})
after(stopServer)
failOnScriptErrors(LOGIN_PROBE)

test('venue standards: a failed 六有 inspection makes the venue 未达标 and puts it on the work list', { timeout: 240_000 }, async () => {
  const { venue } = state.seeded
  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginDistrict(page, '/venues')
    const row = page.locator('[data-test="venues-table"] .el-table__row').filter({ hasText: '达标测试党员活动室' })
    await row.waitFor()
    assert.match(await row.locator(`[data-test="status-${venue.id}"]`).innerText(), /未检查/)

    await page.locator(`[data-test="detail-${venue.id}"]`).click()
    const drawer = page.locator('[data-test="venue-detail"]')
    await drawer.locator('[data-test="standard-status"]').filter({ hasText: '未检查' }).waitFor()
    await drawer.getByRole('tab', { name: '达标检查' }).click()
    await drawer.locator('[data-test="new-inspection"]').click()
    const dialog = page.locator('.el-dialog').filter({ has: page.locator('[data-test="inspection-save"]') })
    await dialog.waitFor()
    await dialog.locator('[data-test="inspection-checklist"]').click()
    await page.locator('.el-select-dropdown__item').filter({ hasText: '六有（第 1 版）' }).click()
    await dialog.locator('[data-test="check-6"]').waitFor()
    await dialog.locator('input[data-test="inspection-inspector"], [data-test="inspection-inspector"] input').fill('洪桥街道组织委员')
    await dialog.locator('[data-test="check-4"] .el-checkbox').click()
    await dialog.locator('[data-test="check-4"] input[placeholder^="未达标"]').fill('党旗破损未更换')
    await shot(page, 'venue-standards-1-inspection.png')
    await dialog.locator('[data-test="inspection-save"]').click()
    await page.locator('.el-message--success').filter({ hasText: '检查已登记：未达标' }).waitFor()
    await drawer.locator('[data-test="standard-status"]').filter({ hasText: '未达标' }).waitFor()
    const card = drawer.locator('[data-test^="inspection-"]').first()
    assert.match(await card.innerText(), /✗ 有党旗：党旗破损未更换/)
    assert.match(await card.innerText(), /✓ 有场所/)

    // Evidence photo on the inspection.
    await card.locator('input[type="file"]').setInputFiles({ name: 'flag.png', mimeType: 'image/png', buffer: PNG })
    await page.locator('.el-message--success').filter({ hasText: '照片已上传' }).waitFor()
    await card.locator('.el-image').first().waitFor()
    await shot(page, 'venue-standards-2-history.png')

    await page.keyboard.press('Escape')
    await drawer.waitFor({ state: 'hidden' })
    await row.locator(`[data-test="status-${venue.id}"]`).filter({ hasText: '未达标' }).waitFor()
    await shot(page, 'venue-standards-3-register.png')

    await page.getByRole('tab', { name: '未达标清单' }).click()
    const item = page.locator('[data-test="below-standard-table"] .el-table__row').filter({ hasText: '达标测试党员活动室' })
    await item.waitFor()
    assert.match(await item.innerText(), /有党旗/)
    assert.match(await item.innerText(), /党旗破损未更换/)
    await shot(page, 'venue-standards-4-below-standard.png')

    await page.getByRole('tab', { name: '统计报表' }).click()
    const report = page.locator('[data-test="venue-report"]')
    await report.locator('canvas').first().waitFor()
    assert.match(await report.innerText(), /未达标/)
    await shot(page, 'venue-standards-5-report.png')
  } finally {
    await context.close()
  }
})

test('venue standards: the 达标标准 tab lists the standards and adds a standard and its next version', { timeout: 240_000 }, async () => {
  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginDistrict(page, '/venues')
    await page.getByRole('tab', { name: '达标标准' }).click()
    const panel = page.locator('[data-test="checklists-panel"]')
    await panel.locator('.el-card').filter({ hasText: '六有' }).first().waitFor()
    assert.match(await panel.innerText(), /有党旗/)

    await panel.locator('[data-test="new-checklist"]').click()
    const dialog = page.locator('.el-dialog').filter({ has: page.locator('[data-test="checklist-save"]') })
    await dialog.locator('[data-test="checklist-save"]').waitFor()
    await dialog.locator('input[placeholder="如 liuyou"]').fill('e2e_std')
    await dialog.locator('[data-test="checklist-name"] input, input[data-test="checklist-name"]').first().fill('测试驿站标准')
    await dialog.locator('[data-test="checklist-item-name-0"] input, input[data-test="checklist-item-name-0"]').first().fill('有标识牌')
    await dialog.locator('[data-test="checklist-save"]').click()
    // No kind chosen: the message stands next to the field and nothing is sent.
    await dialog.locator('.el-form-item__error').filter({ hasText: '请选择适用的阵地类型' }).waitFor()
    await dialog.locator('.el-checkbox').filter({ hasText: '红色驿站' }).click()
    await dialog.locator('[data-test="checklist-add-item"]').click()
    await dialog.locator('[data-test="checklist-item-name-1"] input, input[data-test="checklist-item-name-1"]').first().fill('有服务台账')
    await dialog.locator('[data-test="checklist-item-note-1"] input, input[data-test="checklist-item-note-1"]').first().fill('按月登记来访群众')
    await shot(page, 'venue-standards-6-new-standard.png')
    await dialog.locator('[data-test="checklist-save"]').click()
    await page.locator('.el-message--success').filter({ hasText: '测试驿站标准」第 1 版' }).waitFor()
    const card = panel.locator('[data-test="checklist-e2e_std"]')
    await card.waitFor()
    assert.match(await card.innerText(), /有服务台账/)
    assert.match(await card.innerText(), /红色驿站/)

    // The next version: prefilled, and its date must come after the first version's.
    await card.locator('[data-test="new-version-e2e_std"]').click()
    await dialog.locator('[data-test="checklist-save"]').waitFor()
    assert.equal(await dialog.locator('input[placeholder="如 liuyou"]').inputValue(), 'e2e_std')
    await dialog.locator('[data-test="checklist-save"]').click()
    await dialog.locator('.el-form-item__error').filter({ hasText: '新版本的生效日期应晚于上一版本的生效日期' }).waitFor()
    const from = dialog.locator('input[placeholder="生效日期"]')
    await from.fill('2099-01-01')
    await from.press('Enter')
    await dialog.locator('[data-test="checklist-add-item"]').click()
    await dialog.locator('[data-test="checklist-item-name-2"] input, input[data-test="checklist-item-name-2"]').first().fill('有志愿者名册')
    await dialog.locator('[data-test="checklist-save"]').click()
    await page.locator('.el-message--success').filter({ hasText: '第 2 版，2099-01-01 起生效' }).waitFor()
    await card.filter({ hasText: '共 2 个版本' }).waitFor()
    // The first version now ends the day before the second takes effect.
    assert.match(await card.innerText(), /2098-12-31/)
    assert.match(await card.innerText(), /待生效/)
    assert.match(await card.innerText(), /有志愿者名册/)
    await shot(page, 'venue-standards-7-versions.png')
  } finally {
    await context.close()
  }
})
