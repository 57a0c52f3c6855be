// Varied texts from a fixed seed, shared by the analyzers' tests.

/** A small seeded generator (mulberry32): the same texts on every run. */
function random(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * `count` texts: mostly 1–25 of `words` with one of `endings`, some of the
 * `examples` (`[text, ...expected]` rows) and some odd strings (empty, white
 * space only, a lone surrogate, non-ASCII).
 */
export function makeTexts({ words, endings, examples, count, seed }) {
  const next = random(seed)
  const pick = (list) => list[Math.floor(next() * list.length)]
  const out = []
  for (let i = 0; i < count; i++) {
    const roll = next()
    if (roll < 0.05) {
      out.push(examples[i % examples.length][0])
    } else if (roll < 0.08) {
      out.push(pick(['', ' ', '\n', '!!!', '😁', 'ǅ', 'İstanbul', '\u00a0x\u3000', '\uD800 good']))
    } else {
      const length = 1 + Math.floor(next() * 25)
      const chosen = Array.from({ length }, () => pick(words))
      out.push(chosen.join(next() < 0.1 ? '  ' : ' ') + pick(endings))
    }
  }
  return out
}
