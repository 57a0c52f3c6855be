// What bounds a call on a backend of your own: every call that does I/O
// takes a `signal` that settles it at once though the backend never
// answers, and an answer too large to take is refused (or cut to what was
// asked) before its items or its text are read, so the event loop goes on.
// Also the contracts shared with the Python binding: `previousClose` may be
// left out of a quote, and `social: []` names no source.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import binding from '../index.js'
import { rejectsWith, throwsWith } from './support/errors.mjs'

const { Client } = binding

const DAY = 86_400_000
const never = () => new Promise(() => {})
const neverMarket = { quote: never, history: never, search: never }
const neverForum = { platform: 'forum', mentions: never }

/** Asserts that `call(signal)` rejects with the abort's reason once the signal aborts. */
async function abortsAtOnce(call) {
  const controller = new AbortController()
  const pending = call(controller.signal)
  setTimeout(() => controller.abort(), 20)
  const started = Date.now()
  await assert.rejects(pending, (e) => e.name === 'AbortError')
  assert.ok(Date.now() - started < 2_000, `settled after ${Date.now() - started} ms`)
}

describe('a signal on every call', () => {
  it('aborts a quote whose provider never settles', async () => {
    const client = new Client({ store: 'memory://', marketData: neverMarket })
    await abortsAtOnce((signal) => client.quote('AAPL', { signal }))
  })

  it('aborts a search whose provider never settles', async () => {
    const client = new Client({ store: 'memory://', marketData: neverMarket })
    await abortsAtOnce((signal) => client.search('apple', 5, { signal }))
    await abortsAtOnce((signal) => client.search('apple', undefined, { signal }))
  })

  it('aborts a sentiment whose mention source never settles', async () => {
    const client = new Client({ store: 'memory://', social: [neverForum] })
    await abortsAtOnce((signal) => client.sentiment('AAPL', { signal }))
  })

  it('rejects at once with the reason of a signal aborted before the call', async () => {
    const client = new Client({ store: 'memory://' })
    const reason = new Error('gave up')
    const signal = AbortSignal.abort(reason)
    for (const call of [
      () => client.quote('AAPL', { signal }),
      () => client.search('apple', 3, { signal }),
      () => client.sentiment('AAPL', { signal }),
      () => client.sentimentHistory('AAPL', { days: 7, signal }),
      () => client.sentimentAnalyses('AAPL', 7, { signal }),
      () => client.sentimentTrend('AAPL', { signal }),
      () => client.sentimentAgreement({ signal }),
      () => client.scorePosts(['good'], { signal }),
      () => client.mentions('AAPL', { signal }),
      () => client.backfillStatuses(undefined, { signal }),
      () => client.storedSeries({ signal }),
      () => client.cacheStats({ signal }),
      () => client.invalidate('stock_quote', undefined, { signal }),
    ]) {
      await assert.rejects(call(), (e) => e === reason)
    }
  })

  it('checks the options as history does', async () => {
    const client = new Client({ store: 'memory://' })
    const unknown = await rejectsWith(client.quote('AAPL', { signl: 1 }), 'InvalidInput')
    assert.match(unknown.message, /quote: unknown option "signl"; known: signal/)
    const notSignal = await rejectsWith(client.cacheStats({ signal: {} }), 'InvalidInput')
    assert.ok(notSignal instanceof TypeError)
    assert.match(notSignal.message, /cacheStats: options\.signal must be an AbortSignal, not an object/)
    const notObject = await rejectsWith(client.storedSeries(5), 'InvalidInput')
    assert.ok(notObject instanceof TypeError)
    assert.match(notObject.message, /storedSeries: options must be an object, not a number/)
    // Left out, undefined and null are all no options.
    assert.equal((await client.quote('AAPL', null)).symbol, 'AAPL')
    assert.equal((await client.quote('AAPL', undefined)).symbol, 'AAPL')
  })
})

/**
 * Runs `call` while a 10 ms timer ticks; returns its outcome and the time
 * taken, having asserted that the event loop never stalled for 150 ms.
 */
async function ticking(call) {
  let last = performance.now()
  let longest = 0
  const timer = setInterval(() => {
    const now = performance.now()
    longest = Math.max(longest, now - last)
    last = now
  }, 10)
  const started = Date.now()
  try {
    const outcome = await call().then(
      (value) => ({ value }),
      (error) => ({ error }),
    )
    // One more tick, so that a stall at the very end is measured too.
    await new Promise((resolve) => setTimeout(resolve, 15))
    assert.ok(longest < 150, `the event loop stalled for ${longest.toFixed(0)} ms`)
    return { ...outcome, ms: Date.now() - started }
  } finally {
    clearInterval(timer)
  }
}

describe('an answer too large to take', () => {
  // Built once: making the array is the test's cost, not the binding's.
  const hits = Array.from({ length: 2_000_000 }, (_, i) => ({ symbol: `S${i}`, name: `Company ${i}` }))

  it('reads only the first search hits asked for, and the event loop goes on', async () => {
    const provider = { quote: () => null, history: () => null, search: () => hits }
    const client = new Client({ store: 'memory://', marketData: provider })
    const { value, error, ms } = await ticking(() => client.search('company', 5))
    assert.equal(error, undefined)
    assert.deepEqual(value.map((h) => h.symbol), ['S0', 'S1', 'S2', 'S3', 'S4'])
    assert.ok(ms < 500, `the search took ${ms} ms`)
  })

  it('refuses a history of more bars than the limit without reading them', async () => {
    const t = Date.now() - DAY
    const bar = { timestamp: new Date(t), open: 1, high: 1, low: 1, close: 1 }
    const bars = new Array(100_001).fill(bar)
    const provider = { quote: () => null, history: () => bars, search: () => [] }
    const client = new Client({ store: 'memory://', marketData: provider })
    const { error, ms } = await ticking(() => client.history('AAPL'))
    assert.ok(error, 'the history should be refused')
    assert.equal(error.code, 'Unavailable')
    assert.equal(error.causeCode, 'Upstream')
    assert.match(error.message, /marketData\.history returned a bad value: the value has 100001 items, more than the limit of 100000/)
    assert.ok(ms < 500, `refusing took ${ms} ms`)
  })

  it('refuses a string longer than its field allows before copying it', async () => {
    const quoting = (answer) =>
      new Client({ store: 'memory://', marketData: { quote: () => answer, history: () => null, search: () => [] } })
    const long = await rejectsWith(quoting({ price: 1, currency: 'U'.repeat(257) }).quote('AAPL'), 'Unavailable')
    assert.match(long.message, /marketData\.quote returned a bad value: `currency` is longer than the limit of 256 characters/)
    // 256 characters outside the BMP are 512 UTF-16 units, and still allowed.
    const wide = await quoting({ price: 1, exchange: '😀'.repeat(256) }).quote('AAPL')
    assert.equal([...wide.exchange].length, 256)
    const huge = 'x'.repeat(50_000_000)
    const { error, ms } = await ticking(() => quoting({ price: 1, exchange: huge }).quote('AAPL'))
    assert.match(error.message, /`exchange` is longer than the limit of 256 characters/)
    assert.ok(error.message.length < 1_000, 'the string is not echoed')
    assert.ok(ms < 500, `refusing took ${ms} ms`)
  })

  it('refuses more than 1,000 posts before reading one, and a text past 40,000 characters', async () => {
    const now = Date.now()
    const many = Array.from({ length: 200_000 }, (_, i) => ({ id: i, text: `AAPL up ${i}`, createdAt: new Date(now - i) }))
    const forum = { platform: 'forum', mentions: () => many }
    const client = new Client({ store: 'memory://', social: [forum] })
    const { error, ms } = await ticking(() => client.sentiment('AAPL'))
    assert.equal(error?.code, 'Upstream', String(error))
    assert.match(error.message, /has 200000 items, more than the limit of 1000/)
    assert.ok(ms < 2_000, `refusing took ${ms} ms`)
    const fine = { platform: 'forum', mentions: () => many.slice(0, 1_000) }
    const analysis = await new Client({ store: 'memory://', social: [fine] }).sentiment('AAPL')
    assert.ok(analysis.mentionVolume > 0, 'a thousand posts are taken')

    const longText = { platform: 'forum', mentions: () => [{ id: 1, text: 'y'.repeat(40_001), createdAt: new Date() }] }
    const refused = await rejectsWith(new Client({ store: 'memory://', social: [longText] }).sentiment('AAPL'), 'Upstream')
    assert.match(refused.message, /social\[0\]\.mentions returned a bad value: `\[0\]\.text` is longer than the limit of 40000 characters/)
  })
})

describe('contracts shared with the Python binding', () => {
  it('takes a quote without previousClose as unchanged', async () => {
    const provider = { quote: () => ({ price: 42 }), history: () => null, search: () => [] }
    const quote = await new Client({ store: 'memory://', marketData: provider }).quote('AAPL')
    assert.equal(quote.price, 42)
    assert.equal(quote.previousClose, 42)
    assert.equal(quote.change, 0)
    assert.equal(quote.changePercent, 0)
  })

  it('refuses social: [] instead of falling back to the configured sources', () => {
    const e = throwsWith(() => new Client({ store: 'memory://', social: [] }), 'InvalidInput')
    assert.match(e.message, /options\.social is an empty array/)
  })
})
