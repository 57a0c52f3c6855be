// `TextBlobAnalyzer` gives TextBlob 0.20.1's `TextBlob(text).sentiment`:
// texts that exercise each of its rules with the values the Python package
// prints, batch scoring that agrees with one-at-a-time scoring, and
// arguments of the wrong type refused synchronously.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import binding from '../index.js'
import { largestGapDuring, manyTexts, rows } from './support/batches.mjs'
import { makeTexts } from './support/texts.mjs'

const { TextBlobAnalyzer } = binding

// Scored by TextBlob 0.20.1 (`TextBlob(text).sentiment`, printed with
// `repr`, so every digit is there). The port is bit-exact: compare with
// `strictEqual`, never within a tolerance.
const EXAMPLES = [
  ['', 0, 0],
  ['good', 0.7, 0.6000000000000001],
  ['very good', 0.9099999999999999, 0.7800000000000001], // intensifier
  ['not good', -0.35, 0.6000000000000001], // negation flips and halves
  ['not a good', -0.35, 0.6000000000000001], // ...across an article too
  ['great!', 1, 0.75], // "!" strengthens the word before
  [':)', 0.5, 1], // emoticon
  [': )', 0.5, 1], // emoticon written with a space, closed up
  ['good (!)', 0.35, 0.8], // "(!)" is sarcasm
  ['the stock price of xyzzy', 0, 0], // no known word
  ['naive', -0.3, 1],
  ['naïve', 0, 0], // not the lexicon's "naive"
  ['Zoë’s café is good — très good!', 0.7875, 0.6000000000000001],
  ['Ünïcödé wörds, then a nice day 😀', 0.6, 1],
  ['The movie was not a good one, but the ending was great!', 0.325, 0.675],
  ["It's not bad at all", 0.3499999999999999, 0.6666666666666666],
]

// Words that exercise TextBlob's rules: lexicon words, intensifiers,
// negations, emoticons (also spaced out), "(!)", unknown words, capitals
// and non-ASCII.
const WORDS = [
  'good', 'great', 'bad', 'terrible', 'love', 'hate', 'nice', 'awful', 'happy', 'sad', 'naive',
  'very', 'extremely', 'really', 'so', 'quite', 'not', 'never', 'no', "n't", "isn't", 'a', 'the',
  'and', 'but', 'is', 'was', 'stock', 'price', 'AAPL', '$TSLA', 'moon', 'crash', 'rally',
  ':)', ':(', ':-)', ': )', ': - (', ';)', '<3', '(!)', '( ! )', 'GOOD', 'Not', 'VERY', 'naïve',
  'café', 'très', '😁', '🚀', 'İstanbul', 'xyzzy',
]
const ENDINGS = ['', '.', '!', '!!', '?', '...', ' :)', ' (!)']

/** `count` varied texts from a fixed seed. */
function texts(count, seed = 20_1) {
  return makeTexts({ words: WORDS, endings: ENDINGS, examples: EXAMPLES, count, seed })
}

/** Asserts that `got` is `{ polarity, subjectivity }` to the last bit. */
function assertSentiment(got, polarity, subjectivity, text) {
  assert.deepEqual(Object.keys(got).sort(), ['polarity', 'subjectivity'], JSON.stringify(text))
  assert.strictEqual(got.polarity, polarity, `polarity of ${JSON.stringify(text)}`)
  assert.strictEqual(got.subjectivity, subjectivity, `subjectivity of ${JSON.stringify(text)}`)
}

describe('sentiment', () => {
  const analyzer = new TextBlobAnalyzer()
  for (const [text, polarity, subjectivity] of EXAMPLES) {
    it(`scores ${JSON.stringify(text)} as TextBlob does`, () => {
      assertSentiment(analyzer.sentiment(text), polarity, subjectivity, text)
    })
  }

  it('gives the same sentiment from every instance', () => {
    const text = 'The movie was not a good one, but the ending was great!'
    assert.deepEqual(new TextBlobAnalyzer().sentiment(text), analyzer.sentiment(text))
  })

  it('reads a lone surrogate as U+FFFD', () => {
    assert.deepEqual(analyzer.sentiment('\uD800 good'), analyzer.sentiment('\uFFFD good'))
  })

  it('throws for an argument that is not a string', () => {
    for (const arg of [42, null, undefined, {}, ['good'], Symbol('good')]) {
      assert.throws(() => analyzer.sentiment(arg), Error, `argument ${String(arg)}`)
    }
    assert.throws(() => analyzer.sentiment(), Error)
  })
})

describe('sentimentMany', () => {
  const analyzer = new TextBlobAnalyzer()

  it('scores the examples as TextBlob does, as columns of Float64Arrays', async () => {
    const columns = await analyzer.sentimentMany(EXAMPLES.map(([text]) => text))
    assert.deepEqual(Object.keys(columns), ['polarity', 'subjectivity'])
    const many = rows(columns)
    assert.equal(many.length, EXAMPLES.length)
    for (const [i, [text, polarity, subjectivity]] of EXAMPLES.entries()) {
      assertSentiment(many[i], polarity, subjectivity, text)
    }
  })

  it('equals sentiment of each text, in order, over 2,000 varied texts', async () => {
    const batch = texts(2_000)
    assert.ok(new Set(batch).size > 1_500, 'texts not varied enough')
    const pending = analyzer.sentimentMany(batch)
    assert.ok(pending instanceof Promise)
    const many = rows(await pending)
    assert.equal(many.length, batch.length)
    for (const [i, text] of batch.entries()) {
      const one = analyzer.sentiment(text)
      assertSentiment(many[i], one.polarity, one.subjectivity, `text ${i}: ${text}`)
    }
    // The batch holds sentiments of every kind, so agreement is not trivial.
    assert.ok(many.some((s) => s.polarity > 0.5))
    assert.ok(many.some((s) => s.polarity < -0.5))
    assert.ok(many.some((s) => s.polarity === 0 && s.subjectivity === 0))
  })

  it('resolves an empty array to empty columns', async () => {
    assert.deepEqual(await analyzer.sentimentMany([]), { polarity: new Float64Array(), subjectivity: new Float64Array() })
  })

  it('never stalls the event loop for 50 ms during a batch of 1,000,000 texts', async () => {
    const batch = manyTexts(1_000_000)
    const runs = []
    for (let i = 0; i < 3; i++) runs.push(await largestGapDuring(() => analyzer.sentimentMany(batch)))
    for (const { result } of runs) assert.equal(result.polarity.length, 1_000_000)
    const gaps = runs.map((r) => r.gap.toFixed(1)).join(', ')
    console.log(`# sentimentMany of 1,000,000 texts: ${runs.map((r) => r.took.toFixed(0)).join(', ')} ms; largest gaps ${gaps} ms`)
    // As for VADER: the best of three runs, and a bound on every run.
    assert.ok(Math.min(...runs.map((r) => r.gap)) < 50, `largest gaps ${gaps} ms`)
    assert.ok(Math.max(...runs.map((r) => r.gap)) < 250, `largest gaps ${gaps} ms`)
  })

  it('throws synchronously for an argument that is not an array of strings', () => {
    for (const arg of ['good', 42, null, undefined, { length: 1, 0: 'good' }, ['good', 42], [null]]) {
      assert.throws(() => analyzer.sentimentMany(arg), Error, `argument ${JSON.stringify(arg)}`)
    }
    assert.throws(() => analyzer.sentimentMany(), Error)
  })
})
