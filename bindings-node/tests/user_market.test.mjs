// A market-data provider written in JS (`new Client({ marketData: obj })`)
// serves quote, history and search as a built-in one does: its methods are
// called with `this` bound, sync and async alike; its values are cached;
// what it throws arrives typed with the thrown error as `cause`; a value
// that does not fit is an `Upstream` error naming the method and field.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import binding from '../index.js'
import { AsyncProvider, syncProvider } from './support/backends.mjs'
import { rejectsWith } from './support/errors.mjs'

const { Client } = binding

const DAY = 86_400_000
const clientOn = (marketData) => new Client({ store: 'memory://', cache: 'memory://', marketData })

describe('a provider with plain methods', () => {
  const provider = syncProvider()
  const client = clientOn(provider)

  it('serves quotes, the rest of the fields filled in', async () => {
    const quote = await client.quote('aapl')
    assert.equal(quote.symbol, 'AAPL')
    assert.equal(quote.price, 190.5)
    assert.equal(quote.change, 2.5)
    assert.ok(Math.abs(quote.changePercent - (2.5 / 188) * 100) < 1e-9)
    assert.equal(quote.volume, 5000)
    assert.equal(quote.marketCap, 3e12)
    assert.equal(quote.peRatio, undefined)
    assert.equal(quote.source, 'legacy-sync')
    assert.equal(quote.stale, false)
    assert.ok(quote.marketTime instanceof Date)
    const call = provider.calls.find((c) => c.method === 'quote')
    assert.deepEqual(call.args, ['AAPL'])
    assert.equal(call.self, true, 'called with `this` bound to the provider')
  })

  it('serves history over the range asked, then from the cache', async () => {
    const history = await client.history('MSFT', { period: '5d', interval: '1d' })
    assert.equal(history.origin, 'provider')
    assert.equal(history.symbol, 'MSFT')
    assert.equal(history.interval, '1d')
    assert.equal(history.currency, 'USD')
    assert.equal(history.timezone, 'America/New_York')
    assert.equal(history.source, 'legacy-sync')
    assert.ok(history.bars.length >= 4 && history.bars.length <= 5, `${history.bars.length} bars`)
    const call = provider.calls.find((c) => c.method === 'history')
    const [symbol, start, end, interval] = call.args
    assert.equal(symbol, 'MSFT')
    assert.ok(start instanceof Date && end instanceof Date)
    assert.ok(Math.abs(end - start - 5 * DAY) < 1000, `${end - start} ms asked`)
    assert.ok(Math.abs(end - Date.now()) < 60_000)
    assert.equal(interval, '1d')
    const again = await client.history('MSFT', { period: '5d', interval: '1d' })
    assert.equal(again.origin, 'cache')
    assert.equal(provider.calls.filter((c) => c.method === 'history').length, 1)
  })

  it('serves search with the limit asked', async () => {
    const hits = await client.search('ap', 2)
    assert.deepEqual(hits.map((h) => h.symbol), ['AAPL', 'APLE'])
    assert.equal(hits[0].name, 'Apple Inc.')
    const call = provider.calls.find((c) => c.method === 'search')
    assert.deepEqual(call.args, ['ap', 2])
    assert.equal(call.self, true)
  })

  it('has its bars stored and backfilled as any provider has', async () => {
    const report = await client.backfill(['AAPL', 'ZZZZ'], { period: '1mo' })
    assert.deepEqual(report.statuses.map((s) => [s.symbol, s.state]), [['AAPL', 'done'], ['ZZZZ', 'failed']])
    assert.match(report.failed[0].reason, /NotFound/)
    const stored = await client.storedHistory('AAPL', '1mo', '1d')
    assert.equal(stored.origin, 'store')
    assert.equal(stored.bars.length, report.statuses[0].rowsWritten)
    assert.ok(stored.bars.length >= 28, `${stored.bars.length} bars`)
  })

  it("answers NotFound for a symbol it gives null for", async () => {
    const e = await rejectsWith(client.quote('ZZZZ'), 'NotFound')
    assert.match(e.message, /ZZZZ/)
    await rejectsWith(client.history('ZZZZ'), 'NotFound')
  })
})

describe('a provider with async methods (a class)', () => {
  const provider = new AsyncProvider()
  const client = clientOn(provider)

  it('serves quote, history and search', async () => {
    const [quote, history, hits] = await Promise.all([
      client.quote('AAPL'),
      client.history('AAPL', { start: new Date(Date.now() - 10 * DAY) }),
      client.search('a', 3),
    ])
    assert.equal(quote.price, 50)
    assert.equal(quote.change, 10)
    assert.equal(quote.changePercent, 25)
    assert.equal(quote.marketTime.toISOString(), '2024-05-01T20:00:00.000Z', 'an RFC 3339 string is a time')
    assert.equal(quote.source, 'legacy-async')
    const stamps = history.bars.map((b) => b.timestamp.getTime())
    assert.ok(stamps.length >= 9, `${stamps.length} bars`)
    assert.deepEqual(stamps, [...stamps].sort((a, b) => a - b), 'bars oldest first')
    assert.equal(history.timezone, 'UTC', 'bare bars: the time zone defaults to UTC')
    assert.equal(hits.length, 3)
    assert.ok(provider.calls.every((c) => c.self), 'every method called on the instance')
  })
})

/** A provider answering `quote` with `answer()` (and failing its other methods). */
function quoting(answer) {
  return {
    quote: answer,
    history: () => {
      throw new Error('no history here')
    },
    search: () => Promise.reject(new TypeError('search is down')),
  }
}

describe('what a provider throws', () => {
  it('arrives typed, the thrown error as cause', async () => {
    const thrown = new Error('the legacy database is down')
    const client = clientOn(quoting(() => {
      throw thrown
    }))
    // Core serves the last good quote on an upstream failure; with none
    // cached the call is Unavailable, made from the provider's Upstream.
    const e = await rejectsWith(client.quote('AAPL'), 'Unavailable')
    assert.equal(e.causeCode, 'Upstream')
    assert.equal(e.cause, thrown, 'the very error thrown')
    assert.match(e.message, /marketData\.quote threw: "the legacy database is down"/)
    const h = await rejectsWith(client.history('AAPL'), 'Unavailable')
    assert.equal(h.cause.message, 'no history here')
  })

  it('a rejected promise too', async () => {
    const client = clientOn(quoting(async () => {
      throw new RangeError('nope')
    }))
    const e = await rejectsWith(client.quote('AAPL'), 'Unavailable')
    assert.ok(e.cause instanceof RangeError)
    // Search has no stale copy to fall back on: the provider's error as it is.
    const s = await rejectsWith(client.search('ap'), 'Upstream')
    assert.ok(s.cause instanceof TypeError)
    assert.match(s.message, /marketData\.search threw: "search is down"/)
  })

  it('keeps the code and retryAfter of a TickersenseError-like error', async () => {
    const limited = Object.assign(new Error('slow down'), { code: 'RateLimited', retryAfter: 3 })
    const e = await rejectsWith(clientOn(quoting(() => Promise.reject(limited))).quote('AAPL'), 'RateLimited')
    assert.equal(e.retryAfter, 3)
    assert.equal(e.cause, limited)
    const missing = Object.assign(new Error('no such listing'), { code: 'NotFound' })
    const n = await rejectsWith(clientOn(quoting(() => {
      throw missing
    })).quote('AAPL'), 'NotFound')
    assert.equal(n.cause, missing)
  })

  it('a thrown string or an unknown code is Upstream, and stays the cause', async () => {
    const e = await rejectsWith(clientOn(quoting(() => {
      throw 'plain text' // eslint-disable-line no-throw-literal
    })).quote('AAPL'), 'Unavailable')
    assert.equal(e.causeCode, 'Upstream')
    assert.match(e.message, /plain text/)
    const symbol = Symbol('odd')
    const y = await rejectsWith(clientOn(quoting(() => Promise.reject(symbol))).quote('AAPL'), 'Unavailable')
    assert.equal(y.cause, symbol, 'even a Symbol stays the cause')
    assert.match(y.message, /Symbol\(odd\)/)
    const odd = Object.assign(new Error('odd'), { code: 'ECONNRESET' })
    const o = await rejectsWith(clientOn(quoting(() => Promise.reject(odd))).quote('AAPL'), 'Unavailable')
    assert.equal(o.causeCode, 'Upstream')
    assert.equal(o.cause, odd)
  })
})

describe('a value that does not fit', () => {
  const failing = async (answer, call = (c) => c.quote('AAPL')) => {
    const e = await rejectsWith(call(clientOn(quoting(answer))), 'Unavailable')
    assert.equal(e.causeCode, 'Upstream')
    return e.message
  }
  it('names the method and the field', async () => {
    assert.match(await failing(() => ({ price: NaN, previousClose: 1 })),
      /marketData\.quote returned a bad value: `price` must be a finite number, not the number NaN/)
    assert.match(await failing(() => ({ previousClose: 1 })), /`price` is missing/)
    assert.match(await failing(() => ({ price: '12', previousClose: 1 })), /`price` must be a finite number, not the string "12"/)
    assert.match(await failing(() => ({ price: 1, previousClose: 1, volume: -5 })), /`volume` must be a share count/)
    assert.match(await failing(() => ({ price: 1, previousClose: 1, marketTime: new Date('x') })), /`marketTime` is an invalid Date/)
    assert.match(await failing(() => ({ price: 1, previousClose: 1, symbol: 'MSFT' })), /`symbol` is MSFT, not the symbol asked for \(AAPL\)/)
    assert.match(await failing(() => [1, 2]), /the value must be an object, not an array/)
  })
  it('names the bar of a history', async () => {
    const history = (bars) => (c) => {
      const provider = { quote: () => null, history: () => bars, search: () => [] }
      return clientOn(provider).history('AAPL')
    }
    const t = new Date(Date.now() - DAY)
    const bar = { timestamp: t, open: 1, high: 2, low: 0.5, close: 1.5 }
    const e = await rejectsWith(history({ bars: [bar, { ...bar, timestamp: new Date(t - DAY), low: undefined }] })(), 'Unavailable')
    assert.match(e.message, /marketData\.history returned a bad value: `bars\[1\]\.low` is missing/)
    const twice = await rejectsWith(history([bar, { ...bar }])(), 'Unavailable')
    assert.match(twice.message, /two bars starting at/)
    const old = await rejectsWith(history([{ ...bar, timestamp: new Date('1700-01-01') }])(), 'Unavailable')
    assert.match(old.message, /`\[0\]\.timestamp` must lie in the years 1800 to 9999/)
  })
  it('a getter that throws makes it bad, and ends nothing', async () => {
    const message = await failing(() => ({
      get price() {
        throw new Error('getter boom')
      },
      previousClose: 1,
    }))
    assert.match(message, /`price` could not be read \(its getter threw\)/)
  })
  it('echoes a long value truncated, and a huge one by its length alone', async () => {
    const long = await failing(() => ({ price: 'x'.repeat(600), previousClose: 1 }))
    assert.match(long, /\(600 characters\)/)
    assert.ok(long.length < 500, `${long.length} characters`)
    const message = await failing(() => ({ price: 'x'.repeat(100_000), previousClose: 1 }))
    assert.match(message, /`price` must be a finite number, not a long string \(100000 UTF-16 units\)/)
    assert.ok(message.length < 500, `${message.length} characters`)
  })
})

describe('a provider that is no provider', () => {
  it('throws a TypeError naming the option and the method', () => {
    const { quote, history } = syncProvider()
    const e = assert.throws(() => clientOn({ quote, history }), (e) => {
      assert.ok(e instanceof TypeError)
      assert.equal(e.code, 'InvalidInput')
      assert.match(e.message, /options\.marketData must be a URL or a MarketDataSource.*no method `search`/)
      return true
    })
    void e
    assert.throws(() => clientOn(42), /options\.marketData must be .*the number 42/)
    const trap = { get quote() {
      throw new Error('no quotes today')
    }, history, search: history }
    assert.throws(() => clientOn(trap), (e) => e instanceof TypeError
      && /options\.marketData\.quote could not be read: its getter threw "no quotes today"/.test(e.message))
    assert.throws(() => clientOn([]), /options\.marketData must be .*an array/)
  })
})
