// A client's lifetime and its calls': close() and `await using` release the
// connections at once; an AbortSignal stops a call at once; a panic in core
// surfaces as an `Internal` error.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { getEventListeners, once } from 'node:events'
import { createServer } from 'node:http'
import { describe, it } from 'node:test'

import binding from '../index.js'
import { rejectsWith, throwsWith } from './support/errors.mjs'

const { Client } = binding

const postgres = process.env.TICKERSENSE_TEST_POSTGRES_URL

/** Connections to the test database other than psql's own, or null without psql. */
function connections() {
  const sql = "select count(*) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()"
  const psql = spawnSync('psql', [postgres, '-Atc', sql], { encoding: 'utf8' })
  return psql.status === 0 ? Number(psql.stdout.trim()) : null
}

describe('close', () => {
  it('makes later calls reject with Unavailable, and is idempotent', async () => {
    const client = new Client({ store: 'memory://' })
    await client.quote('AAPL')
    await client.close()
    await client.close()
    await rejectsWith(client.quote('AAPL'), 'Unavailable')
    await rejectsWith(client.storedSeries(), 'Unavailable')
  })
  it('runs at the end of an `await using` block', async () => {
    assert.equal(typeof Client.prototype[Symbol.asyncDispose], 'function')
    const client = new Client({ store: 'memory://' })
    await client[Symbol.asyncDispose]()
    await rejectsWith(client.quote('AAPL'), 'Unavailable')
  })
  it('releases every PostgreSQL connection of 120 clients', { skip: !postgres && 'TICKERSENSE_TEST_POSTGRES_URL not set' }, async () => {
    // Counts this database's connections from another client of our own.
    const probe = new Client({ store: postgres, cache: 'none://' })
    await probe.storedSeries()
    const limit = 120
    for (let i = 0; i < limit; i++) {
      const client = new Client({ store: postgres, cache: 'none://' })
      await client.storedSeries()
      await client.close()
      await rejectsWith(client.storedSeries(), 'Unavailable')
    }
    // All 120 ran one after another on a server allowing 100 connections:
    // without close() the pools would still hold theirs until GC.
    const before = connections()
    await probe.close()
    if (before !== null) {
      // Other suites may share the server: allow them some, never 120 pools' worth.
      assert.ok(before < 60, `${before} connections open after 120 clients were closed`)
    }
  })
})

describe('AbortSignal', () => {
  const client = new Client({ store: 'memory://', cache: 'none://' })
  it('an already aborted signal rejects at once with its reason', async () => {
    const controller = new AbortController()
    controller.abort()
    for (const call of [
      client.history('AAPL', { signal: controller.signal }),
      client.historyMany(['AAPL'], { signal: controller.signal }),
      client.backfill(['AAPL'], { signal: controller.signal }),
    ]) {
      await assert.rejects(call, (e) => e.name === 'AbortError' && e === controller.signal.reason)
    }
  })
  it('a home-made signal settles the call however it calls back', async () => {
    // Its listener called without `this`, its removeEventListener throwing.
    const signal = {
      aborted: false,
      addEventListener (type, listener) { this.listener = listener },
      removeEventListener () { throw new Error('not removable') },
    }
    // A server that never answers keeps the call in flight.
    const server = createServer(() => {})
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const marketData = `yahoo+http://127.0.0.1:${server.address().port}`
    const hung = new Client({ store: 'memory://', cache: 'none://', marketData, timeout: 60, retries: 0 })
    try {
      const call = hung.history('AAPL', { signal })
      signal.listener()
      await assert.rejects(call, (e) => e.name === 'AbortError')
    } finally {
      await hung.close()
      server.closeAllConnections()
      server.close()
    }
    const quiet = { aborted: false, addEventListener () {}, removeEventListener () { throw new Error('no') } }
    const h = await client.history('AAPL', { signal: quiet })
    assert.ok(h.bars.length > 0)
  })
  it('aborting during a call rejects at once, as fetch does, and cancels the request', async () => {
    // A Yahoo-protocol server that never answers: each call hangs on its
    // first request until the call is aborted, which must close it.
    let closed = 0
    const server = createServer((req) => req.on('close', () => closed++))
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const marketData = `yahoo+http://127.0.0.1:${server.address().port}`
    const hung = new Client({ store: 'memory://', cache: 'none://', marketData, timeout: 60, retries: 0 })
    try {
      const calls = [
        (signal) => hung.history('AAPL', { signal }),
        (signal) => hung.historyMany(['AAPL', 'MSFT'], { signal }),
        (signal) => hung.backfill(['AAPL'], { period: '1mo', signal }),
      ]
      for (const [i, start] of calls.entries()) {
        const controller = new AbortController()
        const call = start(controller.signal)
        await once(server, 'request')
        const aborted = Date.now()
        controller.abort()
        await assert.rejects(call, (e) => e.name === 'AbortError' && e === controller.signal.reason)
        assert.ok(Date.now() - aborted < 500, `call ${i}: rejected ${Date.now() - aborted} ms after the abort`)
        // The core work stopped: its request is closed, long before the timeout.
        const waited = Date.now()
        while (closed <= i && Date.now() - waited < 5000) await new Promise((r) => setTimeout(r, 10))
        assert.ok(closed > i, `call ${i}: the request is still open`)
      }
      // A reason of one's own comes back as it is, as with fetch.
      const controller = new AbortController()
      const mine = new Error('mine')
      const call = hung.history('MSFT', { signal: controller.signal })
      controller.abort(mine)
      await assert.rejects(call, (e) => e === mine)
    } finally {
      server.closeAllConnections()
      server.close()
    }
  })
  it('a signal not aborted changes nothing, and its listener is removed', async () => {
    const controller = new AbortController()
    const h = await client.history('AAPL', { signal: controller.signal })
    assert.ok(h.bars.length > 0)
    const report = await client.backfill(['AAPL'], { period: '1mo', signal: controller.signal })
    assert.deepEqual(report.failed, [])
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0)
    controller.abort() // nothing left listening: no late rejection
  })
})

describe('a panic in core', () => {
  it('rejects an async call with code Internal', async () => {
    const e = await rejectsWith(binding.__panicForTests(true), 'Internal')
    assert.match(e.message, /panic/)
  })
  it('throws from a sync call with code Internal', () => {
    const e = throwsWith(() => binding.__panicForTests(false), 'Internal')
    assert.match(e.message, /a panic made on purpose/)
  })
  it('leaves the hooks out of the typings', async () => {
    const { readFileSync } = await import('node:fs')
    const dts = readFileSync(new URL('../index.d.ts', import.meta.url), 'utf8')
    assert.ok(!dts.includes('__panicForTests'))
  })
})
