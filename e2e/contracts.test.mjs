// End-to-end browser test of 购买服务: a social organization (民办非企业单位) is set up via the API;
// in the browser the district registers a contract with it (amount typed in 元), evaluates it
// (职能部门 85.5, 街道 90, 专家 77.5, 群众 66.5 with the default weights 30/30/20/20: by hand
// 25.65 + 27 + 15.5 + 13.3 = 81.45, 良好), sees the grade in the list, and finds the latest
// evaluation on the organization's detail page. Set-up from harness.mjs.
//
// Run: cd e2e && npm ci && LIANGXIN_BIN=../bin/liangxin node --test contracts.test.mjs
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { districtAPI, failOnScriptErrors, LOGIN_PROBE, loginDistrict, newContext, newPage, shot, startServer, state, stopServer } from './harness.mjs'

const ORG = '祁东县阳光社工服务中心'

before(async () => {
  await startServer('contracts')
  const api = await districtAPI()
  const unit = await api.post('/api/v1/organizations', {
    name: ORG, uscc: '52430426123456788D', category: 'private_non_enterprise', region_code: '430426001001', registered_on: '2019-05-01',
  })
  assert.equal(unit.status, 201, `organization: ${JSON.stringify(unit.data)}`)
  state.seeded = { org: unit.data }
})
after(stopServer)
failOnScriptErrors(LOGIN_PROBE)

function field(dialog, name) {
  return dialog.locator(`input[data-test="${name}"], [data-test="${name}"] input, textarea[data-test="${name}"], [data-test="${name}"] textarea`).first()
}

test('contract: register, evaluate, grade on the organization page', { timeout: 240_000 }, async () => {
  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginDistrict(page, '/contracts')
    await page.locator('[data-test="contracts-table"]').waitFor()

    // The contract dialog.
    await page.locator('[data-test="contract-new"]').click()
    const dialog = page.locator('[data-test="contract-form"]')
    await dialog.locator('[data-test="contract-save"]').waitFor()
    await dialog.locator('[data-test="contract-org"]').click()
    await page.keyboard.type('阳光社工')
    const opt = page.locator('.el-select-dropdown__item:visible', { hasText: ORG })
    await opt.first().waitFor()
    await opt.first().click()
    await field(dialog, 'contract-department').fill('祁东县民政局')
    await field(dialog, 'contract-content').fill('社区居家养老上门服务、助餐服务')
    const range = dialog.locator('.el-range-input')
    await range.nth(0).fill('2026-01-01')
    await range.nth(1).fill('2026-12-31')
    await range.nth(1).press('Enter')
    await field(dialog, 'contract-amount').fill('120000.5')
    await shot(page, 'contracts-1-dialog.png')
    await dialog.locator('[data-test="contract-save"]').click()
    await page.locator('.el-message--success').last().waitFor()
    const row = page.locator('[data-test="contracts-table"] .el-table__row').filter({ hasText: ORG })
    await row.waitFor()
    assert.match(await row.innerText(), /120000\.50/)
    assert.match(await row.innerText(), /未评估/)

    // The evaluation dialog: the preview and the stored result agree with the hand computation.
    await row.locator('[data-test="contract-evaluate"]').click()
    const ev = page.locator('[data-test="evaluation-dialog"]')
    await ev.locator('[data-test="evaluation-save"]').waitFor()
    for (const [k, v] of [['department', '85.5'], ['street', '90'], ['expert', '77.5'], ['public', '66.5']]) {
      await field(ev, `score-${k}`).fill(v)
    }
    await ev.locator('[data-test="evaluation-preview"]').filter({ hasText: '81.45' }).waitFor()
    await shot(page, 'contracts-2-evaluation.png')
    await ev.locator('[data-test="evaluation-save"]').click()
    await page.locator('.el-message--success', { hasText: '81.45' }).last().waitFor()
    await row.locator('[data-test="contract-grade"]').filter({ hasText: '良好' }).waitFor()
    assert.match(await row.locator('[data-test="contract-result"]').innerText(), /81\.45/)
    await shot(page, 'contracts-3-list.png')

    // The organization's detail page shows the latest evaluation.
    await page.goto(`${state.baseURL}/organizations?q=${encodeURIComponent('阳光社工')}`)
    const orgRow = page.locator('[data-testid="org-table"] .el-table__row').filter({ hasText: ORG })
    await orgRow.waitFor()
    await orgRow.locator('.name-link').click()
    const rating = page.locator('[data-test="org-service-rating"]')
    await rating.waitFor()
    assert.match(await rating.locator('[data-test="org-service-grade"]').innerText(), /良好/)
    assert.match(await rating.locator('[data-test="org-service-result"]').innerText(), /81\.45/)
    assert.match(await rating.innerText(), /祁东县民政局/)
    await rating.scrollIntoViewIfNeeded()
    await shot(page, 'contracts-4-organization.png')
  } finally {
    await context.close()
  }
})
