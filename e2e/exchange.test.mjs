// End-to-end browser test of the Excel import of party organizations and instructors: the
// exports of the demo ledger go back in through the import dialog and change nothing (the
// templates are the exports' headers). Set-up from harness.mjs.
//
// Run: cd e2e && npm ci && LIANGXIN_BIN=../bin/liangxin node --test exchange.test.mjs
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { DISTRICT, apiClient, loginAndChange, newContext, newPage, shot, startServer, state, stopServer } from './harness.mjs'

before(() => startServer('exchange'))
after(stopServer)

async function importThrough(page, button, file) {
  await page.locator(`[data-testid="${button}"]`).click()
  const dialog = page.locator('[data-testid="import-dialog"]')
  await dialog.waitFor()
  await dialog.locator('input[type=file]').setInputFiles(file)
  await dialog.locator('[data-testid="import-start"]').click()
  const done = dialog.locator('[data-testid="import-done"]')
  await done.waitFor({ timeout: 60_000 })
  return done.innerText()
}

test('desktop: party organizations and instructors exported and imported again', { timeout: 240_000 }, async () => {
  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginAndChange(page, DISTRICT.username, DISTRICT.initial, DISTRICT.password)
    const api = apiClient(state.baseURL)
    assert.equal((await api.post('/api/v1/auth/login', { username: DISTRICT.username, password: DISTRICT.password })).status, 200)
    const parties = await api.bytes('/api/v1/party-orgs/export')
    const instructors = await api.bytes('/api/v1/instructors/export')
    assert.equal(parties.status, 200)
    assert.equal(instructors.status, 200)
    const partyFile = path.join(state.dataDir, '党组织.xlsx')
    const instrFile = path.join(state.dataDir, '党建指导员.xlsx')
    await writeFile(partyFile, parties.body)
    await writeFile(instrFile, instructors.body)
    const before = (await api.get('/api/v1/party-orgs?page_size=1')).data.total

    await page.goto(`${state.baseURL}/party-orgs`)
    await page.getByRole('tab', { name: '党组织列表' }).click()
    const text = await importThrough(page, 'party-import', partyFile)
    assert.match(text, /新增 0 个，更新 0 个/)
    assert.match(text, new RegExp(`未变化 ${before}`))
    await shot(page, 'party-orgs-import.png')
    assert.equal((await api.get('/api/v1/party-orgs?page_size=1')).data.total, before, 'a re-import adds no party organization')

    await page.goto(`${state.baseURL}/instructors`)
    const itext = await importThrough(page, 'instructor-import', instrFile)
    assert.match(itext, /新增 0 条，更新 0 条/)
    assert.deepEqual(state.pageErrors.filter((e) => !/\/login Failed to load resource: .*401/.test(e)), [])
  } finally {
    await context.close()
  }
})
