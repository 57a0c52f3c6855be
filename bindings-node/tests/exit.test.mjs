// A process that made a client and awaited its calls exits by itself: the
// binding leaves nothing behind that keeps Node's event loop alive.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { it } from 'node:test'
import { fileURLToPath } from 'node:url'

const entry = join(dirname(fileURLToPath(import.meta.url)), '..', 'index.js')

/** Runs `script` in a fresh `node -e` and returns its result, killed after 30 s. */
function runNode(script) {
  return spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 })
}

it('exits on its own after calls on a memory store', () => {
  const script = `
    const { Client } = require(${JSON.stringify(entry)})
    const client = new Client({ store: 'memory://' })
    Promise.all([client.quote('AAPL'), client.history('AAPL'), client.sentiment('AAPL')])
      .then(() => console.log('done'))
  `
  const child = runNode(script)
  assert.equal(child.signal, null, `killed by ${child.signal}: still running after 30 s`)
  assert.equal(child.status, 0, child.stderr)
  assert.match(child.stdout, /done/)
})

it('exits on its own after calls on a sqlite store and a failed call', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickersense-node-exit-'))
  try {
    const store = `sqlite://${join(dir, 'exit.db')}`
    const script = `
      const { Client } = require(${JSON.stringify(entry)})
      const client = new Client({ store: ${JSON.stringify(store)} })
      client.history('MSFT')
        .then(() => client.quote('ZZZZ'))
        .catch((e) => console.log('done', e.code))
    `
    const child = runNode(script)
    assert.equal(child.signal, null, `killed by ${child.signal}: still running after 30 s`)
    assert.equal(child.status, 0, child.stderr)
    assert.match(child.stdout, /done NotFound/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

// A call on a backend of your own that never settles ends with `Timeout`
// after the client's `timeout` (in seconds), and then nothing is left that
// keeps the process alive.
it('exits on its own after a call on a never-settling backend times out', () => {
  const script = `
    const { Client } = require(${JSON.stringify(entry)})
    const never = () => new Promise(() => {})
    const client = new Client({
      store: 'memory://',
      timeout: 1,
      retries: 0,
      marketData: { quote: never, history: never, search: never },
    })
    const started = Date.now()
    client.quote('AAPL').catch((e) => console.log('rejected', e.code, e.causeCode ?? '', Date.now() - started))
  `
  const started = Date.now()
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000 })
  assert.equal(child.signal, null, `killed by ${child.signal}: still running after 10 s`)
  assert.equal(child.status, 0, child.stderr)
  const [, code, causeCode, ms] = /^rejected (\w+) (\w*) (\d+)$/m.exec(child.stdout) ?? []
  assert.ok(code === 'Timeout' || causeCode === 'Timeout', `rejected with ${child.stdout}`)
  assert.ok(Number(ms) >= 900 && Number(ms) < 5_000, `rejected after ${ms} ms`)
  assert.ok(Date.now() - started < 8_000, `exited after ${Date.now() - started} ms`)
})
