// End-to-end browser test of the Liangxin web UI against a real server binary.
//
// It builds nothing: the server binary comes from LIANGXIN_BIN (default ../bin/liangxin,
// built with `go build -o bin/liangxin ./cmd/liangxin` after `npm run build` in web/).
// The browser is Debian's chromium (CHROMIUM, default /usr/bin/chromium), launched by harness.mjs's
// launchBrowser with the flags of every other file; none is downloaded.
//
// Run: cd e2e && npm ci && node --test
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { launchBrowser } from './harness.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const repoRoot = path.resolve(here, '..')
const binary = process.env.LIANGXIN_BIN ? path.resolve(process.env.LIANGXIN_BIN) : path.resolve(here, '../bin/liangxin')
const shotsDir = process.env.E2E_SCREENSHOTS ? path.resolve(process.env.E2E_SCREENSHOTS) : path.join(repoRoot, 'docs', 'screenshots')

const STRONG_PASSWORD = 'Lx#Qidong-2026e2e'
const NEW_USER = { username: 'hq_secretary', name: '李红梅', role: '街道/综合党委', scope: '洪桥街道', own: 'Hq#Own-Secret2026' }
const SEC_NEW = 'Sa#Qidong-2026e2e'

const state = {
  /** @type {import('node:child_process').ChildProcess | null} */
  server: null,
  output: '',
  dataDir: '',
  baseURL: '',
  adminPassword: '',
  adminCurrent: '',
  /** @type {import('playwright-core').Browser | null} */
  browser: null,
  createdUser: null,
  /** Browser console errors and CSP violations seen during the run. */
  pageErrors: [],
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

async function waitFor(what, fn, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  let last
  while (Date.now() < deadline) {
    try {
      const v = await fn()
      if (v) return v
    } catch (e) {
      last = e
    }
    if (state.server && state.server.exitCode !== null) {
      throw new Error(`server exited (${state.server.exitCode}) while waiting for ${what}\n${state.output}`)
    }
    await sleep(200)
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}\n--- server output ---\n${state.output}`)
}

function extractAdminPassword(text, username = 'admin') {
  for (const line of text.split(/\r?\n/)) {
    const m = line.match(new RegExp(`(?:^|[^A-Za-z])${username}[^A-Za-z].*?(?:password|密码)[:：]\\s*(\\S+)`, 'i'))
    if (m) return m[1]
  }
  return ''
}

/** A tiny API client (cookie session + CSRF token) for steps that are not under test. */
function apiClient(base) {
  let cookie = ''
  let csrf = ''
  return async function call(method, p, body) {
    const headers = { Accept: 'application/json' }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    if (cookie) headers.Cookie = cookie
    if (csrf && method !== 'GET') headers['X-CSRF-Token'] = csrf
    const res = await fetch(base + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    for (const c of res.headers.getSetCookie?.() || []) {
      const kv = c.split(';')[0]
      if (kv.split('=')[1]) cookie = kv
    }
    const data = await res.json().catch(() => null)
    if (data && data.csrf_token) csrf = data.csrf_token
    return { status: res.status, data }
  }
}

async function newPage(context) {
  const page = await context.newPage()
  page.on('console', (msg) => {
    if (msg.type() === 'error') state.pageErrors.push(`[console] ${page.url()} ${msg.text()}`)
  })
  page.on('pageerror', (err) => state.pageErrors.push(`[pageerror] ${page.url()} ${err.message}`))
  return page
}

// The cosmetic pause before each picture, as in harness.mjs: CI sets E2E_SHOT_SETTLE_MS=0.
const shotSettleMs = Number(process.env.E2E_SHOT_SETTLE_MS ?? 700)

async function shot(page, name) {
  // Let transitions, the loading bar and chart animations settle before capturing.
  await page.waitForLoadState('networkidle').catch(() => {})
  await page.mouse.move(1, 1)
  if (shotSettleMs > 0) await page.waitForTimeout(shotSettleMs)
  await page.screenshot({ path: path.join(shotsDir, name), fullPage: false })
}

async function login(page, username, password) {
  await page.goto(`${state.baseURL}/login`)
  await page.locator('input[name="username"]').fill(username)
  await page.locator('input[name="password"]').fill(password)
  await page.locator('[data-testid="login-submit"]').click()
}

before(async () => {
  assert.ok(existsSync(binary), `server binary not found at ${binary}; build it with: go build -o bin/liangxin ./cmd/liangxin`)
  await mkdir(shotsDir, { recursive: true })
  state.dataDir = await mkdtemp(path.join(os.tmpdir(), 'liangxin-e2e-'))
  const port = await freePort()
  state.baseURL = `http://127.0.0.1:${port}`
  // API contract violations go to this file; after() fails the file if any were recorded (as harness.mjs does).
  const contractFile = path.join(state.dataDir, 'contract-violations.txt')
  state.contractFile = contractFile
  const server = spawn(binary, ['serve', '--addr', `127.0.0.1:${port}`, '--data', state.dataDir, '--jurisdiction', '430426'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LIANGXIN_CONTRACT_CHECK_FILE: contractFile },
  })
  state.server = server
  server.stdout.on('data', (d) => (state.output += d.toString()))
  server.stderr.on('data', (d) => (state.output += d.toString()))

  state.adminPassword = await waitFor('the first-start admin password', () => extractAdminPassword(state.output), 60_000)
  state.adminCurrent = state.adminPassword
  await waitFor(
    '/healthz',
    async () => {
      const res = await fetch(`${state.baseURL}/healthz`)
      return res.status === 200
    },
    60_000,
  )

  state.browser = await launchBrowser()
})

after(async () => {
  await state.browser?.close().catch(() => {})
  const server = state.server
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r))
    server.kill('SIGTERM')
    const timedOut = await Promise.race([exited.then(() => false), sleep(10_000).then(() => true)])
    if (timedOut) {
      server.kill('SIGKILL')
      await exited
    }
  }
  const violations = state.contractFile ? (await readFile(state.contractFile, 'utf8').catch(() => '')).split('\n').filter((l) => l.trim()) : []
  if (state.dataDir) await rm(state.dataDir, { recursive: true, force: true })
  if (violations.length) {
    throw new Error(`API contract: ${violations.length} request(s) or response(s) do not match the OpenAPI document:\n${violations.join('\n')}`)
  }
})

test('admin first login: forced password change, home, regions, users', { timeout: 180_000 }, async () => {
  const context = await state.browser.newContext({ viewport: { width: 1366, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  const page = await newPage(context)
  try {
    // Login page.
    await page.goto(`${state.baseURL}/`)
    await page.waitForURL(/\/login/)
    assert.equal(await page.title(), '登录 - 两新党建综合管理平台')
    await page.getByText('用户登录').waitFor()

    // Client-side validation messages.
    await page.locator('[data-testid="login-submit"]').click()
    await page.getByText('请输入用户名').waitFor()
    await page.getByText('请输入密码').waitFor()
    await shot(page, 'login.png')

    // Wrong password shows the server's Chinese message.
    await page.locator('input[name="username"]').fill('admin')
    await page.locator('input[name="password"]').fill('definitely-wrong')
    await page.locator('[data-testid="login-submit"]').click()
    await page.locator('[data-testid="login-error"]').waitFor()
    const wrongText = (await page.locator('[data-testid="login-error"]').innerText()).trim()
    assert.match(wrongText, /[\u4e00-\u9fa5]/, `login error should be Chinese, got: ${wrongText}`)

    // Correct first-start password: forced to change it.
    await page.locator('input[name="password"]').fill(state.adminPassword)
    await page.locator('[data-testid="login-submit"]').click()
    await page.waitForURL(/\/password$/)
    await page.locator('[data-testid="force-change"]').waitFor()
    await page.getByText('至少8位，包含大写字母、小写字母、数字、特殊字符中的至少3类，不能是常见弱口令').waitFor()

    // Navigating elsewhere is not allowed until the password is changed.
    await page.goto(`${state.baseURL}/users`)
    await page.waitForURL(/\/password$/)
    await page.locator('[data-testid="force-change"]').waitFor()

    // A weak password is rejected (client-side or by the server) with a Chinese message.
    await page.locator('input[name="old_password"]').fill(state.adminPassword)
    await page.locator('input[name="new_password"]').fill('password')
    await page.locator('input[name="confirm_password"]').fill('password')
    await page.locator('[data-testid="password-submit"]').click()
    await page.locator('.el-form-item__error').first().waitFor()
    await shot(page, 'password-change.png')

    await page.locator('input[name="new_password"]').fill(STRONG_PASSWORD)
    await page.locator('input[name="confirm_password"]').fill(STRONG_PASSWORD)
    await page.locator('[data-testid="password-submit"]').click()
    await page.waitForURL(/\/(login)?(\?.*)?$/)
    state.adminCurrent = STRONG_PASSWORD
    if (/\/login/.test(page.url())) {
      // The server ended the session after the change: sign in again with the new password.
      await page.locator('input[name="username"]').fill('admin')
      await page.locator('input[name="password"]').fill(STRONG_PASSWORD)
      await page.locator('[data-testid="login-submit"]').click()
      await page.waitForURL(`${state.baseURL}/`)
    }

    // Home: the system administrator's main links (issue 16: the home page is the day's work per role).
    await page.locator('[data-testid="home"] [data-kind="links"]').getByText('用户管理').waitFor()
    await page.locator('[data-testid="jurisdiction"]').getByText('祁东县', { exact: true }).waitFor()
    const header = page.locator('.layout-header')
    await header.getByText('两新党建综合管理平台').waitFor()
    await header.getByText('祁东县').waitFor()
    await shot(page, 'home.png')

    // Regions: the tree shows 祁东县 and, expanded, 洪桥街道.
    await page.locator('.side-menu [data-menu="regions"]').first().click()
    await page.waitForURL(/\/regions$/)
    const tree = page.locator('[data-testid="region-tree"]')
    const root = tree.locator('.el-tree-node').filter({ hasText: '祁东县' }).first()
    await root.waitFor()
    const hongqiao = tree.locator('.el-tree-node__content', { hasText: '洪桥街道' })
    if (!(await hongqiao.first().isVisible())) {
      await root.locator('> .el-tree-node__content .el-tree-node__expand-icon').click()
    }
    await hongqiao.first().waitFor()
    await hongqiao.first().click()
    const detail = page.locator('[data-testid="region-detail"]')
    await detail.getByRole('heading', { name: '洪桥街道' }).waitFor()
    await detail.getByText('街道乡镇').first().waitFor()
    await detail.locator('[data-testid="add-area"]').waitFor()
    await shot(page, 'regions.png')

    // Users: the system administrator creates an account — a name only; the
    // role and scope are the security administrator's to grant (三员分立).
    await page.locator('.side-menu [data-menu="users"]').first().click()
    await page.waitForURL(/\/users$/)
    await page.locator('[data-testid="user-table"]').getByText('admin', { exact: true }).waitFor()
    assert.equal(await page.locator('[data-testid="user-grant"]').count(), 0, 'the system administrator must not see 授权')
    await page.locator('[data-testid="user-create"]').click()
    const dialog = page.locator('.el-dialog').filter({ hasText: '新增账户' })
    await dialog.waitFor()
    assert.equal(await dialog.locator('[data-testid="user-role"]').count(), 0, 'no role field when creating an account')
    assert.equal(await dialog.locator('input[type="password"]').count(), 0, 'no password field when creating an account')
    await dialog.locator('input[name="username"]').fill(NEW_USER.username)
    await dialog.locator('input[name="display_name"]').fill(NEW_USER.name)
    await dialog.locator('[data-testid="user-save"]').click()

    const secretDialog = page.locator('.secret-dialog').filter({ hasText: '初始密码' })
    const created = page.locator('[data-testid="user-table"]').getByText(NEW_USER.username, { exact: true })
    await Promise.race([secretDialog.waitFor(), created.waitFor()])
    if (await secretDialog.isVisible()) {
      const initial = (await secretDialog.locator('[data-testid="secret-value"]').innerText()).trim()
      assert.ok(initial.length >= 8, 'initial password should be shown once')
      state.createdUser = { username: NEW_USER.username, password: initial }
      await secretDialog.getByRole('button', { name: '我已保存' }).click()
      await secretDialog.waitFor({ state: 'hidden' })
    } else {
      state.createdUser = { username: NEW_USER.username, password: '' }
    }
    await created.waitFor()
    const row = page.locator('[data-testid="user-table"] .el-table__row', { hasText: NEW_USER.username })
    await row.getByText(NEW_USER.name).waitFor()
    await row.getByText('未授权').waitFor()
    await shot(page, 'users.png')
  } finally {
    await context.close()
  }
})

test('security administrator grants the new account its role and scope', { timeout: 180_000 }, async () => {
  assert.ok(state.createdUser?.password, 'the account created in the previous test is needed')
  // The owner signs in with the one-time password and chooses their own (not under test here).
  const owner = apiClient(state.baseURL)
  let res = await owner('POST', '/api/v1/auth/login', { username: NEW_USER.username, password: state.createdUser.password })
  assert.equal(res.status, 200, `owner login: ${JSON.stringify(res.data)}`)
  res = await owner('POST', '/api/v1/auth/password', { old_password: state.createdUser.password, new_password: NEW_USER.own })
  assert.equal(res.status, 200, `owner password change: ${JSON.stringify(res.data)}`)
  state.createdUser = { username: NEW_USER.username, password: NEW_USER.own }
  res = await owner('GET', '/api/v1/organizations')
  assert.equal(res.status, 403, 'an account without a granted role reads nothing')

  const secInitial = extractAdminPassword(state.output, 'secadmin')
  assert.ok(secInitial, `the first start prints secadmin's one-time password:\n${state.output}`)
  const context = await state.browser.newContext({ viewport: { width: 1366, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  const page = await newPage(context)
  try {
    await login(page, 'secadmin', secInitial)
    await page.waitForURL(/\/password$/)
    await page.locator('input[name="old_password"]').fill(secInitial)
    await page.locator('input[name="new_password"]').fill(SEC_NEW)
    await page.locator('input[name="confirm_password"]').fill(SEC_NEW)
    await page.locator('[data-testid="password-submit"]').click()
    await page.waitForURL(/\/(login)?(\?.*)?$/)
    if (/\/login/.test(page.url())) {
      await login(page, 'secadmin', SEC_NEW)
      await page.waitForURL(`${state.baseURL}/`)
    }
    await page.locator('.side-menu [data-menu="users"]').first().click()
    await page.waitForURL(/\/users$/)
    assert.equal(await page.locator('[data-testid="user-create"]').count(), 0, 'the security administrator must not create accounts')
    const row = page.locator('[data-testid="user-table"] .el-table__row', { hasText: NEW_USER.username })
    await row.locator('[data-testid="user-grant"]').click()
    const dialog = page.locator('.el-dialog').filter({ hasText: '授权' })
    await dialog.waitFor()
    await dialog.locator('[data-testid="user-role"]').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: NEW_USER.role }).first().click()
    await dialog.locator('.region-tree-select').click()
    const option = page.locator('.el-tree-select__popper:visible .el-tree-node__content', { hasText: NEW_USER.scope })
    await option.first().waitFor()
    await option.first().click()
    await dialog.locator('[data-testid="grant-save"]').click()
    await dialog.waitFor({ state: 'hidden' })
    await row.getByText(NEW_USER.role).waitFor()
    await row.getByText(NEW_USER.scope).waitFor()
    await shot(page, 'users-grant.png')
  } finally {
    await context.close()
  }
  res = await apiClient(state.baseURL)('POST', '/api/v1/auth/login', { username: NEW_USER.username, password: NEW_USER.own })
  assert.equal(res.status, 200)
  assert.equal(res.data.user.role, 'street')
})

test('lockout: five wrong passwords, then the right one shows 账户已锁定', { timeout: 120_000 }, async () => {
  assert.ok(state.createdUser?.password, 'the user created in the previous test (with its initial password) is needed')
  const context = await state.browser.newContext({ viewport: { width: 1366, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  const page = await newPage(context)
  try {
    await page.goto(`${state.baseURL}/login`)
    const { username, password } = state.createdUser
    for (let i = 1; i <= 5; i++) {
      await page.locator('input[name="username"]').fill(username)
      await page.locator('input[name="password"]').fill(`Wrong-Pass-${i}x`)
      const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'))
      await page.locator('[data-testid="login-submit"]').click()
      const res = await answered
      assert.ok([401, 423].includes(res.status()), `attempt ${i}: expected 401 or 423, got ${res.status()}`)
      await page.locator('[data-testid="login-error"], [data-testid="login-locked"]').first().waitFor()
    }
    await page.locator('input[name="username"]').fill(username)
    await page.locator('input[name="password"]').fill(password)
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'))
    await page.locator('[data-testid="login-submit"]').click()
    const res = await answered
    assert.equal(res.status(), 423, 'the right password on a locked account must answer 423')
    const locked = page.locator('[data-testid="login-locked"]')
    await locked.getByText('账户已锁定', { exact: true }).waitFor()
    assert.equal(new URL(page.url()).pathname, '/login')
    await shot(page, 'login-locked.png')
  } finally {
    await context.close()
  }
})

test('mobile 390×844: login and home', { timeout: 120_000 }, async () => {
  const context = await state.browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  })
  const page = await newPage(context)
  try {
    await page.goto(`${state.baseURL}/login`)
    await page.getByText('用户登录').waitFor()
    await shot(page, 'login-mobile.png')

    await page.locator('input[name="username"]').fill('admin')
    await page.locator('input[name="password"]').fill(state.adminCurrent)
    await page.locator('[data-testid="login-submit"]').click()
    await page.waitForURL(`${state.baseURL}/`)
    await page.locator('[data-testid="home"] [data-kind="links"]').waitFor()
    // The sidebar is collapsed on phones; the page must not scroll sideways.
    assert.equal(await page.locator('.layout-aside').count(), 0)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 1, `page overflows horizontally by ${overflow}px`)
    await shot(page, 'home-mobile.png')

    // The menu opens as a drawer.
    await page.getByRole('button', { name: '打开菜单' }).click()
    const drawer = page.locator('.menu-drawer')
    await drawer.locator('[data-menu="regions"]').waitFor()
    await drawer.locator('[data-menu="regions"]').click()
    await page.waitForURL(/\/regions$/)
    await page.locator('[data-testid="region-tree"]').getByText('祁东县').first().waitFor()
  } finally {
    await context.close()
  }
})

test('no CSP violations or script errors in the browser', () => {
  const relevant = state.pageErrors.filter(
    (e) => !/Failed to load resource: the server responded with a status of (401|423|422)/.test(e),
  )
  assert.deepEqual(relevant, [])
})
