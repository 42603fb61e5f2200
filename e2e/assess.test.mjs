// End-to-end browser test of 考评与星级: the data (an indicator sheet, a round, scores) is set up via
// the API, then in the browser the round page is opened, one party organization is scored in the
// drawer, the round is closed and the star chart is shown; plus the 软弱涣散 signals and the
// home-page reminders. Set-up from harness.mjs: the server binary (LIANGXIN_BIN, default
// ../bin/liangxin) with demo data, Debian chromium via playwright-core.
//
// Run: cd e2e && npm ci && LIANGXIN_BIN=../bin/liangxin node --test assess.test.mjs
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import {
  day,
  districtAPI,
  failOnScriptErrors,
  LOGIN_PROBE,
  login,
  loginDistrict,
  newContext,
  newPage,
  shot,
  startServer,
  state,
  stopServer,
} from './harness.mjs'

before(async () => {
  await startServer('assess')
  state.seeded = await seed()
})
after(stopServer)
failOnScriptErrors(LOGIN_PROBE)

const year = Number(day(0).slice(0, 4))

/** Sheet (60 manual + 40 computed, one veto), a round over the county, all but one organization scored. */
async function seed() {
  const api = await districtAPI()
  const sheet = await api.post('/api/v1/assess/sheets', {
    name: `${year}年度E2E星级评定指标`,
    year,
    region_code: '430426',
    thresholds: { five: 90, four: 80, three: 70, two: 60 },
    indicators: [
      { area: '组织建设', name: '班子健全、分工明确', max_points: 30, method: 'manual', guidance: '' },
      { area: '组织建设', name: '三会一课落实', max_points: 40, method: 'meeting_compliance', guidance: '' },
      { area: '作用发挥', name: '服务群众、推动发展', max_points: 30, method: 'manual', guidance: '' },
    ],
    vetoes: [{ name: '发生违纪违法问题', cap_stars: 2 }],
  })
  assert.equal(sheet.status, 201, `sheet: ${JSON.stringify(sheet.data)}`)
  const round = await api.post('/api/v1/assess/rounds', { sheet_id: sheet.data.id, name: `${year}年度E2E星级评定`, region_code: '430426', from: `${year}-01-01`, to: day(0) })
  assert.equal(round.status, 201, `round: ${JSON.stringify(round.data)}`)
  const view = await api.get(`/api/v1/assess/rounds/${round.data.id}`)
  assert.equal(view.status, 200)
  const results = view.data.results
  assert.ok(results.length >= 2, `round has ${results.length} party organizations`)
  const manual = sheet.data.indicators.filter((i) => i.method === 'manual')
  // Every organization but the last gets manual scores spread over the star levels.
  const spread = [30, 28, 25, 22, 18, 12]
  for (let k = 0; k < results.length - 1; k++) {
    const pts = spread[k % spread.length]
    const body = {
      scores: manual.map((i) => ({ indicator_id: i.id, points: pts, note: 'E2E 评分', evidence: '' })),
      vetoes: [],
      satisfaction: 90,
    }
    const r = await api.put(`/api/v1/assess/rounds/${round.data.id}/orgs/${results[k].party_org_id}`, body)
    assert.equal(r.status, 200, `score ${results[k].party_org_name}: ${JSON.stringify(r.data)}`)
  }
  return { sheet: sheet.data, round: round.data, last: results[results.length - 1], manual }
}


test('round page: score an organization in the drawer, close the round, see the star chart', { timeout: 240_000 }, async () => {
  const { round, last } = state.seeded
  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginDistrict(page, '/assess/rounds')
    // The menu group is there for a user with assess.manage.
    await page.locator('[data-menu-group="考评与星级"]').first().waitFor()
    await page.locator('[data-test="rounds-table"] .el-table__row', { hasText: round.name }).click()
    await page.waitForURL(new RegExp(`/assess/rounds/${round.id}$`))
    await page.locator('[data-test="results-table"]').waitFor()
    await page.locator('[data-test="round-status"]', { hasText: '评分中' }).waitFor()

    // Score the one organization left: search it, open the drawer, fill the manual indicators.
    await page.locator('.toolbar input').first().fill(last.party_org_name)
    const row = page.locator('[data-test="results-table"] .el-table__row', { hasText: last.party_org_name }).first()
    await row.getByText(/缺 \d+ 项/).waitFor()
    await row.locator('[data-test="score-org"]').click()
    const drawer = page.locator('.el-drawer', { hasText: '当前得分' })
    await drawer.waitFor()
    await drawer.locator('[data-test="computed"]').first().waitFor()
    const inputs = drawer.locator('[data-test="points"] input')
    const n = await inputs.count()
    assert.ok(n >= 2, `manual indicators in the drawer: ${n}`)
    for (let k = 0; k < n; k++) {
      await inputs.nth(k).fill('29.5')
      await inputs.nth(k).blur()
    }
    await drawer.locator('input[data-test="note"], [data-test="note"] input').first().fill('班子成员分工明确，台账规范')
    await drawer.locator('[data-test="save-scores"]').click()
    await page.getByText(/已保存：[\d.]+ 分/).first().waitFor({ timeout: 15_000 })
    await drawer.getByText('关闭', { exact: true }).click()
    await row.getByText('已评完').waitFor({ timeout: 15_000 })
    await page.locator('.toolbar input').first().fill('')

    // Close the round (confirm) and see the frozen results with the star chart.
    await page.locator('[data-test="close-round"]').click()
    await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click()
    await page.locator('[data-test="round-status"]', { hasText: '已结束' }).waitFor({ timeout: 15_000 })
    const summary = (await page.locator('[data-test="star-summary"]').innerText()).trim()
    assert.match(summary, /星级 \d+ 个/, `star summary: ${summary}`)
    const canvas = page.locator('[data-test="star-chart"] canvas').first()
    await canvas.waitFor({ timeout: 15_000 })
    const box = await canvas.boundingBox()
    assert.ok(box && box.width > 200 && box.height > 100, `chart size ${JSON.stringify(box)}`)
    await page.locator('[data-test="reopen-round"]').waitFor()
    await shot(page, 'assess-round.png')

    // The frozen round answers a conflict when scored through the API.
    const api = await districtAPI()
    const r = await api.put(`/api/v1/assess/rounds/${round.id}/orgs/${last.party_org_id}`, {
      scores: state.seeded.manual.map((i) => ({ indicator_id: i.id, points: 1, note: '', evidence: '' })),
      vetoes: [],
      satisfaction: null,
    })
    assert.ok(r.status >= 400, `scoring a closed round answered ${r.status}`)
  } finally {
    await context.close()
  }
})

test('软弱涣散 signals with evidence', { timeout: 120_000 }, async () => {
  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginDistrict(page, '/assess/signals')
    const table = page.locator('[data-test="signals-table"]')
    await table.waitFor()
    await page.waitForLoadState('networkidle').catch(() => {})
    const rows = table.locator('.el-table__row')
    if (state.demo) {
      await rows.first().waitFor({ timeout: 15_000 })
      assert.ok((await rows.first().locator('.el-tag').count()) > 0, 'a signal tag is shown')
    }
    await shot(page, 'assess-signals.png')
    if (state.demo) {
      // Designate the first organization and see it in the rectification records.
      const name = (await rows.first().locator('td').first().innerText()).trim()
      await rows.first().locator('[data-test="designate"]').click()
      const dlg = page.locator('.el-dialog', { hasText: '认定软弱涣散' })
      await dlg.waitFor()
      await dlg.locator('textarea[data-test="measures"], [data-test="measures"] textarea').first().fill('配齐书记，每月召开主题党日')
      await dlg.locator('input[data-test="responsible"], [data-test="responsible"] input').first().fill('李卫东')
      await dlg.locator('[data-test="save-designate"]').click()
      await page.getByText('已认定并建立整改台账').first().waitFor()
      await page.locator('.el-tabs__item', { hasText: '整改台账' }).click()
      const rect = page.locator('[data-test="rect-table"] .el-table__row', { hasText: name }).first()
      await rect.waitFor({ timeout: 15_000 })
      assert.match(await rect.innerText(), /李卫东/)
    }
  } finally {
    await context.close()
  }
})

test('the meetings page sums up this month\'s and quarter\'s reminders with a link to record', { timeout: 120_000 }, async () => {
  // Its own branch, founded a year ago, with no meeting held: this month's 主题党日 and this
  // quarter's 支部党员大会 are due whatever the date; it has no 党小组, so no 党小组会 is owed.
  const api = await districtAPI()
  const stamp = Date.now().toString(36)
  const unit = await api.post('/api/v1/organizations', { name: `祁东县提醒测试商行${stamp}`, category: 'individual_business', region_code: '430426001001', full_members: 3, registered_on: '2020-01-01' })
  assert.equal(unit.status, 201, `organization: ${JSON.stringify(unit.data)}`)
  const branchName = `中共祁东县提醒测试商行${stamp}支部委员会`
  const branch = await api.post('/api/v1/party-orgs', { name: branchName, kind: 'branch', formation: 'single', established_on: day(-365), covers: [unit.data.id] })
  assert.equal(branch.status, 201, `party organization: ${JSON.stringify(branch.data)}`)

  const context = await newContext()
  const page = await newPage(context)
  try {
    // The reminders are one collapsed summary line (issue 16: no wall of banners), opened on demand.
    await loginDistrict(page, `/meetings?party_org_id=${branch.data.id}`)
    const box = page.locator('[data-test="reminders"]')
    await box.locator('[data-test="reminder-summary"]').waitFor({ timeout: 15_000 })
    await box.locator('.el-collapse-item__header').click()
    const mine = box.locator('[data-test="reminder-orgs"] .el-table__row', { hasText: branchName })
    await mine.waitFor({ timeout: 15_000 })
    const text = await mine.innerText()
    assert.match(text, /本月主题党日 1 次/)
    assert.match(text, /本季度支部党员大会 1 次/)
    assert.doesNotMatch(text, /党小组会/)
    await shot(page, 'home-reminders.png')
    await mine.locator('[data-test="reminder-record"]').click()
    await page.locator('.el-drawer').getByText('会议类型').first().waitFor({ timeout: 15_000 })
  } finally {
    await context.close()
  }
})
