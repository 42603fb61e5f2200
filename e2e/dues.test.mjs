// End-to-end browser test of 党费管理 and 组织关系转接: the calculator, declaring a base and
// recording a payment (代缴, two months) for a demo member, the server's 422 on a back payment of
// more than 6 months, the arrears list with its 6-month flag, an internal transfer created and
// accepted in the browser, mobile members grouped by place, and a 双重管理 record started and
// ended. Set-up from harness.mjs.
//
// Run: cd e2e && npm ci && LIANGXIN_BIN=../bin/liangxin node --test dues.test.mjs
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { DISTRICT, apiClient, day, loginAndChange, newContext, newPage, shot, startServer, state, stopServer, failOnScriptErrors, LOGIN_PROBE } from './harness.mjs'

before(() => startServer('dues'))
after(stopServer)
failOnScriptErrors(LOGIN_PROBE, /Failed to load resource: .*(422|409)/)

/** Opens an Element Plus select and clicks the option with the text. */
async function pick(page, select, text) {
  await select.click()
  const opt = page.locator('.el-select-dropdown__item:visible', { hasText: text }).first()
  await opt.waitFor()
  await opt.click()
  await page.locator('.el-select-dropdown:visible').first().waitFor({ state: 'hidden' }).catch(() => {})
}

async function confirm(page) {
  await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click()
}

const thisMonth = day(0).slice(0, 7)
const prevMonth = (() => {
  const [y, m] = thisMonth.split('-').map(Number)
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`
})()
const thisYear = Number(thisMonth.slice(0, 4))

let api
let orgs = []
let payer // the demo member who pays
let mover // the demo member who is transferred

test('set-up: demo roster and party organizations', { timeout: 60_000 }, async () => {
  assert.ok(state.demo, 'the binary has the demo command')
  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginAndChange(page, DISTRICT.username, DISTRICT.initial, DISTRICT.password)
  } finally {
    await context.close()
  }
  api = apiClient(state.baseURL)
  assert.equal((await api.post('/api/v1/auth/login', { username: DISTRICT.username, password: DISTRICT.password })).status, 200)
  orgs = (await api.get('/api/v1/party-orgs?page_size=200&status=active')).data.items
  assert.ok(orgs.length >= 2, 'the demo has party organizations')
  // The payer: the full member who joined earliest (every month of last year is due for them)
  // among those whose 党费 ledger of this year is still empty — the demo keeps a year of dues,
  // except in the branch set up last, which has not started its own.
  const list = (await api.get('/api/v1/members?category=full&status=active&sort=joined_on&page_size=50')).data.items
  assert.ok(list.length >= 2, 'the demo has a roster')
  const recent = [...orgs].sort((a, b) => (a.established_on < b.established_on ? 1 : -1)).slice(0, 15)
  for (const o of recent) {
    const items = (await api.get(`/api/v1/members?category=full&status=active&sort=joined_on&page_size=50&party_org_id=${o.id}`)).data.items
    for (const m of items) {
      const y = (await api.get(`/api/v1/dues/members/${m.id}?year=${thisYear}`)).data
      if (!y.base && y.paid === '0.00' && (!payer || m.joined_on < payer.joined_on)) payer = m
    }
  }
  assert.ok(payer, 'a demo member without 党费 records this year')
  mover = list.find((m) => m.party_org_id !== payer.party_org_id) || list[1]
})

test('desktop: calculator, base, payment with 代缴, the 422 of a long back payment, arrears', { timeout: 240_000 }, async () => {
  const context = await newContext()
  const page = await newPage(context)
  try {
    await page.goto(`${state.baseURL}/login`)
    await page.locator('input[name="username"]').fill(DISTRICT.username)
    await page.locator('input[name="password"]').fill(DISTRICT.password)
    await page.locator('[data-testid="login-submit"]').click()
    await page.waitForURL(`${state.baseURL}/`)
    // The menu has 党费管理 under 党员管理.
    const item = page.locator('.layout-aside [data-menu="dues"]').first()
    if (!(await item.isVisible())) await page.locator('.layout-aside [data-menu-group="党员管理"] .el-sub-menu__title').first().click()
    await item.click()
    await page.waitForURL(/\/dues$/)
    await page.locator('[data-test="dues-view"]').waitFor()

    // 党费测算: 2800 元 of monthly pay is in the lowest bracket: 0.5%, 14.00 元 a month.
    await page.locator('input[data-test="calc-base"], [data-test="calc-base"] input').first().fill('2800')
    await page.locator('[data-test="calc-run"]').click()
    await page.locator('[data-test="calc-result"]').waitFor()
    assert.equal((await page.locator('[data-test="calc-rate"]').innerText()).trim(), '0.5%')
    assert.equal((await page.locator('[data-test="calc-amount"]').innerText()).trim(), '14.00 元')
    // Exactly 3000 is still 0.5%; 3000.01 is 1%.
    await page.locator('input[data-test="calc-base"], [data-test="calc-base"] input').first().fill('3000')
    await page.locator('[data-test="calc-run"]').click()
    await page.getByText('15.00 元').first().waitFor()
    assert.equal((await page.locator('[data-test="calc-rate"]').innerText()).trim(), '0.5%')
    await page.locator('input[data-test="calc-base"], [data-test="calc-base"] input').first().fill('3000.01')
    await page.locator('[data-test="calc-run"]').click()
    await page.locator('[data-test="calc-rate"]', { hasText: '1%' }).waitFor()
    // A base with three decimals is refused before asking the server.
    await page.locator('input[data-test="calc-base"], [data-test="calc-base"] input').first().fill('2800.123')
    await page.locator('[data-test="calc-run"]').click()
    await page.getByText('基数应为数字，最多两位小数').waitFor()

    // 缴纳登记: choose the party organization and the member.
    await page.getByRole('tab', { name: '缴纳登记' }).click()
    const orgName = orgs.find((o) => o.id === payer.party_org_id).name
    await pick(page, page.locator('[data-test="pay-org"]'), orgName)
    await pick(page, page.locator('[data-test="pay-member"]'), payer.name)
    await page.locator('[data-test="member-year"]').waitFor()
    await page.getByText(`${thisYear} 年未申报党费基数`).waitFor()

    // Declare the base: 4000 元 → 1%, 40.00 元 a month.
    await page.locator('[data-test="declare-base"]').click()
    const baseDialog = page.locator('[data-test="base-dialog"]')
    await baseDialog.locator('input[data-test="base-amount"], [data-test="base-amount"] input').first().fill('4000')
    await baseDialog.getByText('每月 40.00 元').waitFor()
    await baseDialog.locator('[data-test="base-save"]').click()
    await page.getByText(`月交纳额 40.00 元`).first().waitFor()
    await page.locator('[data-test="pay-form"]').waitFor()

    // Pick last month and this month, 代缴 by a relative.
    await page.locator(`[data-test="months"] [data-month="${prevMonth}"]`).click()
    await page.locator(`[data-test="months"] [data-month="${thisMonth}"]`).click()
    assert.match(await page.locator('[data-test="picked"]').innerText(), /2 个月/)
    assert.equal((await page.locator('[data-test="pay-total"]').innerText()).trim(), '80.00 元')
    await page.locator('[data-test="pay-method"]').getByText('代缴').click()
    // Without the payer's name the server answers 422 on payer, shown on the field.
    await page.locator('[data-test="pay-save"]').click()
    await confirm(page)
    await page.locator('[data-test="pay-form"] .el-form-item__error', { hasText: '代缴请填写代缴人' }).waitFor()
    await page.locator('input[data-test="pay-payer"], [data-test="pay-payer"] input').first().fill('王秀英')
    await page.locator('[data-test="pay-save"]').click()
    await confirm(page)
    await page.getByText('已登记 2 个月，合计 80.00 元').first().waitFor()
    const rows = page.locator('[data-test="pay-table"] .el-table__row')
    await rows.first().waitFor()
    assert.equal(await rows.count(), 2)
    assert.match(await rows.first().innerText(), /40\.00 元[\s\S]*代缴[\s\S]*王秀英/)
    assert.equal((await page.locator('[data-test="year-paid"]').innerText()).trim(), '80.00 元')
    await page.locator(`[data-test="months"] [data-month="${thisMonth}"]`, { hasText: '已交' }).waitFor()
    await page.evaluate(() => document.querySelectorAll('*').forEach((el) => { if (el.scrollTop) el.scrollTop = 0 }))
    await shot(page, 'dues-payments.png')

    // Last year, all 12 months unpaid: a back payment of 12 months is refused by the server (422).
    const r = await api.post('/api/v1/dues/bases', { member_id: payer.id, year: thisYear - 1, kind: 'employed', base: '2800' })
    assert.equal(r.status, 201, JSON.stringify(r.data))
    await pick(page, page.locator('[data-test="pay-year"]'), `${thisYear - 1} 年`)
    await page.locator('[data-test="pay-form"]').waitFor()
    await page.getByRole('button', { name: '全部未交' }).click()
    assert.match(await page.locator('[data-test="picked"]').innerText(), /12 个月/)
    await page.getByText('补交最多 6 个月，所选 12 个月').waitFor()
    await page.locator('[data-test="pay-method"]').getByText('本人交纳').click()
    await page.locator('[data-test="pay-save"]').click()
    await confirm(page)
    await page.locator('[data-test="pay-form"] .el-form-item__error', { hasText: '补交党费一次最多补交 6 个月（本次补交 12 个月）' }).waitFor()
    const ly = (await api.get(`/api/v1/dues/members/${payer.id}?year=${thisYear - 1}`)).data
    assert.equal(ly.paid, '0.00', 'nothing was written')

    // A payment recorded by mistake is voided whole, with a reason, and the month is open again.
    const [py, pm] = prevMonth.split('-').map(Number)
    const earlier = new Date(Date.UTC(py, pm - 2, 1)).toISOString().slice(0, 7)
    const wrong = await api.post('/api/v1/dues/payments', { member_id: payer.id, months: [earlier], paid_on: day(0), method: 'self' })
    assert.equal(wrong.status, 201, JSON.stringify(wrong.data))
    await pick(page, page.locator('[data-test="pay-year"]'), `${earlier.slice(0, 4)} 年`)
    const wrongRow = page.locator('[data-test="pay-table"] .el-table__row', { hasText: '本人交纳' })
    await wrongRow.waitFor()
    await wrongRow.locator('[data-test="pay-void"]').click()
    const box = page.locator('.el-message-box')
    await box.getByText('撤销后这些月份恢复为未交').waitFor()
    await box.locator('input').fill('误录：该月实际未交')
    await box.getByRole('button', { name: '撤销' }).click()
    await page.getByText('已撤销 1 个月').first().waitFor()
    await wrongRow.waitFor({ state: 'detached' })
    const after = (await api.get(`/api/v1/dues/members/${payer.id}?year=${earlier.slice(0, 4)}`)).data
    assert.ok(!after.months.find((m) => m.month === earlier).payment, 'the voided month is unpaid again')
    const audit = await api.get('/api/v1/audit?action=dues.payment_void')
    assert.ok(audit.status === 403 || (audit.data.items || []).length >= 1, 'the void is audited')
    if (earlier.slice(0, 4) !== String(thisYear)) await pick(page, page.locator('[data-test="pay-year"]'), `${thisYear} 年`)

    // 欠缴名单: a few demo members have six ended months unpaid and are flagged; our payer has
    // earlier unpaid months of the year but no unpaid run ending this month, so no flag.
    await page.getByRole('tab', { name: '欠缴名单' }).click()
    const arrears = page.locator('[data-test="arrears-table"] .el-table__row')
    await arrears.first().waitFor()
    // The list is paged: the count comes from the totals, the table shows one page.
    const owing = (await api.get('/api/v1/dues/arrears?page_size=200')).data
    const flagged = (await api.get('/api/v1/dues/arrears?flagged=true&page_size=1')).data.total
    assert.ok(flagged > 0, 'some demo members are flagged')
    assert.ok(owing.total > 50, 'the demo owes more than one page')
    await page.locator('[data-test="arrears-count"]', { hasText: `欠交 ${owing.total} 人，其中连续 6 个月未交 ${flagged} 人` }).waitFor()
    assert.equal(await arrears.count(), 50, 'one page of 50 rows')
    await page.locator('[data-test="arrears-pager"]', { hasText: `共 ${owing.total} 条` }).waitFor()
    assert.match(await page.locator('[data-test="arrears-table"] .el-table__row.flagged').first().innerText(), /连续6个月未交/)
    const all = [...owing.items]
    for (let p = 2; all.length < owing.total; p++) all.push(...(await api.get(`/api/v1/dues/arrears?page_size=200&page=${p}`)).data.items)
    const mine = all.find((a) => a.member_id === payer.id)
    if (mine) {
      assert.equal(mine.flagged, false)
      assert.equal(mine.consecutive_unpaid, 0)
    }
    await shot(page, 'dues-arrears.png')
    // The export is an xlsx file.
    const x = await api.bytes('/api/v1/dues/arrears/export')
    assert.equal(x.status, 200)
    assert.equal(x.body.subarray(0, 2).toString(), 'PK')

    // 公示汇总 of the payer's party organization shows the paid 80.00 元.
    await page.getByRole('tab', { name: '公示汇总' }).click()
    await pick(page, page.locator('[data-test="summary-org"]'), orgName)
    const line = page.locator('[data-test="summary-table"] .el-table__row', { hasText: payer.name })
    await line.waitFor()
    assert.match(await line.innerText(), /40\.00 元[\s\S]*80\.00 元/)
    await shot(page, 'dues-summary.png')

    // 党费返还: full refund by default; the payer's party organization collected 80.00 元 this year.
    await page.getByRole('tab', { name: '党费返还' }).click()
    await page.locator('[data-test="refund-policy"]', { hasText: '100%' }).waitFor()
    const refund = page.locator('[data-test="refund-table"] .el-table__row', { hasText: orgName })
    await refund.waitFor()
    assert.match(await refund.innerText(), /80\.00 元[\s\S]*100%[\s\S]*80\.00 元[\s\S]*未返还/)
    await refund.getByRole('button', { name: '登记返还' }).click()
    const rd = page.locator('[data-test="refund-dialog"]')
    // More than collected is refused by the server, on the amount field.
    await rd.locator('input[data-test="refund-amount"], [data-test="refund-amount"] input').first().fill('80.01')
    await rd.locator('[data-test="refund-save"]').click()
    await confirm(page)
    await rd.locator('.el-form-item__error', { hasText: '返还金额不能超过 80.00 元（收缴金额 80.00 元' }).waitFor()
    await rd.locator('input[data-test="refund-amount"], [data-test="refund-amount"] input').first().fill('80.00')
    await rd.locator('[data-test="refund-save"]').click()
    await confirm(page)
    await page.getByText('已登记党费返还').first().waitFor()
    await page.locator('[data-test="refund-table"] .el-table__row', { hasText: orgName }).getByText(day(0)).waitFor()

    // 基数与标准: the built-in 2008 table, read-only.
    await page.getByRole('tab', { name: '基数与标准' }).click()
    const table = page.locator('[data-test="rate-table"]').first()
    await table.waitFor()
    assert.match(await table.innerText(), /2008-04-01 起施行[\s\S]*3,000\.00 元及以下\s*0\.5%/)
    await shot(page, 'dues-rates.png')
  } finally {
    await context.close()
  }
})

test('desktop: an internal transfer created and accepted, pocket and mobile members', { timeout: 240_000 }, async () => {
  const context = await newContext()
  const page = await newPage(context)
  try {
    // Other transfers seeded by the API so the list shows each kind.
    const fromName = orgs.find((o) => o.id === mover.party_org_id).name
    const target = orgs.find((o) => o.id !== mover.party_org_id && o.id !== payer.party_org_id) || orgs.find((o) => o.id !== mover.party_org_id)
    const others = (await api.get(`/api/v1/members?status=active&page_size=50&sort=name`)).data.items.filter((m) => m.id !== mover.id && m.id !== payer.id)
    let r = await api.post('/api/v1/transfers', { kind: 'out_to_outside', member_id: others[0].id, to_outside: '长沙市岳麓区某科技公司党支部', letter_no: '祁组转〔2026〕031号' })
    assert.equal(r.status, 201, JSON.stringify(r.data))
    r = await api.post('/api/v1/transfers', { kind: 'in_from_outside', member_name: '赵志强', from_outside: '衡阳市蒸湘区某物流公司党支部', to_party_org_id: target.id, letter_no: '衡组转〔2026〕118号' })
    assert.equal(r.status, 201, JSON.stringify(r.data))
    // A letter issued four months ago with the longest validity has expired unreceived: a 口袋党员.
    r = await api.post('/api/v1/transfers', { kind: 'internal', member_id: others[1].id, to_party_org_id: target.id === others[1].party_org_id ? mover.party_org_id : target.id,
      letter_no: '祁组转〔2026〕007号', issued_on: day(-120) })
    assert.equal(r.status, 201, JSON.stringify(r.data))
    // Three members away in the same place for 8 months, one for 2 months.
    for (const [i, m] of others.slice(2, 5).entries()) {
      r = await api.post(`/api/v1/members/${m.id}/mobility`, { direction: 'out', place: '广东省深圳市宝安区', since: day(-245 - i), card_no: `LD2026${String(i + 1).padStart(3, '0')}` })
      assert.equal(r.status, 201, JSON.stringify(r.data))
    }
    r = await api.post(`/api/v1/members/${others[5].id}/mobility`, { direction: 'out', place: '浙江省义乌市', since: day(-60) })
    assert.equal(r.status, 201, JSON.stringify(r.data))

    await page.goto(`${state.baseURL}/login`)
    await page.locator('input[name="username"]').fill(DISTRICT.username)
    await page.locator('input[name="password"]').fill(DISTRICT.password)
    await page.locator('[data-testid="login-submit"]').click()
    await page.waitForURL(`${state.baseURL}/`)
    await page.goto(`${state.baseURL}/transfers`)
    await page.locator('[data-test="transfers-view"]').waitFor()
    await page.locator('[data-test="transfer-table"] .el-table__row').first().waitFor()

    // Create an internal transfer in the dialog.
    await page.locator('[data-test="create-transfer"]').click()
    const dialog = page.locator('[data-test="create-dialog"]')
    await pick(page, dialog.locator('[data-test="create-from"]'), fromName)
    await pick(page, dialog.locator('[data-test="create-member"]'), mover.name)
    await pick(page, dialog.locator('[data-test="create-to"]'), target.name)
    await dialog.locator('input[data-test="create-letter"], [data-test="create-letter"] input').first().fill('祁组转〔2026〕052号')
    await dialog.locator('[data-test="create-save"]').click()
    await confirm(page)
    await page.getByText(`已开具介绍信：${mover.name}`).first().waitFor()
    const row = page.locator('[data-test="transfer-table"] .el-table__row', { hasText: '祁组转〔2026〕052号' })
    await row.waitFor()
    assert.match(await row.innerText(), /系统内转接[\s\S]*待接收/)

    // Accept it: the member moves to the receiving party organization.
    await row.locator('[data-test="action-accept"]').click()
    const act = page.locator('[data-test="action-dialog"]')
    await act.locator('[data-test="action-save"]').click()
    await confirm(page)
    await page.getByText(`${mover.name}：已接收`).first().waitFor()
    await page.locator('[data-test="transfer-table"] .el-table__row', { hasText: '祁组转〔2026〕052号' }).getByText('已接收').waitFor()
    const moved = (await api.get(`/api/v1/members/${mover.id}`)).data
    assert.equal(moved.party_org_id, target.id)
    const hist = (await api.get(`/api/v1/members/${mover.id}/memberships`)).data.items
    assert.equal(hist.length, 2)
    assert.ok(hist.some((h) => h.party_org_id === target.id && !h.to))
    // The expired letter shows as 已过期 without an 接收 button.
    const old = page.locator('[data-test="transfer-table"] .el-table__row', { hasText: '祁组转〔2026〕007号' })
    assert.match(await old.innerText(), /已过期/)
    assert.equal(await old.locator('[data-test="action-accept"]').count(), 0)
    await shot(page, 'transfers.png')

    // The history of the accepted transfer in the drawer.
    await page.locator('[data-test="transfer-table"] .el-table__row', { hasText: '祁组转〔2026〕052号' }).locator('td').first().click()
    const drawer = page.locator('[data-test="transfer-detail"]')
    await drawer.getByText('组织关系历史').waitFor()
    await drawer.getByText(target.name).first().waitFor()
    await page.keyboard.press('Escape')

    // 口袋党员: the expired letter.
    await page.getByRole('tab', { name: /口袋党员/ }).click()
    await page.locator('[data-test="pocket-table"] .el-table__row', { hasText: '祁组转〔2026〕007号' }).waitFor()

    // 流动党员: our three away ≥6 months (the 2-month one is not listed), and their place; the
    // demo's own 流动党员 (东莞, 广州, …) are listed beside them.
    await page.getByRole('tab', { name: '流动党员' }).click()
    const mob = page.locator('[data-test="mobility-table"] .el-table__row', { hasText: '广东省深圳市宝安区' })
    await mob.first().waitFor()
    assert.equal(await mob.count(), 3)
    assert.doesNotMatch(await page.locator('[data-test="mobility-table"]').innerText(), /义乌/)
    await page.locator('[data-test="place"]', { hasText: /广东省深圳市宝安区：3 人/ }).first().waitFor()
    await shot(page, 'mobility.png')

    // 双重管理: a member of one branch takes part in another's activities; the membership stays.
    const dualMember = others[6]
    const dualFrom = orgs.find((o) => o.id === dualMember.party_org_id)
    const second = orgs.find((o) => o.id !== dualMember.party_org_id)
    await page.getByRole('tab', { name: '双重管理' }).click()
    await page.locator('[data-test="dual-table"]').waitFor()
    await page.locator('[data-test="create-dual"]').click()
    const dd = page.locator('[data-test="dual-dialog"]')
    await dd.locator('[data-test="dual-save"]').click() // nothing chosen: both fields named
    await dd.getByText('请选择党员').waitFor()
    await dd.getByText('请选择参加活动的党组织').waitFor()
    await pick(page, dd.locator('[data-test="dual-from-org"]'), dualFrom.name)
    await pick(page, dd.locator('[data-test="dual-member"]'), dualMember.name)
    await pick(page, dd.locator('[data-test="dual-second"]'), second.name)
    await dd.locator('input').last().fill('在工作单位党支部参加组织生活')
    await dd.locator('[data-test="dual-save"]').click()
    await page.getByText('已登记双重管理，组织关系不变').first().waitFor()
    const drow = page.locator('[data-test="dual-table"] .el-table__row', { hasText: dualMember.name })
    await drow.waitFor()
    const dtext = await drow.innerText()
    assert.ok(dtext.includes(dualFrom.name) && dtext.includes(second.name), dtext)
    assert.equal((await api.get(`/api/v1/members/${dualMember.id}`)).data.party_org_id, dualMember.party_org_id, 'the membership stays')
    await shot(page, 'dual.png')
    // Ending it asks first, then the row leaves the current list.
    await drow.getByRole('button', { name: '结束' }).click()
    await confirm(page)
    await page.getByText('已结束双重管理').first().waitFor()
    await page.locator('[data-test="dual-table"] .el-table__row', { hasText: dualMember.name }).waitFor({ state: 'detached' })
    const all = (await api.get('/api/v1/dual?ended=true')).data.items
    assert.ok(all.some((d) => d.member_id === dualMember.id && d.to), 'the ended record is kept')
  } finally {
    await context.close()
  }
})

test('mobile: the dues and transfers screens fit the phone width', { timeout: 120_000 }, async () => {
  const context = await newContext(true)
  const page = await newPage(context)
  try {
    await page.goto(`${state.baseURL}/login`)
    await page.locator('input[name="username"]').fill(DISTRICT.username)
    await page.locator('input[name="password"]').fill(DISTRICT.password)
    await page.locator('[data-testid="login-submit"]').click()
    await page.waitForURL(`${state.baseURL}/`)
    for (const [path, view] of [['/dues', 'dues-view'], ['/transfers', 'transfers-view']]) {
      await page.goto(state.baseURL + path)
      await page.locator(`[data-test="${view}"]`).waitFor()
      await page.waitForLoadState('networkidle').catch(() => {})
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      assert.ok(overflow <= 1, `${path} overflows the phone width by ${overflow}px`)
      if (process.env.E2E_MOBILE_SHOTS) await page.screenshot({ path: `${process.env.E2E_MOBILE_SHOTS}/${view}.png` })
    }
  } finally {
    await context.close()
  }
})
