// End-to-end browser test of 经费保障: a 单建 党支部 (established 2024, so 5000 元 for the year) is set up
// via the API and the year's entitlements are computed; in the browser the funds page lists it with
// 应拨 5,000.00, an allocation of 3000 元 is recorded against a voucher, a spending of 1234.56 元 is
// recorded, and a spending over the balance is refused with a message naming the balance (1765.44).
// Set-up from harness.mjs.
//
// Run: cd e2e && npm ci && LIANGXIN_BIN=../bin/liangxin node --test funds.test.mjs
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { districtAPI, failOnScriptErrors, LOGIN_PROBE, loginDistrict, newContext, newPage, shot, startServer, state, stopServer } from './harness.mjs'

const year = new Date().getFullYear()

before(async () => {
  await startServer('funds')
  const api = await districtAPI()
  const unit = await api.post('/api/v1/organizations', { name: '祁东县经费测试商行', category: 'individual_business', region_code: '430426001001', full_members: 3, registered_on: '2020-01-01' })
  assert.equal(unit.status, 201, `organization: ${JSON.stringify(unit.data)}`)
  const branch = await api.post('/api/v1/party-orgs', { name: '中共祁东县经费测试商行支部委员会', kind: 'branch', formation: 'single', established_on: '2024-01-01', covers: [unit.data.id] })
  assert.equal(branch.status, 201, `party organization: ${JSON.stringify(branch.data)}`)
  const std = await api.get(`/api/v1/funds/standard?year=${year}`)
  if (std.status === 404) {
    // A year the migration did not seed: copy the seeds' figures.
    const rates = []
    for (const kind of ['committee', 'general_branch', 'branch']) {
      for (const formation of ['single', 'joint', 'regional', 'industry']) {
        rates.push({ kind, formation, amount: formation !== 'single' ? '8000' : { committee: '15000', general_branch: '8000', branch: '5000' }[kind] })
      }
    }
    const put = await api.put('/api/v1/funds/standard', { year, rates, startup: '8000', return_ratio: { num: 1, den: 1 }, match_ratio: { num: 0, den: 1 }, proration: 'months', note: '' })
    assert.equal(put.status, 200, `standard: ${JSON.stringify(put.data)}`)
  }
  const rc = await api.post('/api/v1/funds/recompute', { year })
  assert.equal(rc.status, 200, `recompute: ${JSON.stringify(rc.data)}`)
  state.seeded = { branch: branch.data }
})
after(stopServer)
// The refused spending answers 409 on purpose.
failOnScriptErrors(LOGIN_PROBE, /Failed to load resource: .*409 \(Conflict\)/)

async function fill(dialog, testid, value) {
  await dialog.locator(`input[data-test="${testid}"], [data-test="${testid}"] input`).fill(value)
}

test('funds: allocate, spend, and a spending over the balance refused', { timeout: 240_000 }, async () => {
  const { branch } = state.seeded
  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginDistrict(page, '/funds')
    const row = page.locator('[data-test="funds-table"] .el-table__row').filter({ hasText: '经费测试商行' })
    await row.waitFor()
    assert.match(await row.innerText(), /5,000\.00/)
    await shot(page, 'funds-1-entitlements.png')

    await page.locator(`[data-test="allocate-${branch.id}"]`).first().click()
    const alloc = page.locator('.el-dialog').filter({ has: page.locator('[data-test="allocate-save"]') })
    await alloc.waitFor()
    await fill(alloc, 'allocate-amount', '3000')
    await fill(alloc, 'allocate-voucher', '测试拨〔2026〕901号')
    await alloc.locator('[data-test="allocate-save"]').click()
    await page.locator('.el-message--success').filter({ hasText: '已拨付' }).waitFor()
    await row.filter({ hasText: '3,000.00' }).waitFor()

    await page.locator(`[data-test="spend-${branch.id}"]`).first().click()
    const spend = page.locator('.el-dialog').filter({ has: page.locator('[data-test="spend-save"]') })
    await spend.waitFor()
    await fill(spend, 'spend-amount', '1234.56')
    await fill(spend, 'spend-memo', '七一主题党日活动')
    await spend.locator('[data-test="spend-save"]').click()
    await page.locator('.el-message--success').filter({ hasText: '已登记支出' }).waitFor()
    await row.filter({ hasText: '1,765.44' }).waitFor()
    await shot(page, 'funds-2-allocated-and-spent.png')

    await page.locator(`[data-test="spend-${branch.id}"]`).first().click()
    await spend.waitFor()
    await fill(spend, 'spend-amount', '2000')
    await fill(spend, 'spend-memo', '购置学习资料')
    await spend.locator('[data-test="spend-save"]').click()
    const err = spend.locator('[data-test="spend-error"]')
    await err.waitFor()
    const msg = await err.innerText()
    assert.match(msg, /余额不足/)
    assert.match(msg, /1765\.44/)
    await shot(page, 'funds-3-overspending-refused.png')
  } finally {
    await context.close()
  }
})
