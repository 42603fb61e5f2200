// No browser is launched here: a check of the other test files' source. Each launches chromium
// through harness.mjs's launchBrowser (through startServer, or directly for a set-up of its own),
// so the flags are set in one place and a flag changed there reaches every file.
//
// Run: cd e2e && node --test launch.test.mjs
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))

test('only harness.mjs launches chromium', async () => {
  const own = []
  for (const name of (await readdir(here)).filter((n) => n.endsWith('.mjs') && n !== 'harness.mjs').sort()) {
    const src = await readFile(path.join(here, name), 'utf8')
    if (/\bchromium\s*\.\s*launch\b|\bimport\s*\{[^}]*\bchromium\b[^}]*\}\s*from\s*['"]playwright-core['"]/.test(src)) own.push(name)
  }
  assert.deepEqual(own, [], 'launch the browser with launchBrowser from harness.mjs')
})
