// End-to-end browser test of 组织生活: recording a 主题党日 with attendance on a 390×844 phone and
// on a desktop, and the compliance dashboard (落实情况). The setup is ledger.test.mjs's: the server
// binary (LIANGXIN_BIN, default ../bin/liangxin) with demo data, Debian chromium via playwright-core,
// from harness.mjs.
//
// Run: cd e2e && npm ci && LIANGXIN_BIN=../bin/liangxin node --test orglife.test.mjs
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { day, districtAPI, failOnScriptErrors, LOGIN_PROBE, loginDistrictReady, newContext, newPage, shot, startServer, state, stopServer, waitFor } from './harness.mjs'

before(() => startServer('orglife'))
after(stopServer)
failOnScriptErrors(LOGIN_PROBE)

/** A valid 身份证号 (GB 11643 check character) of 祁东县 born on birth (YYYYMMDD). */
function idNumber(birth, seq) {
  const first = `430426${birth}${String(seq).padStart(3, '0')}`
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...first].reduce((s, c, i) => s + Number(c) * w[i], 0)
  return first + '10X98765432'[sum % 11]
}

let memberSeq = 0

/**
 * A party organization with two members of this test's own added through the API, so the
 * attendance list is never empty. By default the first active one, the county's 综合党委: its
 * attendance list is every member below it (1,013 on the demo data), the largest the UI draws.
 * With own, a branch of the test's own founded a year ago (a list of just the two members; its
 * 主题党日 and 支部党员大会 are due, so the reminders have a row).
 */
async function branchWithMembers(own = false) {
  const api = await districtAPI()
  let po
  if (own) {
    const stamp = Date.now().toString(36)
    const unit = await api.post('/api/v1/organizations', { name: `祁东县组织生活测试商行${stamp}`, category: 'individual_business', region_code: '430426001001', full_members: 3, registered_on: '2020-01-01' })
    assert.equal(unit.status, 201, `organization: ${JSON.stringify(unit.data)}`)
    const branch = await api.post('/api/v1/party-orgs', { name: `中共祁东县组织生活测试商行${stamp}支部委员会`, kind: 'branch', formation: 'single', established_on: day(-365), covers: [unit.data.id] })
    assert.equal(branch.status, 201, `party organization: ${JSON.stringify(branch.data)}`)
    po = branch.data
  } else {
    const list = await api.get('/api/v1/party-orgs?page_size=200&status=active')
    assert.equal(list.status, 200, JSON.stringify(list.data))
    assert.ok(list.data.items.length > 0, 'a party organization to record for')
    po = list.data.items[0]
  }
  for (let k = 0; k < 2; k++) {
    memberSeq++
    const r = await api.post('/api/v1/members', {
      name: `组织生活测试${memberSeq}`, gender: 'male', birth_date: '1977-07-07', id_number: idNumber('19770707', 800 + 2 * memberSeq + 1),
      phone: '13907340000'.slice(0, 11 - String(memberSeq).length) + memberSeq, category: 'full', party_org_id: po.id, joined_on: '2005-07-01',
    })
    assert.equal(r.status, 201, `member: ${JSON.stringify(r.data)}`)
  }
  return po
}

/**
 * The reminders are one compact, collapsed summary below the records (counts per kind); expanding it
 * lists the party organizations. Returns the summary's height.
 */
async function checkCompactReminders(page, list) {
  const summary = page.locator('[data-test="reminder-summary"]')
  if (!(await summary.count())) {
    assert.ok(!state.demo, 'the demo leaves meetings due: the summary is shown')
    return 0
  }
  const box = await page.locator('[data-test="reminders"]').boundingBox()
  const listBox = await page.locator(list).first().boundingBox()
  assert.ok(listBox.y < box.y, `records (${listBox.y}px) come before the reminders (${box.y}px)`)
  assert.ok(box.height < 140, `collapsed reminders take ${box.height}px`)
  assert.match(await summary.innerText(), /待召开提醒\s*\d+ 个党组织/)
  assert.ok((await page.locator('[data-test^="due-"]').count()) > 0, 'counts per kind')
  assert.equal(await page.locator('[data-test="reminder-orgs"]').isVisible(), false)
  await summary.click()
  await page.locator('[data-test="reminder-orgs"] .el-table__row').first().waitFor()
  assert.match(await page.locator('[data-test="reminder-orgs"]').innerText(), /还需召开/)
  return box.height
}

/** Opens a record's 编辑, changes its topic and 主持人/记录人, saves, and checks 查看 shows them. */
async function editRecord(page, container, topic, newTopic, host) {
  await page.locator(container, { hasText: topic }).first().locator('[data-test="edit-meeting"]').click()
  const form = page.locator('[data-test="meeting-form"]')
  await form.getByText('编辑会议记录').waitFor()
  assert.equal(await form.locator('[data-test="topic"] input, input[data-test="topic"]').first().inputValue(), topic)
  await form.locator('[data-test="topic"] input, input[data-test="topic"]').first().fill(newTopic)
  for (const [field, value] of [['host', host], ['recorder', '记录员甲']]) {
    const input = form.locator(`[data-test="${field}"] input`).first()
    await input.click()
    await input.fill(value)
    await input.press('Enter')
  }
  await page.locator('[data-test="save-meeting"]').click()
  await page.getByText('会议记录已修改').first().waitFor()
  const row = page.locator(container, { hasText: newTopic }).first()
  await row.waitFor()
  await row.locator('[data-test="view-meeting"]').click()
  const detail = page.locator('[data-test="meeting-detail"]')
  await detail.getByText(newTopic).waitFor()
  const text = await detail.innerText()
  assert.match(text, new RegExp(`主持人\\s*${host}`))
  assert.match(text, /记录人\s*记录员甲/)
}

/** The attendance list shows one page of this many rows (MeetingsView's attendeePageSize). */
const ATTENDEE_PAGE = 20
/** The 主持人/记录人 dropdowns offer at most this many roster names (MeetingsView's nameLimit). */
const NAME_LIMIT = 30

/**
 * Records a 主题党日 for the party organization po (its own members on the list); finds one of the
 * two members the test added by name and ticks them 请假. Returns the number of members on the list.
 */
async function recordThemeDay(page, po, topic, shotName) {
  const target = `${state.baseURL}/meetings?party_org_id=${po.id}`
  if (page.url() !== target) await page.goto(target)
  await page.locator('[data-test="meetings-view"]').waitFor()
  const newBtn = page.locator('[data-test="new-meeting"]')
  await waitFor('a party organization to be selected', async () => !(await newBtn.isDisabled()), 15_000)
  await newBtn.click()
  const form = page.locator('.el-drawer')
  await form.getByText('会议类型').first().waitFor()
  await page.locator('[data-test="kind-theme_day"]').click()
  await page.locator('input[data-test="topic"], [data-test="topic"] input').first().fill(topic)
  const rows = page.locator('[data-test="attendee"]')
  await rows.first().waitFor({ timeout: 15_000 })
  const total = page.locator('[data-test="attendee-total"]')
  const members = Number((await total.innerText()).match(/应到 (\d+) 人/)?.[1])
  assert.ok(members >= 2, `the attendance list holds the two members added, got ${members}`)
  // One page at most is drawn, however long the list: a 综合党委's thousand members are not.
  const drawn = await rows.count()
  assert.equal(drawn, Math.min(members, ATTENDEE_PAGE), `rows drawn for a list of ${members}`)
  assert.equal(await page.locator('[data-test="attendee-pager"]').count(), members > ATTENDEE_PAGE ? 1 : 0, 'a pager when the list is longer than a page')
  // The organization's own members come first (the two added are its own).
  assert.equal(await rows.first().getAttribute('data-own'), 'true', 'the first row is a member of the organization itself')
  // The 主持人 and 记录人 dropdowns hold a few names each, not the whole list.
  for (const field of ['host', 'recorder']) {
    const options = await page.locator(`[data-test="${field}"]`).evaluate((el) => {
      const id = el.querySelector('input')?.getAttribute('aria-controls')
      return id ? document.querySelectorAll(`#${CSS.escape(id)} .el-select-dropdown__item`).length : -1
    })
    assert.ok(options > 0 && options <= NAME_LIMIT, `${field}: ${options} options in the page for a list of ${members}`)
  }
  // Find the added members by name and tick the first 请假.
  await page.locator('input[data-test="attendee-search"], [data-test="attendee-search"] input').first().fill('组织生活测试')
  await waitFor('the search to filter the list', async () => /找到 \d+ 人/.test(await total.innerText()), 15_000)
  const found = Number((await total.innerText()).match(/找到 (\d+) 人/)[1])
  assert.ok(found >= 2 && found <= Math.min(members, ATTENDEE_PAGE), `found ${found}`)
  assert.equal(await rows.count(), found)
  for (const name of await rows.locator('.attendee-name').allInnerTexts()) assert.match(name, /组织生活测试/)
  await rows.first().locator('[data-test^="excused-"]').click()
  const label = await form.getByText(/出席情况（出席 \d+ 人，请假 \d+ 人/).innerText()
  assert.match(label, new RegExp(`出席 ${members - 1} 人，请假 1 人`))
  await shot(page, shotName)
  // 请假 lists just the member ticked; clearing the filters brings the whole list back.
  await page.locator('input[data-test="attendee-search"], [data-test="attendee-search"] input').first().fill('')
  await page.locator('[data-test="attendee-filter"]').getByText('请假').click()
  await waitFor('the 请假 filter', async () => (await rows.count()) === 1, 15_000)
  await page.locator('[data-test="attendee-filter"]').getByText('全部').click()
  await waitFor('the whole list back', async () => (await rows.count()) === drawn, 15_000)
  if (members > ATTENDEE_PAGE) {
    // The list of a 综合党委: its own members, then the branches' with their branch named.
    await page.locator('[data-test="attendee-pager"]').scrollIntoViewIfNeeded()
    await shot(page, shotName.replace('record', 'attendees'))
  }
  await page.locator('[data-test="save-meeting"]').click()
  // The message shows once the server has answered: the page's 60 s, not 15 s (a save took longer
  // than 15 s at load 36 and the test failed with the settle pause of shot() on).
  await page.getByText('会议已登记').first().waitFor()
  return members
}

test('desktop: record a 主题党日 with attendance', { timeout: 180_000 }, async () => {
  const context = await newContext()
  const page = await newPage(context)
  try {
    const po = await branchWithMembers()
    await loginDistrictReady(page, `/meetings?party_org_id=${po.id}`)
    const members = await recordThemeDay(page, po, '重温入党誓词（桌面端）', 'orglife-record-desktop.png')
    const row = page.locator('[data-test="meeting-table"] .el-table__row', { hasText: '重温入党誓词（桌面端）' })
    await row.waitFor()
    const text = await row.innerText()
    assert.match(text, /主题党日/)
    assert.match(text, new RegExp(`${members - 1}/${members}（请假 1）`))
    await page.evaluate(() => window.scrollTo(0, 0))
    await shot(page, 'orglife-meetings-desktop.png')
    await checkCompactReminders(page, '[data-test="meeting-table"]')
    await page.locator('[data-test="reminders"]').scrollIntoViewIfNeeded()
    await shot(page, 'orglife-reminders-desktop.png')
    await editRecord(page, '[data-test="meeting-table"] .el-table__row', '重温入党誓词（桌面端）', '重温入党誓词（桌面端，已修改）', '张主持')
    await shot(page, 'orglife-meeting-view-desktop.png')
  } finally {
    await context.close()
  }
})

test('mobile 390×844: record a 主题党日 with attendance', { timeout: 180_000 }, async () => {
  const context = await newContext(true)
  const page = await newPage(context)
  try {
    // A branch of its own (a list of two): the desktop test has the county's 1,013-name list.
    const po = await branchWithMembers(true)
    await loginDistrictReady(page, `/meetings?party_org_id=${po.id}`)
    await recordThemeDay(page, po, '志愿服务进社区（手机端）', 'orglife-record-mobile.png')
    const card = page.locator('[data-test="meeting-card"]', { hasText: '志愿服务进社区（手机端）' })
    await card.waitFor()
    // The form and the cards fit the phone's width: no horizontal scrolling.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 1, `page scrolls sideways by ${overflow}px`)
    await page.evaluate(() => window.scrollTo(0, 0))
    await shot(page, 'orglife-meetings-mobile.png')
    await checkCompactReminders(page, '[data-test="meeting-card"]')
    await editRecord(page, '[data-test="meeting-card"]', '志愿服务进社区（手机端）', '志愿服务进社区（手机端，已修改）', '李主持')
    await shot(page, 'orglife-meeting-view-mobile.png')
  } finally {
    await context.close()
  }
})

test('compliance dashboard: by street and by kind, drill-down to a party organization', { timeout: 180_000 }, async () => {
  // Its own branch, founded two years ago and holding no meetings: the dashboard has a row to list.
  const api = await districtAPI()
  const stamp = Date.now().toString(36)
  const unit = await api.post('/api/v1/organizations', { name: `祁东县落实测试商行${stamp}`, category: 'individual_business', region_code: '430426001001', full_members: 3, registered_on: '2020-01-01' })
  assert.equal(unit.status, 201, `organization: ${JSON.stringify(unit.data)}`)
  const branch = await api.post('/api/v1/party-orgs', { name: `中共祁东县落实测试商行${stamp}支部委员会`, kind: 'branch', formation: 'single', established_on: day(-730), covers: [unit.data.id] })
  assert.equal(branch.status, 201, `party organization: ${JSON.stringify(branch.data)}`)
  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginDistrictReady(page, '/compliance')
    await page.locator('[data-test="compliance-view"]').waitFor()
    await page.locator('[data-test="compliance-view"] canvas').first().waitFor({ timeout: 15_000 })
    const rate = (await page.locator('[data-test="kpi-rate"]').innerText()).trim()
    assert.match(rate, /^\d+(\.\d)?%$/, `compliance rate shown: ${rate}`)
    await shot(page, 'orglife-compliance.png')
    const rows = page.locator('[data-test="compliance-table"] .el-table__row')
    await rows.first().waitFor({ timeout: 15_000 })
    await rows.first().click()
    await page.locator('.el-drawer').getByRole('heading', { name: '缺项' }).waitFor()
    await shot(page, 'orglife-compliance-drill.png')
  } finally {
    await context.close()
  }
})

test('compliance dashboard on a 390×844 phone: the page fits, the pager and the drill-down are usable', { timeout: 180_000 }, async () => {
  const context = await newContext(true)
  const page = await newPage(context)
  try {
    await loginDistrictReady(page, '/compliance')
    await page.locator('[data-test="compliance-view"]').waitFor()
    await page.locator('[data-test="compliance-view"] canvas').first().waitFor({ timeout: 15_000 })
    const rows = page.locator('[data-test="compliance-table"] .el-table__row')
    await rows.first().waitFor({ timeout: 15_000 })
    // Nothing wider than the phone: the table scrolls inside its card, the page itself does not.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 1, `the page is ${overflow}px wider than the phone`)
    const pager = page.locator('[data-test="compliance-view"] .el-pagination').first()
    await pager.scrollIntoViewIfNeeded()
    const pbox = await pager.boundingBox()
    assert.ok(pbox && pbox.x >= 0 && pbox.x + pbox.width <= 391, `the pager fits the phone: ${JSON.stringify(pbox)}`)
    assert.match(await pager.innerText(), /共\s*[\d,]+\+?\s*条/)
    await shot(page, 'orglife-compliance-phone.png')
    await rows.first().scrollIntoViewIfNeeded()
    await rows.first().click()
    const drawer = page.locator('.el-drawer:not(.menu-drawer)')
    await drawer.getByRole('heading', { name: '缺项' }).waitFor()
    const dbox = await drawer.boundingBox()
    assert.ok(dbox && dbox.width <= 391, `the drill-down fits the phone: ${dbox && dbox.width}px`)
    await shot(page, 'orglife-compliance-phone-drill.png')
  } finally {
    await context.close()
  }
})

test('committee: record an election that starts a new term', { timeout: 180_000 }, async () => {
  const context = await newContext()
  const page = await newPage(context)
  try {
    // Its own page, reached from the menu.
    await loginDistrictReady(page, '/meetings')
    await page.locator('[data-test="meetings-view"]').waitFor()
    await page.locator('.el-menu-item', { hasText: '委员会与换届' }).first().click()
    await page.locator('[data-test="committee-view"]').waitFor()
    assert.match(page.url(), /\/committees$/)
    await page.locator('[data-test="new-election"]').waitFor({ timeout: 15_000 })
    await shot(page, 'orglife-committee.png')
    await page.locator('[data-test="new-election"]').click()
    const form = page.locator('[data-test="election-form"]')
    await form.getByText('当选的委员会成员').waitFor()
    // An election off the term's last three months needs the higher committee's approval (批复).
    await page.locator('[data-test="election-approval"] input, input[data-test="election-approval"]').first().fill('祁组复〔2026〕5号 同意换届')
    await shot(page, 'orglife-election.png')
    await page.locator('[data-test="save-election"]').click()
    await page.getByText('换届选举已登记').first().waitFor()
    const text = await page.locator('[data-test="committee"]').innerText()
    assert.match(text, /本届自 \d{4}-\d{2}-\d{2} 起/)
  } finally {
    await context.close()
  }
})
