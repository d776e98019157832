/**
 * The emulator in its own process for benchmarks, so its memory and CPU are not counted against the
 * CLI. Prints one JSON line {url, apiBase, email, token, minimum} on stdout, then serves until SIGTERM.
 * Usage: node --import tsx bench/emulator-proc.ts '<json options>'
 */
import {startEmulator} from '../emulator/index.js'
import {createWorld} from '../emulator/world/index.js'
import type {CustomSize} from '../emulator/world/index.js'

interface ProcOptions {
  flavor?: 'cloud' | 'datacenter'
  dataset: string | CustomSize
  latencyMs?: number
  seed?: number
  /**
   * 'default': the flavour's own limit (Data Center: a bucket of 60 tokens refilled at 5/s); an object:
   * Cloud's rolling window with these numbers (a 429 without Retry-After when spent); absent: none.
   */
  rateLimit?: 'default' | {requestsPerWindow: number; windowMs: number}
  /** Repository details kept generated (default 16). */
  cacheSize?: number
  /**
   * What to count before serving: everything (default), or only the requests a commits-only sync
   * (--no-prs) needs at the API minimum, which generates each repository once rather than four times.
   */
  counts?: 'all' | 'commits' | 'none'
}

const options = JSON.parse(process.argv[2] ?? '{}') as ProcOptions
const emulator = await startEmulator({
  flavor: options.flavor ?? 'cloud',
  dataset: options.dataset as string,
  seed: options.seed ?? 1,
  ...(options.cacheSize ? {world: createWorld({seed: options.seed ?? 1, dataset: options.dataset as string, flavor: options.flavor ?? 'cloud', cacheSize: options.cacheSize})} : {}),
  latencyMs: options.latencyMs ?? 0,
  rateLimit: options.rateLimit === 'default' ? undefined : typeof options.rateLimit === 'object' ? options.rateLimit : null,
})
const login = await emulator.admin.demoCredential()
const all = (options.counts ?? 'all') === 'all'
const minimum = {
  listing: all ? emulator.admin.minimum({reviews: false, commitFiles: false}) : 0,
  withReviews: all ? emulator.admin.minimum({reviews: true, commitFiles: false}) : 0,
  full: all ? emulator.admin.minimum({reviews: true, commitFiles: true}) : 0,
  commitsAndFiles: options.counts === 'none' ? 0 : emulator.admin.minimum({prs: false, commitFiles: true}),
}
const workspaces = emulator.world.containers().map((c) => c.key)
const repos = workspaces.flatMap((w) => emulator.world.repos(w).map((r) => `${w}/${r.slug}`))
// What a complete sync must store, to tell "nothing lost" from a run's summary.
const flavor = options.flavor ?? 'cloud'
const truth = all ? Object.fromEntries((['pullRequest', 'commit', 'commitFile'] as const)
  .map((entity) => [entity, [...emulator.world.truth(flavor, entity, 'default')].length])) : {}
process.stdout.write(JSON.stringify({url: emulator.url, apiBase: emulator.apiBase, email: login.email, token: login.token, minimum, workspaces, repos, truth}) + '\n')
const stop = () => void emulator.close().then(() => process.exit(0))
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
