// A SQLite file store outlives the client that wrote it: a second client on
// the same file reads the bars back from the store.

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, it } from 'node:test'

import binding from '../index.js'

const { Client } = binding

const dir = mkdtempSync(join(tmpdir(), 'tickersense-node-'))
after(() => rmSync(dir, { recursive: true, force: true }))

it('a second client on the same sqlite file gets the history from the store', async () => {
  const store = `sqlite://${join(dir, 'prices.db')}`
  const writer = new Client({ store })
  assert.match(await writer.describeStore(), /sqlite/i)
  const first = await writer.history('AAPL', '1mo', '1d')
  assert.equal(first.origin, 'provider')

  const reader = new Client({ store })
  const second = await reader.history('AAPL', '1mo', '1d')
  assert.equal(second.origin, 'store')
  assert.equal(second.bars.length, first.bars.length)
  assert.deepEqual(
    second.bars.map((b) => b.timestamp.getTime()),
    first.bars.map((b) => b.timestamp.getTime()),
  )
  const [read, written] = await Promise.all([reader.storedHistory('AAPL', '1mo', '1d'), writer.storedHistory('AAPL', '1mo', '1d')])
  assert.equal(read.origin, 'store')
  assert.deepEqual(read.bars, written.bars)
  assert.deepEqual(read.bars, first.bars)
})
