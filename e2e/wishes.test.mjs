// End-to-end browser test of the public page and 微心愿. On a phone-sized screen and without
// login, the public page submits a request (诉求) and a wish (微心愿), each answered with a ticket
// number, and looks both up by ticket and the phone's last four digits. Then a district clerk
// opens the wish board, publishes the wish, claims it for a party member (认领), uploads a photo,
// fulfils it (完成) and confirms it (确认); the drawer's timeline shows every step.
//
// Run: cd e2e && npm ci && LIANGXIN_BIN=../bin/liangxin node --test wishes.test.mjs
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { day, districtAPI, failOnScriptErrors, LOGIN_PROBE, loginDistrictReady, newContext, newPage, shot, startServer, state, stopServer } from './harness.mjs'

/** A valid 身份证号 (GB 11643 check character) of 祁东县 born on birth (YYYYMMDD). */
function idNumber(birth, seq) {
  const first = `430426${birth}${String(seq).padStart(3, '0')}`
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...first].reduce((s, c, i) => s + Number(c) * w[i], 0)
  return first + '10X98765432'[sum % 11]
}

// A 1×1 PNG: the evidence photo.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')

before(async () => {
  await startServer('wishes')
  const api = await districtAPI()
  const unit = await api.post('/api/v1/organizations', { name: '祁东县心愿测试商行', category: 'individual_business', region_code: '430426001', full_members: 3, registered_on: '2020-01-01' })
  assert.equal(unit.status, 201, `organization: ${JSON.stringify(unit.data)}`)
  const branch = await api.post('/api/v1/party-orgs', { name: '中共祁东县心愿测试商行支部委员会', kind: 'branch', formation: 'single', established_on: day(-730), covers: [unit.data.id] })
  assert.equal(branch.status, 201, `party organization: ${JSON.stringify(branch.data)}`)
  const m = await api.post('/api/v1/members', {
    name: '陈红梅', gender: 'female', birth_date: '1980-03-08', id_number: idNumber('19800308', 822),
    phone: '13907345566', category: 'full', party_org_id: branch.data.id, joined_on: '2006-07-01',
  })
  assert.equal(m.status, 201, `member: ${JSON.stringify(m.data)}`)
})
after(stopServer)
// The public page probes the session like every page: a 401 there is expected.
failOnScriptErrors(LOGIN_PROBE, /\/public\/service Failed to load resource: .*401/)

async function pick(page, testid, option) {
  await page.locator(`[data-test="${testid}"]`).click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: option }).first().click()
}

test('public page (phone): submit a request and a wish, look both up', { timeout: 240_000 }, async () => {
  const context = await newContext(true)
  const page = await newPage(context)
  try {
    await page.goto(`${state.baseURL}/public/service`)
    await page.locator('[data-test="public-request-form"]').waitFor()
    await pick(page, 'pr-category', '民生诉求')
    await pick(page, 'pr-region', '洪桥街道')
    await page.locator('textarea[data-test="pr-content"], [data-test="pr-content"] textarea').fill('E2E：小区门口路灯坏了一个月，晚上出行不便')
    await page.locator('input[data-test="pr-name"], [data-test="pr-name"] input').fill('赵先生')
    await page.locator('input[data-test="pr-phone"], [data-test="pr-phone"] input').fill('13700001234')
    await shot(page, 'wishes-1-public-request.png')
    await page.locator('[data-test="pr-submit"]').click()
    const ticketEl = page.locator('[data-test="receipt-ticket"]')
    await ticketEl.waitFor()
    const requestTicket = (await ticketEl.innerText()).trim()
    assert.match(requestTicket, /^S\d{4}-[0-9A-Z]{10}$/)
    await shot(page, 'wishes-2-public-receipt.png')

    await page.getByRole('button', { name: '继续提交' }).click()
    await page.locator('[data-test="public-tabs"]').getByText('许心愿').click()
    await page.locator('[data-test="public-wish-form"]').waitFor()
    await pick(page, 'pw-category', '学习用品')
    await pick(page, 'pw-region', '洪桥街道')
    await page.locator('textarea[data-test="pw-content"], [data-test="pw-content"] textarea').fill('E2E：想要一套初中数学辅导书')
    await page.locator('input[data-test="pw-name"], [data-test="pw-name"] input').fill('李小明')
    await page.locator('input[data-test="pw-phone"], [data-test="pw-phone"] input').fill('13700005678')
    await page.locator('[data-test="pw-consent"]').click()
    await page.locator('[data-test="pw-submit"]').click()
    await ticketEl.waitFor()
    const wishTicket = (await ticketEl.innerText()).trim()
    assert.match(wishTicket, /^W\d{4}-[0-9A-Z]{10}$/)

    await page.locator('[data-test="to-lookup"]').click()
    await page.locator('[data-test="public-lookup-form"]').waitFor()
    assert.equal(await page.locator('input[data-test="pl-ticket"], [data-test="pl-ticket"] input').inputValue(), wishTicket)
    await page.locator('input[data-test="pl-last4"], [data-test="pl-last4"] input').fill('5678')
    await page.locator('[data-test="pl-submit"]').click()
    await page.locator('[data-test="public-state"]').filter({ hasText: '待审核' }).waitFor()

    await page.locator('input[data-test="pl-ticket"], [data-test="pl-ticket"] input').fill(requestTicket)
    await page.locator('input[data-test="pl-last4"], [data-test="pl-last4"] input').fill('1234')
    await page.locator('[data-test="pl-submit"]').click()
    await page.locator('[data-test="public-state"]').filter({ hasText: '已接单' }).waitFor()
    const status = await page.locator('[data-test="public-status"]').innerText()
    assert.match(status, /民生诉求/)
    assert.doesNotMatch(status, /赵|1370/, 'the lookup shows no name and no phone')
    await shot(page, 'wishes-3-public-lookup.png')
    state.wishTicket = wishTicket
  } finally {
    await context.close()
  }
})

test('clerk: publish, claim for a member, fulfil with a photo, confirm', { timeout: 240_000 }, async () => {
  const photo = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wish-')), 'done.png')
  fs.writeFileSync(photo, PNG)
  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginDistrictReady(page, '/wishes')
    await page.locator('[data-test="wish-tabs"]').getByText(/待审核 1/).click()
    const row = page.locator('[data-test="wishes-table"] .el-table__row').filter({ hasText: '数学辅导书' })
    await row.waitFor()
    assert.match(await row.innerText(), /李\*明/)
    await row.click()
    const drawer = page.locator('[data-test="wish-drawer"]')
    await drawer.locator('[data-test="wish-state"]').filter({ hasText: '待审核' }).waitFor()
    assert.match(await drawer.innerText(), /137\*\*\*\*5678/)

    await drawer.locator('[data-test="wish-act-publish"]').click()
    await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click()
    await drawer.locator('[data-test="wish-state"]').filter({ hasText: '待认领' }).waitFor()

    await drawer.locator('[data-test="wish-act-claim"]').click()
    const dialog = page.locator('[data-test="wish-action-dialog"]')
    await dialog.locator('[data-test="claim-member"]').waitFor()
    // A remote search: type part of the name, then pick the member.
    await dialog.locator('[data-test="claim-member"]').click()
    await page.keyboard.type('陈红')
    await page.locator('.el-select-dropdown__item:visible', { hasText: '陈红梅' }).first().click()
    await dialog.locator('[data-test="wish-action-submit"]').click()
    await drawer.locator('[data-test="wish-state"]').filter({ hasText: '已认领' }).waitFor()
    assert.match(await drawer.locator('[data-test="wish-claimant"]').innerText(), /陈红梅/)

    await drawer.locator('[data-test="wish-photo-upload"] input[type=file]').setInputFiles(photo)
    await drawer.locator('[data-test="wish-photos"] img').first().waitFor()
    await drawer.locator('[data-test="wish-act-fulfil"]').click()
    await dialog.locator('textarea[data-test="fulfil-note"], [data-test="fulfil-note"] textarea').fill('已把三本辅导书送到李小明家中')
    await dialog.locator('[data-test="wish-action-submit"]').click()
    await drawer.locator('[data-test="wish-state"]').filter({ hasText: '已完成待确认' }).waitFor()
    await shot(page, 'wishes-4-fulfilled.png')

    await drawer.locator('[data-test="wish-act-confirm"]').click()
    await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click()
    await drawer.locator('[data-test="wish-state"]').filter({ hasText: '已确认' }).waitFor()
    const timeline = await drawer.locator('[data-test="wish-timeline"]').innerText()
    for (const s of ['公开提交', '审核发布', '认领', '完成心愿', '确认完成']) assert.match(timeline, new RegExp(s))
    assert.equal(await drawer.locator('[data-test="wish-actions"]').count(), 0, 'no step left after 确认')
    await shot(page, 'wishes-5-confirmed.png')
  } finally {
    await context.close()
  }
})
