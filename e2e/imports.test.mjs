// End-to-end browser test of issue 12 in the import dialog: a hostile upload (one cell of 190 MB
// in a 190 KB file) is refused with the limit named, and an import whose server is killed
// (kill -9) in the middle of the write shows, once the server is back, why it failed — and
// nothing of it was kept. Set-up from harness.mjs, without the demo data (the ledger starts empty).
//
// Run: cd e2e && npm ci && LIANGXIN_BIN=../bin/liangxin node --test imports.test.mjs
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import path from 'node:path'
import zlib from 'node:zlib'
import { districtAPI, loginDistrictReady, newContext, newPage, shot, startServer, state, stopServer, waitFor } from './harness.mjs'

process.env.E2E_NO_DEMO = '1'
before(() => startServer('imports'))
after(stopServer)

const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

// zip writes a zip archive of deflated entries ([name, Buffer] pairs).
function zip(entries) {
  const locals = []
  const central = []
  let offset = 0
  for (const [name, data] of entries) {
    const n = Buffer.from(name)
    const body = zlib.deflateRawSync(data)
    const crc = zlib.crc32(data)
    const head = Buffer.alloc(30)
    head.writeUInt32LE(0x04034b50, 0)
    head.writeUInt16LE(20, 4)
    head.writeUInt16LE(0x0800, 6) // UTF-8 names
    head.writeUInt16LE(8, 8) // deflate
    head.writeUInt32LE(crc, 14)
    head.writeUInt32LE(body.length, 18)
    head.writeUInt32LE(data.length, 22)
    head.writeUInt16LE(n.length, 26)
    locals.push(head, n, body)
    const c = Buffer.alloc(46)
    c.writeUInt32LE(0x02014b50, 0)
    c.writeUInt16LE(20, 4)
    c.writeUInt16LE(20, 6)
    c.writeUInt16LE(0x0800, 8)
    c.writeUInt16LE(8, 10)
    c.writeUInt32LE(crc, 16)
    c.writeUInt32LE(body.length, 20)
    c.writeUInt32LE(data.length, 24)
    c.writeUInt16LE(n.length, 28)
    c.writeUInt32LE(offset, 42)
    central.push(c, n)
    offset += head.length + n.length + body.length
  }
  const dir = Buffer.concat(central)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(dir.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, dir, end])
}

// workbook is a one-sheet xlsx whose sheetData is the given XML.
function workbook(sheetData) {
  const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
  return zip([
    ['[Content_Types].xml', Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')],
    ['_rels/.rels', Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>`)],
    ['xl/workbook.xml', Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${rel}"><sheets><sheet name="两新组织" sheetId="1" r:id="rId1"/></sheets></workbook>`)],
    ['xl/_rels/workbook.xml.rels', Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)],
    ['xl/worksheets/sheet1.xml', Buffer.concat([Buffer.from('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'), sheetData, Buffer.from('</sheetData></worksheet>')])],
  ])
}

const cell = (ref, text) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`
const header = `<row r="1">${cell('A1', '单位名称')}${cell('B1', '统一社会信用代码')}${cell('C1', '单位类别')}${cell('D1', '所属街道（乡镇）')}</row>`

// ledger is n 个体工商户 in 洪桥街道 (no credit code needed).
function ledger(n) {
  const rows = [header]
  for (let i = 0; i < n; i++) {
    const r = i + 2
    rows.push(`<row r="${r}">${cell(`A${r}`, `崩溃测试个体户${i}`)}${cell(`C${r}`, '个体工商户')}${cell(`D${r}`, '洪桥街道')}</row>`)
  }
  return workbook(Buffer.from(rows.join('')))
}

async function openDialog(page) {
  if (new URL(page.url()).pathname !== '/organizations') await page.goto(`${state.baseURL}/organizations`)
  await page.locator('[data-testid="org-import"]').click()
  const dialog = page.locator('[data-testid="import-dialog"]')
  await dialog.getByRole('button', { name: '下载模板' }).waitFor()
  return dialog
}

test('a 190 MB cell in a small upload is refused naming the limit', { timeout: 120_000 }, async () => {
  const huge = workbook(Buffer.concat([Buffer.from(header + `<row r="2"><c r="A2" t="inlineStr"><is><t>`), Buffer.alloc(190 << 20, 'a'), Buffer.from('</t></is></c></row>')]))
  assert.ok(huge.length < 1 << 20, `the hostile file is ${huge.length} bytes`)
  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginDistrictReady(page, '/organizations')
    const dialog = await openDialog(page)
    await dialog.locator('input[type="file"]').setInputFiles({ name: '台账.xlsx', mimeType: xlsxType, buffer: huge })
    await dialog.locator('[data-testid="import-start"]').click()
    const err = dialog.locator('[data-testid="import-error"]')
    await err.waitFor({ timeout: 60_000 })
    assert.match(await err.innerText(), /单元格内容超过 32767 个字符（第 2 行）/)
    await shot(page, 'import-hostile-cell.png')
  } finally {
    await context.close()
  }
})

// killAndRestart kills the server with SIGKILL and starts it again on the same data folder and
// port, as an operator's restart after a crash would.
async function killAndRestart() {
  const old = state.server
  const exited = new Promise((r) => old.once('exit', r))
  old.kill('SIGKILL')
  await exited
  const port = new URL(state.baseURL).port
  const binary = process.env.LIANGXIN_BIN ? path.resolve(process.env.LIANGXIN_BIN) : path.resolve(import.meta.dirname, '../bin/liangxin')
  const server = spawn(binary, ['serve', '--addr', `127.0.0.1:${port}`, '--data', state.dataDir, '--jurisdiction', '430426'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LIANGXIN_CONTRACT_CHECK_FILE: state.contractFile },
  })
  state.server = server
  server.stdout.on('data', (d) => (state.output += d.toString()))
  server.stderr.on('data', (d) => (state.output += d.toString()))
  await waitFor('/healthz after the restart', async () => (await fetch(`${state.baseURL}/healthz`).catch(() => ({ status: 0 }))).status === 200, 60_000)
}

// The number of organizations in the ledger. The list's total is exact up to its cap (10,000) and
// flagged total_capped past it; then the pages after the cap are walked and their rows counted.
async function orgCount(api) {
  const first = (await api.get('/api/v1/organizations?page_size=1')).data
  if (!first.total_capped) return first.total
  const size = 200 // the list's largest page
  let n = Math.floor(first.total / size) * size
  for (let p = n / size + 1; ; p++) {
    const items = (await api.get(`/api/v1/organizations?page_size=${size}&page=${p}`)).data.items
    n += items.length
    if (items.length < size) return n
  }
}

test('an import killed mid-write shows why it failed after the restart, and nothing of it is kept', { timeout: 400_000 }, async () => {
  const rows = 40000
  const file = ledger(rows)
  const context = await newContext()
  const page = await newPage(context)
  try {
    await loginDistrictReady(page, '/organizations')
    const api = await districtAPI()
    const before = await orgCount(api)
    const dialog = await openDialog(page)
    await dialog.locator('input[type="file"]').setInputFiles({ name: '台账.xlsx', mimeType: xlsxType, buffer: file })
    await dialog.locator('[data-testid="import-start"]').click()
    // The dialog polls the job: kill the server once it reports rows written (in the open transaction).
    await dialog.getByText(/正在写入台账，已写入 \d+ 行/).waitFor({ timeout: 180_000 })
    await killAndRestart()
    const err = dialog.locator('[data-testid="import-error"]')
    await err.waitFor({ timeout: 90_000 })
    assert.match(await err.innerText(), /服务重启，导入未完成，数据已回滚，请重新导入/)
    await shot(page, 'import-failed-after-restart.png')
    const api2 = await districtAPI()
    assert.equal(await orgCount(api2), before, 'nothing of the killed import is kept')

    // Importing again (the same file is still chosen) brings every row.
    await dialog.locator('[data-testid="import-start"]').click()
    const done = dialog.locator('[data-testid="import-done"]')
    await done.waitFor({ timeout: 300_000 })
    assert.match(await done.innerText(), new RegExp(`新增 ${rows} `))
    assert.equal(await orgCount(api2), before + rows)
  } finally {
    await context.close()
  }
  // The lost connection and the 401/5xx probes of the restart are expected console errors; nothing else.
  const unexpected = state.pageErrors.filter((e) => !/Failed to load resource|net::ERR_/.test(e))
  assert.deepEqual(unexpected, [])
})
