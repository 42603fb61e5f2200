// End-to-end browser test of the monthly 通报 (issue 16 item 4): the district clerk opens 月度通报 (the demo
// has issued two), generates last month's briefing for 祁东县, previews it (the figures, the street ranking
// chart and the paper as it prints), issues it after confirming (签发), downloads the .docx (a zip with
// word/document.xml) and opens the printable page.
//
// Run: cd e2e && npm ci && LIANGXIN_BIN=../bin/liangxin node --test briefings.test.mjs
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { failOnScriptErrors, LOGIN_PROBE, loginDistrictReady, newContext, newPage, shot, startServer, state, stopServer } from './harness.mjs'

before(() => startServer('briefings'))
after(stopServer)
failOnScriptErrors(LOGIN_PROBE)

test('月度通报: generate, preview, issue, download .docx, print', { timeout: 300_000 }, async () => {
  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginDistrictReady(page, '/briefings')
    const list = page.locator('[data-testid="briefing-list"]')
    await list.waitFor()
    if (state.demo) {
      await list.getByText('第2期').waitFor()
      assert.match(await list.innerText(), /已签发/)
    }
    await shot(page, 'briefings-1-list.png')

    await page.locator('[data-testid="briefing-generate"]').click()
    const dialog = page.locator('[data-testid="briefing-generate-dialog"]')
    await dialog.locator('[data-testid="briefing-generate-ok"]').waitFor()
    await dialog.locator('[data-testid="briefing-generate-ok"]').click()
    await page.waitForURL(/\/briefings\/\d+$/, { timeout: 120_000 })
    const paper = page.locator('[data-testid="briefing-paper"]')
    await paper.waitFor({ timeout: 60_000 })
    const text = await paper.innerText()
    for (const want of ['两新党建工作通报', '祁东县', '“两个覆盖”推进情况', '组织覆盖率为', '各街道（乡镇）组织覆盖率排名']) assert.ok(text.includes(want), `paper has ${want}`)
    assert.ok(!text.includes('{{'), 'no placeholder left')
    assert.match(await page.locator('[data-testid="briefing-state-banner"]').innerText(), /草稿/)
    await page.locator('[data-testid="briefing-kpis"]').getByText('组织覆盖率').waitFor()
    await shot(page, 'briefings-2-preview.png')

    await page.locator('[data-testid="briefing-issue"]').click()
    const box = page.locator('.el-message-box')
    await box.getByText('不能再修改或删除').waitFor()
    await box.getByRole('button', { name: '签发' }).click()
    const banner = page.locator('[data-testid="briefing-state-banner"]')
    await banner.filter({ hasText: '已签发' }).waitFor()
    assert.match(await banner.innerText(), state.demo ? /第3期/ : /第1期/)
    assert.equal(await page.locator('[data-testid="briefing-issue"]').count(), 0, 'no 签发 button once issued')
    await shot(page, 'briefings-3-issued.png')

    const download = page.waitForEvent('download')
    await page.locator('[data-testid="briefing-docx"]').click()
    const file = await download
    assert.ok((await file.suggestedFilename()).endsWith('.docx'), 'a Word file')
    const bytes = fs.readFileSync(await file.path())
    assert.equal(bytes.subarray(0, 4).toString('binary'), 'PK\x03\x04', 'a zip')
    assert.ok(bytes.includes(Buffer.from('word/document.xml')), 'with word/document.xml')

    const id = page.url().match(/\/briefings\/(\d+)/)[1]
    const print = await newPage(context)
    await print.goto(`${state.baseURL}/briefings/${id}/print`)
    await print.locator('[data-testid="briefing-paper"]').waitFor()
    assert.match(await print.locator('[data-testid="briefing-paper"]').innerText(), /第\d+期/)
    await shot(print, 'briefings-4-print.png')
  } finally {
    await context.close()
  }
})
