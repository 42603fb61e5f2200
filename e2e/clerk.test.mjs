// End-to-end browser test of what a clerk and the auditor read: the 驾驶舱's drill-down kept in
// the URL (a reload and Back keep it), an uncovered unit opening in the ledger, API 令牌 in the
// user menu, and the audit log naming its objects and whose data a reveal showed.
//
// Run: cd e2e && npm ci && LIANGXIN_BIN=../bin/liangxin node --test clerk.test.mjs
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { DISTRICT, apiClient, loginAndChange, newContext, newPage, shot, startServer, state, stopServer } from './harness.mjs'

before(() => startServer('clerk'))
after(stopServer)

const AUDITOR_NEW = 'Au#Qidong-2026e2e'

/** The auditor's one-time password as `init` printed it. */
function auditorPassword() {
  for (const line of (state.initOutput || '').split(/\r?\n/)) {
    const m = line.match(/auditor.*?(?:password|密码)[:：]\s*(\S+)/i)
    if (m) return m[1]
  }
  return ''
}

test('desktop: the dashboard drill-down lives in the URL; the audit log names its objects', { timeout: 240_000 }, async () => {
  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginAndChange(page, DISTRICT.username, DISTRICT.initial, DISTRICT.password)
    // API 令牌 is in the user menu, not the side menu.
    assert.equal(await page.locator('.layout-aside [data-menu="tokens"]').count(), 0)
    await page.locator('[data-testid="user-menu"]').click()
    await page.locator('.el-dropdown-menu [data-menu="tokens"]').click()
    await page.waitForURL(/\/tokens$/)

    await page.goto(`${state.baseURL}/dashboard`)
    await page.locator('[data-testid="region-breadcrumb"]').waitFor()
    await page.waitForLoadState('networkidle')
    // Drill into the first street of the bar chart through the API's by-region list.
    const api = apiClient(state.baseURL)
    assert.equal((await api.post('/api/v1/auth/login', { username: DISTRICT.username, password: DISTRICT.password })).status, 200)
    const rep = (await api.get('/api/v1/stats/coverage')).data
    const street = (rep.by_region || []).find((r) => r.region_code !== rep.region_code && r.total > 0)
    assert.ok(street, 'the demo has a street with units')
    await page.goto(`${state.baseURL}/dashboard?region=${street.region_code}&as_of=2026-06-30&drill=uncovered`)
    const crumbs = page.locator('[data-testid="region-breadcrumb"]')
    await crumbs.getByText(street.name).waitFor()
    await page.reload()
    await crumbs.getByText(street.name).waitFor()
    assert.match(await crumbs.innerText(), /祁东县/)
    assert.equal(await page.locator('.header-tools input').first().inputValue(), '2026-06-30')
    await page.locator('[data-testid="uncovered-table"]').waitFor()
    await shot(page, 'dashboard-drill.png')
    // Back to the county through the breadcrumb, then the browser's Back returns to the street.
    await crumbs.getByText('祁东县').click()
    await page.waitForURL((u) => !u.searchParams.get('region'))
    await page.goBack()
    await page.waitForURL((u) => u.searchParams.get('region') === street.region_code)
    await crumbs.getByText(street.name).waitFor()
    // An uncovered row opens the unit in the ledger.
    const row = page.locator('[data-testid="uncovered-table"] .el-table__row').first()
    if (await row.count()) {
      const name = (await row.locator('td').first().innerText()).trim()
      await row.click()
      await page.waitForURL(/\/organizations\?/)
      await page.getByText(name).first().waitFor()
    }

    // A member's 身份证号 shown in full, for the audit log to name.
    const members = (await api.get('/api/v1/members?page_size=1')).data.items
    assert.ok(members.length, 'the demo has members')
    const shown = (await api.get(`/api/v1/members/${members[0].id}?reveal=true`)).data
    assert.ok(shown.id_number && !shown.id_number.includes('*'))

    // The auditor reads the trail.
    const pw = auditorPassword()
    assert.ok(pw, 'init printed the auditor password')
    const ac = await context.browser().newContext({ viewport: { width: 1366, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
    const ap = await newPage(ac)
    await loginAndChange(ap, 'auditor', pw, AUDITOR_NEW)
    await ap.goto(`${state.baseURL}/audit`)
    const table = ap.locator('[data-testid="audit-table"]')
    await table.waitFor()
    await ap.locator('[data-testid="audit-object"]').first().waitFor()
    const text = await table.innerText()
    assert.doesNotMatch(text, /member #\d|meeting #\d/)
    const revealRow = ap.locator('[data-testid="audit-table"] .el-table__row', { hasText: members[0].name }).filter({ hasText: '查看党员完整身份证号' }).first()
    await revealRow.waitFor()
    assert.match(await revealRow.innerText(), new RegExp(`党员「${members[0].name}」`))
    assert.doesNotMatch(await ap.content(), new RegExp(shown.id_number))
    await shot(ap, 'audit-names.png')
    // The object's link narrows the log to it.
    await revealRow.locator('[data-testid="audit-object"]').click()
    await ap.locator('[data-testid="audit-object-filter"]').waitFor()
    await ac.close()
  } finally {
    await context.close()
  }
})

test('phone: the dashboard date is readable and the audit-free pages keep their layout', { timeout: 120_000 }, async () => {
  const context = await newContext(true)
  const page = await newPage(context)
  try {
    await page.goto(`${state.baseURL}/login`)
    await page.locator('input[name="username"]').fill(DISTRICT.username)
    await page.locator('input[name="password"]').fill(DISTRICT.password)
    await page.locator('[data-testid="login-submit"]').click()
    await page.waitForURL(`${state.baseURL}/`)
    await page.goto(`${state.baseURL}/dashboard`)
    const input = page.locator('.header-tools input').first()
    await input.waitFor()
    const box = await input.boundingBox()
    assert.ok(box && box.width >= 90, `the date field should show a whole date, got ${JSON.stringify(box)}`)
    await shot(page, 'dashboard-mobile.png')
    for (const [path, name] of [['/develop', 'develop-mobile.png'], ['/transfers', 'transfers-mobile.png']]) {
      await page.goto(`${state.baseURL}${path}`)
      await page.locator('h1.page-title').waitFor()
      await shot(page, name)
    }
  } finally {
    await context.close()
  }
})
