// End-to-end browser test of 志愿服务与时间银行. A district clerk opens a volunteer activity,
// shows its on-site sign-in QR code (the code is a server-signed token that changes every 30 s),
// signs a party member in by hand, confirms the member's hours, and finds the member's time-bank
// balance: 2 hours of 助老 at 10 points an hour = 20 points.
//
// Run: cd e2e && npm ci && LIANGXIN_BIN=../bin/liangxin node --test volunteer.test.mjs
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { day, districtAPI, failOnScriptErrors, LOGIN_PROBE, loginDistrictReady, newContext, newPage, shot, startServer, state, stopServer } from './harness.mjs'

/** A valid 身份证号 (GB 11643 check character) of 祁东县 born on birth (YYYYMMDD). */
function idNumber(birth, seq) {
  const first = `430426${birth}${String(seq).padStart(3, '0')}`
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...first].reduce((s, c, i) => s + Number(c) * w[i], 0)
  return first + '10X98765432'[sum % 11]
}

let activityID = 0

before(async () => {
  await startServer('volunteer')
  const api = await districtAPI()
  const unit = await api.post('/api/v1/organizations', { name: '祁东县志愿测试商行', category: 'individual_business', region_code: '430426001', full_members: 3, registered_on: '2020-01-01' })
  assert.equal(unit.status, 201, `organization: ${JSON.stringify(unit.data)}`)
  const branch = await api.post('/api/v1/party-orgs', { name: '中共祁东县志愿测试商行支部委员会', kind: 'branch', formation: 'single', established_on: day(-730), covers: [unit.data.id] })
  assert.equal(branch.status, 201, `party organization: ${JSON.stringify(branch.data)}`)
  const m = await api.post('/api/v1/members', {
    name: '林志愿', gender: 'male', birth_date: '1985-05-04', id_number: idNumber('19850504', 517),
    phone: '13907341234', category: 'full', party_org_id: branch.data.id, joined_on: '2008-07-01',
  })
  assert.equal(m.status, 201, `member: ${JSON.stringify(m.data)}`)
  const d = day(0)
  const a = await api.post('/api/v1/volunteer/activities', {
    title: '敬老院陪护（E2E）', kind: 'elderly', starts_at: `${d} 09:00`, ends_at: `${d} 11:00`, place: '祁东县敬老院',
    planned_minutes: 120, capacity: 20, region_code: '430426001', description: '陪老人聊天、读报',
  })
  assert.equal(a.status, 201, `activity: ${JSON.stringify(a.data)}`)
  activityID = a.data.id
})
after(stopServer)
failOnScriptErrors(LOGIN_PROBE)

test('activity: QR code, hand sign-in, hours confirmed, balance', { timeout: 240_000 }, async () => {
  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginDistrictReady(page, '/volunteer/activities')
    await page.locator('[data-test="vol-activities-table"]').getByText('敬老院陪护（E2E）').click()
    await page.locator('[data-test="vol-activity-info"]').waitFor()
    assert.match(await page.locator('[data-test="vol-activity-info"]').innerText(), /祁东县敬老院/)

    // The QR code: an SVG that carries the current token.
    await page.locator('[data-test="vol-show-qr"]').click()
    await page.locator('[data-test="vol-qr"] svg').waitFor()
    const dialog = page.locator('[data-test="vol-qr-dialog"]')
    assert.match(await dialog.innerText(), /每 30 秒更换一次/)
    await shot(page, 'volunteer-1-qr.png')
    await page.keyboard.press('Escape')

    // Hand sign-in of 林志愿.
    await page.locator('[data-test="vol-pick-member"]').click()
    await page.keyboard.type('林志愿')
    await page.locator('.el-select-dropdown__item:visible', { hasText: '林志愿' }).first().click()
    await page.locator('[data-test="vol-manual-signin"]').click()
    const table = page.locator('[data-test="vol-participants"]')
    await table.getByText('林志愿').waitFor()
    await table.getByText(/手工/).waitFor()

    // Confirm the planned 2 hours.
    await table.locator('[data-test^="vol-confirm-"]').first().click()
    await table.locator('[data-test^="vol-confirmed-"]').first().waitFor()
    assert.match(await table.innerText(), /2\.00（/)
    await shot(page, 'volunteer-2-confirmed.png')

    // The time bank shows 20 points.
    await page.goto(`${state.baseURL}/timebank`)
    const accounts = page.locator('[data-test="tb-accounts"]')
    await accounts.waitFor()
    await page.locator('input[data-test="tb-acc-q"], [data-test="tb-acc-q"] input').fill('林志愿')
    await page.keyboard.press('Enter')
    await accounts.getByText('林志愿').waitFor()
    const row = accounts.locator('tr', { hasText: '林志愿' })
    assert.match(await row.innerText(), /\b20\b/)
    assert.match(await row.innerText(), /2\.00 小时/)
    await shot(page, 'volunteer-3-balance.png')
  } finally {
    await context.close()
  }
})
