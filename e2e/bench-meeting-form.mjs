// Measures opening the 组织生活 record form for the first active party organization (on the demo
// data the county's 综合党委, 1,013 members below it): from the click on 登记会议 until the
// attendance list's first 请假 button is visible, and how many elements the page then holds. Not a
// test (no assertion): a figure for docs/benchmarks.md, with the load average beside it.
//
// Run: cd e2e && LIANGXIN_BIN=../bin/liangxin E2E_SCREENSHOTS=/tmp node bench-meeting-form.mjs [runs]
import os from 'node:os'
import { districtAPI, loginDistrictReady, newContext, newPage, startServer, state, stopServer } from './harness.mjs'

const runs = Number(process.argv[2] || 3)
await startServer('bench-meeting-form')
try {
  const api = await districtAPI()
  const po = (await api.get('/api/v1/party-orgs?page_size=200&status=active')).data.items[0]
  const candidates = (await api.get(`/api/v1/meetings/candidates?party_org_id=${po.id}&page_size=1`)).data.total
  for (let i = 0; i < runs; i++) {
    const context = await newContext()
    const page = await newPage(context)
    await loginDistrictReady(page, `/meetings?party_org_id=${po.id}`)
    const btn = page.locator('[data-test="new-meeting"]')
    await page.waitForFunction(() => !document.querySelector('[data-test="new-meeting"]')?.disabled)
    const load = os.loadavg()[0].toFixed(1)
    const t0 = performance.now()
    await btn.click()
    await page.locator('[data-test^="excused-"]').first().waitFor({ state: 'visible' })
    const ms = Math.round(performance.now() - t0)
    const elements = await page.evaluate(() => document.getElementsByTagName('*').length)
    console.log(JSON.stringify({ org: po.name, candidates, run: i + 1, open_ms: ms, elements, load_before: load, load_after: os.loadavg()[0].toFixed(1) }))
    await context.close()
  }
} finally {
  await stopServer()
}
