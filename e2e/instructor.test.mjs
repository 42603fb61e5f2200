// End-to-end browser test of a 党建指导员's own work on a phone: the demo's instructor account
// (bound to an instructor record) signs in, lands on 我的指导工作, sees only the organizations it
// is assigned to and what is due at the top, records a visit with a photo and finds both in its
// visits; the rest of the ledger is closed to it. The district then finds who is behind on the
// work lists and the visit frequencies. Set-up from harness.mjs (server binary with the demo data,
// Debian chromium).
//
// Run: cd e2e && npm ci && LIANGXIN_BIN=../bin/liangxin node --test instructor.test.mjs
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import zlib from 'node:zlib'
import { apiClient, districtAPI, loginAndChange, loginDistrictReady, newContext, newPage, shot, startServer, state, stopServer, failOnScriptErrors, LOGIN_PROBE } from './harness.mjs'

before(() => startServer('instructor'))
after(stopServer)
failOnScriptErrors(LOGIN_PROBE)

const NEXT = 'Ins#Qidong-2026e2e'

// crc32 of a PNG chunk (type and data).
function crc32(buf) {
  let c = ~0
  for (const b of buf) {
    c ^= b
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1))
  }
  return ~c >>> 0
}

// A w×h PNG in two colours (a red flag on white), made here so the test needs no binary fixture.
function makePNG(w = 96, h = 64) {
  const raw = Buffer.alloc((w * 3 + 1) * h)
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0
    for (let x = 0; x < w; x++) {
      const o = y * (w * 3 + 1) + 1 + x * 3
      const red = x > 12 && x < 70 && y > 10 && y < 48
      raw[o] = red ? 0xde : 0xff
      raw[o + 1] = red ? 0x29 : 0xff
      raw[o + 2] = red ? 0x10 : 0xff
    }
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const td = Buffer.concat([Buffer.from(type), data])
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(td))
    return Buffer.concat([len, td, crc])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(w, 0)
  ihdr.writeUInt32BE(h, 4)
  ihdr.set([8, 2, 0, 0, 0], 8)
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))])
}

test('phone: an instructor sees its own organizations and what is due, records a visit with a photo and sees it', { timeout: 180_000 }, async (t) => {
  if (!state.demo) return t.skip('needs the demo data')
  const m = state.demoOutput.match(/instructor1\s.*初始密码：\s*(\S+)/)
  assert.ok(m, `the demo prints instructor1's initial password:\n${state.demoOutput}`)
  const context = await newContext(true)
  const page = await newPage(context)
  try {
    // An instructor's home lists its day's work (issue 16); its own work page is one click away.
    await loginAndChange(page, 'instructor1', m[1], NEXT)
    await page.locator('[data-testid="home"] [data-kind="visits_due"]').waitFor()
    await page.goto(`${state.baseURL}/my-work`)
    await page.waitForURL(/\/my-work$/)
    await page.locator('[data-testid="my-work"] .page-title').waitFor()

    // The page lists exactly what the API gives this instructor, and the API closes the rest.
    const api = apiClient(state.baseURL)
    assert.equal((await api.post('/api/v1/auth/login', { username: 'instructor1', password: NEXT })).status, 200)
    const me = (await api.get('/api/v1/auth/me')).data
    const id = me.user?.instructor_id ?? me.instructor_id
    assert.ok(id, `instructor1 is bound to a record: ${JSON.stringify(me)}`)
    const assigned = (await api.get(`/api/v1/instructors/${id}/organizations`)).data.items
    assert.ok(assigned.length >= 1, 'the demo instructor is assigned to organizations today')
    await page.locator('[data-testid="my-org"]').first().waitFor()
    await page.locator('[data-testid="my-achieve"]').waitFor() // 我的成效
    assert.equal(await page.locator('[data-testid="my-org"]').count(), assigned.length)
    assert.equal((await api.get('/api/v1/organizations')).status, 403, 'the ledger is closed to an instructor')
    assert.equal((await api.get(`/api/v1/instructors/${id > 1 ? id - 1 : id + 1}`)).status, 404, "another instructor's record is not found")

    // What is due comes first, with the count and the days overdue the API gives.
    const due = (await api.get(`/api/v1/instructors/${id}/due-visits`)).data.items
    if (due.length) {
      await page.locator('[data-testid="my-due"]').waitFor()
      assert.equal((await page.locator('[data-testid="my-due-count"]').innerText()).trim(), String(due.length))
      assert.equal(await page.locator('[data-testid="my-due-row"]').count(), due.length)
      assert.match(await page.locator('[data-testid="my-due-row"]').first().innerText(), new RegExp(`逾期 ${due[0].days_overdue} 天`))
    } else {
      await page.locator('[data-testid="my-due-none"]').waitFor()
    }
    await shot(page, 'my-work-mobile.png')

    // Record a visit to the first organization from its card.
    const content = '走访了解企业党支部三会一课开展情况，党员学习积极性较高'
    await page.locator('[data-testid="visit-org"]').first().click()
    await page.locator('[data-testid="visit-form"]').waitFor()
    await page.locator('[data-testid="visit-form"] textarea').first().fill(content)
    const png = makePNG()
    await page.locator('[data-testid="visit-photo-input"]').setInputFiles({ name: '现场.png', mimeType: 'image/png', buffer: png })
    await page.locator('[data-testid="picked-photo"]').waitFor()
    await shot(page, 'my-work-visit-mobile.png')
    await page.locator('[data-testid="visit-save"]').click()
    const card = page.locator('[data-testid="my-visit"]', { hasText: content }).first()
    await card.waitFor()
    // The thumbnail is the stored photo, loaded from the server.
    await card.locator('[data-testid="visit-photo"] img').waitFor()
    await page.waitForFunction(
      (text) => [...document.querySelectorAll('[data-testid="my-visit"]')].some((c) => c.textContent.includes(text) && [...c.querySelectorAll('[data-testid="visit-photo"] img')].some((i) => i.complete && i.naturalWidth === 96)),
      content,
    )
    await shot(page, 'my-work-visits-photo-mobile.png')
    const visits = (await api.get(`/api/v1/instructors/${id}/visits`)).data.items
    const v = visits.find((x) => x.content === content)
    assert.ok(v, 'the visit is stored')
    assert.equal(v.organization_id, assigned[0].organization_id)
    assert.equal(v.form, '走访')
    assert.equal(v.photos.length, 1, 'the photo is stored with the visit')
    assert.equal(v.photos[0].content_type, 'image/png')
    const img = await api.bytes(`/api/v1/instructors/${id}/visits/${v.id}/photos/${v.photos[0].id}`)
    assert.equal(img.status, 200)
    assert.ok(img.body.equals(png), 'the photo comes back as it was taken')
  } finally {
    await context.close()
  }
})

test('district: who is behind on the work lists, and the visit frequencies', { timeout: 180_000 }, async (t) => {
  if (!state.demo) return t.skip('needs the demo data')
  const context = await newContext()
  const page = await newPage(context)
  try {
    const api = await districtAPI()
    const overdue = (await api.get('/api/v1/instructors/due-visits?page_size=1')).data
    await loginDistrictReady(page, '/worklists?kind=instructor_overdue')
    await page.locator('[data-testid="worklist-overdue-table"]').waitFor()
    await page.waitForLoadState('networkidle')
    assert.ok(overdue.total > 0, 'the demo has overdue visits')
    await page.locator('[data-testid="overdue-instructor"]').first().waitFor()
    assert.match(await page.locator('.el-pagination__total').first().innerText(), new RegExp(String(overdue.total)))
    await shot(page, 'worklists-instructor-overdue.png')
    // The instructor's name opens its visits.
    const first = overdue.items[0]
    await page.locator('[data-testid="overdue-instructor"]', { hasText: first.instructor_name }).first().click()
    await page.waitForURL(new RegExp(`/instructors\\?instructor=\\d+`))
    await page.locator('.el-drawer', { hasText: '走访记录' }).first().waitFor()

    // The frequencies: the root district account sets a new version for 兼职.
    await page.goto(`${state.baseURL}/visit-frequencies`)
    await page.locator('[data-testid="frequency-form"]').waitFor()
    await page.locator('[data-testid="frequency-form"] .el-radio-button', { hasText: '兼职' }).click()
    await page.locator('[data-testid="frequency-months"] input').fill('2')
    await page.locator('[data-testid="frequency-save"]').click()
    await page.locator('[data-testid="frequency-part"]', { hasText: '每 2 个月一次' }).waitFor()
    const fs = (await api.get('/api/v1/settings/visit-frequencies')).data.items
    assert.ok(fs.some((f) => !f.full_time && f.every_months === 2 && f.id > 0), 'the version is stored')
    await shot(page, 'visit-frequencies.png')
  } finally {
    await context.close()
  }
})
