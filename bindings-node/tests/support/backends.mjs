// Backends written in JS, as a user of the package writes them: a legacy
// data source wrapped with plain methods, the same with async methods, a
// forum of posts and two analyzers. Each records how it was called.

const DAY = 86_400_000

/** Daily bars of a made-up series from `start` to `end` (midnight UTC stamps), at most 400 days of them. */
export function dailyBars(start, end) {
  const bars = []
  const first = Math.ceil(Math.max(start.getTime(), end.getTime() - 400 * DAY) / DAY) * DAY
  for (let t = first, i = 0; t < end.getTime(); t += DAY, i++) {
    const close = 100 + (i % 7) - 3
    bars.push({ timestamp: new Date(t), open: close - 0.5, high: close + 1, low: close - 1, close, volume: 1000 + i })
  }
  return bars
}

const HITS = [
  { symbol: 'AAPL', name: 'Apple Inc.', kind: 'EQUITY', exchange: 'NMS' },
  { symbol: 'APLE', name: 'Apple Hospitality REIT', kind: 'EQUITY', exchange: 'NYQ' },
  { symbol: 'APPN', name: 'Appian Corporation', kind: 'EQUITY', exchange: 'NMS' },
]

/** A provider with plain (synchronous) methods that knows AAPL and MSFT. */
export function syncProvider() {
  const provider = {
    name: 'legacy-sync',
    calls: [],
    quote(symbol) {
      this.calls.push({ method: 'quote', args: [symbol], self: this === provider })
      if (!['AAPL', 'MSFT'].includes(symbol)) return null
      return { symbol, price: 190.5, previousClose: 188, currency: 'USD', exchange: 'NMS', volume: 5000, marketCap: 3e12 }
    },
    history(symbol, start, end, interval) {
      this.calls.push({ method: 'history', args: [symbol, start, end, interval], self: this === provider })
      if (!['AAPL', 'MSFT'].includes(symbol)) return null
      return { bars: dailyBars(start, end), currency: 'USD', timezone: 'America/New_York', instrumentType: 'EQUITY' }
    },
    search(query, limit) {
      this.calls.push({ method: 'search', args: [query, limit], self: this === provider })
      const q = query.toUpperCase()
      return HITS.filter((h) => h.symbol.startsWith(q) || h.name.toUpperCase().includes(q)).slice(0, limit)
    },
  }
  return provider
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** The same data behind async methods, as a class; history answers bare bars. */
export class AsyncProvider {
  constructor(delayMs = 5) {
    this.name = 'legacy-async'
    this.delayMs = delayMs
    this.calls = []
  }
  async quote(symbol) {
    this.calls.push({ method: 'quote', args: [symbol], self: this instanceof AsyncProvider })
    await pause(this.delayMs)
    if (!['AAPL', 'MSFT'].includes(symbol)) return null
    return { price: 50, previousClose: 40, marketTime: '2024-05-01T20:00:00Z' }
  }
  async history(symbol, start, end, interval) {
    this.calls.push({ method: 'history', args: [symbol, start, end, interval], self: this instanceof AsyncProvider })
    await pause(this.delayMs)
    if (!['AAPL', 'MSFT'].includes(symbol)) return null
    // Newest first: the client puts them in order.
    return dailyBars(start, end).reverse()
  }
  async search(query, limit) {
    this.calls.push({ method: 'search', args: [query, limit], self: this instanceof AsyncProvider })
    await pause(this.delayMs)
    return HITS.slice(0, limit)
  }
}

/** A forum whose posts mention any symbol, some of them older than a week. */
export function forum(platform = 'forum') {
  const source = {
    platform,
    calls: [],
    async mentions(symbol, since, limit) {
      source.calls.push({ args: [symbol, since, limit], self: this === source })
      const now = Date.now()
      const posts = [
        { id: 1, text: `${symbol} is going up, great quarter`, url: 'https://forum.example/1', createdAt: new Date(now - 3_600_000) },
        { id: '2', text: `selling ${symbol}, it looks bad`, createdAt: new Date(now - 7_200_000).toISOString() },
        { id: 3, text: `${symbol} up again`, createdAt: new Date(now - 10_800_000) },
        { id: 4, text: `${symbol} from long ago`, createdAt: new Date(now - 400 * DAY) },
      ]
      return posts.slice(0, limit)
    },
  }
  return source
}

/** A word-count analyzer: 0.8 for a text saying "up", -0.4 for any other. */
export const upOrDown = (text) => (/\bup\b/.test(text) ? 0.8 : -0.4)
