// index.d.ts checked by the TypeScript compiler (a dev dependency), as a
// user's strict project sees it: ESM and CommonJS imports through the
// package's `exports`, the literal unions refusing a misspelt period, and
// TickersenseError, AbortSignal and Symbol.asyncDispose all typed.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, it } from 'node:test'
import { fileURLToPath } from 'node:url'

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..')
const tsc = join(pkg, 'node_modules', 'typescript', 'bin', 'tsc')
const skip = !existsSync(tsc) && 'typescript is not installed (npm install)'

const dir = mkdtempSync(join(tmpdir(), 'tickersense-node-typings-'))
after(() => rmSync(dir, { recursive: true, force: true }))
mkdirSync(join(dir, 'node_modules'))
symlinkSync(pkg, join(dir, 'node_modules', 'tickersense'), 'dir')

/** Type-checks `source` saved as `name`; returns tsc's exit status and output. */
function check(name, source) {
  writeFileSync(join(dir, name), source)
  const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022',
    '--lib', 'es2022,esnext.disposable', '--types', 'node', '--typeRoots', join(pkg, 'node_modules', '@types'), name]
  const run = spawnSync(process.execPath, [tsc, ...args], { cwd: dir, encoding: 'utf8' })
  return { status: run.status, output: run.stdout + run.stderr }
}

it('a strict ES module using the API type-checks', { skip }, () => {
  const { status, output } = check('use.mts', `
    import { Client, type TickersenseError, type Period, type History, type ErrorCode, type BackendRole } from 'tickersense'
    const client = new Client({ store: 'memory://', retries: 0 })
    const period: Period = '1mo'
    const h: History = await client.history('AAPL', { period, interval: '1d', signal: AbortSignal.timeout(1000) })
    const origin: 'provider' | 'cache' | 'store' = h.origin
    const many = await client.historyMany(['AAPL'], { concurrency: 2, signal: new AbortController().signal })
    const code: ErrorCode | undefined = many[0].error?.code
    try {
      await client.quote('ZZZZ')
    } catch (e) {
      const err = e as TickersenseError
      const kind: ErrorCode = err.code
      console.log(kind, err.retryAfter, err.causeCode, origin, code)
    }
    for (const backend of await client.health({ signal: AbortSignal.timeout(1000) })) {
      const role: BackendRole = backend.role
      const status: 'up' | 'down' | 'not_configured' = backend.status
      const wait: number | undefined = backend.retryInMs
      console.log(role, status, backend.name, backend.reason ?? '', wait, backend.failures)
    }
    const stored: boolean = (await client.sentiment('AAPL')).stored
    console.log(stored)
    const signal = AbortSignal.timeout(1000)
    await client.quote('AAPL', { signal })
    await client.search('apple', 5, { signal })
    await client.sentiment('AAPL', {})
    const days = await client.sentimentHistory('AAPL', { days: 7, platform: 'reddit', signal })
    const perPlatform: Record<string, number> = days[0].platforms
    const analysis = await client.sentiment('AAPL')
    const state: 'ok' | 'failed' | 'rate_limited' | 'timed_out' | 'not_configured' = analysis.sources[0].state
    const trendName: 'rising' | 'stable' | 'falling' | 'insufficient_data' = (await client.sentimentTrend('AAPL')).trend
    const records = await client.sentimentAnalyses('AAPL', 30, { signal })
    const agreement = await client.sentimentAgreement({ symbol: 'AAPL', days: 7 })
    const label: 'bullish' | 'bearish' | undefined = agreement.analyzers[0]?.labels[0]?.label
    const scored = await client.scorePosts(['good', { text: 'bad', platform: 'forum', id: 3, createdAt: new Date() }])
    const posts = await client.mentions('AAPL', { days: 1, limit: 5 })
    const when: Date = posts[0].createdAt
    console.log(perPlatform, state, trendName, records[0].detail.platform, label, scored.scores[0], when, analysis.sources[0].retryAfter)
    const claimed: Array<string> = (await client.backfill(['AAPL'], { period: '1mo' })).claimedElsewhere
    console.log(claimed)
    await client.backfillStatuses('1d', { signal })
    await Promise.all([client.storedSeries({ signal }), client.cacheStats({}), client.invalidate('stock_quote', undefined, { signal })])
    await client[Symbol.asyncDispose]()
    await client.close()
  `)
  assert.equal(status, 0, output)
})

it('CommonJS require type-checks too', { skip }, () => {
  const { status, output } = check('use.cts', `
    import tickersense = require('tickersense')
    const client = new tickersense.Client({ store: 'memory://' })
    void client.quote('AAPL').then((q) => q.price)
  `)
  assert.equal(status, 0, output)
})

it('backends of your own type-check, sync and async', { skip }, () => {
  const { status, output } = check('backends.mts', `
    import { Client, testkit, type MarketDataSource, type MentionSource, type Analyzer, type AnalyzerFunction } from 'tickersense'
    const market: MarketDataSource = {
      name: 'mine',
      quote: (symbol) => (symbol === 'AAPL' ? { price: 1, previousClose: 1, symbol, marketCap: null } : { price: 2 }),
      history: async (symbol, start, end, interval) => [{ timestamp: start, open: 1, high: 1, low: 1, close: 1 }],
      search: (query, limit) => [{ symbol: query.toUpperCase() }].slice(0, limit),
    }
    const forum: MentionSource = {
      platform: 'forum',
      mentions: async (symbol, since, limit) => [{ id: 1, text: symbol, createdAt: since.toISOString() }].slice(0, limit),
    }
    const scoreFn: AnalyzerFunction = (text) => (text.length > 3 ? 0.5 : -0.5)
    const scorer: Analyzer = { score: async () => 0, scoreMany: (texts) => texts.map(() => 0) }
    const a = new Client({ marketData: market, social: [forum, 'sample://'], analyzer: scoreFn })
    const b = new Client({ social: forum, analyzer: scorer })
    const c = new Client({ marketData: 'sample://', social: 'sample://', analyzer: 'vader' })
    try {
      await a.quote('AAPL')
    } catch (e) {
      const cause: unknown = (e as import('tickersense').TickersenseError).cause
      console.log(cause)
    }
    await Promise.all([a.close(), b.close(), c.close()])
    const report: import('tickersense').TestkitReport = await testkit.checkMarketData(market, { known: 'AAPL' })
    const names: string[] = report.checks.filter((check) => !check.passed).map((check) => check.name + (check.message ?? ''))
    await testkit.checkMentionSource(forum)
    await testkit.checkAnalyzer(scoreFn)
    console.log(names, report.passed)
  `)
  assert.equal(status, 0, output)
})

it('a misspelt period, state or option is a type error', { skip }, () => {
  const { status, output } = check('bad.mts', `
    import { Client, type BackfillState, type MarketDataSource } from 'tickersense'
    const client = new Client({ stroe: 'memory://' })
    const unfinished: MarketDataSource = { quote: () => null, history: () => null }
    const other = new Client({ analyzer: 'vadr' })
    void client.history('AAPL', { period: '2w' })
    void client.quote('AAPL', { signl: AbortSignal.timeout(1) })
    const state: BackfillState = 'finished'
    const role: import('tickersense').BackendRole = 'store'
    const status: import('tickersense').BackendStatus = 'ok'
    const trend: import('tickersense').Trend = 'up'
    const source: import('tickersense').SourceState = 'down'
    const label: import('tickersense').AuthorLabel = 'neutral'
    void client.sentimentHistory('AAPL', { day: 7 })
    void client.sentimentAgreement({ days: '7' })
    void client.mentions('AAPL', { limt: 5 })
  `)
  assert.notEqual(status, 0)
  assert.match(output, /'stroe' does not exist/)
  assert.match(output, /"2w"' is not assignable to type 'Period/)
  assert.match(output, /'signl' does not exist/)
  assert.match(output, /"finished"' is not assignable to type 'BackfillState'/)
  assert.match(output, /"store"' is not assignable to type 'BackendRole'/)
  assert.match(output, /"ok"' is not assignable to type 'BackendStatus'/)
  assert.match(output, /"up"' is not assignable to type 'Trend'/)
  assert.match(output, /"down"' is not assignable to type 'SourceState'/)
  assert.match(output, /"neutral"' is not assignable to type 'AuthorLabel'/)
  assert.match(output, /'day' does not exist/)
  assert.match(output, /Type 'string' is not assignable to type 'number'/)
  assert.match(output, /'limt' does not exist/)
  assert.match(output, /Property 'search' is missing/)
  assert.match(output, /"vadr"' is not assignable to type/)
})
