// Shared set-up of the browser tests: a server binary (LIANGXIN_BIN, default ../bin/liangxin)
// on a fresh data folder with the demo data, Debian chromium via playwright-core, a small API
// client and page helpers. New tests import it instead of repeating the set-up.
import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { appendFileSync, existsSync } from 'node:fs'
import { cp, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach } from 'node:test'
import { promisify } from 'node:util'
import { chromium } from 'playwright-core'

const run = promisify(execFile)
const here = path.dirname(fileURLToPath(import.meta.url))
const repoRoot = path.resolve(here, '..')
const binary = process.env.LIANGXIN_BIN ? path.resolve(process.env.LIANGXIN_BIN) : path.resolve(here, '../bin/liangxin')
const shotsDir = process.env.E2E_SCREENSHOTS ? path.resolve(process.env.E2E_SCREENSHOTS) : path.join(repoRoot, 'docs', 'screenshots')

export const ADMIN_NEW = 'Lx#Qidong-2026e2e'
export const DISTRICT = { username: 'district1', initial: 'Dist#Pass2026x', password: 'Dist#Qidong-2026e2e' }

export const state = {
  /** @type {import('node:child_process').ChildProcess | null} */
  server: null,
  output: '',
  dataDir: '',
  baseURL: '',
  adminPassword: '',
  /** @type {import('playwright-core').Browser | null} */
  browser: null,
  /** @type {Promise<import('playwright-core').Browser> | null} */
  browserLaunch: null,
  demo: false,
  /** What `liangxin demo` printed (the demo accounts' initial passwords). */
  demoOutput: '',
  districtReady: false,
  /** The district user's session cookie (name=value) that loginDistrict gives each page's context. */
  districtCookie: '',
  seeded: null,
  pageErrors: [],
  /** File the server appends API contract violations to (LIANGXIN_CONTRACT_CHECK_FILE). */
  contractFile: '',
}

export function freePort() {
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

// --- timing diagnostics (E2E_TIMING_LOG) ------------------------------------------
// With E2E_TIMING_LOG=<file>, each test file appends JSON lines to it: the phases of its set-up
// (seed, copy, server start, browser launch), the time shot() spent waiting for the network to
// go idle, and every API request the server answered in E2E_SLOW_MS (default 1000) or more. Off
// unless set; it changes nothing the tests do.
const timingLog = process.env.E2E_TIMING_LOG ? path.resolve(process.env.E2E_TIMING_LOG) : ''
const slowMs = Number(process.env.E2E_SLOW_MS ?? 1000)
const testFile = path.basename(process.argv[1] || '')

export function logTiming(rec) {
  if (timingLog) appendFileSync(timingLog, JSON.stringify({ file: testFile, ...rec }) + '\n')
}

async function timed(phase, fn) {
  const t0 = performance.now()
  try {
    return await fn()
  } finally {
    logTiming({ phase, ms: Math.round(performance.now() - t0) })
  }
}

/** Logs the server's request lines that took slowMs or more (the server logs each request's duration). */
function logSlowRequests() {
  if (!timingLog) return
  for (const line of state.output.split('\n')) {
    if (!line.startsWith('{')) continue
    let r
    try {
      r = JSON.parse(line)
    } catch {
      continue
    }
    if (r.msg === 'http request' && r.duration_ms >= slowMs) logTiming({ phase: 'slow-request', route: r.route, path: r.path, status: r.status, ms: Math.round(r.duration_ms) })
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

export async function waitFor(what, fn, timeoutMs) {
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

export function extractAdminPassword(text) {
  for (const line of text.split(/\r?\n/)) {
    const m = line.match(/admin.*?(?:password|密码)[:：]\s*(\S+)/i)
    if (m) return m[1]
  }
  return ''
}

/** Runs the CLI on the data folder (the server is not running yet). */
export async function cli(...args) {
  return cliWithin(120_000, ...args)
}

async function cliWithin(timeout, ...args) {
  try {
    const { stdout, stderr } = await run(binary, args, { env: { ...process.env }, timeout })
    return stdout + stderr
  } catch (e) {
    throw new Error(`liangxin ${args.join(' ')} failed: ${e.message}\n${e.stdout || ''}${e.stderr || ''}`)
  }
}

// --- a tiny API client for seeding (cookie session + CSRF token) -------------------

export function apiClient(base) {
  let cookie = ''
  let csrf = ''
  async function call(method, p, body) {
    const headers = { Accept: 'application/json' }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    if (cookie) headers.Cookie = cookie
    if (csrf && method !== 'GET') headers['X-CSRF-Token'] = csrf
    const res = await fetch(base + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    for (const c of res.headers.getSetCookie?.() || []) {
      const kv = c.split(';')[0]
      if (kv.split('=')[1]) cookie = kv
    }
    const text = await res.text()
    let data
    try {
      data = JSON.parse(text)
    } catch {
      data = text
    }
    if (data && typeof data === 'object' && data.csrf_token) csrf = data.csrf_token
    return { status: res.status, data }
  }
  return {
    /** The session cookie (name=value) the server set, empty before a login. */
    cookie: () => cookie,
    get: (p) => call('GET', p),
    post: (p, b) => call('POST', p, b ?? {}),
    put: (p, b) => call('PUT', p, b ?? {}),
    patch: (p, b) => call('PATCH', p, b ?? {}),
    /** GET of a binary body (an .xlsx download). */
    bytes: async (p) => {
      const res = await fetch(base + p, { headers: cookie ? { Cookie: cookie } : {} })
      return { status: res.status, body: Buffer.from(await res.arrayBuffer()) }
    },
  }
}

/**
 * Signs the district user in through the API and returns the client. The first call (whichever
 * test makes it) changes the initial password, so no test depends on an earlier one for that.
 */
export async function districtAPI() {
  const api = apiClient(state.baseURL)
  const password = state.districtReady ? DISTRICT.password : DISTRICT.initial
  let r = await api.post('/api/v1/auth/login', { username: DISTRICT.username, password })
  assert.equal(r.status, 200, `district login: ${JSON.stringify(r.data)}`)
  if (!state.districtReady) {
    r = await api.post('/api/v1/auth/password', { old_password: DISTRICT.initial, new_password: DISTRICT.password })
    assert.equal(r.status, 200, `district password change: ${JSON.stringify(r.data)}`)
    state.districtReady = true
  }
  return api
}

/** Opens landing signed in as the district user, through districtAPI's password change when it is still due. */
export async function loginDistrictReady(page, landing = '/') {
  if (!state.districtReady) await districtAPI()
  await loginDistrict(page, landing)
}

/**
 * Makes each test of the calling file fail on a script error (console error or uncaught
 * exception) in the pages it opened itself, instead of a last test that depends on the ones
 * before it. allowed are patterns of expected console errors (a 401 probe on the login page, or
 * the 409/422 of a form the test submits wrong on purpose).
 */
export function failOnScriptErrors(...allowed) {
  beforeEach(() => {
    state.pageErrors.length = 0
  })
  afterEach(() => {
    const errors = state.pageErrors.filter((e) => !allowed.some((re) => re.test(e)))
    state.pageErrors.length = 0
    assert.deepEqual(errors, [], 'script errors in the browser during this test')
  })
}

/** The login page probes the session first: a 401 before signing in is not an error. */
export const LOGIN_PROBE = /\/login Failed to load resource: .*401/

/** YYYY-MM-DD in China time, offset by days. */
export function day(offsetDays = 0, from = new Date()) {
  const t = new Date(from.getTime() + offsetDays * 86_400_000 + 8 * 3_600_000)
  return t.toISOString().slice(0, 10)
}

export function yearsAgo(years, plusDays = 0) {
  const d = new Date(Date.now() + 8 * 3_600_000)
  d.setUTCFullYear(d.getUTCFullYear() - years)
  return day(plusDays, new Date(d.getTime() - 8 * 3_600_000))
}

// --- browser helpers -------------------------------------------------------------

// CSS transitions and animations end at once in the tests' pages. Element Plus fades and slides
// every dialog, drawer, dropdown, message box and collapse for ~0.3 s; Playwright waits for an
// element to stop moving before it clicks it and for a closing one to leave, so each of them cost
// a test 0.3 s or more of animation frames on a loaded machine. With no duration, Vue's <Transition>
// runs its enter/leave hooks on the next frame; what the tests wait for and assert is unchanged,
// and a picture shows the final state instead of a half-faded one. (Chart animations are drawn by
// ECharts in script and are not affected.) E2E_ANIMATIONS=1 leaves them on.
const noMotionCSS = '*, *::before, *::after { transition-duration: 0s !important; transition-delay: 0s !important; animation-duration: 0s !important; animation-delay: 0s !important; }'

function addNoMotionStyle(css) {
  const add = () => {
    const style = document.createElement('style')
    style.textContent = css
    ;(document.head || document.documentElement).appendChild(style)
  }
  if (document.documentElement) add()
  else document.addEventListener('DOMContentLoaded', add, { once: true })
}

export async function newContext(mobile = false) {
  const context = await state.browser.newContext(
    mobile
      ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' }
      : { viewport: { width: 1366, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' },
  )
  if (!process.env.E2E_ANIMATIONS) await context.addInitScript(addNoMotionStyle, noMotionCSS)
  return context
}

export async function newPage(context) {
  const page = await context.newPage()
  // A loaded 2-core machine can take longer than Playwright's default 30 s to
  // render a list; waiting longer only costs time when something is wrong.
  page.setDefaultTimeout(60_000)
  page.on('console', (msg) => {
    if (msg.type() === 'error') state.pageErrors.push(`[console] ${page.url()} ${msg.text()}`)
  })
  page.on('pageerror', (err) => state.pageErrors.push(`[pageerror] ${page.url()} ${err.message}`))
  return page
}

// How long shot() lets transitions and chart animations settle before capturing. The pictures in
// docs/screenshots need it; CI throws its screenshots away and sets E2E_SHOT_SETTLE_MS=0 (the
// network-idle wait and the capture itself still run), which saves ~1.2 s on each of 120-odd shots.
export const shotSettleMs = Number(process.env.E2E_SHOT_SETTLE_MS ?? 1200)

export async function shot(page, name) {
  // Let requests, transitions and chart animations settle before capturing.
  const t0 = performance.now()
  await page.waitForLoadState('networkidle').catch(() => {})
  logTiming({ phase: 'shot-idle', shot: name, ms: Math.round(performance.now() - t0) })
  await page.mouse.move(1, 1)
  if (shotSettleMs > 0) await page.waitForTimeout(shotSettleMs)
  await page.screenshot({ path: path.join(shotsDir, name), fullPage: false })
}

export async function login(page, username, password) {
  await page.goto(`${state.baseURL}/login`)
  await page.locator('input[name="username"]').fill(username)
  await page.locator('input[name="password"]').fill(password)
  await page.locator('[data-testid="login-submit"]').click()
}

/** Signs in with a password that must be changed, changes it and lands on the home page (or on landing, a URL or pattern). */
export async function loginAndChange(page, username, initial, next, landing = undefined) {
  await login(page, username, initial)
  await page.waitForURL(/\/password$/)
  await page.locator('[data-testid="force-change"]').waitFor()
  await page.locator('input[name="old_password"]').fill(initial)
  await page.locator('input[name="new_password"]').fill(next)
  await page.locator('input[name="confirm_password"]').fill(next)
  await page.locator('[data-testid="password-submit"]').click()
  if (landing) {
    // A role whose home is elsewhere (an instructor's 我的指导工作) goes there at once.
    await page.waitForURL((u) => !/\/password$/.test(u.pathname))
  } else {
    await page.waitForURL(/\/(login)?(\?.*)?$/)
  }
  if (/\/login/.test(page.url())) {
    await login(page, username, next)
    await page.waitForURL(landing ?? `${state.baseURL}/`)
  } else if (landing) {
    await page.waitForURL(landing)
  }
}

/**
 * Opens landing (default the home page) signed in as the district user. The sign-in form is
 * login.test.mjs's and ledger.test.mjs's subject; here the page gets the session of one API login
 * made once per test file (a cookie in the page's context, as a saved storage state would give)
 * and opens landing directly: no login page and no home page rendered on the way to the page under
 * test. Every test still has a context of its own.
 */
export async function loginDistrict(page, landing = '/') {
  const t0 = performance.now()
  if (!state.districtCookie) {
    const cookie = (await districtAPI()).cookie()
    assert.ok(cookie.includes('='), 'the district login set a session cookie')
    state.districtCookie = cookie
  }
  const eq = state.districtCookie.indexOf('=')
  await page.context().addCookies([
    { name: state.districtCookie.slice(0, eq), value: state.districtCookie.slice(eq + 1), url: state.baseURL, httpOnly: true, sameSite: 'Strict' },
  ])
  await page.goto(state.baseURL + landing)
  if (landing === '/') await page.waitForURL(`${state.baseURL}/`)
  logTiming({ phase: 'login-district', ms: Math.round(performance.now() - t0) })
}

/** Waits until a chart's canvas is drawn. */
export async function chartDrawn(page, testid) {
  const canvas = page.locator(`[data-testid="${testid}"] canvas`).first()
  await canvas.waitFor({ timeout: 15_000 })
  const box = await canvas.boundingBox()
  assert.ok(box && box.width > 100 && box.height > 100, `${testid} canvas should have a size, got ${JSON.stringify(box)}`)
}

export async function kpiText(page, key) {
  return (await page.locator(`[data-testid="kpi-${key}"] [data-testid="kpi-value"]`).innerText()).trim()
}

/**
 * Seeds a data folder once for the whole run (init, the district user, the demo data: the demo
 * alone takes 15-60 s) and returns it with what the CLI printed. Every test file runs in a
 * process of its own, so the seed is shared through the file system: the first process to create
 * the lock folder builds it, the others wait for its ready.json. Each file then serves a copy of
 * its own, exactly as if it had run the commands itself. The seed lives in E2E_SEED_DIR when set
 * (CI makes a temporary one and removes it), else in the system temp folder under a name keyed
 * by the binary (a rebuilt binary seeds again).
 */
async function seed() {
  const st = await stat(binary)
  const key = `${st.size}-${Math.floor(st.mtimeMs)}-${process.env.E2E_NO_DEMO ? 'nodemo' : 'demo'}`
  const root = process.env.E2E_SEED_DIR ? path.resolve(process.env.E2E_SEED_DIR) : os.tmpdir()
  const dir = path.join(root, `liangxin-e2e-seed-${key}`)
  const ready = path.join(dir, 'ready.json')
  const lock = `${dir}.lock`
  let mine = false
  try {
    await mkdir(lock)
    mine = true
  } catch {
    // Another process builds it (or built it).
  }
  const failed = path.join(dir, 'failed.txt')
  if (mine && !existsSync(ready)) {
    await rm(dir, { recursive: true, force: true })
    const data = path.join(dir, 'data')
    await mkdir(data, { recursive: true })
    try {
      // The demo takes 15 s on an idle machine and minutes on a loaded one: 10 minutes each.
      const out = { initOutput: '', demoOutput: '', demo: false }
      out.initOutput = await cliWithin(600_000, 'init', '--data', data, '--jurisdiction', '430426')
      await cliWithin(600_000, 'user', 'create', '--data', data, '--username', DISTRICT.username, '--role', 'district', '--scope', '430426', '--password', DISTRICT.initial)
      const help = await cli('help').catch((e) => e.message)
      if (/^\s*demo\b/m.test(help) && !process.env.E2E_NO_DEMO) {
        out.demoOutput = await cliWithin(600_000, 'demo', '--data', data)
        out.demo = true
      }
      await writeFile(ready + '.tmp', JSON.stringify(out))
      await rename(ready + '.tmp', ready)
    } catch (e) {
      // The files waiting for the seed fail with the same error instead of timing out; the lock
      // is released so the next run builds again.
      await writeFile(failed, e.message).catch(() => {})
      await rm(lock, { recursive: true, force: true }).catch(() => {})
      throw e
    }
  } else {
    const deadline = Date.now() + 1_800_000
    while (!existsSync(ready)) {
      if (existsSync(failed)) throw new Error(`seeding failed in another test file: ${await readFile(failed, 'utf8')}`)
      if (Date.now() > deadline) throw new Error(`timed out waiting for the shared demo seed in ${dir}`)
      await sleep(500)
    }
  }
  return { data: path.join(dir, 'data'), ...JSON.parse(await readFile(ready, 'utf8')) }
}

/** Launches Debian's chromium with the flags every test file uses (startServer calls it; a file with a set-up of its own does too). */
export function launchBrowser() {
  const t0 = performance.now()
  return chromium
    .launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-quic',
        '--no-first-run',
        '--disable-component-update',
        '--disable-sync',
      ],
    })
    .then((browser) => {
      logTiming({ phase: 'browser-launch', ms: Math.round(performance.now() - t0) })
      return browser
    })
}

export async function startServer(name) {
  assert.ok(existsSync(binary), `server binary not found at ${binary}; build it with: go build -o bin/liangxin ./cmd/liangxin`)
  // One browser for all the tests of the file, started while the data folder is copied and the
  // server comes up (each test opens a context of its own in it).
  const launching = launchBrowser()
  launching.catch(() => {}) // awaited below; stopServer closes it if the set-up fails before
  state.browserLaunch = launching
  await mkdir(shotsDir, { recursive: true })
  state.dataDir = await mkdtemp(path.join(os.tmpdir(), `liangxin-e2e-${name}-`))

  // The CLI works on a data folder while no server runs: jurisdiction, district user, demo data.
  // They are made once (seed) and copied here, so this file starts from what the commands made.
  const seeded = await timed('seed', seed)
  await timed('copy', () => cp(seeded.data, state.dataDir, { recursive: true }))
  state.adminPassword = extractAdminPassword(seeded.initOutput)
  state.initOutput = seeded.initOutput
  state.demoOutput = seeded.demoOutput
  state.demo = seeded.demo

  const port = await freePort()
  state.baseURL = `http://127.0.0.1:${port}`
  // The server checks every API request and response against its OpenAPI document and
  // records what does not match; stopServer fails the test file if anything was recorded.
  state.contractFile = path.join(state.dataDir, 'contract-violations.txt')
  const server = spawn(binary, ['serve', '--addr', `127.0.0.1:${port}`, '--data', state.dataDir, '--jurisdiction', '430426'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LIANGXIN_CONTRACT_CHECK_FILE: state.contractFile },
  })
  state.server = server
  server.stdout.on('data', (d) => (state.output += d.toString()))
  server.stderr.on('data', (d) => (state.output += d.toString()))
  await timed('server-start', () => waitFor('/healthz', async () => (await fetch(`${state.baseURL}/healthz`)).status === 200, 60_000))
  if (!state.adminPassword) state.adminPassword = await waitFor('the first-start admin password', () => extractAdminPassword(state.output), 30_000)
  state.browser = await timed('browser-wait', () => launching)
}

async function stopProcess(server) {
  if (!server || server.exitCode !== null) return
  const exited = new Promise((r) => server.once('exit', r))
  server.kill('SIGTERM')
  const timedOut = await Promise.race([exited.then(() => false), sleep(10_000).then(() => true)])
  if (timedOut) {
    server.kill('SIGKILL')
    await exited
  }
}

export async function stopServer() {
  // The browser closes while the server shuts down.
  const browser = state.browser ?? (await state.browserLaunch?.catch(() => null))
  await timed('stop', () => Promise.all([browser?.close().catch(() => {}), stopProcess(state.server)]))
  logSlowRequests()
  const violations = await contractViolations()
  if (state.dataDir) await rm(state.dataDir, { recursive: true, force: true })
  // Since the test process started: the whole file, set-up and tests.
  logTiming({ phase: 'file', ms: Math.round(performance.now()) })
  if (violations.length) {
    throw new Error(`API contract: ${violations.length} request(s) or response(s) do not match the OpenAPI document:\n${violations.join('\n')}`)
  }
}

/** The API contract violations the server recorded (one per line), none when the file is absent. */
export async function contractViolations() {
  if (!state.contractFile) return []
  const text = await readFile(state.contractFile, 'utf8').catch(() => '')
  return text.split('\n').filter((l) => l.trim() !== '')
}
