// What the documentation promises: the Node examples of both READMEs run
// verbatim (copied into a file of their own, importing the package by its
// name), the package's `exports` serve `require` and `import` alike, and
// index.d.ts types every string-valued field by the literal union of
// core's names.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

import binding from '../index.js'

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..')

// A folder where `tickersense` resolves to this package, as after `npm install`.
const dir = mkdtempSync(join(tmpdir(), 'tickersense-node-docs-'))
after(() => rmSync(dir, { recursive: true, force: true }))
mkdirSync(join(dir, 'node_modules'))
symlinkSync(pkg, join(dir, 'node_modules', 'tickersense'), 'dir')

/** The first ```js block of `markdown` after the heading `heading` (or from the start). */
function jsBlock(markdown, heading) {
  const from = heading ? markdown.indexOf(`\n${heading}\n`) : 0
  assert.ok(from >= 0, `no heading ${heading}`)
  const match = /```js\n([\s\S]*?)```/.exec(markdown.slice(from))
  assert.ok(match, `no js block after ${heading}`)
  return match[1]
}

/** Runs `source` as the file `name` in the folder above, with no TICKERSENSE_* settings. */
function run(name, source) {
  writeFileSync(join(dir, name), source)
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TICKERSENSE_')))
  return spawnSync(process.execPath, [name], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 })
}

describe('README examples run verbatim', () => {
  for (const [readme, heading] of [
    [join(pkg, 'README.md'), null],
    [join(pkg, 'README.md'), '## Backends of your own'],
    [join(pkg, '..', 'README.md'), '## Node'],
  ]) {
    it(`${readme.slice(pkg.length - 'bindings-node'.length)} ${heading ?? ''}`, () => {
      const source = jsBlock(readFileSync(readme, 'utf8'), heading)
      const name = /^\/\/ (\S+\.mjs)/.exec(source)?.[1]
      assert.ok(name, `the example names its file: ${source.split('\n')[0]}`)
      const child = run(name, source)
      assert.equal(child.signal, null, `killed by ${child.signal}`)
      assert.equal(child.status, 0, child.stderr)
    })
  }
})

describe('README: backends of your own', () => {
  it('the example market data passes its own testkit snippet', () => {
    const readme = readFileSync(join(pkg, 'README.md'), 'utf8')
    const example = jsBlock(readme, '## Backends of your own')
    const check = jsBlock(readme, '### Checking a backend: `testkit`')
    // Both blocks as one module (imports are hoisted, wherever they stand):
    // the snippet's report of the example's `marketData` must pass.
    const source = `${example}\n${check}\nconsole.log(JSON.stringify(report))\n`
    const child = run('own-backends-checked.mjs', source)
    assert.equal(child.status, 0, child.stderr)
    const report = JSON.parse(child.stdout.trim().split('\n').at(-1))
    assert.equal(report.backend, 'legacy-db')
    assert.deepEqual(report.checks.filter((c) => !c.passed), [])
    assert.equal(report.passed, true)
    assert.ok(report.checks.some((c) => c.name === 'market_data.search_finds_the_query'))
  })
})

describe('examples/node_app.mjs', () => {
  it('runs and prints what it promises', () => {
    const source = readFileSync(join(pkg, '..', 'examples', 'node_app.mjs'), 'utf8')
    const child = run('node_app.mjs', source)
    assert.equal(child.status, 0, child.stderr)
    assert.match(child.stdout, /^AAPL \d+\.\d\d USD/m)
    assert.match(child.stdout, /daily bars from the provider/)
    assert.match(child.stdout, /^NOPE: NotFound$/m)
    assert.match(child.stdout, /^sentiment -?\d\.\d{3}, (rising|stable|falling|insufficient_data), \d+ posts$/m)
  })
})

describe('package exports', () => {
  it('serve require and import with the same classes', () => {
    const source = `
      import { Client } from 'tickersense'
      import { createRequire } from 'node:module'
      const required = createRequire(import.meta.url)('tickersense')
      if (required.Client !== Client) throw new Error('two modules')
      const client = new Client({ store: 'memory://' })
      await client.quote('AAPL')
      await client.close()
    `
    const child = run('exports.mjs', source)
    assert.equal(child.status, 0, child.stderr)
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'))
    assert.equal(manifest.exports['.'].types, './index.d.ts')
    assert.match(manifest.engines.node, /20/)
  })
})

describe('index.d.ts', () => {
  const dts = readFileSync(join(pkg, 'index.d.ts'), 'utf8')
  /** The members of the literal union `name` declared in index.d.ts. */
  const union = (name) => {
    const match = new RegExp(`export type ${name} =([^]*?)\\n\\n`).exec(dts)
    assert.ok(match, `no type ${name}`)
    return [...match[1].matchAll(/'([^']*)'/g)].map((m) => m[1])
  }
  it("declares core's names as literal unions", () => {
    const names = binding.__coreNamesForTests()
    for (const [name, values] of Object.entries(names)) {
      assert.deepEqual(union(name), values, name)
    }
  })
  it('names in AnalyzerName only analyzers core has', () => {
    const names = union('AnalyzerName')
    assert.deepEqual(names, ['textblob', 'vader'])
    for (const analyzer of names) assert.ok(new binding.Client({ store: 'memory://', analyzer }), analyzer)
  })
  it('uses them for every string-valued field and option', () => {
    for (const typed of [
      'origin: Origin',
      'sentimentTrend: Trend',
      'trend: Trend',
      'state: SourceState',
      'label?: AuthorLabel',
      'label: AuthorLabel',
      'state: BackfillState',
      'interval: Interval',
      'code: ErrorCode',
      'causeCode?: ErrorCode',
      'period?: Period',
      'interval?: Interval',
      'signal?: AbortSignal',
      'role: BackendRole',
      'status: BackendStatus',
      'health(options?: HealthOptions | undefined | null): Promise<Array<BackendHealth>>',
    ]) {
      assert.ok(dts.includes(typed), typed)
    }
    assert.ok(!/\b(origin|state|sentimentTrend|trend|label|code|period|role|status): string/.test(dts), 'a plain string is left')
    assert.match(dts, /export interface TickersenseError extends Error/)
    assert.match(dts, /close\(\): Promise<void>/)
    assert.match(dts, /\[Symbol\.asyncDispose\]\(\): Promise<void>/)
  })
  it('states the defaults core applies, wherever it states one', () => {
    // The doc comments with their line breaks and leading `*`s joined up.
    const flat = dts.replace(/\n\s*\*(?!\/) ?/g, ' ').replace(/\s+/g, ' ')
    const statements = {
      searchLimit: [/at most `limit` \(default (\d+)/g],
      sentimentDays: [/last `days` days \(default (\d+)/g, /Days to look back, 1 to 3650 \(default (\d+)\); anything else rejects with `"InvalidInput"`\. \*\/ days\?: number \/\*\* Only this (?:platform|symbol)/g],
      mentionDays: [/last `options\.days` days \(default (\d+); 1 to 3650\)/g, /Days to look back, 1 to 3650 \(default (\d+)\); anything else rejects with `"InvalidInput"`\. \*\/ days\?: number \/\*\* Most posts/g],
      mentionLimit: [/Up to `options\.limit` \(default (\d+); 1 to 1000\)/g, /Most posts asked of each source, 1 to 1000 \(default (\d+)\)/g],
      historyConcurrency: [/`concurrency` \(default (\d+)\) fetched at a time/g, /1 to 64 \(default (\d+)\); anything else rejects with `"InvalidInput"`\. \*\/ concurrency\?: number \/\*\* As in `HistoryOptions`: aborts every fetch/g],
      backfillConcurrency: [/`concurrency` \(default (\d+)\) at a time, over/g, /1 to 64 \(default (\d+)\); anything else rejects with `"InvalidInput"`\. \*\/ concurrency\?: number \/\*\* As in `HistoryOptions`: aborts the run/g],
      period: [/Defaults: the last `"([^"]+)"`/g, /the same defaults \(the last `"([^"]+)"`/g, /`1d 5d 1mo 3mo 6mo 1y 2y 5y 10y ytd max` \(default `"([^"]+)"`\)/g, /\/\*\* As in `HistoryOptions` \(default `"([^"]+)"`\)\. \*\/ period/g],
      backfillPeriod: [/over `period` \(default `"([^"]+)"`\)/g, /but the default is `"([^"]+)"`/g],
      interval: [/Defaults: the last `"[^"]+"` of `"([^"]+)"` bars/g, /the same defaults \(the last `"[^"]+"` of `"([^"]+)"` bars\)/g, /`1m 2m 5m 15m 30m 60m 90m 1h 1d 5d 1wk 1mo 3mo` \(default `"([^"]+)"`\)/g, /\/\*\* As in `HistoryOptions` \(default `"([^"]+)"`\)\. \*\/ interval/g],
      timeout: [/\(default (\d+(?:\.\d+)?); fractions allowed\)/g],
      retries: [/\(default (\d+), `0` to never retry\)/g],
    }
    const defaults = binding.__coreDefaultsForTests()
    assert.deepEqual(Object.keys(statements).sort(), Object.keys(defaults).sort())
    for (const [name, patterns] of Object.entries(statements)) {
      for (const pattern of patterns) {
        const stated = [...flat.matchAll(pattern)].map((m) => m[1])
        assert.ok(stated.length > 0, `${name}: index.d.ts no longer says ${pattern}`)
        for (const value of stated) assert.equal(value, defaults[name], `${name}: ${pattern}`)
      }
    }
  })
})
