// Core's conformance kit run on backends written in JS: the providers,
// forum and analyzers the other tests use pass it, sync and async alike;
// broken ones fail the very checks they break; a value that is no backend
// is refused as `new Client` refuses it.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import binding from '../index.js'
import { AsyncProvider, forum, syncProvider, upOrDown } from './support/backends.mjs'

const { testkit } = binding

/** Asserts that every check of `report` passed, listing the ones that did not. */
function assertPassed(report, suite) {
  assert.equal(report.suite, suite)
  assert.ok(report.checks.length > 3, `${report.checks.length} checks`)
  const failed = report.checks.filter((c) => !c.passed).map((c) => `${c.name}: ${c.message}`)
  assert.deepEqual(failed, [])
  assert.equal(report.passed, true)
  assert.ok(report.checks.every((c) => c.name.startsWith(`${suite}.`) && c.message === undefined))
}

/** The names of the checks of `report` that failed. */
const failures = (report) => report.checks.filter((c) => !c.passed).map((c) => c.name)

describe('testkit.checkMarketData', () => {
  it('passes a provider with plain methods', async () => {
    const report = await testkit.checkMarketData(syncProvider(), { known: 'MSFT', unknown: 'ZZZZ9', query: 'apple' })
    assertPassed(report, 'market_data')
    assert.equal(report.backend, 'legacy-sync')
  })

  it('passes a provider with async methods', async () => {
    const report = await testkit.checkMarketData(new AsyncProvider(0), { known: 'AAPL', query: 'a' })
    assertPassed(report, 'market_data')
  })

  it('fails a broken provider on the checks it breaks', async () => {
    const broken = syncProvider()
    broken.quote = (symbol) => ({ price: -1, previousClose: 1 }) // every symbol, and a price below zero
    broken.history = () => {
      throw new Error('history is gone')
    }
    const report = await testkit.checkMarketData(broken, { known: 'AAPL', query: 'apple' })
    assert.equal(report.passed, false)
    const failed = failures(report)
    for (const name of ['market_data.quote_price_is_finite_and_positive', 'market_data.unknown_symbol_is_not_found', 'market_data.history_bars_oldest_first']) {
      assert.ok(failed.includes(name), `${name} not among ${failed}`)
    }
    assert.ok(!failed.includes('market_data.search_respects_the_limit'))
    const history = report.checks.find((c) => c.name === 'market_data.history_bars_oldest_first')
    assert.match(history.message, /history is gone/)
  })

  it('refuses what is no provider, as new Client does', async () => {
    await assert.rejects(testkit.checkMarketData({ quote() {} }), (e) => {
      assert.ok(e instanceof TypeError)
      assert.equal(e.code, 'InvalidInput')
      assert.match(e.message, /testkit\.checkMarketData: provider must be .*no method `history`/)
      return true
    })
    await assert.rejects(testkit.checkMarketData(syncProvider(), { symbol: 'AAPL' }), /unknown option "symbol"; known: known, unknown, query/)
  })
})

describe('testkit.checkMentionSource', () => {
  it('passes a JS forum', async () => {
    const report = await testkit.checkMentionSource(forum(), { symbol: 'MSFT' })
    assertPassed(report, 'mention_source')
    assert.equal(report.backend, 'forum')
  })

  it('fails a source with nothing recent', async () => {
    const stale = { platform: 'attic', mentions: () => [{ id: 1, text: 'old news', createdAt: new Date('2001-01-01') }] }
    const report = await testkit.checkMentionSource(stale)
    assert.ok(failures(report).includes('mention_source.finds_posts'), `${failures(report)}`)
  })
})

describe('testkit.checkAnalyzer', () => {
  it('passes a function and an object with scoreMany', async () => {
    assertPassed(await testkit.checkAnalyzer(upOrDown), 'analyzer')
    const scorer = {
      name: 'lengths',
      score: (text) => Math.min(1, text.length / 1000),
      scoreMany(texts) {
        return texts.map((t) => this.score(t))
      },
    }
    const report = await testkit.checkAnalyzer(scorer)
    assertPassed(report, 'analyzer')
    assert.equal(report.backend, 'lengths')
  })

  it('fails a random or out-of-range analyzer', async () => {
    const random = await testkit.checkAnalyzer(() => Math.random() * 2 - 1)
    assert.ok(failures(random).includes('analyzer.scores_are_deterministic'), `${failures(random)}`)
    const tooBig = await testkit.checkAnalyzer({ score: () => 3 })
    assert.ok(failures(tooBig).includes('analyzer.try_score_many_agrees_with_score'), `${failures(tooBig)}`)
  })
})
