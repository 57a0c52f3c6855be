// Backends written in JS never keep Node running by themselves, are let go
// of when their client is closed or collected, never hold the event loop
// while they work, and a call waiting on one still settles on abort.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

import binding from '../index.js'
import { AsyncProvider } from './support/backends.mjs'

const { Client } = binding
const here = dirname(fileURLToPath(import.meta.url))
const entry = join(here, '..', 'index.js')
const backends = join(here, 'support', 'backends.mjs')

/** Runs `script` as an ES module in a fresh Node (with `flags`), killed after 30 s. */
function runNode(script, flags = []) {
  return spawnSync(process.execPath, [...flags, '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 })
}

const prelude = `
  import { createRequire } from 'node:module'
  import { AsyncProvider, syncProvider, forum, upOrDown } from ${JSON.stringify(backends)}
  const { Client } = createRequire(import.meta.url)(${JSON.stringify(entry)})
`

describe('a process with JS backends', () => {
  it('exits on its own after awaiting calls, without closing', () => {
    const child = runNode(`${prelude}
      const client = new Client({ store: 'memory://', marketData: new AsyncProvider(), social: [forum()], analyzer: upOrDown })
      const [q, h, s] = await Promise.all([client.quote('AAPL'), client.history('AAPL'), client.sentiment('AAPL')])
      console.log('done', q.price, h.bars.length > 0, s.platforms[0].platform)
    `)
    assert.equal(child.signal, null, `killed by ${child.signal}: still running after 30 s`)
    assert.equal(child.status, 0, child.stderr)
    assert.match(child.stdout, /done 50 true forum/)
  })

  it('exits on its own with a client made and never used', () => {
    const child = runNode(`${prelude}
      globalThis.kept = new Client({ store: 'memory://', marketData: syncProvider(), analyzer: upOrDown })
      console.log('made')
    `)
    assert.equal(child.signal, null, `killed by ${child.signal}`)
    assert.equal(child.status, 0, child.stderr)
  })

  for (const [how, drop] of [
    ['closed', 'await client.close(); client = null'],
    ['collected', 'client = null'],
  ]) {
    it(`lets the objects go once the client is ${how}`, () => {
      const child = runNode(`${prelude}
        const released = new Set()
        const registry = new FinalizationRegistry((name) => released.add(name))
        let provider = syncProvider()
        let source = forum()
        let client = new Client({ store: 'memory://', cache: 'none://', marketData: provider, social: [source], analyzer: upOrDown })
        registry.register(provider, 'provider')
        registry.register(source, 'source')
        await client.quote('AAPL')
        await client.sentiment('AAPL')
        provider = null
        source = null
        ${drop}
        for (let i = 0; i < 50 && released.size < 2; i++) {
          globalThis.gc()
          await new Promise((resolve) => setTimeout(resolve, 20))
        }
        console.log('released', [...released].sort().join(' '))
      `, ['--expose-gc'])
      assert.equal(child.status, 0, child.stderr)
      assert.match(child.stdout, /released provider source/)
    })
  }
})

describe('a call waiting on a JS backend', () => {
  it('never holds the event loop while the backend works', async () => {
    const client = new Client({ store: 'memory://', marketData: new AsyncProvider(300) })
    let last = performance.now()
    let longest = 0
    const timer = setInterval(() => {
      const now = performance.now()
      longest = Math.max(longest, now - last)
      last = now
    }, 10)
    try {
      const quote = await client.quote('AAPL')
      assert.equal(quote.price, 50)
    } finally {
      clearInterval(timer)
    }
    assert.ok(longest < 150, `the event loop stalled for ${longest.toFixed(0)} ms`)
  })

  it('settles when its signal aborts, though the backend never answers', async () => {
    const never = { quote: () => null, history: () => new Promise(() => {}), search: () => [] }
    const client = new Client({ store: 'memory://', marketData: never })
    const controller = new AbortController()
    const pending = client.history('AAPL', { signal: controller.signal })
    setTimeout(() => controller.abort(), 50)
    await assert.rejects(pending, (e) => e.name === 'AbortError')
  })

  it('rejects Unavailable once its client is closed', async () => {
    const provider = new AsyncProvider()
    const client = new Client({ store: 'memory://', marketData: provider })
    await client.quote('AAPL')
    await client.close()
    await assert.rejects(client.quote('MSFT'), (e) => e.code === 'Unavailable')
    assert.equal(provider.calls.length, 1)
  })
})
