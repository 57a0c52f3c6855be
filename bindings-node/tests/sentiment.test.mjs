// The sentiment calls: the analysis with each source's status, the daily
// figures from the stored posts, the stored analyses, the trend, the
// agreement with authors' labels, posts brought to be scored (checked as
// options are), the posts the sources give, and the credentials option.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import binding from '../index.js'
import { rejectsWith } from './support/errors.mjs'

const { Client, TextBlobAnalyzer } = binding

const TRENDS = ['rising', 'stable', 'falling', 'insufficient_data']
const CREDENTIAL_VARS = ['REDDIT_CLIENT_ID', 'REDDIT_CLIENT_SECRET', 'REDDIT_USER_AGENT', 'X_BEARER_TOKEN']
const fresh = (options = {}) => new Client({ store: 'memory://', cache: 'none://', ...options })
const polarity = (text) => new TextBlobAnalyzer().sentiment(text).polarity

const failing = { platform: 'forum', mentions: () => { throw new Error('the forum is down') } }

const LABELLED = [
  ['What a great quarter, excellent results', 'bullish'],
  ['Impressive growth, love it', 'bullish'],
  ['This terrible, awful dip is my entry', 'bullish'],
  ['Awful guidance, terrible execution', 'bearish'],
  ['Bad news, sad day', 'bearish'],
  ['Reading the filing tonight', 'bearish'],
]
const labelled = {
  platform: 'stocktwits',
  mentions() {
    const now = Date.now()
    return LABELLED.map(([text, label], i) => ({ id: `st-${i}`, text, label, createdAt: new Date(now - (i + 1) * 60_000) }))
  },
}

/** Runs `body` with the credential variables unset, then puts them back. */
async function withoutCredentials(body) {
  const saved = CREDENTIAL_VARS.map((name) => [name, process.env[name]])
  for (const name of CREDENTIAL_VARS) delete process.env[name]
  try {
    return await body()
  } finally {
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value
  }
}

describe('sentiment', () => {
  it('lists each source with its state', async () => {
    const s = await fresh({ social: ['sample://', failing] }).sentiment('TSLA')
    assert.deepEqual(s.sources.map((x) => [x.platform, x.state]), [['sample', 'ok'], ['forum', 'failed']])
    assert.deepEqual(s.sources[0], { platform: 'sample', state: 'ok', posts: s.mentionVolume })
    assert.equal(s.sources[1].posts, 0)
    assert.match(s.sources[1].reason, /the forum is down/)
    assert.equal(s.sources[1].retryAfter, undefined)
    assert.deepEqual(s.platforms.map((p) => p.platform), ['sample'])
    assert.ok(TRENDS.includes(s.sentimentTrend), s.sentimentTrend)
  })

  it('reports a source without credentials as not configured', async () => {
    await withoutCredentials(async () => {
      const s = await fresh({ social: 'sample://,reddit://' }).sentiment('TSLA')
      assert.deepEqual(s.sources.map((x) => [x.platform, x.state]), [['sample', 'ok'], ['reddit', 'not_configured']])
      assert.match(s.sources[1].reason, /REDDIT_CLIENT_ID/)
      await rejectsWith(fresh({ social: 'reddit://' }).mentions('TSLA'), 'Unauthorized')
    })
  })
})

describe('sentimentHistory', () => {
  it('counts each stored post once, however often it is analysed', async () => {
    const client = fresh()
    const first = await client.sentiment('AAPL')
    for (let i = 0; i < 4; i++) await client.sentiment('AAPL')
    const days = await client.sentimentHistory('AAPL')
    assert.equal(days.reduce((n, d) => n + d.mentions, 0), first.mentionVolume)
    for (const d of days) {
      assert.ok(d.date instanceof Date && d.date.getTime() % 86_400_000 === 0, d.date.toISOString())
      assert.deepEqual(d.platforms, { sample: d.mentions })
      assert.equal(d.confidence, Math.abs(d.score))
    }
    const times = days.map((d) => d.date.getTime())
    assert.deepEqual(times, [...times].sort((a, b) => a - b))
    const weighted = days.reduce((s, d) => s + d.score * d.mentions, 0) / first.mentionVolume
    assert.ok(Math.abs(weighted - first.currentSentiment) < 1e-12, `${weighted} vs ${first.currentSentiment}`)
    const onlySample = await client.sentimentHistory('aapl', { days: 7, platform: 'sample' })
    assert.deepEqual(onlySample.map((d) => d.mentions), days.map((d) => d.mentions))
    assert.deepEqual(await client.sentimentHistory('AAPL', { platform: 'reddit' }), [])
    assert.deepEqual(await client.sentimentHistory('MSFT', { days: 1 }), [])
  })

  it('counts each platform', async () => {
    const client = fresh({ social: ['sample://', labelled] })
    const s = await client.sentiment('TSLA')
    const days = await client.sentimentHistory('TSLA')
    assert.equal(days.reduce((n, d) => n + (d.platforms.stocktwits ?? 0), 0), LABELLED.length)
    assert.equal(days.reduce((n, d) => n + d.mentions, 0), s.mentionVolume)
    const only = await client.sentimentHistory('TSLA', { platform: 'stocktwits' })
    assert.equal(only.reduce((n, d) => n + d.mentions, 0), LABELLED.length)
  })

  it('checks its options', async () => {
    const client = fresh()
    let e = await rejectsWith(client.sentimentHistory('AAPL', { day: 3 }), 'InvalidInput')
    assert.equal(e.message, 'sentimentHistory: unknown option "day"; known: days, platform, signal')
    e = await rejectsWith(client.sentimentHistory('AAPL', { platform: 3 }), 'InvalidInput')
    assert.ok(e instanceof TypeError)
    assert.equal(e.message, 'sentimentHistory: options.platform must be a string, not a number')
    e = await rejectsWith(client.sentimentHistory('AAPL', { days: 3651 }), 'InvalidInput')
    assert.match(e.message, /days must be 1 to 3650, not 3651/)
  })

  it('the other sentiment calls check their options and arguments, naming them', async () => {
    const client = fresh()
    for (const [call, type, message] of [
      [() => client.sentimentAgreement({ symbol: 7 }), TypeError, /^sentimentAgreement: options\.symbol must be a string, not a number$/],
      [() => client.sentimentAgreement({ day: 7 }), Error, /^sentimentAgreement: unknown option "day"; known: symbol, days, signal$/],
      [() => client.sentimentAgreement({ days: -1 }), Error, /days/],
      [() => client.sentimentAgreement('TSLA'), TypeError, /sentimentAgreement/],
      [() => client.sentimentAnalyses('AAPL', 0), Error, /days must be 1 to 3650, not 0/],
      [() => client.sentimentAnalyses('AAPL', 1.5), Error, /sentimentAnalyses: days/],
      [() => client.sentimentTrend('AAPL', { days: 3 }), Error, /^sentimentTrend: unknown option "days"; known: signal$/],
      [() => client.mentions('AAPL', { limt: 5 }), Error, /^mentions: unknown option "limt"; known: days, limit, signal$/],
      [() => client.mentions('AAPL', { days: '7' }), TypeError, /mentions: options\.days must be/],
      [() => client.scorePosts(['x'], { signl: null }), Error, /^scorePosts: unknown option "signl"; known: signal$/],
    ]) {
      const e = await rejectsWith(call(), 'InvalidInput')
      assert.ok(e instanceof type, `${e}`)
      assert.match(e.message, message)
    }
  })
})

describe('sentimentAnalyses and sentimentTrend', () => {
  it('give the stored per-platform records', async () => {
    const client = fresh()
    const first = await client.sentiment('NVDA')
    await client.sentiment('NVDA')
    const records = await client.sentimentAnalyses('NVDA', 1)
    assert.equal(records.length, 2)
    assert.deepEqual(records[0], { symbol: 'NVDA', timestamp: first.analysisTimestamp, detail: first.platforms[0] })
    assert.deepEqual(await client.sentimentAnalyses('MSFT'), [])
  })

  it('give the trend with its figures', async () => {
    const client = fresh()
    const s = await client.sentiment('KO')
    const trend = await client.sentimentTrend('ko')
    // Every sample post is of the last 24 hours: nothing to compare them with.
    assert.equal(trend.trend, 'insufficient_data')
    assert.equal(trend.baselinePosts, 0)
    assert.equal(trend.baselineScore, undefined)
    assert.equal(trend.recentPosts, s.mentionVolume)
    assert.ok(Math.abs(trend.recentScore - s.currentSentiment) < 1e-12)
  })
})

describe('sentimentAgreement', () => {
  it("compares the analyzer's sign with the authors' labels", async () => {
    const client = fresh({ social: [labelled], analyzer: 'textblob' })
    await client.sentiment('TSLA')
    const agreement = await client.sentimentAgreement({ symbol: 'TSLA', days: 7 })
    assert.equal(agreement.symbol, 'TSLA')
    assert.equal(agreement.days, 7)
    assert.equal(agreement.labelledPosts, 6)
    const textblob = agreement.analyzers.find((a) => a.analyzer === 'textblob')
    const expected = { bullish: [0, 0, 0], bearish: [0, 0, 0] }
    for (const [text, label] of LABELLED) {
      const score = polarity(text)
      const sign = label === 'bullish' ? 1 : -1
      expected[label][0] += 1
      expected[label][1] += score * sign > 0 ? 1 : 0
      expected[label][2] += score === 0 ? 1 : 0
    }
    assert.deepEqual(textblob.labels.map((l) => [l.label, l.posts, l.agreed, l.neutral]), [
      ['bullish', ...expected.bullish],
      ['bearish', ...expected.bearish],
    ])
    const agreed = expected.bullish[1] + expected.bearish[1]
    assert.equal(textblob.posts, 6)
    assert.equal(textblob.agreed, agreed)
    assert.ok(Math.abs(textblob.accuracy - agreed / 6) < 1e-12)
    const all = await client.sentimentAgreement()
    assert.equal(all.symbol, undefined)
    assert.equal(all.labelledPosts, 6)
    assert.equal((await client.sentimentAgreement({ symbol: 'MSFT' })).labelledPosts, 0)
    await rejectsWith(client.sentimentAgreement({ days: 0 }), 'InvalidInput')
  })
})

const TEXTS = ['What a great quarter', 'Terrible guidance, awful', 'Solid buy at these levels']

describe('scorePosts', () => {
  it('scores each text as the analyzer does and reports per platform', async () => {
    const scored = await fresh().scorePosts([
      { text: TEXTS[0] },
      TEXTS[1],
      { text: TEXTS[2], platform: 'forum', id: 7, url: 'https://forum.example/7', createdAt: new Date('2024-05-01T00:00:00Z') },
    ])
    const want = TEXTS.map(polarity)
    assert.equal(scored.analyzer, 'textblob')
    assert.deepEqual(scored.scores, want)
    const byPlatform = Object.fromEntries(scored.platforms.map((p) => [p.platform, p]))
    assert.deepEqual(Object.keys(byPlatform).sort(), ['forum', 'user'])
    assert.equal(byPlatform.user.mentionCount, 2)
    assert.ok(Math.abs(byPlatform.user.sentimentScore - (want[0] + want[1]) / 2) < 1e-12)
    assert.deepEqual(byPlatform.forum.sourceUrls, ['https://forum.example/7'])
    assert.ok(Math.abs(scored.overall - (want[0] + want[1] + want[2]) / 3) < 1e-12)
  })

  it('refuses a post that does not fit, naming it and its field', async () => {
    const client = fresh()
    for (const [posts, type, message] of [
      ['one text', TypeError, 'scorePosts: posts must be an array of posts or strings, not a string'],
      [[5], TypeError, 'scorePosts: posts[0] must be a post object or a string, not a number'],
      [[null], TypeError, 'scorePosts: posts[0] must be a post object or a string, not null'],
      [[{ text: 'ok' }, { txt: 'x' }], Error, 'scorePosts: posts[1] has an unknown key "txt"; known: text, platform, id, url, createdAt'],
      [[{ platform: 'x' }], Error, 'scorePosts: posts[0] has no text'],
      [[{ text: 3 }], TypeError, 'scorePosts: posts[0].text must be a string, not a number'],
      [[{ text: 'x', createdAt: '2024-05-01' }], TypeError, 'scorePosts: posts[0].createdAt must be a Date, not a string'],
      [[{ text: 'x', createdAt: new Date('nope') }], Error, 'scorePosts: posts[0].createdAt is an invalid Date (its time is NaN)'],
      [[{ text: 'x', id: 1.5 }], Error, 'scorePosts: posts[0].id must be a whole number or a string, not 1.5'],
      [[{ text: 'x', platform: ' ' }], Error, 'scorePosts: posts[0].platform is empty'],
      [['x'.repeat(40_001)], Error, 'scorePosts: posts[0] is longer than the 40000 bytes a post may hold'],
      [[{ text: 'é'.repeat(20_001) }], Error, 'scorePosts: posts[0].text is longer than the 40000 bytes a post may hold'],
      [[{ text: 'x', platform: 'p'.repeat(65) }], Error, 'scorePosts: posts[0].platform is longer than the 64 bytes a post may hold'],
    ]) {
      const e = await rejectsWith(client.scorePosts(posts), 'InvalidInput')
      assert.ok(e instanceof type, `${e}`)
      assert.equal(e.message, message)
    }
  })
})

describe('mentions', () => {
  it('gives the posts an analysis scores, newest first', async () => {
    const client = fresh()
    const posts = await client.mentions('TSLA')
    const analysis = await client.sentiment('TSLA')
    assert.equal(posts.length, analysis.mentionVolume)
    assert.equal(new Set(posts.map((p) => p.id)).size, posts.length)
    for (const p of posts) {
      assert.equal(p.platform, 'sample')
      assert.ok(p.text.includes('$TSLA'), p.text)
      assert.ok(p.createdAt instanceof Date)
      assert.equal(p.author, undefined)
      assert.equal(p.label, undefined)
    }
    const times = posts.map((p) => p.createdAt.getTime())
    assert.deepEqual(times, [...times].sort((a, b) => b - a))
    const three = await client.mentions('TSLA', { days: 1, limit: 3 })
    assert.deepEqual(three.map((p) => p.id), posts.slice(0, 3).map((p) => p.id))
  })

  it("carries a source's labels, leaves a failing source out, and rejects when none answers", async () => {
    const posts = await fresh({ social: [labelled] }).mentions('TSLA')
    assert.deepEqual(posts.map((p) => [p.id, p.label]), LABELLED.map(([, label], i) => [`st-${i}`, label]))
    const mixed = await fresh({ social: ['sample://', failing] }).mentions('TSLA')
    assert.deepEqual([...new Set(mixed.map((p) => p.platform))], ['sample'])
    const e = await rejectsWith(fresh({ social: [failing] }).mentions('TSLA'), 'Upstream')
    assert.match(e.message, /the forum is down/)
    await rejectsWith(fresh().mentions('TSLA', { limit: 1001 }), 'InvalidInput')
    await rejectsWith(fresh().mentions('TSLA', { days: 0 }), 'InvalidInput')
  })
})

describe('socialCredentials', () => {
  it('are used and never shown', async () => {
    await withoutCredentials(async () => {
      const secret = 'sh-secret-4711'
      const client = fresh({
        social: 'sample://,reddit+http://127.0.0.1:9',
        retries: 0,
        timeout: 2,
        socialCredentials: { redditClientId: 'app-id-0815', redditClientSecret: secret, xBearerToken: null },
      })
      const s = await client.sentiment('TSLA')
      assert.deepEqual(s.sources.map((x) => x.state), ['ok', 'failed'], 'configured, so asked (nothing listens there)')
      assert.ok(!s.sources[1].reason.includes(secret) && !s.sources[1].reason.includes('app-id-0815'))
      const alone = fresh({
        social: 'reddit+http://127.0.0.1:9',
        retries: 0,
        socialCredentials: { redditClientId: 'app-id-0815', redditClientSecret: secret },
      })
      await assert.rejects(alone.mentions('TSLA'), (e) => {
        assert.ok(e instanceof Error && typeof e.code === 'string', `${e}`)
        assert.ok(!e.message.includes(secret) && !e.message.includes('app-id-0815'), e.message)
        return true
      })
    })
  })

  it('are checked as options are, without echoing a value', () => {
    for (const [given, type, message] of [
      [{ redditToken: 'abc-123' }, Error, 'new Client: unknown key in options.socialCredentials: "redditToken"; known: redditClientId, redditClientSecret, redditUserAgent, xBearerToken'],
      [{ redditClientId: 12345 }, TypeError, 'new Client: options.socialCredentials.redditClientId must be a string'],
      ['REDDIT_CLIENT_ID=abc', TypeError, 'new Client: options.socialCredentials must be an object, not a string'],
    ]) {
      assert.throws(() => new Client({ store: 'memory://', socialCredentials: given }), (e) => {
        assert.ok(e instanceof type, `${e}`)
        assert.equal(e.code, 'InvalidInput')
        assert.equal(e.message, message)
        return true
      })
    }
  })
})
