// Helpers for the analyzers' batch calls, which resolve to columns of
// typed arrays: rows of them, and how long the event loop stalls while a
// batch runs.

import vm from 'node:vm'
import v8 from 'node:v8'

/** `{a: Float64Array, b: Float64Array}` as `[{a, b}, ...]`, for comparing with single calls. */
export function rows(columns) {
  const keys = Object.keys(columns)
  const n = columns[keys[0]].length
  for (const k of keys) {
    if (!(columns[k] instanceof Float64Array)) throw new TypeError(`${k} is not a Float64Array`)
    if (columns[k].length !== n) throw new RangeError(`${k} holds ${columns[k].length} values, not ${n}`)
  }
  return Array.from({ length: n }, (_, i) => Object.fromEntries(keys.map((k) => [k, columns[k][i]])))
}

v8.setFlagsFromString('--expose-gc')
const collectGarbage = vm.runInNewContext('gc')

/**
 * Runs `start()` (which returns a promise) while a 10 ms interval ticks and
 * returns `{ result, took, gap }`: what the promise resolved with, how long
 * it took, and the longest time between two ticks (ms). Garbage made before
 * is collected first, so that a collection it owes does not land inside.
 */
export async function largestGapDuring(start) {
  collectGarbage()
  let last = performance.now()
  let gap = 0
  const interval = setInterval(() => {
    const now = performance.now()
    gap = Math.max(gap, now - last)
    last = now
  }, 10)
  const started = performance.now()
  try {
    const result = await start()
    const took = performance.now() - started
    gap = Math.max(gap, performance.now() - last)
    return { result, took, gap }
  } finally {
    clearInterval(interval)
  }
}

/** `count` texts of a few kinds, each different. */
export function manyTexts(count) {
  const base = ['$TSLA is flying today, not bad at all but the fills were awful!', 'good', 'terrible day :(', 'I LOVE it!!!', 'meh']
  return Array.from({ length: count }, (_, i) => `${base[i % base.length]} ${i % 997}`)
}
