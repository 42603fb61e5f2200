// End-to-end browser test of the 两新台账 pages (数据驾驶舱、两新组织、党组织、党建指导员、工作清单)
// against a real server binary.
//
// The server binary comes from LIANGXIN_BIN (default ../bin/liangxin); the browser is Debian's
// chromium (CHROMIUM, default /usr/bin/chromium). The set-up (harness.mjs): before the server starts, the CLI sets the
// jurisdiction (`init`), creates the district user district1 (`user create`) and, when the binary
// has it, loads demo data (`demo`); otherwise (or with E2E_NO_DEMO=1) the test seeds a small
// ledger through the API and checks exact figures.
//
// Run: cd e2e && npm ci && LIANGXIN_BIN=../bin/liangxin node --test ledger.test.mjs
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import {
  ADMIN_NEW,
  DISTRICT,
  apiClient,
  chartDrawn,
  day,
  kpiText,
  login,
  loginAndChange,
  loginDistrict,
  newContext,
  newPage,
  shot,
  startServer,
  state,
  stopServer,
  yearsAgo,
} from './harness.mjs'

before(() => startServer('ledger'))
after(stopServer)

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
/** A valid 统一社会信用代码 (GB 32100) for test data. */
function uscc(n, kind = '91') {
  const body = (kind + '430426' + String(n).padStart(8, '0') + 'X').slice(0, 17)
  let s = 0
  for (let i = 0; i < 17; i++) s += USCC_CHARS.indexOf(body[i]) * USCC_WEIGHTS[i]
  return body + USCC_CHARS[(31 - (s % 31)) % 31]
}

/** Seeds 12 organizations in three streets, four party organizations, an instructor with assignments and a visit. */
async function seedLedger(api) {
  const orgs = [
    { name: '祁东县湘江机械制造有限公司', category: 'private_enterprise', region_code: '430426001001', industry: 'C', employees: 180, full_members: 12, probationary_members: 1, above_scale: true, has_charter: true, charter_has_party: true, owner_is_member: true, registered_on: '2012-05-18' },
    { name: '祁东县洪桥物业服务有限公司', category: 'private_enterprise', region_code: '430426001002', industry: 'K', employees: 60, full_members: 4, tags: ['物业'], registered_on: '2016-03-02' },
    { name: '祁东县达孝快递服务有限公司', category: 'private_enterprise', region_code: '430426001001', industry: 'G', employees: 25, full_members: 1, probationary_members: 1, tags: ['快递'], registered_on: '2019-07-11' },
    { name: '祁东县憩园小吃店', category: 'individual_business', region_code: '430426001002', industry: 'H', employees: 6, tags: ['小微企业'], registered_on: '2021-09-01' },
    { name: '祁东县洪桥商会', category: 'social_group', region_code: '430426001', industry: 'S', employees: 12, full_members: 2, registered_on: '2018-01-15' },
    { name: '祁东县玉合电子科技有限公司', category: 'private_enterprise', region_code: '430426002001', industry: 'C', employees: 120, full_members: 6, above_scale: true, registered_on: '2014-10-20' },
    { name: '祁东县石门建材有限公司', category: 'private_enterprise', region_code: '430426002001', industry: 'E', employees: 45, full_members: 3, registered_on: '2017-06-06' },
    { name: '祁东县颜家生态农业有限公司', category: 'other_enterprise', region_code: '430426002002', industry: 'A', employees: 30, full_members: 1, registered_on: '2020-04-28' },
    { name: '祁东县玉合社会工作服务中心', category: 'private_non_enterprise', region_code: '430426002003', industry: 'Q', employees: 15, full_members: 2, registered_on: '2022-02-14' },
    { name: '祁东县永昌网络科技有限公司', category: 'private_enterprise', region_code: '430426003001', industry: 'I', employees: 50, full_members: 5, tags: ['互联网', '直播电商'], registered_on: '2019-11-11' },
    { name: '祁东县太阳升幼儿园', category: 'private_non_enterprise', region_code: '430426003001', industry: 'P', employees: 20, registered_on: '2015-08-30' },
    { name: '湖南祁衡律师事务所', category: 'intermediary', region_code: '430426003010', industry: 'L', employees: 10, full_members: 3, registered_on: '2013-12-01' },
  ]
  const ids = []
  for (const [i, o] of orgs.entries()) {
    const body = { ...o }
    if (o.category !== 'individual_business') body.uscc = uscc(1000 + i, ['social_group', 'private_non_enterprise'].includes(o.category) ? '52' : '91')
    const r = await api.post('/api/v1/organizations', body)
    assert.equal(r.status, 201, `create organization ${o.name}: ${JSON.stringify(r.data)}`)
    ids.push(r.data.id)
  }
  const party = async (body) => {
    const r = await api.post('/api/v1/party-orgs', body)
    assert.equal(r.status, 201, `create party organization ${body.name}: ${JSON.stringify(r.data)}`)
    return r.data
  }
  // The regional committee is the oldest (a parent is founded before its branches); it takes on its
  // units only 300 days ago, so the coverage trend rises during the year.
  const regional = await party({
    name: '中共祁东县玉合街道非公有制经济组织综合委员会',
    kind: 'committee',
    formation: 'regional',
    region_code: '430426002',
    established_on: yearsAgo(7),
    term_started_on: yearsAgo(2),
    covers: [],
  })
  for (const k of [5, 6, 8]) {
    const c = await api.post(`/api/v1/party-orgs/${regional.id}/covers`, { organization_id: ids[k], from: day(-300) })
    assert.equal(c.status, 200, `add cover: ${JSON.stringify(c.data)}`)
  }
  const single = await party({
    name: '中共祁东县湘江机械制造有限公司支部委员会',
    kind: 'branch',
    formation: 'single',
    established_on: yearsAgo(6),
    term_started_on: yearsAgo(3, 40),
    covers: [ids[0]],
    parent_id: regional.id,
  })
  const joint = await party({
    name: '中共祁东县洪桥街道物业快递联合支部委员会',
    kind: 'branch',
    formation: 'joint',
    established_on: day(-200),
    covers: [ids[1], ids[2], ids[4]],
    parent_id: regional.id,
  })
  await party({ name: '中共祁东县永昌网络科技有限公司支部委员会', kind: 'branch', formation: 'single', established_on: yearsAgo(3, -25), covers: [ids[9]] })
  const ins = await api.post('/api/v1/instructors', { name: '王建国', phone: '13807340001', unit: '祁东县洪桥街道党工委', full_time: true, level: '乡镇（街道）级', region_code: '430426001' })
  assert.equal(ins.status, 201, `create instructor: ${JSON.stringify(ins.data)}`)
  for (const [k, from] of [
    [3, day(-150)],
    [7, day(-90)],
  ]) {
    const a = await api.post(`/api/v1/instructors/${ins.data.id}/assignments`, { organization_id: ids[k], from })
    assert.equal(a.status, 201, `assign: ${JSON.stringify(a.data)}`)
  }
  const v = await api.post(`/api/v1/instructors/${ins.data.id}/visits`, {
    organization_id: ids[3],
    visited_on: day(-30),
    content: '宣讲党的创新理论，了解从业人员思想动态',
    problems: '暂无党员，有入党积极分子 1 名',
    solved: '已推荐参加街道入党积极分子培训班',
  })
  assert.equal(v.status, 201, `visit: ${JSON.stringify(v.data)}`)
  return { ids, names: orgs.map((o) => o.name), regional, single, joint }
}

test('admin: forced password change; the ledger menus stay hidden from 三员', { timeout: 120_000 }, async () => {
  assert.ok(state.adminPassword, 'the admin password printed by init or serve')
  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginAndChange(page, 'admin', state.adminPassword, ADMIN_NEW)
    await page.locator('[data-testid="home"] [data-kind="links"]').waitFor()
    assert.equal(await page.locator('.side-menu [data-menu="dashboard"]').count(), 0, 'system_admin must not see 数据驾驶舱')
    assert.equal(await page.locator('.side-menu [data-menu-group="两新台账"]').count(), 0)
  } finally {
    await context.close()
  }
})

test('district user: first login, seed data, 数据驾驶舱 with drill-down', { timeout: 240_000 }, async () => {
  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginAndChange(page, DISTRICT.username, DISTRICT.initial, DISTRICT.password)
    state.districtReady = true
    if (!state.demo) {
      const api = apiClient(state.baseURL)
      const r = await api.post('/api/v1/auth/login', { username: DISTRICT.username, password: DISTRICT.password })
      assert.equal(r.status, 200, `API login: ${JSON.stringify(r.data)}`)
      state.seeded = await seedLedger(api)
    }

    // The ledger group and its five pages are in the menu.
    const group = page.locator('.side-menu [data-menu-group="两新台账"]')
    await group.waitFor()
    for (const key of ['dashboard', 'organizations', 'partyOrgs', 'instructors', 'worklists']) {
      await page.locator(`.side-menu [data-menu="${key}"]`).first().waitFor()
    }
    await page.locator('.side-menu [data-menu="dashboard"]').first().click()
    await page.waitForURL(/\/dashboard$/)
    assert.equal(await page.title(), '数据驾驶舱 - 两新党建综合管理平台')
    await page.locator('[data-testid="scope-rule"]').getByText('统计口径：').waitFor()
    await page.locator('[data-testid="kpi-total"] [data-testid="kpi-value"]').waitFor()

    const total = Number((await kpiText(page, 'total')).replace(/,/g, ''))
    assert.ok(total > 0, `单位总数 should be non-zero, got ${total}`)
    const orgRate = await kpiText(page, 'org')
    assert.match(orgRate, /^\d{1,3}\.\d{2}%$/, `组织覆盖率 format: ${orgRate}`)
    assert.notEqual(orgRate, '0.00%', 'some organizations are covered')
    assert.notEqual(await kpiText(page, 'work'), '0.00%')
    if (state.seeded) {
      assert.equal(total, 12)
      assert.equal(orgRate, '66.67%')
      assert.equal(await kpiText(page, 'single'), '16.67%')
      assert.equal(await kpiText(page, 'work'), '83.33%')
    }
    for (const id of ['region-chart', 'trend-chart', 'sector-chart', 'formation-chart']) await chartDrawn(page, id)
    // 换届: the overdue one is red.
    if (state.seeded) {
      await page.locator('[data-testid="renewal-list"] li.overdue').first().waitFor()
      await page.locator('[data-testid="renewal-list"]').getByText(/已逾期 \d+ 天/).first().waitFor()
    }
    const breadcrumb = page.locator('[data-testid="region-breadcrumb"]')
    await breadcrumb.getByText('祁东县').waitFor()
    await shot(page, 'dashboard.png')

    // Drill into the first street by clicking its bar group on the chart.
    const rows = page.locator('[data-testid="region-table"] .el-table__body-wrapper tbody tr')
    const n = await rows.count()
    assert.ok(n > 0, 'child regions listed')
    const street = (await rows.first().locator('td').first().innerText()).trim()
    const chart = page.locator('[data-testid="region-chart"]')
    await chart.scrollIntoViewIfNeeded()
    const box = await chart.boundingBox()
    // Grid: about 50px of axis labels on the left, 20px on the right; the first category is the first band.
    const plotLeft = box.x + 56
    const plotWidth = box.width - 56 - 20
    await page.mouse.click(plotLeft + plotWidth / n / 2, box.y + box.height * 0.62)
    let viaChart = true
    try {
      await breadcrumb.getByText(street, { exact: true }).waitFor({ timeout: 4000 })
    } catch {
      // Fallback: the table row link drills the same way.
      viaChart = false
      await rows.first().getByRole('button', { name: street }).click()
      await breadcrumb.getByText(street, { exact: true }).waitFor()
    }
    assert.ok(viaChart, 'clicking the bar of a street drills into it')
    await page.getByRole('heading', { name: '各社区（村）覆盖情况' }).waitFor()
    await page.locator('[data-testid="kpi-total"] [data-testid="kpi-value"]').waitFor()
    const streetTotal = Number((await kpiText(page, 'total')).replace(/,/g, ''))
    assert.ok(streetTotal > 0 && streetTotal <= total, `street total ${streetTotal} within ${total}`)
    await chartDrawn(page, 'region-chart')
    await shot(page, 'dashboard-drill.png')

    // Down to a community (deepest level): the uncovered organizations are listed there.
    const communityRows = page.locator('[data-testid="region-table"] .el-table__body-wrapper tbody tr')
    const communityLink = communityRows.locator('.drill-link').first()
    const community = (await communityLink.innerText()).trim()
    await communityLink.click()
    await breadcrumb.getByText(community, { exact: true }).waitFor()
    await page.locator('[data-testid="uncovered-card"]').waitFor()
    assert.equal(await page.locator('[data-testid="region-chart-card"]').count(), 0, 'no child chart at the deepest level')
    assert.equal(await breadcrumb.locator('.el-breadcrumb__item').count(), 3)

    // Back to the jurisdiction through the breadcrumb; the uncovered list can be opened there too.
    await breadcrumb.getByText('祁东县').click()
    await page.getByRole('heading', { name: '各街道（乡镇）覆盖情况' }).waitFor()
    await page.locator('[data-testid="toggle-uncovered"]').click()
    const uncovered = page.locator('[data-testid="uncovered-table"] .el-table__body-wrapper tbody tr')
    await uncovered.first().waitFor()
    if (state.seeded) assert.equal(await uncovered.count(), 4)
  } finally {
    await context.close()
  }
})

test('两新组织: list, validation from the server, create, history, delete refusal, import', { timeout: 180_000 }, async (t) => {
  assert.ok(state.districtReady, 'the district user was set up in the previous test')
  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginDistrict(page, '/organizations')
    const table = page.locator('[data-testid="org-table"]')
    await table.locator('.el-table__body-wrapper tbody tr').first().waitFor()

    const api = apiClient(state.baseURL)
    const r = await api.post('/api/v1/auth/login', { username: DISTRICT.username, password: DISTRICT.password })
    assert.equal(r.status, 200)
    const all = (await api.get('/api/v1/organizations?page_size=1')).data.total
    const uncoveredTotal = (await api.get('/api/v1/organizations?coverage=uncovered&page_size=1')).data.total
    if (state.seeded) assert.equal(uncoveredTotal, 4)
    await page.getByText(`共 ${all} 家`).waitFor()

    // Filter: uncovered organizations (the total matches the API).
    await page.locator('[data-testid="org-coverage"]').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: '未覆盖' }).first().click()
    await page.getByText(`共 ${uncoveredTotal} 家`).waitFor()
    await page.getByRole('button', { name: '重置' }).click()
    await page.getByText(`共 ${all} 家`).waitFor()

    // Create: a bad credit code is refused by the server and shown on the field.
    const NEW_ORG = '祁东县白鹤数码科技有限公司'
    await page.locator('[data-testid="org-create"]').click()
    const dialog = page.locator('.el-dialog').filter({ hasText: '登记两新组织' })
    await dialog.waitFor()
    await dialog.locator('input[name="name"]').fill(NEW_ORG)
    await dialog.locator('[data-testid="org-category"]').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: '民营企业' }).first().click()
    await dialog.locator('input[name="uscc"]').fill('91430426MA4L00000')
    await dialog.locator('.region-tree-select').click()
    const option = page.locator('.el-tree-select__popper:visible .el-tree-node__content', { hasText: '白鹤街道' })
    await option.first().waitFor()
    await option.first().click()
    await dialog.locator('[data-testid="org-save"]').click()
    await dialog.locator('.el-form-item__error', { hasText: '统一社会信用代码' }).waitFor()
    await dialog.locator('input[name="uscc"]').fill(uscc(4242, '92'))
    await dialog.locator('[data-testid="org-save"]').click()
    await dialog.waitFor({ state: 'hidden' })
    await page.locator('.el-message--success', { hasText: '已登记' }).waitFor()

    // Find it with the keyword filter.
    const q = page.locator('[data-testid="org-q"]')
    await q.fill(NEW_ORG)
    await q.press('Enter')
    const created = table.locator('.el-table__body-wrapper tbody tr', { hasText: NEW_ORG })
    await created.first().waitFor()
    await page.getByText('共 1 家').waitFor()

    // Detail drawer with its history.
    await created.first().getByRole('button', { name: NEW_ORG, exact: true }).click()
    const drawer = page.locator('[data-testid="org-drawer"]')
    await drawer.getByText('修改历史').waitFor()
    await drawer.getByText('登记两新组织').waitFor()
    await drawer.locator('.el-drawer__close-btn').click()
    await drawer.waitFor({ state: 'hidden' })

    // Delete the new one (no links): confirmation, then gone.
    await created.first().getByRole('button', { name: `删除${NEW_ORG}` }).click()
    await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click()
    await page.locator('.el-message--success', { hasText: '已删除' }).waitFor()
    await created.first().waitFor({ state: 'detached' })

    // A covered organization cannot be deleted: the server's 409 message is shown.
    const covered = await api.get('/api/v1/organizations?coverage=covered&page_size=1&sort=name')
    assert.equal(covered.status, 200)
    const linkedName = covered.data.items[0].name
    await q.fill(linkedName)
    await q.press('Enter')
    const linked = table.locator('.el-table__body-wrapper tbody tr', { hasText: linkedName })
    await linked.first().getByRole('button', { name: `删除${linkedName}` }).click()
    await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click()
    await page.locator('.el-message--error', { hasText: '不能删除' }).waitFor()
    await linked.first().waitFor()

    await page.getByRole('button', { name: '重置' }).click()
    await table.locator('.el-table__body-wrapper tbody tr').nth(1).waitFor()
    await page.locator('.el-message').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => {})
    // Show the table from its first column (the delete buttons above scrolled it sideways).
    await table.locator('.el-table__body-wrapper .el-scrollbar__wrap').evaluate((el) => {
      el.scrollLeft = 0
      el.dispatchEvent(new Event('scroll'))
    })
    await shot(page, 'organizations.png')

    // Import: only when the server has the endpoint.
    const tpl = await api.bytes('/api/v1/imports/organizations/template')
    if (tpl.status === 404 || tpl.status === 405) {
      t.diagnostic('import endpoint not available on this server: import skipped')
    } else {
      assert.equal(tpl.status, 200, 'template download')
      const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
      await page.locator('[data-testid="org-import"]').click()
      const imp = page.locator('[data-testid="import-dialog"]')
      await imp.getByRole('button', { name: '下载模板' }).waitFor()
      const fileInput = imp.locator('input[type="file"]')

      // The template's sample row is not a real unit: rejected, with the errors and the marked workbook offered.
      await fileInput.setInputFiles({ name: '两新组织导入模板.xlsx', mimeType: xlsxType, buffer: tpl.body })
      await imp.locator('[data-testid="import-start"]').click()
      const outcome = imp.locator('[data-testid="import-done"], [data-testid="import-invalid"]').first()
      await outcome.waitFor({ timeout: 30_000 })
      if (await imp.locator('[data-testid="import-invalid"]').isVisible()) {
        await imp.locator('.import-errors').waitFor()
        const download = page.waitForEvent('download')
        await imp.locator('[data-testid="import-report"]').click()
        const file = await download
        assert.ok((await file.suggestedFilename()).endsWith('.xlsx'), 'the error report is an Excel file')
      }

      // Re-importing an export of the ledger changes nothing and succeeds. (Economic organizations only:
      // the importer does not yet read back the category name 民办非企业单位（社会服务机构） that the export writes.)
      const exported = await api.bytes('/api/v1/organizations/export?status=operating&sector=economic')
      assert.equal(exported.status, 200, 'export download')
      await imp.locator('.el-upload-list__item').first().hover().catch(() => {})
      await fileInput.setInputFiles({ name: '两新组织.xlsx', mimeType: xlsxType, buffer: exported.body })
      await imp.locator('[data-testid="import-start"]').click()
      await imp.locator('[data-testid="import-done"]').waitFor({ timeout: 60_000 })
      await imp.getByText('新增 0 家，更新 0 家').waitFor()
      await imp.getByRole('button', { name: '完成' }).click()
    }
  } finally {
    await context.close()
  }
})

test('党组织: tree, create with warnings; 党建指导员 and 工作清单', { timeout: 180_000 }, async () => {
  assert.ok(state.districtReady, 'the district user was set up in an earlier test')
  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginDistrict(page, '/party-orgs')
    const tree = page.locator('[data-testid="party-tree"]')
    await tree.locator('.el-tree-node').first().waitFor()

    // A 党总支 over two small uncovered units: created, with the server's warning (党员不足 50 人) shown.
    const api = apiClient(state.baseURL)
    assert.equal((await api.post('/api/v1/auth/login', { username: DISTRICT.username, password: DISTRICT.password })).status, 200)
    const small = (await api.get('/api/v1/organizations?coverage=uncovered&status=operating&sort=full_members&order=asc&page_size=2')).data.items
    assert.equal(small.length, 2, 'two uncovered organizations to cover')
    const NEW_PARTY = '中共祁东县现代服务业行业总支部委员会'
    await page.locator('[data-testid="party-create"]').click()
    const dialog = page.locator('.el-dialog').filter({ hasText: '新建党组织' })
    await dialog.waitFor()
    await dialog.locator('input[name="name"]').fill(NEW_PARTY)
    await dialog.getByText('党总支', { exact: true }).click()
    await dialog.locator('.el-form-item', { hasText: '组建方式' }).locator('.el-select').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: '行业组建' }).first().click()
    const covers = dialog.locator('[data-testid="party-covers"]')
    for (const o of small) {
      await covers.click()
      await page.keyboard.type(o.name.slice(-6))
      const opt = page.locator('.el-select-dropdown__item:visible', { hasText: o.name })
      await opt.first().waitFor()
      await opt.first().click()
      await page.keyboard.press('Escape')
      await page.locator('.el-select-dropdown:visible').first().waitFor({ state: 'hidden' }).catch(() => {})
    }
    await covers.getByText(small[0].name).waitFor()
    await dialog.locator('[data-testid="party-save"]').click()
    await dialog.waitFor({ state: 'hidden' })
    const warn = page.locator('[data-testid="party-warnings"]')
    await warn.waitFor()
    await warn.getByText(/党总支/).first().waitFor()
    await tree.getByText(NEW_PARTY).waitFor()
    await tree.getByText(NEW_PARTY).scrollIntoViewIfNeeded()
    await page.locator('.el-main').evaluate((el) => el.scrollTo(0, 0))
    await page.locator('.el-message').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => {})
    await shot(page, 'party-orgs.png')

    // 换届 tab lists renewals (overdue ones in red).
    const renewalsApi = (await api.get('/api/v1/party-orgs/renewals?within_days=90')).data.items
    await page.locator('[data-testid="tab-renewals"]').click()
    const renewals = page.locator('[data-testid="renewal-table"] .el-table__body-wrapper tbody tr')
    if (renewalsApi.length) {
      await renewals.first().waitFor()
      assert.equal(await renewals.count(), renewalsApi.length)
      if (renewalsApi.some((x) => x.overdue)) await page.locator('[data-testid="renewal-table"] .overdue').first().waitFor()
    }

    // Instructors: phones are masked in the list; the drawer shows assignments and visits.
    await page.goto(`${state.baseURL}/instructors`)
    const itable = page.locator('[data-testid="instructor-table"]')
    const firstRow = itable.locator('.el-table__body-wrapper tbody tr').first()
    await firstRow.waitFor()
    if (state.seeded) await itable.getByText('138****0001').waitFor()
    const instructorName = (await firstRow.locator('td').first().innerText()).trim()
    await firstRow.getByRole('button', { name: instructorName, exact: true }).click()
    const idrawer = page.locator('[data-testid="instructor-drawer"]')
    await idrawer.locator('[data-testid="assignment-table"]').waitFor()
    if (state.seeded) {
      await idrawer.locator('[data-testid="assignment-table"]').getByText(state.seeded.names[3]).waitFor()
      await idrawer.getByText('走访记录（1）').click()
      await idrawer.getByText('宣讲党的创新理论').waitFor()
    }

    // 应走访未走访: the tab counts what the API counts, most overdue first, with today's frequencies.
    await page.goto(`${state.baseURL}/instructors`)
    const overdueApi = (await api.get('/api/v1/instructors/due-visits?page_size=1')).data
    await page.locator('[data-testid="overdue-tab"]').click()
    await page.locator('[data-testid="overdue-tab"]').getByText(`（${overdueApi.total}）`).waitFor()
    await page.locator('[data-testid="overdue-note"]').getByText('专职指导员每月、兼职每季度').waitFor()
    if (overdueApi.total > 0) {
      const top = page.locator('[data-testid="overdue-table"] .el-table__body-wrapper tbody tr').first()
      await top.getByText(overdueApi.items[0].name).waitFor()
      await top.getByText(`${overdueApi.items[0].days_overdue} 天`).waitFor()
    }

    // Work lists: three tabs; the counts match the API.
    await page.goto(`${state.baseURL}/worklists`)
    const wl = page.locator('[data-testid="worklist-table"] .el-table__body-wrapper tbody tr')
    for (const kind of ['should_build', 'few_members', 'no_members']) {
      const n = (await api.get(`/api/v1/stats/worklists/${kind}?page_size=1`)).data.total
      await page.locator(`[data-testid="tab-${kind}"]`).click()
      await page.locator(`[data-testid="tab-${kind}"]`).getByText(String(n), { exact: true }).waitFor()
      if (n > 0) await wl.first().waitFor()
    }
  } finally {
    await context.close()
  }
})

test('mobile 390×844: 数据驾驶舱', { timeout: 120_000 }, async () => {
  assert.ok(state.districtReady, 'the district user was set up in an earlier test')
  const context = await newContext(true)
  const page = await newPage(context)
  try {
    await loginDistrict(page, '/dashboard')
    await page.locator('[data-testid="kpi-total"] [data-testid="kpi-value"]').waitFor()
    await chartDrawn(page, 'region-chart')
    assert.equal(await page.locator('.layout-aside').count(), 0)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 1, `page overflows horizontally by ${overflow}px`)
    await shot(page, 'dashboard-mobile.png')

    // The ledger pages are reachable from the drawer menu.
    await page.getByRole('button', { name: '打开菜单' }).click()
    const drawer = page.locator('.menu-drawer')
    await drawer.locator('[data-menu="organizations"]').click()
    await page.waitForURL(/\/organizations$/)
    await page.locator('[data-testid="org-table"] .el-table__body-wrapper tbody tr').first().waitFor()
    const overflow2 = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow2 <= 1, `organizations page overflows horizontally by ${overflow2}px`)
  } finally {
    await context.close()
  }
})

/** Sets up a unit covered by a new joint branch (with another unit), guided by a new instructor with one visit; returns its name. */
async function coveredUnit(api) {
  const other = (await api.get('/api/v1/organizations?coverage=uncovered&status=operating&page_size=1')).data.items[0]
  assert.ok(other, 'an uncovered unit to join the branch')
  const name = `覆盖详情测试商行${Date.now() % 100000}`
  const o = await api.post('/api/v1/organizations', { name, category: 'individual_business', region_code: other.region_code, industry: 'C', full_members: 3 })
  assert.equal(o.status, 201, JSON.stringify(o.data))
  const po = await api.post('/api/v1/party-orgs', {
    name: `${name}联合党支部`, kind: 'branch', formation: 'joint', region_code: other.region_code, established_on: day(-30), covers: [o.data.id, other.id],
  })
  assert.equal(po.status, 201, JSON.stringify(po.data))
  const ins = await api.post('/api/v1/instructors', { name: '覆盖详情指导员', region_code: other.region_code })
  assert.equal(ins.status, 201, JSON.stringify(ins.data))
  assert.equal((await api.post(`/api/v1/instructors/${ins.data.id}/assignments`, { organization_id: o.data.id, from: day(-20) })).status, 201)
  const v = await api.post(`/api/v1/instructors/${ins.data.id}/visits`, { organization_id: o.data.id, visited_on: day(-3), content: '指导建立党员活动室' })
  assert.equal(v.status, 201, JSON.stringify(v.data))
  return { name, since: day(-30), branch: `${name}联合党支部` }
}

for (const mobile of [false, true]) {
  test(`两新组织 detail (${mobile ? 'phone 390×844' : 'desktop'}): coverage, instructor and visits, members, names not codes`, { timeout: 180_000 }, async () => {
    assert.ok(state.districtReady, 'the district user was set up in an earlier test')
    const api = apiClient(state.baseURL)
    assert.equal((await api.post('/api/v1/auth/login', { username: DISTRICT.username, password: DISTRICT.password })).status, 200)
    const unit = await coveredUnit(api)
    const context = await newContext(mobile)
    const page = await newPage(context)
    try {
      await loginDistrict(page, '/organizations')
      const q = page.locator('[data-testid="org-q"]')
      await q.fill(unit.name)
      await q.press('Enter')
      const open = page.getByRole('button', { name: unit.name, exact: true }).first()
      await open.waitFor()
      await open.click()
      const drawer = page.locator('[data-testid="org-drawer"]')
      const coverage = drawer.locator('[data-test="org-coverage"]')
      await coverage.waitFor()
      assert.match(await coverage.locator('[data-test="coverage-name"]').innerText(), /已覆盖（联合、区域或行业党组织）/)
      const row = coverage.locator('[data-test="cover-row"]').first()
      const text = await row.innerText()
      assert.match(text, new RegExp(unit.branch))
      assert.match(text, /联合组建/)
      assert.match(text, new RegExp(`${unit.since} 起`))
      assert.match(text, /共覆盖 2 家单位/)
      const guide = await drawer.locator('[data-test="org-instructors"]').innerText()
      assert.match(guide, /覆盖详情指导员/)
      assert.match(guide, /指导建立党员活动室/)
      assert.match(await drawer.locator('[data-test="org-members"]').innerText(), /0 \/ 3/)
      await drawer.locator('[data-test="members-mismatch"]').waitFor()
      // Names, never raw codes.
      const all = await drawer.innerText()
      assert.match(all, /C 制造业/)
      assert.doesNotMatch(all, /\b4304\d{8}[A-Z]\d{3}\b/, 'no raw 片区 code')
      await coverage.scrollIntoViewIfNeeded()
      await shot(page, mobile ? 'org-detail-coverage-mobile.png' : 'org-detail-coverage.png')
    } finally {
      await context.close()
    }
  })
}

test('no CSP violations or script errors in the browser', () => {
  const relevant = state.pageErrors.filter((e) => !/Failed to load resource: the server responded with a status of (401|409|422)/.test(e))
  assert.deepEqual(relevant, [])
})
