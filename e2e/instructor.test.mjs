// End-to-end browser test of a 党建指导员's own work on a phone: the demo's instructor account
// (bound to an instructor record) signs in, lands on 我的指导工作, sees only the organizations it
// is assigned to, records a visit and finds it in its visits; the rest of the ledger is closed to
// it. Set-up from harness.mjs (server binary with the demo data, Debian chromium).
//
// Run: cd e2e && npm ci && LIANGXIN_BIN=../bin/liangxin node --test instructor.test.mjs
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiClient, loginAndChange, newContext, newPage, shot, startServer, state, stopServer, failOnScriptErrors, LOGIN_PROBE } from './harness.mjs'

before(() => startServer('instructor'))
after(stopServer)
failOnScriptErrors(LOGIN_PROBE)

const NEXT = 'Ins#Qidong-2026e2e'

test('phone: an instructor sees its own organizations, records a visit and sees it', { timeout: 180_000 }, async (t) => {
  if (!state.demo) return t.skip('needs the demo data')
  const m = state.demoOutput.match(/instructor1\s.*初始密码：\s*(\S+)/)
  assert.ok(m, `the demo prints instructor1's initial password:\n${state.demoOutput}`)
  const context = await newContext(true)
  const page = await newPage(context)
  try {
    // An instructor's home is its own work.
    await loginAndChange(page, 'instructor1', m[1], NEXT, /\/my-work$/)
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
    await shot(page, 'my-work-mobile.png')

    // Record a visit to the first organization from its card.
    const content = '走访了解企业党支部三会一课开展情况，党员学习积极性较高'
    await page.locator('[data-testid="visit-org"]').first().click()
    await page.locator('[data-testid="visit-form"]').waitFor()
    await page.locator('[data-testid="visit-form"] textarea').first().fill(content)
    await shot(page, 'my-work-visit-mobile.png')
    await page.locator('[data-testid="visit-save"]').click()
    await page.locator('[data-testid="my-visit"]', { hasText: content }).first().waitFor()
    const visits = (await api.get(`/api/v1/instructors/${id}/visits`)).data.items
    const v = visits.find((x) => x.content === content)
    assert.ok(v, 'the visit is stored')
    assert.equal(v.organization_id, assigned[0].organization_id)
    assert.equal(v.form, '走访')
  } finally {
    await context.close()
  }
})
