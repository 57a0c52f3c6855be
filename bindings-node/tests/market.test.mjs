// Quotes, history, search, sentiment and cache counters from the offline
// sample providers, checked against the values' own invariants.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import binding from '../index.js'
import { rejectsWith } from './support/errors.mjs'

const { Client } = binding

const newClient = () => new Client({ store: 'memory://', marketData: 'sample://', social: 'sample://' })

describe('quote', () => {
  it('is positive and consistent', async () => {
    const q = await newClient().quote('aapl')
    assert.equal(q.symbol, 'AAPL')
    assert.ok(q.price > 0, `price ${q.price}`)
    assert.ok(q.previousClose > 0)
    assert.ok(Math.abs(q.change - (q.price - q.previousClose)) < 1e-9, `change ${q.change}`)
    assert.ok(Math.abs(q.changePercent - (q.change / q.previousClose) * 100) < 1e-9)
    assert.ok(Number.isInteger(q.volume) && q.volume > 0, `volume ${q.volume}`)
    assert.equal(typeof q.currency, 'string')
    assert.ok(q.exchange.length > 0)
    assert.ok(q.marketTime instanceof Date)
    assert.ok(!Number.isNaN(q.marketTime.getTime()))
    assert.ok(q.marketTime.getTime() <= Date.now() + 60_000)
    assert.ok(q.source.length > 0)
  })

  it('runs calls concurrently', async () => {
    const client = newClient()
    const symbols = ['AAPL', 'MSFT', 'NVDA', 'TSLA']
    const quotes = await Promise.all(symbols.map((s) => client.quote(s)))
    assert.deepEqual(
      quotes.map((q) => q.symbol),
      symbols,
    )
  })
})

describe('history', () => {
  it('defaults to 1mo of daily bars, sorted and well-formed', async () => {
    const h = await newClient().history('MSFT')
    assert.equal(h.symbol, 'MSFT')
    assert.equal(h.interval, '1d')
    assert.ok(h.bars.length >= 18 && h.bars.length <= 23, `${h.bars.length} bars`)
    for (const [i, bar] of h.bars.entries()) {
      assert.ok(bar.timestamp instanceof Date)
      if (i > 0) assert.ok(bar.timestamp > h.bars[i - 1].timestamp, `bar ${i} out of order`)
      assert.ok(bar.high >= Math.max(bar.open, bar.close), `bar ${i} high`)
      assert.ok(bar.low <= Math.min(bar.open, bar.close), `bar ${i} low`)
      assert.ok(bar.low > 0)
      assert.ok(Number.isInteger(bar.volume) && bar.volume >= 0)
    }
    assert.ok(h.timezone.includes('/'), h.timezone)
    assert.ok(h.currency.length > 0)
    assert.ok(h.source.length > 0)
  })

  it('explicit period and interval match the defaults, and the second call is served from the cache', async () => {
    const client = newClient()
    const first = await client.history('AAPL', '1mo', '1d')
    assert.equal(first.origin, 'provider')
    const second = await client.history('AAPL', '1mo', '1d')
    assert.equal(second.origin, 'cache')
    assert.deepEqual(second.bars, first.bars)
    const third = await client.history('AAPL')
    assert.equal(third.origin, 'cache')
  })

  it('storedHistory mirrors history: the stored bars in the range, as a History from the store', async () => {
    const client = newClient()
    const { bars } = await client.history('NVDA', '1mo', '1d')
    const all = await client.storedHistory('NVDA')
    assert.equal(all.origin, 'store')
    assert.equal(all.source, 'store')
    assert.equal(all.symbol, 'NVDA')
    assert.equal(all.interval, '1d')
    assert.ok(all.fetchedAt instanceof Date)
    assert.deepEqual(all.bars, bars)
    assert.deepEqual((await client.storedHistory('NVDA', '1mo', '1d')).bars, bars)
    const some = await client.storedHistory('NVDA', { start: bars[5].timestamp, end: bars[10].timestamp })
    assert.deepEqual(some.bars, bars.slice(5, 10))
    const week = await client.storedHistory('NVDA', { period: '5d', end: bars[10].timestamp })
    assert.ok(week.bars.length > 0 && week.bars.length <= 5, `${week.bars.length} bars`)
    assert.ok(week.bars.every((b) => b.timestamp < bars[10].timestamp))
    assert.deepEqual((await client.storedHistory('AMZN', { interval: '1d' })).bars, [])
    const both = await rejectsWith(client.storedHistory('NVDA', { period: '1mo' }, '1d'), 'InvalidInput')
    assert.match(both.message, /storedHistory takes an options object or a period and an interval, not both/)
  })
})

describe('search', () => {
  it('finds Apple first', async () => {
    const hits = await newClient().search('apple')
    assert.ok(hits.length >= 1)
    assert.equal(hits[0].symbol, 'AAPL')
    assert.ok(hits[0].name.toLowerCase().includes('apple'))
    assert.equal(typeof hits[0].kind, 'string')
    assert.equal(typeof hits[0].exchange, 'string')
  })

  it('honours the limit', async () => {
    const client = newClient()
    const hits = await client.search('a', 3)
    assert.ok(hits.length >= 1 && hits.length <= 3, `${hits.length} hits`)
    assert.ok((await client.search('a')).length <= 10)
  })
})

describe('sentiment', () => {
  it('scores sample posts', async () => {
    const s = await newClient().sentiment('tsla')
    assert.equal(s.symbol, 'TSLA')
    assert.ok(s.mentionVolume > 0)
    assert.ok(s.currentSentiment >= -1 && s.currentSentiment <= 1, `${s.currentSentiment}`)
    assert.ok(['rising', 'stable', 'falling', 'insufficient_data'].includes(s.sentimentTrend), s.sentimentTrend)
    assert.deepEqual(s.sources, [{ platform: 'sample', state: 'ok', posts: s.mentionVolume }])
    assert.ok(s.analysisTimestamp instanceof Date)
    assert.ok(s.platforms.length >= 1)
    let mentions = 0
    for (const p of s.platforms) {
      assert.ok(p.sentimentScore >= -1 && p.sentimentScore <= 1)
      assert.ok(Math.abs(p.confidence - Math.abs(p.sentimentScore)) < 1e-12)
      assert.ok(p.keywords.length <= 10)
      assert.ok(p.sourceUrls.length <= 10)
      mentions += p.mentionCount
    }
    assert.equal(mentions, s.mentionVolume)
  })
})

describe('cache and store', () => {
  it('counts hits and misses per namespace', async () => {
    const client = newClient()
    await client.quote('AAPL')
    await client.quote('AAPL')
    const stats = await client.cacheStats()
    const quotes = stats.find((s) => s.namespace === 'stock_quote')
    assert.ok(quotes, JSON.stringify(stats))
    assert.equal(quotes.misses, 1)
    assert.equal(quotes.hits, 1)
    assert.ok(quotes.entries >= 1)
    assert.equal(quotes.errors, 0)
  })

  it('invalidates one key or a whole namespace', async () => {
    const client = newClient()
    await client.quote('KO')
    await client.invalidate('stock_quote', 'KO')
    await client.quote('KO')
    await client.invalidate('stock_quote')
    await client.quote('KO')
    const quotes = (await client.cacheStats()).find((s) => s.namespace === 'stock_quote')
    assert.equal(quotes.misses, 3)
    assert.equal(quotes.hits, 0)
  })

  it('describes the store', async () => {
    const text = await newClient().describeStore()
    assert.equal(typeof text, 'string')
    assert.ok(text.toLowerCase().includes('memory'), text)
  })

  it('can be made without options and does no I/O until a call', () => {
    assert.ok(new Client() instanceof Client)
    assert.ok(new Client({}) instanceof Client)
  })
})
