// Mention sources and analyzers written in JS: `social` mixes them with
// URLs, `analyzer` takes a function or an object, and what they throw or
// give wrong fails the analysis typed, naming the method.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import binding from '../index.js'
import { forum, upOrDown } from './support/backends.mjs'
import { rejectsWith } from './support/errors.mjs'

const { Client } = binding

const clientWith = (options) => new Client({ store: 'memory://', cache: 'none://', ...options })

describe('a JS mention source', () => {
  it('is asked with the symbol, a since and a limit, `this` bound, and only recent posts count', async () => {
    const source = forum()
    const analysis = await clientWith({ social: [source] }).sentiment('aapl')
    assert.deepEqual(analysis.platforms.map((p) => p.platform), ['forum'])
    const [symbol, since, limit] = source.calls[0].args
    assert.equal(symbol, 'AAPL')
    assert.ok(since instanceof Date && since < new Date())
    assert.ok(Number.isInteger(limit) && limit >= 4, `limit ${limit}`)
    assert.equal(source.calls[0].self, true)
    // The post from 400 days ago is older than `since`.
    assert.equal(analysis.mentionVolume, 3)
    assert.deepEqual(analysis.platforms[0].sourceUrls, ['https://forum.example/1'], 'posts without a link give none')
  })

  it('mixes with URL sources, and one object needs no array', async () => {
    const mixed = await clientWith({ social: ['sample://', forum('club')] }).sentiment('MSFT')
    assert.deepEqual(mixed.platforms.map((p) => p.platform).sort(), ['club', 'sample'])
    const alone = await clientWith({ social: forum('solo') }).sentiment('MSFT')
    assert.deepEqual(alone.platforms.map((p) => p.platform), ['solo'])
  })

  it('that throws fails the analysis typed, with the cause', async () => {
    const thrown = new Error('forum offline')
    const broken = { platform: 'forum', mentions: () => Promise.reject(thrown) }
    const e = await rejectsWith(clientWith({ social: [broken] }).sentiment('AAPL'), 'Upstream')
    assert.equal(e.cause, thrown)
    assert.match(e.message, /social\[0\]\.mentions threw: "forum offline"/)
  })

  it('a bad post names its field', async () => {
    const odd = { platform: 'forum', mentions: () => [{ id: 1, text: 7, createdAt: new Date() }] }
    const e = await rejectsWith(clientWith({ social: odd }).sentiment('AAPL'), 'Upstream')
    assert.match(e.message, /social\.mentions returned a bad value: `\[0\]\.text` must be a string, not the number 7/)
  })

  it('is refused without a platform or mentions', () => {
    for (const [source, why] of [
      [{ mentions: () => [] }, /options\.social\[1\] must be a URL or a MentionSource.*`platform`/],
      [{ platform: 'x' }, /options\.social\[1\] must be .*no method `mentions`/],
      [7, /options\.social\[1\] must be .*the number 7/],
    ]) {
      assert.throws(() => clientWith({ social: ['sample://', source] }), (e) => {
        assert.ok(e instanceof TypeError, `${e}`)
        assert.equal(e.code, 'InvalidInput')
        assert.match(e.message, why)
        return true
      })
    }
  })
})

describe('a JS analyzer', () => {
  it('as a function scores every post', async () => {
    const analysis = await clientWith({ social: [forum()], analyzer: upOrDown }).sentiment('AAPL')
    // Two posts say "up" (0.8), one does not (-0.4).
    assert.ok(Math.abs(analysis.currentSentiment - (0.8 + 0.8 - 0.4) / 3) < 1e-9, `${analysis.currentSentiment}`)
  })

  it('as an object uses scoreMany once per analysis, every platform in one batch, with `this` bound', async () => {
    const analyzer = {
      name: 'counting',
      batches: [],
      score: () => {
        throw new Error('scoreMany is there')
      },
      async scoreMany(texts) {
        this.batches.push(texts)
        return texts.map(() => 0.25)
      },
    }
    const analysis = await clientWith({ social: [forum('a'), forum('b')], analyzer }).sentiment('MSFT')
    assert.equal(analysis.currentSentiment, 0.25)
    assert.deepEqual(analyzer.batches.map((b) => b.length), [6])
  })

  it('with score alone has score called for each text, async or not', async () => {
    let calls = 0
    const analyzer = { score: async (text) => (calls++, text.includes('bad') ? { polarity: -1 } : 1) }
    const analysis = await clientWith({ social: [forum()], analyzer }).sentiment('AAPL')
    assert.equal(calls, 3)
    assert.ok(Math.abs(analysis.currentSentiment - 1 / 3) < 1e-9)
  })

  it('that throws fails the analysis as Internal, with the cause', async () => {
    const thrown = new Error('model not loaded')
    const e = await rejectsWith(clientWith({
      social: [forum()],
      analyzer: () => {
        throw thrown
      },
    }).sentiment('AAPL'), 'Internal')
    assert.equal(e.cause, thrown)
    assert.match(e.message, /analyzer threw: "model not loaded"/)
  })

  it('giving no polarity fails naming it', async () => {
    const tooBig = await rejectsWith(clientWith({ social: [forum()], analyzer: () => 2 }).sentiment('AAPL'), 'Upstream')
    assert.match(tooBig.message, /analyzer returned a bad value: `\[0\]` must be a polarity from -1 to 1, not 2/)
    const short = { score: () => 0, scoreMany: (texts) => texts.slice(1).map(() => 0) }
    const e = await rejectsWith(clientWith({ social: [forum()], analyzer: short }).sentiment('AAPL'), 'Upstream')
    assert.match(e.message, /analyzer\.scoreMany returned 2 scores for 3 texts/)
  })

  it('is refused without score, or with a scoreMany that is no function', () => {
    for (const [analyzer, why] of [
      [{ scoreMany: () => [] }, /no method `score`/],
      [{ score: () => 0, scoreMany: 'all' }, /`scoreMany` is the string "all"/],
      [12, /options\.analyzer must be an analyzer name, a function .*the number 12/],
    ]) {
      assert.throws(() => clientWith({ analyzer }), (e) => e instanceof TypeError && e.code === 'InvalidInput' && why.test(e.message))
    }
    assert.throws(() => clientWith({ analyzer: 'magic' }), (e) => e.code === 'InvalidInput' && !(e instanceof TypeError))
  })
})
