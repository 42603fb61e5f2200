// End-to-end browser test of the home page as the day's work (issue 16 item 6): on the demo data,
// the district, a street (洪桥), a party organization's secretary and a 党建指导员 (on a phone) each
// see their own cards; a card item leads to the page where the work is done, with its filter.
// Set-up from harness.mjs (server binary with the demo data).
//
// Run: cd e2e && npm ci && LIANGXIN_BIN=../bin/liangxin node --test home.test.mjs
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { cli, districtAPI, failOnScriptErrors, LOGIN_PROBE, loginAndChange, loginDistrictReady, newContext, newPage, shot, shotSettleMs, startServer, state, stopServer } from './harness.mjs'

const SECRETARY = { username: 'shuji1', initial: 'Sj#Pass2026init', password: 'Sj#Qidong-2026e2e' }
const shotsDir = process.env.E2E_SCREENSHOTS ? path.resolve(process.env.E2E_SCREENSHOTS) : path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'screenshots')

/** The first screen, and the whole page on a viewport tall enough for every card (the layout scrolls inside). */
async function fullShot(page, name) {
  // The "密码修改成功" toast of the first sign-in goes first.
  await page.locator('.el-message').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => {})
  await shot(page, name)
  const size = page.viewportSize()
  await page.setViewportSize({ width: size.width, height: 2000 })
  // Two frames: the page has laid out at the taller size; then shot()'s cosmetic settle pause for
  // the charts (none in CI, E2E_SHOT_SETTLE_MS=0).
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))
  if (shotSettleMs > 0) await page.waitForTimeout(shotSettleMs)
  await page.screenshot({ path: path.join(shotsDir, name.replace(/\.png$/, '-full.png')) })
  await page.setViewportSize(size)
}

function demoPassword(user) {
  const m = state.demoOutput.match(new RegExp(`${user}\\s.*初始密码：\\s*(\\S+)`))
  assert.ok(m, `the demo prints ${user}'s initial password`)
  return m[1]
}

/** The kinds of the cards shown on the page. */
async function cardKinds(page) {
  await page.locator('[data-test="home-cards"] .home-card').first().waitFor()
  return (await page.locator('[data-test="home-cards"] .home-card').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')))).sort()
}

before(async () => {
  await startServer('home')
  if (!state.demo) return
  // The demo's party organization with an overdue task gets a secretary's account.
  const api = await districtAPI()
  const r = await api.get('/api/v1/tasks?overdue=true&page_size=50')
  assert.equal(r.status, 200)
  const task = r.data.items.find((t) => t.party_org_id)
  assert.ok(task, 'the demo has an overdue task of a party organization')
  await cli('user', 'create', '--data', state.dataDir, '--username', SECRETARY.username, '--name', '测试支部书记', '--role', 'party_org', '--party-org-id', String(task.party_org_id), '--password', SECRETARY.initial)
  state.seeded = { task }
})
after(stopServer)
failOnScriptErrors(LOGIN_PROBE)

test('district: coverage, laggards, overdue tasks, 换届; an overdue task opens filtered', { timeout: 240_000 }, async (t) => {
  if (!state.demo) return t.skip('needs the demo data')
  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginDistrictReady(page)
    assert.deepEqual(await cardKinds(page), ['briefings', 'coverage', 'laggard_streets', 'meeting_laggards', 'overdue_tasks', 'renewals_overdue', 'services_overdue', 'venues_below'])
    const coverage = page.locator('[data-kind="coverage"]')
    assert.match(await coverage.innerText(), /组织覆盖率[\s\S]*%[\s\S]*工作覆盖率/)
    await coverage.locator('canvas').first().waitFor()
    const overdue = page.locator('[data-kind="overdue_tasks"]')
    const n = Number((await overdue.locator('[data-test="card-count"]').innerText()).trim())
    assert.ok(n >= 1, `the demo has overdue tasks, the card says ${n}`)
    assert.ok((await overdue.locator('[data-test="item-link"]').count()) <= 5, 'at most five items per card')
    await fullShot(page, 'home-district.png')

    // The first overdue task leads to the task list on its 超期 tab with the task open.
    const first = overdue.locator('[data-test="item-link"]').first()
    const title = (await first.innerText()).trim()
    await first.click()
    await page.waitForURL(/\/tasks\?.*tab=overdue/)
    assert.match(page.url(), /task=\d+/)
    await page.locator('[data-test="task-tabs"] .el-tabs__item.is-active').filter({ hasText: '超期' }).waitFor()
    const rows = page.locator('[data-test="tasks-table"] .el-table__row')
    await rows.first().waitFor()
    assert.match(await page.locator('[data-test="tasks-table"]').innerText(), new RegExp(title.slice(0, 8)))
    await shot(page, 'home-district-to-tasks.png')
  } finally {
    await context.close()
  }
})

test('street: its own figures and to-dos, nothing of the other street', { timeout: 240_000 }, async (t) => {
  if (!state.demo) return t.skip('needs the demo data')
  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginAndChange(page, 'hongqiao', demoPassword('hongqiao'), 'Hq#Qidong-2026e2e')
    assert.deepEqual(await cardKinds(page), ['coverage', 'laggard_streets', 'meeting_laggards', 'my_tasks', 'notices_unread', 'overdue_tasks', 'renewals_overdue', 'services_overdue', 'venues_below'])
    await page.locator('[data-kind="coverage"] canvas').first().waitFor()
    const text = await page.locator('[data-test="home-cards"]').innerText()
    assert.doesNotMatch(text, /玉合/, '洪桥 sees nothing of 玉合')
    assert.match(await page.locator('.welcome').innerText(), /洪桥街道/)
    await fullShot(page, 'home-street.png')
  } finally {
    await context.close()
  }
})

test('secretary: meetings due, dues, development, tasks and notices; a task link opens it', { timeout: 240_000 }, async (t) => {
  if (!state.demo) return t.skip('needs the demo data')
  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginAndChange(page, SECRETARY.username, SECRETARY.initial, SECRETARY.password)
    assert.deepEqual(await cardKinds(page), ['develop_due', 'dues_owed', 'meetings_due', 'my_tasks', 'notices_unread'])
    const tasks = page.locator('[data-kind="my_tasks"]')
    assert.ok(Number((await tasks.locator('[data-test="card-count"]').innerText()).trim()) >= 1)
    await fullShot(page, 'home-secretary.png')
    await tasks.locator('[data-test="item-link"]').filter({ hasText: state.seeded.task.title }).click()
    await page.waitForURL(new RegExp(`/tasks\\?task=${state.seeded.task.id}`))
    await page.locator('.el-drawer').filter({ hasText: state.seeded.task.title }).first().waitFor()
  } finally {
    await context.close()
  }
})

test('instructor (phone): assigned organizations and visits due', { timeout: 240_000 }, async (t) => {
  if (!state.demo) return t.skip('needs the demo data')
  const context = await newContext(true)
  const page = await newPage(context)
  try {
    await loginAndChange(page, 'instructor1', demoPassword('instructor1'), 'In#Qidong-2026e2e')
    assert.deepEqual(await cardKinds(page), ['assigned_orgs', 'visits_due'])
    const orgs = page.locator('[data-kind="assigned_orgs"]')
    assert.ok(Number((await orgs.locator('[data-test="card-count"]').innerText()).trim()) >= 1, 'instructor1 is assigned to organizations')
    await fullShot(page, 'home-instructor-mobile.png')
    await orgs.locator('[data-test="card-link"]').click()
    await page.waitForURL(/\/my-work/)
    await page.locator('[data-testid="my-work"] .page-title').waitFor()
  } finally {
    await context.close()
  }
})
