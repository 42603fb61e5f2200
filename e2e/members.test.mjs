// End-to-end browser test of 党员花名册: search the demo roster by name (masked 身份证号),
// open a member, show the full numbers after confirming (audited), search by the exact
// 身份证号, register a member (client check of the check character, the server's
// duplicate answer under the field) and draw the statistics. Set-up from harness.mjs.
//
// Run: cd e2e && npm ci && LIANGXIN_BIN=../bin/liangxin node --test members.test.mjs
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { DISTRICT, apiClient, chartDrawn, loginAndChange, newContext, newPage, shot, startServer, state, stopServer, failOnScriptErrors, LOGIN_PROBE } from './harness.mjs'

before(() => startServer('members'))
after(stopServer)
failOnScriptErrors(LOGIN_PROBE, /Failed to load resource: .*(409|422)/)

/** An el-input by its data-testid (Element Plus puts the attribute on the <input> itself). */
const field = (scope, testid) => scope.locator(`input[data-testid="${testid}"], [data-testid="${testid}"] input`).first()

/** Extra screenshots for looking at the layout (not part of the docs). */
const debugShot = (page, name) => (process.env.MEMBERS_DEBUG_SHOTS ? page.screenshot({ path: `${process.env.MEMBERS_DEBUG_SHOTS}/${name}` }) : null)

const MASKED_ID = /^\d{6}\*{8}\d{3}[\dX]$/
const FULL_ID = /^\d{17}[\dX]$/

/** A valid 身份证号 (GB 11643 check character) of 祁东县 born on birth (YYYYMMDD). */
function idNumber(birth, seq) {
  const first = `430426${birth}${String(seq).padStart(3, '0')}`
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...first].reduce((s, c, i) => s + Number(c) * w[i], 0)
  return first + '10X98765432'[sum % 11]
}

test('desktop: roster search, detail with reveal, registration and statistics', { timeout: 240_000 }, async () => {
  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginAndChange(page, DISTRICT.username, DISTRICT.initial, DISTRICT.password)
    const api = apiClient(state.baseURL)
    assert.equal((await api.post('/api/v1/auth/login', { username: DISTRICT.username, password: DISTRICT.password })).status, 200)

    // A demo member whose name is unique in the roster and whose surname a few others share
    // (the search by surname fills the table for the screenshot).
    const list = await api.get('/api/v1/members?page_size=100')
    assert.equal(list.status, 200, JSON.stringify(list.data))
    assert.ok(list.data.items.length > 0, 'the demo has a roster')
    let target = null
    let surnameCount = 0
    for (const m of list.data.items) {
      const r = await api.get(`/api/v1/members?name=${encodeURIComponent(m.name)}`)
      if (r.data.total !== 1) continue
      const s = await api.get(`/api/v1/members?name=${encodeURIComponent(m.name[0])}`)
      if (!target || (s.data.total >= 4 && s.data.total <= 20)) {
        target = m
        surnameCount = s.data.total
      }
      if (surnameCount >= 4 && surnameCount <= 20) break
    }
    assert.ok(target, 'a demo member with a unique name')
    assert.match(target.id_number, MASKED_ID, 'the list API masks the 身份证号')

    // Open 党员花名册 from the menu.
    await page.locator('[data-menu="members"]').first().click()
    await page.waitForURL(/\/members$/)
    await page.locator('[data-testid="members-view"]').waitFor()
    const table = page.locator('[data-testid="member-table"]')
    await table.locator('.el-table__row').first().waitFor()

    // Search by surname: the rows of that surname, the target among them with masked 身份证号 and phone.
    const nameInput = field(page, 'member-name')
    const bodyRows = '[data-testid="member-table"] .el-table__body-wrapper .el-table__row'
    await nameInput.fill(target.name[0])
    await nameInput.press('Enter')
    await page.waitForFunction(
      ([sel, n]) => document.querySelectorAll(sel).length === Math.min(n, 20),
      [bodyRows, surnameCount],
      { timeout: 15_000 },
    )
    for (const text of await page.locator(bodyRows).allInnerTexts()) {
      assert.ok(text.includes(target.name[0]), `every row matches the surname: ${text}`)
    }
    assert.match(await page.locator('.page-title').innerText(), new RegExp(`共 ${surnameCount} 人`))
    const row = page.locator(bodyRows, { hasText: target.name }).first()
    const idCell = (await row.locator('[data-testid="member-id-cell"]').innerText()).trim()
    assert.match(idCell, MASKED_ID)
    assert.equal(idCell, target.id_number)
    assert.match(await row.innerText(), /\d{3}\*{4}\d{4}/, 'the phone is masked too')
    for (const cell of await page.locator(`${bodyRows} [data-testid="member-id-cell"]`).allInnerTexts()) assert.match(cell.trim(), MASKED_ID)
    await shot(page, 'members-roster.png')

    // The full name finds exactly that member.
    await nameInput.fill(target.name)
    await nameInput.press('Enter')
    await page.waitForFunction(
      ([sel, name]) => {
        const rows = document.querySelectorAll(sel)
        return rows.length === 1 && rows[0].textContent.includes(name)
      },
      [bodyRows, target.name],
      { timeout: 15_000 },
    )

    // Detail: masked until 显示完整信息 is confirmed.
    await row.locator('[data-testid="member-open"]').click()
    const drawer = page.locator('[data-testid="member-drawer"]')
    await drawer.getByText(`党员：${target.name}`).waitFor()
    const detailId = drawer.locator('[data-testid="detail-id-number"]')
    assert.match((await detailId.innerText()).trim(), MASKED_ID)
    await drawer.locator('[data-testid="member-history"] .el-timeline-item').first().waitFor()
    assert.ok((await drawer.locator('[data-testid="member-history"]').innerText()).includes('现所在'), 'the history shows the current party organization')

    // Cancelling the confirmation reveals nothing.
    await drawer.locator('[data-testid="member-reveal"]').click()
    const box = page.locator('.el-message-box')
    await box.getByText('记入审计日志').waitFor()
    await box.getByRole('button', { name: '取消' }).click()
    await box.waitFor({ state: 'hidden' })
    assert.match((await detailId.innerText()).trim(), MASKED_ID)

    await drawer.locator('[data-testid="member-reveal"]').click()
    await box.getByText('记入审计日志').waitFor()
    await box.getByRole('button', { name: '确定' }).click()
    await drawer.locator('[data-testid="member-revealed"]').waitFor()
    const full = (await detailId.innerText()).trim()
    assert.match(full, FULL_ID)
    assert.equal(full.slice(0, 6), idCell.slice(0, 6))
    assert.equal(full.slice(-4), idCell.slice(-4))
    assert.match((await drawer.locator('[data-testid="detail-phone"]').innerText()).trim(), /^1\d{10}$/)
    const revealed = await api.get(`/api/v1/members/${target.id}?reveal=true`)
    assert.equal(full, revealed.data.id_number)
    await debugShot(page, 'drawer.png')
    await page.keyboard.press('Escape')
    await drawer.waitFor({ state: 'hidden' })

    // Exact 身份证号 search finds the member; a wrong check character is refused before asking the server.
    await nameInput.fill('')
    const idInput = field(page, 'member-id-number')
    const wrong = full.slice(0, 17) + (full[17] === '0' ? '1' : '0')
    await idInput.fill(wrong)
    await idInput.press('Enter')
    await page.getByText('身份证号校验位不正确').first().waitFor()
    await idInput.fill(full)
    await idInput.press('Enter')
    await page.waitForFunction(
      ([sel, name]) => {
        const rows = document.querySelectorAll(sel)
        return rows.length === 1 && rows[0].textContent.includes(name) && !document.querySelector('.id-alert')
      },
      [bodyRows, target.name],
      { timeout: 15_000 },
    )

    // 登记党员: a wrong check character is shown under the field, the server's duplicate answer too, then a new member is registered.
    await page.locator('[data-testid="member-create"]').click()
    const dialog = page.locator('[data-testid="member-create-dialog"]')
    await field(dialog, 'form-name').fill('周明远')
    const newId = idNumber('19900612', 517)
    await field(dialog, 'form-id-number').fill(newId.slice(0, 17) + (newId[17] === '1' ? '2' : '1'))
    await dialog.locator('[data-testid="form-party-org"]').click()
    await page.locator('.el-select-dropdown:visible .el-select-dropdown__item').first().click()
    await dialog.locator('[data-testid="member-create-save"]').click()
    await dialog.getByText('身份证号校验位不正确').waitFor()
    await field(dialog, 'form-id-number').fill(full)
    await dialog.locator('[data-testid="member-create-save"]').click()
    await dialog.getByText('该身份证号的党员已在花名册中').waitFor({ timeout: 15_000 })
    await debugShot(page, 'create.png')
    await field(dialog, 'form-id-number').fill(newId)
    await field(dialog, 'form-phone').fill('13907341234')
    await dialog.locator('[data-testid="member-create-save"]').click()
    await page.getByText('已登记党员：周明远').first().waitFor()
    await dialog.waitFor({ state: 'hidden' })
    const created = await api.get(`/api/v1/members?id_number=${newId}`)
    assert.equal(created.data.total, 1)
    assert.equal(created.data.items[0].name, '周明远')
    assert.equal(created.data.items[0].birth_date, '1990-06-12', 'the birth date follows the 身份证号')
    assert.equal(created.data.items[0].gender, 'male', 'the gender follows the 身份证号')

    // 编辑: 学历 and 职务 of the new member; only the changed fields are saved.
    await nameInput.fill('')
    await idInput.fill('')
    await nameInput.fill('周明远')
    await nameInput.press('Enter')
    const newRow = page.locator(bodyRows, { hasText: '周明远' }).first()
    await newRow.waitFor()
    assert.match((await newRow.locator('[data-testid="member-id-cell"]').innerText()).trim(), MASKED_ID)
    await newRow.locator('[data-testid="member-edit"]').click()
    const edit = page.locator('[data-testid="member-edit-dialog"]')
    await edit.getByText('编辑党员：周明远').waitFor()
    await edit.locator('[data-testid="edit-education"]').click()
    await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: '大学本科' }).click()
    await field(edit, 'edit-position').fill('党支部组织委员')
    await edit.locator('[data-testid="member-edit-save"]').click()
    await page.getByText('已保存：周明远').first().waitFor()
    await page.waitForFunction((sel) => [...document.querySelectorAll(sel)].some((r) => r.textContent.includes('大学本科')), bodyRows, { timeout: 15_000 })
    const edited = await api.get(`/api/v1/members/${created.data.items[0].id}?reveal=true`)
    assert.equal(edited.data.education, '大学本科')
    assert.equal(edited.data.position, '党支部组织委员')
    assert.equal(edited.data.phone, '13907341234', 'an empty phone field keeps the stored number')

    // 统计: the charts are drawn from the statistics.
    await page.locator('.el-tabs__item', { hasText: '统计' }).click()
    await page.locator('[data-testid="member-stats"]').waitFor()
    const stats = await api.get('/api/v1/members/stats')
    assert.ok(stats.data.total > 0)
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid="stats-total"]')?.textContent.includes(String(n)),
      stats.data.total,
      { timeout: 15_000 },
    )
    for (const id of ['chart-age', 'chart-gender', 'chart-education', 'chart-party-age', 'chart-category', 'chart-party-org']) {
      await chartDrawn(page, id)
    }
    await page.evaluate(() => window.scrollTo(0, 0))
    await shot(page, 'members-stats.png')
    if (process.env.MEMBERS_DEBUG_SHOTS) {
      await page.locator('[data-testid="chart-category"]').scrollIntoViewIfNeeded()
      await debugShot(page, 'stats-middle.png')
      await page.locator('[data-testid="chart-party-org"]').scrollIntoViewIfNeeded()
      await debugShot(page, 'stats-bottom.png')
    }
  } finally {
    await context.close()
  }
})
