// End-to-end browser test of 阵地: a party organization and a venue (open every day 08:00–21:00,
// one room of 30 seats) are set up via the API; in the browser the register lists the venue, the
// week calendar of next week is opened, 09:00–10:00 on Monday is booked by a co-building unit,
// an overlapping 09:30–10:30 booking is refused with a Chinese message naming the first booking,
// and the back-to-back 10:00–11:00 booking is accepted. Then in the venue's detail a served unit
// (服务单位) is added by remote search, listed with its link and counted in the register. Last,
// 25 activities (more than the detail's page of 20) are registered via the API and paged through in
// the detail's 活动与来访 tab, on a desktop and on a 390 px phone.
// Set-up from harness.mjs.
//
// Run: cd e2e && npm ci && LIANGXIN_BIN=../bin/liangxin node --test venues.test.mjs
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { districtAPI, failOnScriptErrors, LOGIN_PROBE, loginDistrict, newContext, newPage, shot, startServer, state, stopServer } from './harness.mjs'

before(async () => {
  await startServer('venues')
  const api = await districtAPI()
  const unit = await api.post('/api/v1/organizations', { name: '祁东县阵地测试商行', category: 'individual_business', region_code: '430426001001', full_members: 3, registered_on: '2020-01-01' })
  assert.equal(unit.status, 201, `organization: ${JSON.stringify(unit.data)}`)
  const branch = await api.post('/api/v1/party-orgs', { name: '中共祁东县阵地测试商行支部委员会', kind: 'branch', formation: 'single', established_on: '2024-01-01', covers: [unit.data.id] })
  assert.equal(branch.status, 201, `party organization: ${JSON.stringify(branch.data)}`)
  const hours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, open: '08:00', close: '21:00' }))
  const venue = await api.post('/api/v1/venues', {
    name: '洪桥街道红色驿站', kind: 'red_station', party_org_id: branch.data.id, region_code: '430426001', address: '洪桥街道人民路1号',
    area: '85.5', hours, manager_name: '赵站长', manager_phone: '13907341234', rooms: [{ name: '党员会议室', capacity: 30 }],
  })
  assert.equal(venue.status, 201, `venue: ${JSON.stringify(venue.data)}`)
  state.seeded = { venue: venue.data, unit: unit.data, branch: branch.data }
})
after(stopServer)
// The refused overlapping booking answers 409 on purpose.
failOnScriptErrors(LOGIN_PROBE, /Failed to load resource: .*409 \(Conflict\)/)

/** Types a time (HH:MM) into the booking dialog. */
async function pickTime(page, dialog, which, time) {
  await dialog.locator(`input[data-test="booking-${which}"], [data-test="booking-${which}"] input`).fill(time)
}

async function book(page, day, start, end, purpose) {
  await page.locator(`[data-test="book-${day}"]`).click()
  const d = page.locator('.el-dialog').filter({ has: page.locator('[data-test="booking-save"]') })
  await d.waitFor()
  await pickTime(page, d, 'start', start)
  await pickTime(page, d, 'end', end)
  await d.locator('[data-test="booking-by-unit"]').click()
  await d.locator('input[data-test="booking-unit"], [data-test="booking-unit"] input').fill('县税务局机关党支部')
  await d.locator('input[data-test="booking-purpose"], [data-test="booking-purpose"] input').fill(purpose)
  await d.locator('[data-test="booking-save"]').click()
}

test('venue: book a slot, an overlapping one refused, a back-to-back one accepted', { timeout: 240_000 }, async () => {
  const { venue } = state.seeded
  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginDistrict(page, '/venues')
    const row = page.locator('[data-test="venues-table"] .el-table__row').filter({ hasText: '洪桥街道红色驿站' })
    await row.waitFor()
    assert.match(await row.innerText(), /红色驿站/)
    assert.match(await row.innerText(), /139\*\*\*\*1234/)
    await shot(page, 'venues-1-register.png')

    await page.locator(`[data-test="week-${venue.id}"]`).click()
    const drawer = page.locator('[data-test="venue-week"]')
    await drawer.locator('[data-test="week-range"]').filter({ hasText: /\d{4}-\d{2}-\d{2} 至/ }).waitFor()
    await drawer.locator('[data-test="week-next"]').click()
    const monday = page.locator('[data-test^="day-"]').first()
    await page.waitForTimeout(300)
    const day = (await monday.getAttribute('data-test')).slice(4)
    assert.equal(new Date(day + 'T00:00:00Z').getUTCDay(), 1, `${day} is a Monday`)

    await book(page, day, '09:00', '10:00', '主题党日活动')
    await page.locator('.el-message--success').last().waitFor()
    await drawer.getByText('09:00–10:00 · 党员会议室').waitFor()
    await shot(page, 'venues-2-booked.png')

    await book(page, day, '09:30', '10:30', '党课')
    const err = page.locator('.el-message--error').last()
    await err.waitFor()
    const msg = await err.innerText()
    assert.match(msg, /该时段已被预约/)
    assert.match(msg, /09:00–10:00/)
    assert.match(msg, /预约编号 \d+/)
    await shot(page, 'venues-3-conflict.png')
    await page.locator('.el-dialog').filter({ has: page.locator('[data-test="booking-save"]') }).getByRole('button', { name: '取消' }).click()

    await book(page, day, '10:00', '11:00', '党员学习')
    await page.locator('.el-message--success').last().waitFor()
    await drawer.getByText('10:00–11:00 · 党员会议室').waitFor()
    await shot(page, 'venues-4-back-to-back.png')
  } finally {
    await context.close()
  }
})

test('venue: add a served unit in the detail and see it listed and counted', { timeout: 240_000 }, async () => {
  const { venue, unit } = state.seeded
  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginDistrict(page, '/venues')
    await page.locator(`[data-test="units-${venue.id}"]`).filter({ hasText: '0' }).waitFor()
    await page.locator(`[data-test="detail-${venue.id}"]`).click()
    const drawer = page.locator('[data-test="venue-detail"]')
    const table = drawer.locator('[data-test="venue-units"]')
    await table.getByText('尚未登记服务单位').waitFor()

    await drawer.locator('[data-test="unit-add"] .el-select').click()
    await page.keyboard.type('阵地测试商行')
    const opt = page.locator('.el-select-dropdown__item:visible', { hasText: unit.name })
    await opt.first().waitFor()
    await opt.first().click()
    await page.keyboard.press('Escape')
    await drawer.locator('[data-test="unit-add-save"]').click()
    await page.locator('.el-message--success', { hasText: '已添加 1 个服务单位' }).waitFor()

    const link = table.locator(`[data-test="unit-link-${unit.id}"]`)
    await link.waitFor()
    assert.equal((await link.innerText()).trim(), unit.name)
    assert.match(await link.getAttribute('href'), /\/organizations\?q=/)
    assert.match(await drawer.innerText(), /服务单位（1 个）/)
    await shot(page, 'venues-5-served-unit.png')

    // The register counts it (the list reloads on the drawer's change).
    await page.keyboard.press('Escape')
    await page.locator(`[data-test="units-${venue.id}"]`).filter({ hasText: '1' }).waitFor()
    await shot(page, 'venues-6-unit-count.png')
  } finally {
    await context.close()
  }
})

test('venue: the detail pages through more activities than one page, on a desktop and a phone', { timeout: 240_000 }, async () => {
  const { venue, branch } = state.seeded
  const api = await districtAPI()
  // 25 activities on 2025-01-01 … 2025-01-25; the detail lists 20 a page, the newest first.
  const dayOf = (i) => `2025-01-${String(i).padStart(2, '0')}`
  for (let i = 1; i <= 25; i++) {
    const r = await api.post(`/api/v1/venues/${venue.id}/activities`, { held_on: dayOf(i), title: `分页测试活动${String(i).padStart(2, '0')}`, party_org_id: branch.id, participants: 10 + i })
    assert.equal(r.status, 201, `activity ${i}: ${JSON.stringify(r.data)}`)
  }
  for (const mobile of [false, true]) {
    const context = await newContext(mobile)
    const page = await newPage(context)
    try {
      await loginDistrict(page, '/venues')
      await page.locator(`[data-test="detail-${venue.id}"]`).click()
      const drawer = page.locator('[data-test="venue-detail"]')
      await drawer.getByRole('tab', { name: '活动与来访' }).click()
      const table = drawer.locator('[data-test="venue-activities"]')
      const pager = drawer.locator('[data-test="activities-pager"]')
      await pager.getByText('共 25 条').waitFor()
      assert.match(await drawer.innerText(), /活动记录（共 25 次/)
      const rows = table.locator('.el-table__body-wrapper .el-table__row')
      await rows.first().filter({ hasText: '分页测试活动25' }).waitFor()
      assert.equal(await rows.count(), 20)
      assert.match(await rows.nth(19).innerText(), /分页测试活动06/)
      await shot(page, mobile ? 'venues-9-activities-phone.png' : 'venues-7-activities.png')

      await pager.locator('.btn-next').click()
      await rows.first().filter({ hasText: '分页测试活动05' }).waitFor()
      assert.equal(await rows.count(), 5)
      assert.match(await rows.nth(4).innerText(), /分页测试活动01/)
      assert.match(await rows.nth(4).innerText(), /2025-01-01/)
      if (mobile) {
        // The drawer takes the phone's width and nothing runs past its right edge.
        const box = await drawer.boundingBox()
        assert.ok(box && box.width <= 390 + 1, `drawer width ${box?.width}`)
        const pagerBox = await pager.boundingBox()
        assert.ok(pagerBox.x >= 0 && pagerBox.x + pagerBox.width <= 390 + 1, `pager at ${JSON.stringify(pagerBox)}`)
        const wide = await page.evaluate(() => document.documentElement.scrollWidth)
        assert.ok(wide <= 390, `page ${wide} px wide`)
      }
      await shot(page, mobile ? 'venues-10-activities-phone-page2.png' : 'venues-8-activities-page2.png')

      await pager.locator('.btn-prev').click()
      await rows.first().filter({ hasText: '分页测试活动25' }).waitFor()
    } finally {
      await context.close()
    }
  }
})
