// End-to-end browser test of the 党统报表 page (issue 16 item 5) on the demo data: the district clerk opens
// table 27 for 祁东县 (430426), sees the official layout and the agreement with the coverage report, clicks the
// 单位数 cell and sees the list of the units it counts, then exports the table as .xlsx.
//
// Run: cd e2e && npm ci && LIANGXIN_BIN=../bin/liangxin node --test dangtong.test.mjs
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { failOnScriptErrors, LOGIN_PROBE, loginDistrictReady, newContext, newPage, shot, startServer, state, stopServer } from './harness.mjs'

before(() => startServer('dangtong'))
after(stopServer)
failOnScriptErrors(LOGIN_PROBE)

test('党统表27 for 祁东县: official layout, drill-down of a cell, export', { timeout: 240_000 }, async () => {
  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginDistrictReady(page, '/dangtong?table=27&region_code=430426')
    const title = page.locator('[data-testid="dangtong-title"]')
    await title.waitFor()
    assert.match(await title.innerText(), /党统表27/)
    assert.match(await title.innerText(), /非公有制经济控制的企业法人单位建立党的基层组织情况/)
    const tableEl = page.locator('[data-testid="dangtong-table"]')
    const head = await tableEl.locator('thead').innerText()
    for (const h of ['项目', '行次', '合计', '从业人员', '法定代表人是党员', '私有经济控制', '港澳台商', '外商']) assert.ok(head.includes(h), `header ${h}`)
    const body = await tableEl.locator('tbody').innerText()
    for (const r of ['单位数', '已单独建立党组织的单位', '已建立联合党支部的单位', '未建立党组织的单位', '党建工作指导员数（人）']) assert.ok(body.includes(r), `row ${r}`)
    const check = page.locator('[data-testid="dangtong-check"]')
    await check.waitFor()
    assert.match(await check.innerText(), /核对通过/)
    const units = Number(await page.locator('[data-testid="cell-1-1"]').innerText())
    if (state.demo) assert.ok(units > 0, 'the demo has enterprises in table 27')
    await shot(page, 'dangtong-1-table27.png')

    await page.locator('[data-testid="cell-1-1"]').click()
    const drill = page.locator('.el-dialog').filter({ has: page.locator('[data-testid="dangtong-drill-table"]') })
    await drill.waitFor()
    await drill.getByText(`第1行「单位数」× 第1栏「合计」：${units}`).waitFor()
    if (units > 0) {
      await drill.locator('.el-table__row').first().waitFor()
      assert.match(await drill.locator('.el-pagination').innerText(), new RegExp(`共 ${units} 条|Total ${units}`))
    }
    await shot(page, 'dangtong-2-drilldown.png')
    await drill.locator('.el-dialog__headerbtn').click()

    const download = page.waitForEvent('download')
    await page.locator('[data-testid="dangtong-xlsx"]').click()
    const file = await download
    assert.ok((await file.suggestedFilename()).endsWith('.xlsx'), 'the export is an Excel file')
    assert.match(await file.suggestedFilename(), /党统表27/)

    await page.locator('[data-testid="dangtong-pick-43"]').click()
    await title.filter({ hasText: '失联党员情况' }).waitFor()
    await shot(page, 'dangtong-3-table43.png')
  } finally {
    await context.close()
  }
})
