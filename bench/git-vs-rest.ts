/**
 * Commits and commit files of one Cloud repository via REST and via git, side by side: REST and git
 * requests, wall time, peak RSS, mirror disk, and the cost of a no-change re-sync. The emulator runs in
 * this process without rate limits. Usage: npx tsx bench/git-vs-rest.ts [dataset] (default a
 * 10,000-commit repository: custom-1x1x20x10000).
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {execFileSync} from 'node:child_process'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createHttpClient} from '../src/core/http/client.js'
import {fetchCloneUrl} from '../src/core/git/clone-url.js'
import {GitCommitSource} from '../src/core/git/source.js'
import {createProvider} from '../src/core/provider/index.js'
import {openStore} from '../src/core/store/open.js'
import {runSync} from '../src/core/sync/engine.js'
import {startEmulator} from '../emulator/index.js'

const dataset = process.argv[2] ?? 'custom-1x1x20x10000'
const emu = await startEmulator({flavor: 'cloud', dataset, seed: 7, rateLimit: null})
const cred = await emu.admin.demoCredential()
const t0 = Date.now()
for (const c of emu.world.containers()) for (const r of emu.world.repos(c.key)) emu.world.detail(`${r.container}/${r.slug}`)
console.log('world', Date.now() - t0, 'ms')
for (const mode of ['git', 'rest']) {
  const dir = mkdtempSync(join(tmpdir(), 'gb-'))
  const store = await openStore(join(dir, 'db.sqlite'))
  const client = createHttpClient({baseUrl: emu.apiBase, provider: 'cloud', credentials: [{id: 'd/1', principal: 'u', authorization: async () => cred.authorization, secrets: () => [cred.token]}], limiter: {requestsPerWindow: 1e9}})
  const provider = createProvider({kind: 'cloud', connection: 'default', client})
  const source = mode === 'git' ? new GitCommitSource({env: process.env, provider: 'cloud', connection: 'default', connectionUrl: emu.apiBase, gitDir: join(dir, 'mirrors'), rest: provider, authorization: async () => cred.authorization, cloneUrl: (repo, s) => fetchCloneUrl(client, 'cloud', repo, s)}) : undefined
  const before = emu.stats()
  const start = Date.now()
  await runSync({connection: 'default', concurrency: 4, prs: false, reviews: false}, {provider, ...(source ? {commitSource: source} : {}), store, emit: () => undefined})
  const after = emu.stats()
  const routes = Object.fromEntries(Object.entries(after.byRoute).map(([k, v]) => [k, v - (before.byRoute[k] ?? 0)]).filter(([, v]) => (v as number) > 0))
  const disk = mode === 'git' ? execFileSync('du', ['-sk', join(dir, 'mirrors')]).toString().split('\t')[0] + ' KiB' : '-'
  console.log(JSON.stringify({mode, rest: after.total - before.total, git: after.git - before.git, wallMs: Date.now() - start, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024), disk, routes}))
  // no-change re-sync
  const b2 = emu.stats()
  const source2 = mode === 'git' ? new GitCommitSource({env: process.env, provider: 'cloud', connection: 'default', connectionUrl: emu.apiBase, gitDir: join(dir, 'mirrors'), rest: provider, authorization: async () => cred.authorization, cloneUrl: (repo, s) => fetchCloneUrl(client, 'cloud', repo, s)}) : undefined
  await runSync({connection: 'default', concurrency: 4, prs: false, reviews: false}, {provider, ...(source2 ? {commitSource: source2} : {}), store, emit: () => undefined})
  const a2 = emu.stats()
  console.log(JSON.stringify({mode, resync: true, rest: a2.total - b2.total, git: a2.git - b2.git}))
  await store.close(); await client.close(); rmSync(dir, {recursive: true, force: true})
}
await emu.close()
