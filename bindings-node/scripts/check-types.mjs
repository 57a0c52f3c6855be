// Fails when the committed `index.d.ts` or `index.js` differ from what
// `napi build` generates from the Rust source now: the build writes into a
// temporary folder and the two generated files are compared with the
// committed ones. Run it with `npm run check-types`; `npm test` runs it first.

import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const out = mkdtempSync(join(tmpdir(), 'tickersense-node-types-'))

/** The first differing line of two texts, or null when they are equal. */
function firstDifference(want, got) {
  if (want === got) return null
  const a = want.split('\n')
  const b = got.split('\n')
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return { line: i + 1, committed: a[i], generated: b[i] }
  }
  return { line: a.length, committed: '(line endings)', generated: '(line endings)' }
}

let failed = false
try {
  const napi = join(root, 'node_modules', '@napi-rs', 'cli', 'dist', 'cli.js')
  const build = spawnSync(process.execPath, [napi, 'build', '--platform', '--release', '--output-dir', out], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  if (build.status !== 0) {
    console.error(`check-types: napi build failed (status ${build.status ?? build.signal})`)
    process.exitCode = 1
  } else {
    for (const file of ['index.d.ts', 'index.js']) {
      const diff = firstDifference(readFileSync(join(root, file), 'utf8'), readFileSync(join(out, file), 'utf8'))
      if (diff) {
        failed = true
        console.error(`check-types: committed ${file} differs from the generated one at line ${diff.line}:`)
        console.error(`  committed: ${diff.committed}`)
        console.error(`  generated: ${diff.generated}`)
      }
    }
    if (failed) {
      console.error('check-types: run `npm run build` and commit index.d.ts and index.js')
      process.exitCode = 1
    } else {
      console.log('check-types: index.d.ts and index.js match the Rust source')
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true })
}
