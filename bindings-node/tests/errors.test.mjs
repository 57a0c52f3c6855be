// Every core error reaches JS as an `Error` whose `code` is the error kind,
// thrown by the constructor or rejecting a call's promise, and no message
// repeats a password from a URL.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import binding from '../index.js'
import { rejectsWith, throwsWith } from './support/errors.mjs'

const { Client } = binding

const newClient = () => new Client({ store: 'memory://' })

/** Every text of `error` a caller might print or log. */
const allText = (error) => [String(error), error.message, error.stack ?? '', JSON.stringify(error)].join('\n')

describe('bad input rejects with InvalidInput', () => {
  const client = newClient()
  it('empty symbol', async () => {
    const e = await rejectsWith(client.quote(''), 'InvalidInput')
    assert.match(e.message, /empty/)
  })
  it('symbol with a space', async () => {
    const e = await rejectsWith(client.quote('AA PL'), 'InvalidInput')
    assert.match(e.message, /AA PL/)
  })
  it('in every method taking a symbol', async () => {
    await rejectsWith(client.history(' '), 'InvalidInput')
    await rejectsWith(client.sentiment('no way'), 'InvalidInput')
    await rejectsWith(client.storedHistory('$$$'), 'InvalidInput')
  })
  it('unknown period and interval', async () => {
    const e = await rejectsWith(client.history('AAPL', '2w'), 'InvalidInput')
    assert.match(e.message, /1mo/)
    await rejectsWith(client.history('AAPL', '1mo', '1M'), 'InvalidInput')
    await rejectsWith(client.storedHistory('AAPL', 'weekly'), 'InvalidInput')
  })
  it('search query and limit out of range', async () => {
    await rejectsWith(client.search(''), 'InvalidInput')
    await rejectsWith(client.search('apple', 0), 'InvalidInput')
    await rejectsWith(client.search('apple', -1), 'InvalidInput')
    await rejectsWith(client.search('apple', 1_000_000), 'InvalidInput')
  })
})

describe('unknown symbols', () => {
  it('reject with NotFound', async () => {
    await rejectsWith(newClient().quote('ZZZZ'), 'NotFound')
    await rejectsWith(newClient().history('ZZZZ'), 'NotFound')
  })
})

describe('the constructor', () => {
  it('throws InvalidInput synchronously for an unknown store scheme', () => {
    const e = throwsWith(() => new Client({ store: 'mysql://x' }), 'InvalidInput')
    assert.match(e.message, /mysql/)
  })
  it('throws InvalidInput for every bad knob', () => {
    throwsWith(() => new Client({ cache: 'memcached://x' }), 'InvalidInput')
    throwsWith(() => new Client({ marketData: 'nope' }), 'InvalidInput')
    throwsWith(() => new Client({ social: 'carrier-pigeon://' }), 'InvalidInput')
    throwsWith(() => new Client({ analyzer: 'magic' }), 'InvalidInput')
  })
  it('never echoes a password from a malformed URL', () => {
    const e = throwsWith(() => new Client({ store: 'postgres://bob:hunter2@[::1/db' }), 'InvalidInput')
    assert.ok(!allText(e).includes('hunter2'), allText(e))
  })
})

describe('an unreachable server', () => {
  it('rejects the calls that need it with Unavailable and no password', async () => {
    const client = new Client({ store: 'postgres://bob:hunter2@127.0.0.1:1/db', marketData: 'sample://' })
    // Quotes need no store: the store being down fails only its own calls.
    assert.equal((await client.quote('AAPL')).symbol, 'AAPL')
    const e = await rejectsWith(client.describeStore(), 'Unavailable')
    assert.ok(!allText(e).includes('hunter2'), allText(e))
    // The failed connect puts the store in a back-off window: the next call
    // fails the same way at once, saying when it is tried again.
    const again = await rejectsWith(client.storedSeries(), 'Unavailable')
    assert.ok(!allText(again).includes('hunter2'), allText(again))
    assert.match(again.message, /tried again in/)
    await client.close()
  })
})

describe('argument types', () => {
  // napi converts arguments before the call starts, so a value of the wrong
  // type throws synchronously, with napi's own code, rather than rejecting.
  it('a non-Date bound rejects with a TypeError instead of crashing', async () => {
    const e = await rejectsWith(newClient().storedHistory('AAPL', { start: 'yesterday' }), 'InvalidInput')
    assert.ok(e instanceof TypeError)
  })
  it('a missing or non-string symbol throws instead of crashing', () => {
    assert.throws(() => newClient().quote(), Error)
    assert.throws(() => newClient().quote(5), Error)
  })
  it('a non-string option throws instead of crashing', () => {
    assert.throws(() => new Client({ store: 5 }), Error)
  })
})
