// `Vader` gives vaderSentiment 3.3.2's scores: the package's own examples
// with the values the Python package prints, batch scoring that agrees with
// one-at-a-time scoring without blocking the event loop, and arguments of
// the wrong type or odd Unicode handled without a crash.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import binding from '../index.js'
import { makeTexts } from './support/texts.mjs'

const { Vader } = binding

const zero = { neg: 0, neu: 0, pos: 0, compound: 0 }

// vaderSentiment's README examples, scored by the Python package.
const EXAMPLES = [
  ['VADER is smart, handsome, and funny.', { neg: 0, neu: 0.254, pos: 0.746, compound: 0.8316 }],
  ['VADER is VERY SMART, handsome, and FUNNY!!!', { neg: 0, neu: 0.233, pos: 0.767, compound: 0.9342 }],
  ['VADER is not smart, handsome, nor funny.', { neg: 0.646, neu: 0.354, pos: 0, compound: -0.7424 }],
  ['The book was only kind of good.', { neg: 0, neu: 0.697, pos: 0.303, compound: 0.3832 }],
  [
    'The plot was good, but the characters are uncompelling and the dialog is not great.',
    { neg: 0.327, neu: 0.579, pos: 0.094, compound: -0.7042 },
  ],
  ["Today only kinda sux! But I'll get by, lol", { neg: 0.127, neu: 0.556, pos: 0.317, compound: 0.5249 }],
  ['Catch utf-8 emoji such as 💘 and 💋 and 😁', { neg: 0, neu: 0.583, pos: 0.417, compound: 0.875 }],
  ['', zero],
]

// Words that exercise VADER's rules: lexicon words, boosters, dampeners,
// negations, "but", idioms, emoticons, emojis, capitals and punctuation.
const WORDS = [
  'good', 'great', 'bad', 'terrible', 'love', 'hate', 'smart', 'funny', 'ugly', 'nice', 'awful',
  'very', 'extremely', 'kinda', 'sort', 'of', 'kind', 'slightly', 'barely', 'really', 'so',
  'not', "isn't", 'never', 'nor', 'without', 'least', 'no', 'but', 'BUT', 'yeah', 'right',
  'the', 'shit', 'bomb', 'kiss', 'death', 'to', 'die', 'for', 'bad', 'ass', 'stock', 'price',
  'AAPL', '$TSLA', 'moon', 'bullish', 'bearish', 'crash', 'rally', 'lol', 'sux', ':)', ':(',
  ':-D', '<3', '😁', '💘', '😡', '📉', '🚀', 'GREAT', 'HATE', 'LOVE', 'is', 'was', 'and', 'a',
]
const ENDINGS = ['', '.', '!', '!!', '!!!!', '?', '??', '?!', '...', ' lol']

/** `count` varied texts from a fixed seed. */
function texts(count, seed = 3_3_2) {
  return makeTexts({ words: WORDS, endings: ENDINGS, examples: EXAMPLES, count, seed })
}

describe('polarityScores', () => {
  const vader = new Vader()
  for (const [text, expected] of EXAMPLES) {
    it(`scores ${JSON.stringify(text)} as vaderSentiment does`, () => {
      assert.deepEqual(vader.polarityScores(text), expected)
    })
  }

  it('returns a plain object with exactly neg, neu, pos and compound', () => {
    const scores = vader.polarityScores('good')
    assert.deepEqual(Object.keys(scores).sort(), ['compound', 'neg', 'neu', 'pos'])
    for (const value of Object.values(scores)) assert.equal(typeof value, 'number')
  })

  it('gives the same scores from every instance', () => {
    const text = EXAMPLES[1][0]
    assert.deepEqual(new Vader().polarityScores(text), vader.polarityScores(text))
  })

  it('scores odd Unicode without throwing', () => {
    for (const text of ['\uD800', '\uDFFF', 'good \uDBFF', 'ǅ', 'İstanbul', '\u00a0x\u3000', '\u0000', 'a\u200db', '🏳️‍🌈 great']) {
      const s = vader.polarityScores(text)
      for (const key of ['neg', 'neu', 'pos', 'compound']) {
        assert.ok(Number.isFinite(s[key]), `${key} of ${JSON.stringify(text)}: ${s[key]}`)
      }
      assert.ok(s.compound >= -1 && s.compound <= 1)
    }
  })

  it('reads a lone surrogate as U+FFFD', () => {
    assert.deepEqual(vader.polarityScores('\uD800 good'), vader.polarityScores('\uFFFD good'))
  })

  it('throws for an argument that is not a string', () => {
    for (const arg of [42, null, undefined, {}, ['good'], Symbol('good')]) {
      assert.throws(() => vader.polarityScores(arg), Error, `argument ${String(arg)}`)
    }
    assert.throws(() => vader.polarityScores(), Error)
  })
})

describe('polarityScoresMany', () => {
  const vader = new Vader()

  it('scores the examples as vaderSentiment does', async () => {
    const scores = await vader.polarityScoresMany(EXAMPLES.map(([text]) => text))
    assert.deepEqual(
      scores,
      EXAMPLES.map(([, expected]) => expected),
    )
  })

  it('equals polarityScores of each text, in order, over 2,000 varied texts', async () => {
    const batch = texts(2_000)
    assert.ok(new Set(batch).size > 1_500, 'texts not varied enough')
    const many = await vader.polarityScoresMany(batch)
    assert.equal(many.length, batch.length)
    for (const [i, text] of batch.entries()) {
      assert.deepEqual(many[i], vader.polarityScores(text), `text ${i}: ${JSON.stringify(text)}`)
    }
    // The batch holds scores of every kind, so agreement is not trivial.
    assert.ok(many.some((s) => s.compound > 0.5))
    assert.ok(many.some((s) => s.compound < -0.5))
    assert.ok(many.some((s) => s.compound === 0))
  })

  it('resolves an empty array to []', async () => {
    assert.deepEqual(await vader.polarityScoresMany([]), [])
  })

  it('returns a promise and leaves the event loop running while it scores', async () => {
    const batch = texts(30_000, 7)
    let ticks = 0
    let running = true
    const tick = () => {
      if (!running) return
      ticks++
      setImmediate(tick)
    }
    const pending = vader.polarityScoresMany(batch)
    assert.ok(pending instanceof Promise)
    setImmediate(tick)
    const scores = await pending
    running = false
    assert.equal(scores.length, batch.length)
    assert.ok(ticks > 0, 'the event loop did not turn while the batch was scored')
  })

  it('runs batches concurrently with the same results', async () => {
    const batch = texts(500, 11)
    const results = await Promise.all([1, 2, 3, 4].map(() => vader.polarityScoresMany(batch)))
    for (const r of results) assert.deepEqual(r, results[0])
  })

  it('scores odd Unicode without throwing', async () => {
    const odd = ['\uD800', 'ǅ', 'İstanbul', '\u00a0x\u3000', '']
    const scores = await vader.polarityScoresMany(odd)
    assert.deepEqual(
      scores,
      odd.map((t) => vader.polarityScores(t)),
    )
  })

  it('throws synchronously for an argument that is not an array of strings', () => {
    for (const arg of ['good', 42, null, undefined, { length: 1, 0: 'good' }, ['good', 42], [null]]) {
      assert.throws(() => vader.polarityScoresMany(arg), Error, `argument ${JSON.stringify(arg)}`)
    }
    assert.throws(() => vader.polarityScoresMany(), Error)
  })
})
