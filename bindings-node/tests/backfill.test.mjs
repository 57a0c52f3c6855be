// Client.backfill and its companions: progress callbacks, a failing symbol,
// idempotent reruns, statuses, stored series and daily sentiment.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

import binding from '../index.js'
import { rejectsWith, throwsWith } from './support/errors.mjs'

const { Client } = binding

const dir = mkdtempSync(join(tmpdir(), 'tickersense-node-backfill-'))
after(() => rmSync(dir, { recursive: true, force: true }))

let stores = 0
/** A client on a fresh SQLite file of its own. */
const newClient = () => new Client({ store: `sqlite://${join(dir, `backfill-${++stores}.db`)}`, cache: 'none://' })

// A fixed stretch in the past, so the provider's bars and the stored ones
// can be compared exactly.
const start = new Date(Date.UTC(2024, 0, 1))
const end = new Date(Date.UTC(2024, 6, 1))
const range = { start, end }
const symbols = ['AAPL', 'MSFT', 'GOOG', 'AMZN', 'NVDA']

/** The provider's bars of `symbol` over the range, from a client with a store of its own. */
async function providerBars(symbol) {
  const fresh = new Client({ store: 'memory://', cache: 'none://' })
  return (await fresh.history(symbol, { ...range, interval: '1d' })).bars
}

describe('backfill', () => {
  it('reports progress and stores every bar', async () => {
    const client = newClient()
    const events = []
    const report = await client.backfill(symbols, { ...range, concurrency: 3 }, (p) => events.push(p))

    assert.equal(report.stopped, false)
    assert.deepEqual(report.failed, [])
    assert.deepEqual(
      report.statuses.map((s) => [s.symbol, s.interval, s.state]),
      symbols.map((s) => [s, '1d', 'done']),
    )

    assert.ok(events.length >= 2 * symbols.length, `${events.length} events`)
    assert.ok(events.every((e) => e.total === symbols.length))
    for (let i = 1; i < events.length; i++) {
      assert.ok(events[i].finished >= events[i - 1].finished, 'finished never goes back')
      assert.ok(events[i].rowsWritten >= events[i - 1].rowsWritten, 'rowsWritten never goes back')
    }
    const last = events.at(-1)
    assert.equal(last.finished, last.total)
    assert.equal(last.rowsWritten, report.rowsWritten)
    assert.deepEqual(new Set(events.filter((e) => e.state === 'running').map((e) => e.symbol)), new Set(symbols))
    assert.ok(events.every((e) => e.status.symbol === e.symbol && e.status.state === e.state))

    let stored = 0
    for (const status of report.statuses) {
      const { bars } = await client.storedHistory(status.symbol, { period: 'max', interval: '1d' })
      assert.deepEqual(bars, await providerBars(status.symbol))
      assert.equal(status.rowsWritten, bars.length)
      assert.equal(status.firstBar.getTime(), bars[0].timestamp.getTime())
      assert.equal(status.lastBar.getTime(), bars.at(-1).timestamp.getTime())
      assert.ok(status.updatedAt instanceof Date)
      stored += bars.length
    }
    assert.ok(stored > 0)
    assert.equal(report.rowsWritten, stored)
  })

  it('fails a symbol the provider does not know, alone; a rerun writes nothing', async () => {
    const client = newClient()
    const report = await client.backfill(['AAPL', 'NOPE', 'MSFT'], { ...range, concurrency: 2 })
    const bySymbol = Object.fromEntries(report.statuses.map((s) => [s.symbol, s]))
    assert.equal(bySymbol.NOPE.state, 'failed')
    assert.match(bySymbol.NOPE.reason, /NotFound/)
    assert.equal(bySymbol.AAPL.state, 'done')
    assert.equal(bySymbol.MSFT.state, 'done')
    assert.deepEqual(
      report.failed.map((s) => s.symbol),
      ['NOPE'],
    )
    assert.ok(report.rowsWritten > 0)

    const events = []
    const again = await client.backfill(['AAPL', 'MSFT'], range, (p) => events.push(p))
    assert.equal(again.rowsWritten, 0)
    assert.deepEqual(
      again.statuses.map((s) => [s.state, s.rowsWritten]),
      [
        ['done', 0],
        ['done', 0],
      ],
    )
    assert.equal(events.at(-1).finished, 2)

    const statuses = await client.backfillStatuses('1d')
    assert.deepEqual(
      Object.fromEntries(statuses.map((s) => [s.symbol, s.state])),
      { AAPL: 'done', MSFT: 'done', NOPE: 'failed' },
    )
    assert.deepEqual(
      (await client.backfillStatuses()).map((s) => s.symbol),
      statuses.map((s) => s.symbol),
    )
    assert.deepEqual(await client.backfillStatuses('1wk'), [])
  })

  it('goes on when the callback throws', async () => {
    const client = newClient()
    let calls = 0
    const report = await client.backfill(['AAPL', 'MSFT'], range, () => {
      calls++
      throw new Error('not interested')
    })
    assert.equal(report.stopped, false)
    assert.deepEqual(
      report.statuses.map((s) => s.state),
      ['done', 'done'],
    )
    assert.ok(calls >= 4, `${calls} calls`)
  })

  it('rejects bad arguments with InvalidInput', async () => {
    const client = newClient()
    await rejectsWith(client.backfill(['AAPL'], { ...range, concurrency: 0 }), 'InvalidInput')
    await rejectsWith(client.backfill(['AAPL'], { ...range, concurrency: 1.5 }), 'InvalidInput')
    await rejectsWith(client.backfill(['AAPL'], { period: '2w' }), 'InvalidInput')
    // An entry that is no symbol is reported, and the others go on.
    const report = await client.backfill(['AAPL', 'not a symbol'], range)
    assert.deepEqual(report.statuses.map((s) => [s.symbol, s.state]), [['AAPL', 'done']])
    assert.deepEqual(report.rejected.map((r) => [r.position, r.symbol]), [[1, 'not a symbol']])
    assert.match(report.rejected[0].reason, /InvalidInput/)
    await rejectsWith(client.backfillStatuses('7h'), 'InvalidInput')
    await rejectsWith(client.sentimentHistory('AAPL', { days: 0 }), 'InvalidInput')
    throwsWith(() => client.backfill(['AAPL'], range, 42), 'InvalidArg')
    assert.deepEqual((await client.backfillStatuses()).map((s) => s.symbol), ['AAPL'])
  })
})

describe('storedSeries', () => {
  it('lists the backfilled symbols with their extent and coverage', async () => {
    const client = newClient()
    const report = await client.backfill(['AAPL', 'TSLA'], range)
    const series = Object.fromEntries((await client.storedSeries()).map((s) => [s.symbol, s]))
    assert.deepEqual(Object.keys(series).sort(), ['AAPL', 'TSLA'])
    for (const status of report.statuses) {
      const s = series[status.symbol]
      assert.equal(s.interval, '1d')
      assert.ok(s.bars > 0)
      assert.equal(s.bars, status.rowsWritten)
      assert.equal(s.firstBar.getTime(), status.firstBar.getTime())
      assert.equal(s.lastBar.getTime(), status.lastBar.getTime())
      assert.equal(s.coveredFrom.getTime(), start.getTime())
      assert.equal(s.coveredTo.getTime(), end.getTime())
    }
  })
})

describe('claims', () => {
  it('reports a symbol another run is backfilling as claimedElsewhere', async () => {
    let fetching
    const started = new Promise((resolve) => { fetching = resolve })
    let release
    const released = new Promise((resolve) => { release = resolve })
    const fetched = []
    const held = {
      quote: () => ({ price: 1 }),
      async history(symbol) {
        fetched.push(symbol)
        if (symbol === 'AAPL') {
          fetching()
          await released
        }
        return [{ timestamp: start, open: 1, high: 1, low: 1, close: 1 }]
      },
      search: () => [],
    }
    const client = new Client({ store: `sqlite://${join(dir, `backfill-${++stores}.db`)}`, cache: 'none://', marketData: held })
    const first = client.backfill(['AAPL'], range)
    await started
    let second
    try {
      second = await client.backfill(['AAPL', 'MSFT'], range)
    } finally {
      release()
    }
    assert.deepEqual(second.claimedElsewhere, ['AAPL'])
    assert.deepEqual(second.statuses.map((s) => s.symbol), ['AAPL', 'MSFT'])
    assert.deepEqual(fetched, ['AAPL', 'MSFT'], 'the second run left AAPL to the first')
    assert.deepEqual((await first).claimedElsewhere, [])
    await client.close()
  })
})

describe('process exit', () => {
  const entry = join(dirname(fileURLToPath(import.meta.url)), '..', 'index.js')

  it('exits on its own after a backfill with a progress callback', () => {
    const store = `sqlite://${join(dir, 'exit.db')}`
    const script = `
      const { Client } = require(${JSON.stringify(entry)})
      const client = new Client({ store: ${JSON.stringify(store)} })
      let events = 0
      client.backfill(['AAPL', 'MSFT'], { period: '1mo' }, () => { events++; throw new Error('ignored') })
        .then((report) => console.log('done', report.statuses.length, events))
    `
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 })
    assert.equal(child.signal, null, `killed by ${child.signal}: still running after 30 s`)
    assert.equal(child.status, 0, child.stderr)
    assert.match(child.stdout, /done 2 4/)
  })
})
