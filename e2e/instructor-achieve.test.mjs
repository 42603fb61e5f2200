// End-to-end browser test of what the 党建指导员's work achieved, on the desktop: the district opens
// 党建指导员 → 工作成效, sees the ranking (rows as the API gives them) with its chart and totals, downloads
// the ranking export, and marks a visit's problem solved from the visit log. Set-up from harness.mjs.
//
// Run: cd e2e && npm ci && LIANGXIN_BIN=../bin/liangxin node --test instructor-achieve.test.mjs
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { chartDrawn, districtAPI, loginDistrictReady, newContext, newPage, shot, startServer, state, stopServer, failOnScriptErrors, LOGIN_PROBE } from './harness.mjs'

before(() => startServer('instructor-achieve'))
after(stopServer)
failOnScriptErrors(LOGIN_PROBE)

test('desktop: the district ranks instructors, exports the ranking and marks a problem solved', { timeout: 180_000 }, async () => {
  const api = await districtAPI()
  // One instructor of our own with a visit that raised a problem.
  const orgs = (await api.get('/api/v1/organizations?page_size=1')).data.items
  assert.ok(orgs.length, 'an organization to assign')
  const ins = await api.post('/api/v1/instructors', { name: '成效测试员', unit: '祁东县委组织部', full_time: true, region_code: '430426' })
  assert.equal(ins.status, 201, JSON.stringify(ins.data))
  const year = new Date().getFullYear()
  const from = `${year}-01-01`
  assert.equal((await api.post(`/api/v1/instructors/${ins.data.id}/assignments`, { organization_id: orgs[0].id, from })).status, 201)
  const visit = await api.post(`/api/v1/instructors/${ins.data.id}/visits`, {
    organization_id: orgs[0].id, visited_on: from, form: '走访', content: '了解党建工作开展情况', problems: '缺少固定活动场所',
  })
  assert.equal(visit.status, 201, JSON.stringify(visit.data))
  const ranking = (await api.get(`/api/v1/instructors/achievements?year=${year}`)).data

  const context = await newContext(false)
  const page = await newPage(context)
  try {
    await loginDistrictReady(page, '/instructors')
    await page.locator('[data-testid="achieve-tab"]').click()
    const table = page.locator('[data-testid="achieve-table"]')
    await table.locator('.el-table__body tr').first().waitFor()
    assert.equal(await table.locator('.el-table__body-wrapper tr.el-table__row').count(), ranking.items.length)
    await page.locator('[data-testid="achieve-totals"]', { hasText: `${ranking.totals.instructors}` }).waitFor()
    await chartDrawn(page, 'achieve-chart')
    await shot(page, 'instructor-achievements.png')

    const download = page.waitForEvent('download')
    await page.locator('[data-testid="achieve-export"]').click()
    const file = await download
    assert.ok((await file.suggestedFilename()).endsWith('.xlsx'), 'the ranking export is an Excel file')

    // 标记已解决 from the instructor's visit log.
    await page.locator('[data-testid="instructor-tabs"] .el-tabs__item').first().click()
    await page.locator('[data-testid="instructor-table"] input, .toolbar input').first().fill('成效测试员')
    await page.keyboard.press('Enter')
    await page.locator('[data-testid="instructor-table"] .name-link', { hasText: '成效测试员' }).click()
    const drawer = page.locator('[data-testid="instructor-drawer"]')
    await drawer.locator('.el-tabs__item', { hasText: '走访记录' }).click()
    await drawer.locator('[data-testid="visit-solve"]').click()
    await page.locator('[data-testid="solve-form"] textarea').fill('协调社区党群服务中心提供活动场地')
    await page.locator('[data-testid="solve-save"]').click()
    await drawer.locator('[data-testid="visit-solved"]', { hasText: '协调社区党群服务中心提供活动场地' }).waitFor()
    await shot(page, 'instructor-visit-solved.png')
    const mine = (await api.get(`/api/v1/instructors/${ins.data.id}/achievements?year=${year}`)).data
    assert.equal(mine.problems_raised, 1)
    assert.equal(mine.problems_solved, 1)
  } finally {
    await context.close()
  }
})
