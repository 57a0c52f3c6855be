// index.d.ts checked by the TypeScript compiler (a dev dependency), as a
// user's strict project sees it: ESM and CommonJS imports through the
// package's `exports`, the literal unions refusing a misspelt period, and
// TickersenseError, AbortSignal and Symbol.asyncDispose all typed.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, it } from 'node:test'
import { fileURLToPath } from 'node:url'

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..')
const tsc = join(pkg, 'node_modules', 'typescript', 'bin', 'tsc')
const skip = !existsSync(tsc) && 'typescript is not installed (npm install)'

const dir = mkdtempSync(join(tmpdir(), 'tickersense-node-typings-'))
after(() => rmSync(dir, { recursive: true, force: true }))
mkdirSync(join(dir, 'node_modules'))
symlinkSync(pkg, join(dir, 'node_modules', 'tickersense'), 'dir')

/** Type-checks `source` saved as `name`; returns tsc's exit status and output. */
function check(name, source) {
  writeFileSync(join(dir, name), source)
  const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022',
    '--lib', 'es2022,esnext.disposable', '--types', 'node', '--typeRoots', join(pkg, 'node_modules', '@types'), name]
  const run = spawnSync(process.execPath, [tsc, ...args], { cwd: dir, encoding: 'utf8' })
  return { status: run.status, output: run.stdout + run.stderr }
}

it('a strict ES module using the API type-checks', { skip }, () => {
  const { status, output } = check('use.mts', `
    import { Client, type TickersenseError, type Period, type History, type ErrorCode } from 'tickersense'
    const client = new Client({ store: 'memory://', retries: 0 })
    const period: Period = '1mo'
    const h: History = await client.history('AAPL', { period, interval: '1d', signal: AbortSignal.timeout(1000) })
    const origin: 'provider' | 'cache' | 'store' = h.origin
    const many = await client.historyMany(['AAPL'], { concurrency: 2, signal: new AbortController().signal })
    const code: ErrorCode | undefined = many[0].error?.code
    try {
      await client.quote('ZZZZ')
    } catch (e) {
      const err = e as TickersenseError
      const kind: ErrorCode = err.code
      console.log(kind, err.retryAfter, err.causeCode, origin, code)
    }
    await client[Symbol.asyncDispose]()
    await client.close()
  `)
  assert.equal(status, 0, output)
})

it('CommonJS require type-checks too', { skip }, () => {
  const { status, output } = check('use.cts', `
    import tickersense = require('tickersense')
    const client = new tickersense.Client({ store: 'memory://' })
    void client.quote('AAPL').then((q) => q.price)
  `)
  assert.equal(status, 0, output)
})

it('a misspelt period, state or option is a type error', { skip }, () => {
  const { status, output } = check('bad.mts', `
    import { Client, type BackfillState } from 'tickersense'
    const client = new Client({ stroe: 'memory://' })
    void client.history('AAPL', { period: '2w' })
    const state: BackfillState = 'finished'
  `)
  assert.notEqual(status, 0)
  assert.match(output, /'stroe' does not exist/)
  assert.match(output, /"2w"' is not assignable to type 'Period/)
  assert.match(output, /"finished"' is not assignable to type 'BackfillState'/)
})
