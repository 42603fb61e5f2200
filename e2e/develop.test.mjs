// End-to-end browser test of 发展党员: a person's 25-step timeline, recording the next step in the
// form, and the due-date reminders. Set-up from harness.mjs (server binary with the demo data,
// Debian chromium via playwright-core).
//
// Run: cd e2e && npm ci && LIANGXIN_BIN=../bin/liangxin node --test develop.test.mjs
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { DISTRICT, apiClient, day, loginAndChange, newContext, newPage, shot, startServer, state, stopServer, failOnScriptErrors, LOGIN_PROBE } from './harness.mjs'

before(() => startServer('develop'))
after(stopServer)
failOnScriptErrors(LOGIN_PROBE)

/** A valid 身份证号 (GB 11643 check character) of 祁东县 born on birth (YYYYMMDD). */
function idNumber(birth, seq) {
  const first = `430426${birth}${String(seq).padStart(3, '0')}`
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...first].reduce((s, c, i) => s + Number(c) * w[i], 0)
  return first + '10X98765432'[sum % 11]
}

test('desktop: the development timeline of one person', { timeout: 180_000 }, async () => {
  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginAndChange(page, DISTRICT.username, DISTRICT.initial, DISTRICT.password)
    const api = apiClient(state.baseURL)
    assert.equal((await api.post('/api/v1/auth/login', { username: DISTRICT.username, password: DISTRICT.password })).status, 200)
    const orgs = (await api.get('/api/v1/party-orgs?page_size=5')).data.items
    assert.ok(orgs.length > 0, 'the demo has party organizations')
    // An applicant of about 2 years ago, walked through steps ② to ⑦ by the API.
    const start = -730
    const r = await api.post('/api/v1/develop/people', { party_org_id: orgs[0].id, name: '刘晓明', id_number: idNumber('19980415', 131), applied_on: day(start) })
    assert.equal(r.status, 201, JSON.stringify(r.data))
    const id = r.data.id
    const steps = [
      { step: 2, done_on: day(start + 40), note: '谈话时了解到其入党动机端正' }, // later than 1 month: recorded with a warning
      { step: 3, done_on: day(start + 90) },
      { step: 4, done_on: day(start + 95) },
      { step: 5, done_on: day(start + 100), people: '王建国、陈丽' },
      { step: 6, done_on: day(start + 270), note: '半年考察：表现良好' },
      { step: 6, done_on: day(start + 450), note: '半年考察：积极参加志愿服务' },
      { step: 7, done_on: day(start + 460) },
    ]
    for (const s of steps) {
      const res = await api.post(`/api/v1/develop/people/${id}/steps`, s)
      assert.equal(res.status, 201, `step ${s.step}: ${JSON.stringify(res.data)}`)
    }

    await page.goto(`${state.baseURL}/develop`)
    await page.locator('[data-test="develop-view"]').waitFor()
    // The demo has people in the pipeline too: search by name.
    await page.locator('input[data-test="name-filter"], [data-test="name-filter"] input').first().fill('刘晓明')
    await page.locator('input[data-test="name-filter"], [data-test="name-filter"] input').first().press('Enter')
    const row = page.locator('[data-test="dev-table"] .el-table__row', { hasText: '刘晓明' })
    await row.waitFor()
    assert.match(await row.innerText(), /发展对象/)
    await row.click()
    const drawer = page.locator('[data-test="dev-person"]')
    await drawer.getByText('⑦ 确定发展对象').waitFor()
    // The late talk carries its warning in the timeline.
    await drawer.getByText(/1个月内/).first().waitFor()
    // Record ⑧ in the form: the next step is preselected.
    assert.match(await drawer.locator('[data-test="step-select"]').innerText(), /⑧ 报上级党委备案/)
    await page.locator('[data-test="record-step"]').click()
    await page.getByText('已记录：报上级党委备案').first().waitFor()
    assert.match(await drawer.locator('[data-test="step-select"]').innerText(), /⑨ 确定入党介绍人/)
    await drawer.locator('.el-drawer__body').evaluate((el) => (el.scrollTop = 0))
    await shot(page, 'develop-timeline.png')
  } finally {
    await context.close()
  }
})

test('desktop: the demo pipeline has people in every stage, a 转正 timeline in full', { timeout: 180_000 }, async () => {
  const context = await newContext()
  const page = await newPage(context)
  try {
    const api = apiClient(state.baseURL)
    let r = await api.post('/api/v1/auth/login', { username: DISTRICT.username, password: DISTRICT.password })
    if (r.status !== 200) {
      // This test may run first: the initial password is changed in the browser.
      await loginAndChange(page, DISTRICT.username, DISTRICT.initial, DISTRICT.password)
      r = await api.post('/api/v1/auth/login', { username: DISTRICT.username, password: DISTRICT.password })
    } else {
      await page.goto(`${state.baseURL}/login`)
      await page.locator('input[name="username"]').fill(DISTRICT.username)
      await page.locator('input[name="password"]').fill(DISTRICT.password)
      await page.locator('[data-testid="login-submit"]').click()
      await page.waitForURL(`${state.baseURL}/`)
    }
    assert.equal(r.status, 200)
    // The demo (internal/demo, assess.go) puts people in all five stages.
    for (const stage of ['applicant', 'activist', 'candidate', 'probationary', 'full']) {
      const res = await api.get(`/api/v1/develop/people?stage=${stage}&page_size=1`)
      assert.equal(res.status, 200)
      assert.ok(res.data.total >= 10, `${stage}: ${res.data.total} people`)
    }
    const full = (await api.get('/api/v1/develop/people?stage=full&page_size=1')).data.items[0]
    const person = (await api.get(`/api/v1/develop/people/${full.id}`)).data
    // ㉔ and ㉕ recorded, a 公示 before ㉔.
    const s24 = person.steps.find((s) => s.n === 24)
    assert.ok(s24 && s24.details.publicity_to <= s24.done_on, JSON.stringify(s24))
    assert.ok(person.steps.some((s) => s.n === 25))

    await page.goto(`${state.baseURL}/develop`)
    await page.locator('[data-test="develop-view"]').waitFor()
    await page.getByRole('tab', { name: '各阶段人数' }).click()
    await page.locator('.el-tab-pane canvas').first().waitFor()
    await shot(page, 'develop-stages.png')

    await page.getByRole('tab', { name: '发展名册' }).click()
    const name = page.locator('input[data-test="name-filter"], [data-test="name-filter"] input').first()
    await name.fill(full.name)
    await name.press('Enter')
    const row = page.locator('[data-test="dev-table"] .el-table__row', { hasText: full.party_org_name }).filter({ hasText: '正式党员' }).first()
    await row.waitFor()
    await row.click()
    const drawer = page.locator('[data-test="dev-person"]')
    await drawer.getByText('㉕ 材料归档').waitFor()
    // The last part of the timeline: admission, probation and 转正.
    await drawer.getByText('⑮ 支部党员大会讨论').scrollIntoViewIfNeeded()
    await drawer.getByText('⑮ 支部党员大会讨论').evaluate((el) => el.scrollIntoView({ block: 'start' }))
    await shot(page, 'develop-full.png')
  } finally {
    await context.close()
  }
})
