// health() and a backend that is down: with the store refusing connections,
// quote, history and search are served, sentiment resolves unstored and the
// store's own calls reject with Unavailable; health() names each backend
// (passwords redacted, reasons without secrets), a `none://` cache is
// not_configured, and after close() every configured backend is down.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import binding from '../index.js'
import { forum, syncProvider, upOrDown } from './support/backends.mjs'
import { rejectsWith } from './support/errors.mjs'

const { Client } = binding

// Nothing listens on port 1: every connect is refused at once.
const REFUSED_STORE = 'postgres://postgres:hunter2@127.0.0.1:1/test'
const STORE_ROLES = ['price_store', 'sentiment_store', 'backfill_store', 'user_store']
const ROLE_ORDER = ['market_data', 'social', 'analyzer', 'cache', ...STORE_ROLES]

/** Every option given, so no TICKERSENSE_* variable of the environment applies. */
const clientWith = (options) =>
  new Client({ store: 'memory://', cache: 'memory://', marketData: 'sample://', social: 'sample://', analyzer: 'vader', ...options })

/** The entries of `report` for `role`. */
const entries = (report, role) => report.filter((entry) => entry.role === role)

/** The only entry of `report` for `role`. */
function entry(report, role) {
  const found = entries(report, role)
  assert.equal(found.length, 1, `${role} entries: ${JSON.stringify(report)}`)
  return found[0]
}

describe('with the store refusing connections', () => {
  const client = clientWith({ store: REFUSED_STORE })

  it('serves quote, history and search', async () => {
    const quote = await client.quote('AAPL')
    assert.equal(quote.symbol, 'AAPL')
    assert.ok(quote.price > 0)
    const history = await client.history('AAPL', { period: '5d', interval: '1d' })
    assert.equal(history.origin, 'provider')
    assert.ok(history.bars.length > 0)
    const hits = await client.search('apple', 3)
    assert.ok(hits.some((hit) => hit.symbol === 'AAPL'), JSON.stringify(hits))
  })

  it('resolves sentiment with stored false', async () => {
    const analysis = await client.sentiment('MSFT')
    assert.equal(analysis.symbol, 'MSFT')
    assert.equal(analysis.stored, false)
    assert.equal(analysis.sentimentTrend, 'insufficient_data', 'the store cannot be read for the trend')
    assert.ok(analysis.platforms.length > 0)
    assert.ok(analysis.mentionVolume > 0)
  })

  it("rejects the store's own calls with Unavailable, without the password", async () => {
    for (const call of [
      client.storedHistory('AAPL'),
      client.storedHistory('AAPL', { period: '1y', interval: '1d' }),
      client.backfill(['AAPL'], { period: '5d' }),
      client.backfillStatuses(),
      client.storedSeries(),
      client.sentimentHistory('AAPL'),
      client.sentimentAnalyses('AAPL'),
      client.sentimentTrend('AAPL'),
      client.sentimentAgreement(),
    ]) {
      const error = await rejectsWith(call, 'Unavailable')
      assert.ok(!error.message.includes('hunter2'), error.message)
    }
  })

  it('reports the store roles down, with a reason and no secret', async () => {
    const report = await client.health()
    assert.deepEqual([...new Set(report.map((e) => e.role))], ROLE_ORDER)
    for (const role of STORE_ROLES) {
      const store = entry(report, role)
      assert.equal(store.status, 'down', role)
      assert.equal(typeof store.reason, 'string')
      assert.ok(store.reason.length > 0)
      assert.ok(!store.reason.includes('hunter2'), store.reason)
      assert.ok(!store.name.includes('hunter2'), store.name)
      assert.match(store.name, /^postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/test/)
      // The calls above failed to connect: the store sits out a window.
      assert.ok(store.failures >= 1, `${role} failures: ${store.failures}`)
      assert.equal(typeof store.retryInMs, 'number', `${role} retryInMs`)
      assert.ok(store.retryInMs >= 0 && store.retryInMs <= 30_000, `${role} retryInMs: ${store.retryInMs}`)
    }
    for (const role of ['market_data', 'social', 'analyzer', 'cache']) {
      const up = entry(report, role)
      assert.equal(up.status, 'up', role)
      assert.equal(up.reason, undefined, role)
      assert.equal(up.retryInMs, undefined, role)
      assert.equal(up.failures, 0, role)
    }
    assert.equal(entry(report, 'market_data').name, 'sample://')
    assert.equal(entry(report, 'analyzer').name, 'vader')
    assert.ok(!JSON.stringify(report).includes('hunter2'))
  })

  it('says down on a fresh client too, probing the store itself', async () => {
    const fresh = clientWith({ store: REFUSED_STORE })
    const report = await fresh.health()
    for (const role of STORE_ROLES) assert.equal(entry(report, role).status, 'down', role)
    await fresh.close()
  })
})

describe('a healthy client', () => {
  it('reports every backend up, in core order', async () => {
    const client = clientWith({})
    const report = await client.health()
    assert.deepEqual(report.map((e) => e.role), ROLE_ORDER)
    for (const e of report) {
      assert.equal(e.status, 'up', e.role)
      assert.equal(e.failures, 0)
      assert.ok(!('reason' in e) || e.reason === undefined)
    }
    assert.equal(entry(report, 'price_store').name, 'memory://')
    await client.close()
  })

  it("reports a `none://` cache not_configured", async () => {
    const client = clientWith({ cache: 'none://' })
    const cache = entry(await client.health(), 'cache')
    assert.deepEqual(
      { status: cache.status, name: cache.name, failures: cache.failures, reason: cache.reason },
      { status: 'not_configured', name: 'none://', failures: 0, reason: undefined },
    )
    await client.close()
  })

  it('lists one social entry per source', async () => {
    const client = clientWith({ social: 'sample://,sample://' })
    assert.equal(entries(await client.health(), 'social').length, 2)
    await client.close()
  })
})

describe('after close()', () => {
  it('reports every configured backend down, without I/O', async () => {
    const client = clientWith({ store: REFUSED_STORE })
    await client.quote('AAPL')
    await client.close()
    const report = await client.health()
    assert.deepEqual(report.map((e) => e.role), ROLE_ORDER)
    for (const e of report) {
      assert.equal(e.status, 'down', e.role)
      assert.equal(e.reason, 'this client is closed', e.role)
    }
  })

  it('leaves a `none://` cache not_configured, the rest down', async () => {
    const client = clientWith({ cache: 'none://' })
    await client.close()
    const report = await client.health()
    for (const e of report) assert.equal(e.status, e.role === 'cache' ? 'not_configured' : 'down', e.role)
  })

  it('reports backends of your own down too', async () => {
    const client = clientWith({ marketData: syncProvider(), social: forum(), analyzer: upOrDown })
    await client.close()
    for (const e of await client.health()) assert.equal(e.status, 'down', e.role)
  })
})

describe('backends of your own', () => {
  it('show as user:NAME, up as given', async () => {
    const client = clientWith({ marketData: syncProvider(), social: [forum('forum'), 'sample://'], analyzer: upOrDown })
    const report = await client.health()
    const market = entry(report, 'market_data')
    assert.equal(market.name, 'user:legacy-sync')
    assert.equal(market.status, 'up')
    assert.deepEqual(entries(report, 'social').map((e) => e.name).sort(), ['sample://', 'user:forum'])
    assert.match(entry(report, 'analyzer').name, /^user:/)
    for (const e of report) assert.equal(e.status, 'up', e.role)
    await client.close()
  })

  it('name an unnamed market-data object user:javascript', async () => {
    const { name, ...unnamed } = syncProvider()
    assert.equal(name, 'legacy-sync')
    const client = clientWith({ marketData: unnamed })
    assert.equal(entry(await client.health(), 'market_data').name, 'user:javascript')
    await client.close()
  })
})

describe('options', () => {
  const client = clientWith({})

  it('an aborted signal rejects with its reason', async () => {
    const controller = new AbortController()
    controller.abort()
    await assert.rejects(client.health({ signal: controller.signal }), (e) => e === controller.signal.reason)
  })

  it('a live signal lets the call resolve', async () => {
    const report = await client.health({ signal: new AbortController().signal })
    assert.equal(report.length, ROLE_ORDER.length)
    assert.deepEqual(await client.health(null), report)
  })

  it('a misspelt key is InvalidInput naming the known ones', async () => {
    const error = await rejectsWith(client.health({ signl: null }), 'InvalidInput')
    assert.match(error.message, /health: unknown option "signl"; known: signal/)
  })

  it('a non-object is a TypeError', async () => {
    await assert.rejects(client.health('now'), (e) => e instanceof TypeError && e.code === 'InvalidInput')
  })
})
