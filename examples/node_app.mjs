// A small Node program over tickersense: a quote, a month of bars with a
// deadline, a batch where one symbol fails on its own, the social mood, and
// the client closed at the end. Offline by default (sample:// data, memory
// store); set TICKERSENSE_MARKET_DATA=yahoo:// for live prices.
//
//   (cd bindings-node && npm install && npm run build && npm link)
//   npm link tickersense && node examples/node_app.mjs   # at the repository root

import { Client } from 'tickersense'

const client = new Client({ store: 'memory://' })
try {
  const quote = await client.quote('AAPL')
  console.log(`${quote.symbol} ${quote.price.toFixed(2)} ${quote.currency} (${quote.changePercent.toFixed(2)} %)`)

  // Give up after five seconds: the promise rejects with a TimeoutError
  // (the signal's reason) and the fetch is cancelled.
  const month = await client.history('AAPL', { period: '1mo', signal: AbortSignal.timeout(5_000) })
  console.log(`${month.bars.length} daily bars from the ${month.origin}`)

  for (const { symbol, history, error } of await client.historyMany(['MSFT', 'NVDA', 'NOPE'])) {
    console.log(error ? `${symbol}: ${error.code}` : `${symbol}: ${history.bars.length} bars`)
  }

  const mood = await client.sentiment('AAPL')
  console.log(`sentiment ${mood.currentSentiment.toFixed(3)}, ${mood.sentimentTrend}, ${mood.mentionVolume} posts`)
} catch (e) {
  // Every library error has `code`: 'InvalidInput', 'NotFound', 'RateLimited', ...
  console.error(`${e.code ?? e.name}: ${e.message}`)
  process.exitCode = 1
} finally {
  await client.close()
}
