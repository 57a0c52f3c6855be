// Options objects and positional arguments are read strictly: a misspelt
// key, a field of the wrong type, an invalid Date or a count that is not a
// whole number is refused naming the option; `null` counts as left out;
// classes cannot be called without `new`; only the public classes are exported.

import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'

import binding from '../index.js'
import { rejectsWith, throwsWith } from './support/errors.mjs'

const { Client, Vader, TextBlobAnalyzer } = binding

const newClient = () => new Client({ store: 'memory://', cache: 'none://' })

describe('the constructor', () => {
  it('throws a TypeError for options that are not an object, opening nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tickersense-node-options-'))
    const cwd = process.cwd()
    try {
      process.chdir(dir)
      for (const bad of ['memory://', 5, true, ['memory://']]) {
        const e = throwsWith(() => new Client(bad), 'InvalidInput')
        assert.ok(e instanceof TypeError, `${e}`)
        assert.match(e.message, /new Client: options must be an object/)
      }
      const e = throwsWith(() => new Client({ stroe: 'memory://' }), 'InvalidInput')
      assert.match(e.message, /unknown option "stroe"; known: store, cache, marketData/)
      // No default store was opened in the working directory.
      assert.deepEqual(readdirSync(dir), [])
    } finally {
      process.chdir(cwd)
      rmSync(dir, { recursive: true, force: true })
    }
  })
  it('names the option of the wrong type', () => {
    let e = throwsWith(() => new Client({ store: 5 }), 'InvalidInput')
    assert.ok(e instanceof TypeError)
    assert.equal(e.message, 'new Client: options.store must be a string, not a number')
    e = throwsWith(() => new Client({ store: 'memory://', timeout: '10' }), 'InvalidInput')
    assert.equal(e.message, 'new Client: options.timeout must be a number, not a string')
  })
  it('treats null as left out', () => {
    assert.ok(new Client({ store: 'memory://', cache: null, timeout: null, retries: undefined }))
  })
  it('refuses NaN, Infinity and fractions for retries, naming it', () => {
    for (const bad of [NaN, Infinity, 2.5, -1]) {
      const e = throwsWith(() => new Client({ store: 'memory://', retries: bad }), 'InvalidInput')
      assert.match(e.message, /new Client: options\.retries must be a whole number/, `${bad}`)
    }
    for (const bad of [NaN, Infinity, -1, 0]) {
      throwsWith(() => new Client({ store: 'memory://', timeout: bad }), 'InvalidInput')
    }
  })
  it('throws a TypeError when a class is called without new', () => {
    for (const Class of [Client, Vader, TextBlobAnalyzer]) {
      assert.throws(() => Class({ store: 'memory://' }), TypeError, Class.name)
    }
    const client = new Client({ store: 'memory://' })
    assert.ok(client instanceof Client)
    assert.equal(Client.name, 'Client')
    assert.equal(typeof new Vader().polarityScores('good'), 'object')
  })
})

describe('exports', () => {
  it('are only the public classes (no batch task structs)', () => {
    const classes = Object.keys(binding).filter((k) => /^[A-Z]/.test(k) && typeof binding[k] === 'function')
    assert.deepEqual(classes.sort(), ['Client', 'TextBlobAnalyzer', 'Vader'])
  })
})

describe('Dates', () => {
  const client = newClient()
  const invalid = new Date('x')
  it('an invalid Date rejects with InvalidInput naming the option, in every call', async () => {
    let e = await rejectsWith(client.history('AAPL', { start: invalid }), 'InvalidInput')
    assert.match(e.message, /history: options\.start is an invalid Date/)
    e = await rejectsWith(client.history('AAPL', { end: invalid }), 'InvalidInput')
    assert.match(e.message, /history: options\.end is an invalid Date/)
    e = await rejectsWith(client.historyMany(['AAPL'], { start: invalid }), 'InvalidInput')
    assert.match(e.message, /historyMany: options\.start is an invalid Date/)
    e = await rejectsWith(client.backfill(['AAPL'], { end: invalid }), 'InvalidInput')
    assert.match(e.message, /backfill: options\.end is an invalid Date/)
    e = await rejectsWith(client.storedHistory('AAPL', { start: invalid }), 'InvalidInput')
    assert.match(e.message, /storedHistory: options\.start is an invalid Date/)
    e = await rejectsWith(client.storedHistory('AAPL', { end: invalid }), 'InvalidInput')
    assert.match(e.message, /storedHistory: options\.end is an invalid Date/)
  })
  it('a string for a Date rejects with a TypeError naming the field', async () => {
    const e = await rejectsWith(client.history('AAPL', { start: '2024-01-01' }), 'InvalidInput')
    assert.ok(e instanceof TypeError)
    assert.equal(e.message, 'history: options.start must be a Date, not a string')
    const f = await rejectsWith(client.storedHistory('AAPL', { start: 0 }), 'InvalidInput')
    assert.equal(f.message, 'storedHistory: options.start must be a Date, not a number')
  })
  it('valid Dates still work', async () => {
    const start = new Date('2024-01-02')
    const end = new Date('2024-01-10')
    const h = await client.history('AAPL', { start, end })
    assert.ok(h.bars.length > 0 && h.bars.length <= 7, `${h.bars.length} bars`)
    assert.ok(h.bars.every((b) => b.timestamp >= start && b.timestamp < end))
  })
})

describe('method options', () => {
  const client = newClient()
  it('unknown keys reject with InvalidInput listing the known ones', async () => {
    let e = await rejectsWith(client.history('AAPL', { peroid: '1y' }), 'InvalidInput')
    assert.match(e.message, /history: unknown option "peroid"; known: period, interval, start, end, signal/)
    e = await rejectsWith(client.historyMany(['AAPL'], { concurency: 2 }), 'InvalidInput')
    assert.match(e.message, /historyMany: unknown option "concurency"/)
    e = await rejectsWith(client.backfill(['AAPL'], { perod: '1y' }), 'InvalidInput')
    assert.match(e.message, /backfill: unknown option "perod"/)
  })
  it('null behaves as undefined', async () => {
    const h = await client.history('AAPL', { period: null, interval: null, start: null, end: null, signal: null })
    assert.equal(h.interval, '1d')
    const many = await client.historyMany(['AAPL'], { period: null, concurrency: null })
    assert.equal(many.length, 1)
    assert.ok(await client.history('AAPL', null))
  })
  it('a wrong type names the field', async () => {
    let e = await rejectsWith(client.history('AAPL', { period: 5 }), 'InvalidInput')
    assert.equal(e.message, 'history: options.period must be a string, not a number')
    e = await rejectsWith(client.historyMany(['AAPL'], { concurrency: '2' }), 'InvalidInput')
    assert.equal(e.message, 'historyMany: options.concurrency must be a number, not a string')
    e = await rejectsWith(client.history('AAPL', 5), 'InvalidInput')
    assert.match(e.message, /history: options must be an object, not a number/)
    e = await rejectsWith(client.history('AAPL', { signal: {} }), 'InvalidInput')
    assert.equal(e.message, 'history: options.signal must be an AbortSignal, not an object')
  })
  it('NaN, Infinity and 2.5 are refused by every count, naming it', async () => {
    for (const bad of [NaN, Infinity, -Infinity, 2.5]) {
      let e = await rejectsWith(client.historyMany(['AAPL'], { concurrency: bad }), 'InvalidInput')
      assert.match(e.message, /historyMany: options\.concurrency must be a whole number/)
      e = await rejectsWith(client.backfill(['AAPL'], { concurrency: bad }), 'InvalidInput')
      assert.match(e.message, /backfill: options\.concurrency must be a whole number/)
      e = await rejectsWith(client.search('apple', bad), 'InvalidInput')
      assert.match(e.message, /search: limit must be a whole number/)
      e = await rejectsWith(client.sentimentHistory('AAPL', { days: bad }), 'InvalidInput')
      assert.match(e.message, /sentimentHistory: options\.days must be a whole number/)
      e = await rejectsWith(client.mentions('AAPL', { limit: bad }), 'InvalidInput')
      assert.match(e.message, /mentions: options\.limit must be a whole number/)
      e = await rejectsWith(client.sentimentAnalyses('AAPL', bad), 'InvalidInput')
      assert.match(e.message, /sentimentAnalyses: days must be a whole number/)
      assert.ok(e.message.endsWith(`not ${bad}`), e.message) // spelt as JS spells it
    }
  })
  it('invalidate of an unknown namespace rejects with InvalidInput', async () => {
    await client.invalidate('stock_quote')
    const e = await rejectsWith(client.invalidate('*'), 'InvalidInput')
    assert.match(e.message, /stock_quote/)
  })
})
