import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {BudgetExhaustedError, ExitCode, InterruptedError, exitCodeOf} from '../../../src/core/errors.js'
import {ENTITY_NAMES} from '../../../src/core/model.js'
import type {EntityName} from '../../../src/core/model.js'
import {openStore} from '../../../src/core/store/open.js'
import type {Store} from '../../../src/core/store/types.js'
import {runSync} from '../../../src/core/sync/engine.js'
import {incrementalSince} from '../../../src/core/sync/pull-requests.js'
import type {SyncEvent} from '../../../src/core/sync/events.js'
import type {SyncOptions} from '../../../src/core/sync/options.js'
import {collect} from '../store/fixtures.js'
import type {FakeProvider} from './fake-provider.js'
import {smallWorld} from './fake-provider.js'

const dir = mkdtempSync(join(tmpdir(), 'bb-engine-'))
let n = 0
afterAll(() => rmSync(dir, {recursive: true, force: true}))

const freshStore = () => openStore(join(dir, `e${++n}.db`))

const sortKey = (x: unknown) => JSON.stringify(x)
const sorted = <T>(xs: T[]) => [...xs].sort((a, b) => sortKey(a).localeCompare(sortKey(b)))

async function dump(store: Store): Promise<Record<EntityName, unknown[]>> {
  const out = {} as Record<EntityName, unknown[]>
  for (const e of ENTITY_NAMES) out[e] = sorted(await collect(store.export(e)))
  return out
}

function expectTruth(dumped: Record<EntityName, unknown[]>, provider: FakeProvider): void {
  for (const e of ENTITY_NAMES) expect(dumped[e], e).toEqual(sorted(provider.truth(e)))
}

async function sync(provider: FakeProvider, store: Store, options: Partial<SyncOptions> = {}, signal?: AbortSignal) {
  const events: SyncEvent[] = []
  const before = provider.calls.length
  let error: unknown = null
  let summary = null
  try {
    summary = await runSync({connection: 'default', concurrency: 3, ...options}, {provider, store, emit: (e) => events.push(e), signal})
  } catch (e) {
    error = e
  }
  return {events, error, summary, requests: provider.calls.length - before, last: events.at(-1)}
}

describe('incremental PR query start', () => {
  const state = {prWatermark: '2026-06-10T00:00:00.000Z', maxPrUpdatedAt: '2026-06-01T00:00:00.000Z', lastCompletedAt: 'x', prsWithoutReviews: 0, branchHeads: [], cursors: {}}
  it('takes the earlier of our clock and the server\'s, minus the overlap; no stored PR → list everything', () => {
    // The server's clock is behind ours (or logical, as in the emulator): its newest time wins.
    expect(incrementalSince(state, 60_000)).toBe('2026-05-31T23:59:00.000Z')
    expect(incrementalSince({...state, maxPrUpdatedAt: '2026-07-01T00:00:00.000Z'}, 0)).toBe('2026-06-10T00:00:00.000Z')
    expect(incrementalSince({...state, maxPrUpdatedAt: null}, 0)).toBeNull()
    expect(incrementalSince({...state, prWatermark: null}, 0)).toBeNull()
  })
})

describe('runSync with a fake provider', () => {
  it('a first sync stores exactly the truth, with every event stream ending in a summary', async () => {
    const provider = smallWorld()
    const store = await freshStore()
    const r = await sync(provider, store)
    expect(r.error).toBeNull()
    expectTruth(await dump(store), provider)
    expect(r.events[0]).toMatchObject({type: 'start', repos: 3, provider: 'cloud'})
    expect(r.last).toMatchObject({type: 'summary', complete: true, reposDone: 3, reposFailed: 0, reposLeft: 0, stopReason: null})
    expect(r.summary?.counts.commit).toBe(provider.truth('commit').length)
    // The merged PR's 12-character hash was resolved against the synced commits.
    expect((await collect(store.export('pullRequest'))).find((p) => p.repo === 'ws/alpha' && p.id === 4)?.mergeCommit).toMatch(/^[0-9a-f]{40}$/)
    await store.close()
  })

  it('a no-change re-sync costs at most 2 requests per repo and writes nothing', async () => {
    const provider = smallWorld()
    const store = await freshStore()
    await sync(provider, store)
    const before = await dump(store)
    const r = await sync(provider, store)
    expect(r.error).toBeNull()
    for (const key of provider.repos.keys()) expect(provider.calls.slice(-r.requests).filter((c) => c.repo === key).length).toBeLessThanOrEqual(2)
    // Listing "all accessible" repos is one page of three here.
    expect(r.requests).toBeLessThanOrEqual(2 * 3 + 1)
    expect(r.summary?.counts.pullRequest ?? 0).toBe(0)
    expect(r.summary?.counts.commit ?? 0).toBe(0)
    expect(await dump(store)).toEqual(before)
    await store.close()
  })

  it('an incremental sync after changes fetches only what changed and equals the new truth', async () => {
    const provider = smallWorld()
    const store = await freshStore()
    await sync(provider, store, {repos: ['ws/alpha', 'ws/beta']})
    provider.approve('ws/beta', 1, '{u3}')
    provider.addPr('ws/alpha', {title: 'New one NEW-1'})
    const pushed = provider.push('ws/alpha', 'main', 2)
    const r = await sync(provider, store, {repos: ['ws/alpha', 'ws/beta']})
    expect(r.error).toBeNull()
    const kinds = provider.calls.slice(-r.requests)
    // Activity only for the approved PR (the new PR has no reviews); files only for the two new commits.
    expect(kinds.filter((c) => c.kind === 'activity')).toEqual([{kind: 'activity', repo: 'ws/beta'}])
    expect(kinds.filter((c) => c.kind === 'commitFiles')).toHaveLength(pushed.length)
    expect(kinds.filter((c) => c.kind === 'commits')).toEqual([{kind: 'commits', repo: 'ws/alpha'}])
    const d = await dump(store)
    for (const e of ENTITY_NAMES) {
      // The repository row of ws/empty was never asked for.
      const truth = sorted(provider.truth(e)).filter((x) => !JSON.stringify(x).includes('ws/empty'))
      expect(d[e], e).toEqual(truth)
    }
    await store.close()
  })

  it('killed at any request, a re-run converges to exactly what a clean run stores', async () => {
    const clean = await freshStore()
    await sync(smallWorld(), clean)
    const expected = await dump(clean)
    await clean.close()
    const total = smallWorld().calls.length + (await (async () => {
      const p = smallWorld()
      const s = await freshStore()
      await sync(p, s)
      await s.close()
      return p.calls.length
    })())
    for (let failAt = 1; failAt <= total; failAt += 2) {
      const provider = smallWorld()
      const store = await freshStore()
      provider.onRequest = (k) => {
        if (k === failAt) throw new Error(`connection reset at request ${k}`)
      }
      const first = await sync(provider, store)
      expect(first.last).toMatchObject({type: 'summary'})
      provider.onRequest = null
      const second = await sync(provider, store)
      expect(second.error, `failAt ${failAt}`).toBeNull()
      expect(await dump(store), `failAt ${failAt}`).toEqual(expected)
      await store.close()
    }
  }, 120_000)

  it('abort stops gracefully with InterruptedError (exit 4) and the next run resumes', async () => {
    const provider = smallWorld()
    const store = await freshStore()
    const controller = new AbortController()
    provider.onRequest = (k) => {
      if (k === 6) controller.abort()
    }
    const r = await sync(provider, store, {}, controller.signal)
    expect(r.error).toBeInstanceOf(InterruptedError)
    expect(exitCodeOf(r.error)).toBe(ExitCode.Interrupted)
    expect(r.last).toMatchObject({type: 'summary', complete: false, stopReason: 'interrupted'})
    expect((r.last as {reposLeft: number}).reposLeft).toBeGreaterThan(0)
    provider.onRequest = null
    const again = await sync(provider, store)
    expect(again.error).toBeNull()
    expectTruth(await dump(store), provider)
    await store.close()
  })

  it('an exhausted wait budget ends with BudgetExhaustedError (exit 5), work left recorded, and resumes', async () => {
    const provider = smallWorld()
    const store = await freshStore()
    provider.onRequest = (k) => {
      if (k >= 9) throw new BudgetExhaustedError('wait would pass the deadline', {code: 'max_wait'})
    }
    const r = await sync(provider, store)
    expect(r.error).toBeInstanceOf(BudgetExhaustedError)
    expect(exitCodeOf(r.error)).toBe(ExitCode.Budget)
    expect(r.last).toMatchObject({type: 'summary', complete: false, stopReason: 'max-wait'})
    // Later requests were not attempted once the budget was gone.
    expect(provider.calls.length).toBeLessThanOrEqual(9 + 3)
    provider.onRequest = null
    const again = await sync(provider, store)
    expect(again.error).toBeNull()
    expectTruth(await dump(store), provider)
    await store.close()
  })

  it('429s past the retry budget stop with stopReason "rate-limit" (exit 5) and do not blame --max-wait', async () => {
    const provider = smallWorld()
    const store = await freshStore()
    provider.onRequest = (k) => {
      if (k >= 5) throw new BudgetExhaustedError('Bitbucket answered 429 (rate limited) 6 times.', {code: 'rate_limited'})
    }
    const r = await sync(provider, store)
    expect(exitCodeOf(r.error)).toBe(ExitCode.Budget)
    expect(r.last).toMatchObject({type: 'summary', complete: false, stopReason: 'rate-limit'})
    expect((r.error as Error).message).toMatch(/429/)
    expect((r.error as Error).message).not.toMatch(/max-wait/)
    provider.onRequest = null
    expect((await sync(provider, store)).error).toBeNull()
    expectTruth(await dump(store), provider)
    await store.close()
  })

  it('a failing repo is reported and the others complete (stopReason "errors")', async () => {
    const provider = smallWorld()
    const store = await freshStore()
    provider.onRequest = (_n, kind, repo) => {
      if (repo === 'ws/beta' && kind === 'branches') throw new Error('500 from branches')
    }
    const r = await sync(provider, store)
    expect(r.error).toBeNull()
    expect(r.summary).toMatchObject({reposDone: 2, reposFailed: 1, stopReason: 'errors', complete: false})
    expect(r.events).toContainEqual({type: 'error', repo: 'ws/beta', message: '500 from branches', code: undefined})
    expect(await store.count('commit')).toBe(provider.truth('commit').filter((c) => c.repo === 'ws/alpha').length)
    await store.close()
  })

  it('a repo that does not exist fails alone', async () => {
    const provider = smallWorld()
    const store = await freshStore()
    const r = await sync(provider, store, {repos: ['ws/alpha', 'ws/ghost']})
    expect(r.summary).toMatchObject({reposDone: 1, reposFailed: 1})
    expect(r.events.find((e) => e.type === 'error')).toMatchObject({repo: 'ws/ghost', code: 'repo_not_found'})
    await store.close()
  })

  it('toggles and --path: no reviews, no files, only files under the prefix', async () => {
    const provider = smallWorld()
    const store = await freshStore()
    await sync(provider, store, {reviews: false, commitFiles: false})
    expect(await store.count('review')).toBe(0)
    expect(await store.count('commitFile')).toBe(0)
    expect(provider.count('activity')).toBe(0)
    // Files were queued all along: a later run with files on catches up, narrowed to the prefix.
    await sync(provider, store, {pathPrefix: 'src/'})
    const files = await collect(store.export('commitFile'))
    expect(files.length).toBeGreaterThan(0)
    expect(files.every((f) => f.path.startsWith('src/'))).toBe(true)
    // And reviews come back for PRs whose reviews were never synced, even though the PRs did not change.
    expect(await store.count('review')).toBe(provider.truth('review').length)
    await store.close()
  })

  it('a force-push that removed a known head falls back to a safe walk and misses nothing', async () => {
    const provider = smallWorld()
    const store = await freshStore()
    await sync(provider, store, {repos: ['ws/beta']})
    const fresh = provider.forcePush('ws/beta', 'dev', 2)
    const r = await sync(provider, store, {repos: ['ws/beta']})
    expect(r.error).toBeNull()
    expect(r.events.some((e) => e.type === 'warning' && /force-push/.test(e.message))).toBe(true)
    const stored = new Set((await collect(store.export('commit'))).map((c) => c.hash))
    for (const h of fresh) expect(stored.has(h)).toBe(true)
    expect(r.summary?.complete).toBe(true)
    await store.close()
  })

  it('commits a force-push dropped stay after an incremental REST sync and leave the store on a complete --full walk', async () => {
    const provider = smallWorld()
    const store = await freshStore()
    await sync(provider, store, {repos: ['ws/beta']})
    const dropped = provider.repos.get('ws/beta')!.branches.find((b) => b.name === 'dev')!.head
    provider.forcePush('ws/beta', 'dev', 1)
    await sync(provider, store, {repos: ['ws/beta']})
    const hashes = async () => new Set((await collect(store.export('commit'))).map((c) => c.hash))
    expect((await hashes()).has(dropped)).toBe(true)
    const r = await sync(provider, store, {repos: ['ws/beta'], full: true})
    expect(r.error).toBeNull()
    expect((await hashes()).has(dropped)).toBe(false)
    const dumped = await dump(store)
    for (const e of ['commit', 'commitFile', 'issueRef'] as const) expect(dumped[e], e).toEqual(sorted(provider.truth(e).filter((x) => x.repo === 'ws/beta')))
    expect(await store.pendingCommitFilesCount('default', 'ws/beta')).toBe(0)
    await store.close()
  })

  it('an interrupted --full walk prunes nothing, nor does the run that resumes it; the next complete one does', async () => {
    const provider = smallWorld()
    const store = await freshStore()
    await sync(provider, store, {repos: ['ws/beta']})
    const dropped = provider.repos.get('ws/beta')!.branches.find((b) => b.name === 'dev')!.head
    provider.forcePush('ws/beta', 'dev', 1)
    const hashes = async () => new Set((await collect(store.export('commit'))).map((c) => c.hash))
    const controller = new AbortController()
    let commitPages = 0
    provider.onRequest = (_n, kind) => {
      if (kind === 'commits' && ++commitPages === 2) controller.abort()
    }
    const cut = await sync(provider, store, {repos: ['ws/beta'], full: true}, controller.signal)
    provider.onRequest = null
    expect(cut.error).toBeInstanceOf(InterruptedError)
    expect((await store.repoState('default', 'ws/beta')).cursors.commits).toBeDefined()
    expect((await hashes()).has(dropped)).toBe(true)
    const resumed = await sync(provider, store, {repos: ['ws/beta'], full: true})
    expect(resumed.error).toBeNull()
    expect((await hashes()).has(dropped)).toBe(true)
    await sync(provider, store, {repos: ['ws/beta'], full: true})
    expect((await hashes()).has(dropped)).toBe(false)
    await store.close()
  })

  it('--since later than the watermark does not move it, so the next run fills the gap', async () => {
    const provider = smallWorld()
    const store = await freshStore()
    await sync(provider, store, {repos: ['ws/beta']})
    const before = (await store.repoState('default', 'ws/beta')).prWatermark
    provider.approve('ws/beta', 1, '{u2}')
    await sync(provider, store, {repos: ['ws/beta'], since: '2099-01-01T00:00:00.000Z'})
    expect((await store.repoState('default', 'ws/beta')).prWatermark).toBe(before)
    expect((await collect(store.export('review'))).some((r) => r.user === '{u2}')).toBe(false)
    await sync(provider, store, {repos: ['ws/beta']})
    expect((await collect(store.export('review'))).some((r) => r.user === '{u2}')).toBe(true)
    await store.close()
  })

  it('--plan estimates from counts and writes nothing', async () => {
    const provider = smallWorld()
    const store = await freshStore()
    const r = await sync(provider, store, {plan: true, requestsPerHour: 1000})
    const total = r.events.find((e) => e.type === 'planSummary')
    expect(total).toMatchObject({repos: 3})
    expect((total as {estimatedRequests: number}).estimatedRequests).toBeGreaterThan(provider.truth('commit').length)
    expect(r.events.filter((e) => e.type === 'plan')).toHaveLength(3)
    expect(await store.count('pullRequest')).toBe(0)
    await store.close()
  })

  it('--full re-lists everything but never re-fetches files of known commits', async () => {
    const provider = smallWorld()
    const store = await freshStore()
    await sync(provider, store)
    const filesBefore = provider.count('commitFiles')
    const r = await sync(provider, store, {full: true})
    expect(r.error).toBeNull()
    expect(provider.count('commitFiles')).toBe(filesBefore)
    expect(provider.calls.slice(-r.requests).filter((c) => c.kind === 'pullRequests').length).toBeGreaterThan(3)
    expectTruth(await dump(store), provider)
    await store.close()
  })
})
