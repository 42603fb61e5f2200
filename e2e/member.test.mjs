// End-to-end browser test of 党员账号 (issue 14 item 6). On the desktop the district clerk opens a
// roster member and issues an activation code (shown once). On a phone-sized screen (390×844) the
// member opens /m/activate, types the code and the last 6 of the 身份证号, chooses a username and a
// password, logs in and lands on the phone pages: 我的 (own record, masked), 组织生活 (the meeting
// with its attendance), 党费 (paid and owed months) and 微心愿, where it claims an open wish as
// itself. Every phone page is screenshot.
//
// Run: cd e2e && npm ci && LIANGXIN_BIN=../bin/liangxin node --test member.test.mjs
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { day, districtAPI, failOnScriptErrors, LOGIN_PROBE, login, loginDistrictReady, newContext, newPage, shot, startServer, state, stopServer } from './harness.mjs'

/** A valid 身份证号 (GB 11643 check character) of 祁东县 born on birth (YYYYMMDD). */
function idNumber(birth, seq) {
  const first = `430426${birth}${String(seq).padStart(3, '0')}`
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...first].reduce((s, c, i) => s + Number(c) * w[i], 0)
  return first + '10X98765432'[sum % 11]
}

const field = (scope, name) => scope.locator(`input[name="${name}"]`).first()
const MEMBER = { name: '刘晓燕', id: idNumber('19880512', 732), phone: '13907348899', username: 'liuxiaoyan', password: 'Dang#Yuan2026x' }
let memberId = 0
let code = ''
const thisYear = Number(day(0).slice(0, 4))

before(async () => {
  await startServer('member')
  const api = await districtAPI()
  const unit = await api.post('/api/v1/organizations', { name: '祁东县党员账号测试商行', category: 'individual_business', region_code: '430426001', full_members: 12, registered_on: '2019-01-01' })
  assert.equal(unit.status, 201, `organization: ${JSON.stringify(unit.data)}`)
  const branch = await api.post('/api/v1/party-orgs', { name: '中共祁东县党员账号测试商行支部委员会', kind: 'branch', formation: 'single', established_on: day(-900), covers: [unit.data.id] })
  assert.equal(branch.status, 201, `party organization: ${JSON.stringify(branch.data)}`)
  const m = await api.post('/api/v1/members', {
    name: MEMBER.name, gender: 'female', birth_date: '1988-05-12', id_number: MEMBER.id, phone: MEMBER.phone,
    category: 'full', party_org_id: branch.data.id, joined_on: '2012-07-01', confirmed_on: '2013-07-01', organization_id: unit.data.id,
  })
  assert.equal(m.status, 201, `member: ${JSON.stringify(m.data)}`)
  memberId = m.data.id
  // Dues: a base for this year and the first month paid.
  const base = await api.post('/api/v1/dues/bases', { member_id: memberId, year: thisYear, kind: 'employed', base: '6000' })
  assert.equal(base.status, 201, `dues base: ${JSON.stringify(base.data)}`)
  const paid = await api.post('/api/v1/dues/payments', { member_id: memberId, months: [`${thisYear}-01`], paid_on: `${thisYear}-01-20`, method: 'self' })
  assert.equal(paid.status, 201, `dues payment: ${JSON.stringify(paid.data)}`)
  // A 主题党日 the member attended, recorded by the branch.
  const meeting = await api.post('/api/v1/meetings', {
    party_org_id: branch.data.id, kind: 'theme_day', status: 'held', date: day(-3), place: '公司党员活动室', topic: '学习党的二十届四中全会精神',
    attendees: [{ member_id: memberId, status: 'present' }],
  })
  assert.equal(meeting.status, 201, `meeting: ${JSON.stringify(meeting.data)}`)
  // A meeting today with nothing recorded for the member yet: the member signs in on the phone.
  const todays = await api.post('/api/v1/meetings', {
    party_org_id: branch.data.id, kind: 'theme_day', status: 'held', date: day(0), place: '公司党员活动室', topic: '今天的主题党日：志愿服务进社区',
  })
  assert.equal(todays.status, 201, `today's meeting: ${JSON.stringify(todays.data)}`)
  // An open wish of the member's street.
  const w = await api.post('/api/v1/wishes', { category: 'study', content: '留守儿童小宇想要一套初中语文辅导书', wisher_name: '王小宇', wisher_phone: '13700003344',
    publish_consent: true, value_cents: 8000, region_code: '430426001' })
  assert.equal(w.status, 201, `wish: ${JSON.stringify(w.data)}`)
})
after(stopServer)
// The login and activation pages probe the session: a 401 there is expected; a wrong code is
// answered 422 on purpose. The phone layout probes GET /api/v1/me/volunteer to decide whether to
// show 时间银行: until the volunteering area is installed it answers 404.
failOnScriptErrors(LOGIN_PROBE, /\/m\/activate Failed to load resource: .*(401|422)/, /\/login Failed to load resource/, /\/m(\/[a-z]+)? Failed to load resource: .*404/)

test('desktop: the secretary issues an activation code for a roster member', { timeout: 240_000 }, async () => {
  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginDistrictReady(page, '/members')
    await page.locator('[data-testid="members-view"]').waitFor()
    const nameInput = page.locator('input[data-testid="member-name"], [data-testid="member-name"] input').first()
    await nameInput.fill(MEMBER.name)
    await nameInput.press('Enter')
    const row = page.locator('[data-testid="member-table"] .el-table__body-wrapper .el-table__row', { hasText: MEMBER.name }).first()
    await row.waitFor()
    await row.locator('[data-testid="member-open"]').click()
    const drawer = page.locator('[data-testid="member-drawer"]')
    const card = drawer.locator('[data-testid="member-account"]')
    await card.locator('[data-testid="member-account-state"]', { hasText: '未开通' }).waitFor()
    await card.locator('[data-testid="member-issue-code"]').click()
    const box = page.locator('.el-message-box')
    await box.getByText('只显示一次').waitFor()
    await box.getByRole('button', { name: '确定' }).click()
    const dialog = page.locator('[data-testid="activation-dialog"]')
    const codeEl = dialog.locator('[data-testid="activation-code"]')
    await codeEl.waitFor()
    code = (await codeEl.innerText()).trim()
    assert.match(code, /^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$/)
    await shot(page, 'member-0-issue-code.png')
    await dialog.locator('[data-testid="activation-done"]').click()
    await card.locator('.el-tag', { hasText: '激活码有效至' }).waitFor()
  } finally {
    await context.close()
  }
})

test('phone: the member activates, logs in, sees own record, meetings and dues, claims a wish', { timeout: 300_000 }, async () => {
  assert.ok(code, 'the desktop test issued a code')
  const context = await newContext(true)
  const page = await newPage(context)
  try {
    await page.goto(`${state.baseURL}/m/activate`)
    await field(page, 'code').waitFor()
    // A wrong identity is refused under the code field, nothing opened.
    await field(page, 'code').fill(code.toLowerCase().replace('-', ''))
    assert.equal(await field(page, 'code').inputValue(), code, 'the typed code is grouped and upper-cased')
    await field(page, 'identity').fill('000000')
    await field(page, 'username').fill(MEMBER.username)
    await field(page, 'password').fill(MEMBER.password)
    await field(page, 'confirm').fill(MEMBER.password)
    await page.locator('[data-testid="activate"]').click()
    await page.getByText('激活码或身份信息不正确').first().waitFor()
    await field(page, 'identity').fill(MEMBER.id.slice(-6))
    await shot(page, 'member-1-activate.png')
    await page.locator('[data-testid="activate"]').click()
    await page.locator('[data-testid="activated"]').waitFor()
    assert.match(await page.locator('[data-testid="activated"]').innerText(), new RegExp(MEMBER.username))
    await shot(page, 'member-2-activated.png')

    await login(page, MEMBER.username, MEMBER.password)
    await page.waitForURL(/\/m$/)
    const profile = page.locator('[data-testid="m-profile"]')
    await profile.getByText(MEMBER.name).waitFor()
    const text = await page.locator('.m-main').innerText()
    assert.match(text, /中共祁东县党员账号测试商行支部委员会/)
    assert.match(text, /2012-07-01/)
    assert.match(text, /139\*{4}8899/, 'the phone is masked')
    assert.ok(!text.includes(MEMBER.id), 'the 身份证号 is never shown in full')
    // 我的社区 comes from 双报到; this member has not reported to a community yet.
    assert.match(await page.locator('[data-testid="m-community"]').innerText(), /尚未到居住地社区报到/)
    await shot(page, 'member-3-home.png')

    // Staff pages are out of reach: the guard sends the member back to its phone pages.
    await page.goto(`${state.baseURL}/members`)
    await page.waitForURL(/\/m$/)

    await page.locator('[data-testid="tab-m-meetings"]').click()
    await page.waitForURL(/\/m\/meetings$/)
    const meeting = page.locator('[data-testid="m-meeting"]').filter({ hasText: '学习党的二十届四中全会精神' })
    await meeting.waitFor()
    assert.match(await meeting.innerText(), /出席/)
    // Today's meeting: 未登记 until the member signs in, then 出席.
    const todays = page.locator('[data-testid="m-meeting"]').filter({ hasText: '今天的主题党日' })
    assert.match(await todays.innerText(), /未登记/)
    await todays.locator('[data-testid="m-meeting-sign-in"]').click()
    await todays.getByText('出席').waitFor()
    assert.equal(await todays.locator('[data-testid="m-meeting-sign-in"]').count(), 0, 'no second sign-in button')
    await shot(page, 'member-4-meetings.png')

    await page.locator('[data-testid="tab-m-dues"]').click()
    await page.waitForURL(/\/m\/dues$/)
    const months = page.locator('[data-testid="m-dues-months"]')
    await months.getByText('已交').first().waitFor()
    assert.match(await months.innerText(), /1月\s*已交/)
    await shot(page, 'member-5-dues.png')

    await page.locator('[data-testid="tab-m-wishes"]').click()
    await page.waitForURL(/\/m\/wishes$/)
    const wish = page.locator('[data-testid="m-open-wish"]', { hasText: '初中语文辅导书' })
    await wish.waitFor()
    assert.ok(!(await page.locator('.m-main').innerText()).includes('13700003344'), 'no wisher phone on the member page')
    await shot(page, 'member-6-wishes.png')
    await wish.locator('[data-testid="m-claim"]').click()
    const box = page.locator('.el-message-box')
    await box.getByText('初中语文辅导书').waitFor()
    await box.getByRole('button', { name: '确定' }).click()
    await page.locator('[data-testid="m-my-wish"]', { hasText: '初中语文辅导书' }).waitFor()
    assert.match(await page.locator('[data-testid="m-my-wish"]').first().innerText(), /已认领/)
    await shot(page, 'member-7-wish-claimed.png')

    // 时间银行: the volunteering area answers for a member; nothing earned yet.
    await page.locator('[data-testid="tab-m-volunteer"]').click()
    await page.waitForURL(/\/m\/volunteer$/)
    const bank = page.locator('[data-test="m-timebank"]')
    await bank.getByText('可用积分').waitFor()
    assert.match(await bank.innerText(), /0\s*可用积分/)
    await shot(page, 'member-8-timebank.png')

    const api = await districtAPI()
    const list = await api.get('/api/v1/wishes?state=claimed')
    assert.ok(list.data.items.some((w) => w.claimant_name === MEMBER.name), 'the wish is claimed by the member')
  } finally {
    await context.close()
  }
})
