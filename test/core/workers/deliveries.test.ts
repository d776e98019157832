/**
 * Deliveries under load: 1,000 changes across 50 repositories, each one turned into a queued sync of
 * its repository (as a webhook delivery is), with 2 worker processes draining the queue meanwhile.
 * Every change ends up in the store exactly once, and changes for a repository whose job had not
 * started yet were coalesced into that job.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {openStore} from '../../../src/core/store/open.js'
import {enqueueDelivery} from '../../../src/core/workers/enqueue.js'
import {openQueue} from '../../../src/core/workers/queue.js'
import type {Queue} from '../../../src/core/workers/queue.js'
import {pendingJobs} from '../../../src/core/workers/worker.js'
import type {Mutation} from '../../../emulator/world/types.js'
import {expectStoreEqualsTruth, startSyncRig} from '../sync/emulator-rig.js'
import type {SyncRig} from '../sync/emulator-rig.js'
import {pgAvailable, startPgServer} from '../store/pg-server.js'
import type {PgServer} from '../store/pg-server.js'
import {cli, cliEnv, startWorker, until} from './worker-rig.js'

const CHANGES = 1000

describe.skipIf(!pgAvailable())('webhook deliveries through the queue', () => {
  let server: PgServer
  let rig: SyncRig
  let queue: Queue | null = null
  beforeAll(async () => {
    server = (await startPgServer()) as PgServer
    rig = await startSyncRig('cloud', '1x50x2x3')
  }, 120_000)
  afterAll(async () => {
    await queue?.close()
    await rig?.close()
    await server?.stop()
  })

  it('1,000 changes over 50 repositories, 2 workers: each applied once, same-repository jobs coalesced', async () => {
    const url = await server.createDatabase('deliveries')
    // Rate limiting is off here (its own test covers it): a budget the run never reaches.
    const env = cliEnv(rig, url, {BB_INTEGRATE_WORKER_STALE_MS: '5000', BB_INTEGRATE_RATE_LIMIT: '62000000', BB_INTEGRATE_RATE_WINDOW_MS: '100'})
    const first = await cli(['sync', '--workers', '2', '--json'], env)
    expect(first.code, first.stderr).toBe(0)
    // `sync --workers 2` ends as a plain sync does: the summary is the last NDJSON line.
    const summary = JSON.parse(first.stdout.trim().split('\n').at(-1) as string) as Record<string, unknown>
    expect(summary).toMatchObject({type: 'summary', complete: true, reposDone: 50, reposFailed: 0, stopReason: null})
    const repos = [...rig.emu.world.truth('cloud', 'repository', 'default')].map((r) => r.key)
    expect(repos).toHaveLength(50)

    queue = await openQueue(url, {})
    const workers = [startWorker(env), startWorker(env)]
    // Changes arrive while the workers run: some find their repository's job waiting (coalesced), some
    // find it running (one more run after it).
    await Promise.all(workers.map((w) => w.started))
    // Seeded: the same changes every run.
    let seed = 7
    const random = (n: number) => Math.floor(((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * n)
    // Comments go to pull requests opened here (open ones): a late comment on a PR closed long ago is a
    // different matter (its close time), covered by the sync's own tests.
    const opened = new Map<string, number[]>()
    let coalesced = 0
    for (let i = 0; i < CHANGES; i++) {
      const repo = repos[random(repos.length)] as string
      const mine = opened.get(repo) ?? []
      const kind = random(3)
      const mutation: Mutation = kind === 0
        ? {type: 'push', repo, commits: 1}
        : kind === 1 || mine.length === 0
          ? {type: 'pr.create', repo, title: `change ${i}`}
          : {type: 'pr.comment', repo, id: mine[random(mine.length)] as number, text: `comment ${i}`}
      const result = await rig.emu.admin.mutate(mutation)
      if (mutation.type === 'pr.create') opened.set(repo, [...mine, Number(result.details.id)])
      const added = await enqueueDelivery(queue, {connection: 'default', repo})
      if (added.revision > 0) coalesced++
    }

    await until(() => pendingJobs(queue!), (n) => n === 0, 240_000)
    for (const w of workers) w.child.kill('SIGTERM')
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0])

    const events = workers.flatMap((w) => w.events)
    const done = events.filter((e) => e.type === 'job' && e.phase === 'done')
    const failed = events.filter((e) => e.type === 'job' && e.phase === 'failed')
    expect(failed).toEqual([])
    // Fewer runs than changes: the coalesced ones never became jobs of their own.
    expect(coalesced).toBeGreaterThan(0)
    expect(done.length).toBeLessThanOrEqual(CHANGES - coalesced)
    process.stdout.write(`deliveries: ${CHANGES} changes → ${CHANGES - coalesced} jobs queued (${coalesced} coalesced), ${done.length} runs\n`)

    const store = await openStore(url)
    try {
      await expectStoreEqualsTruth(rig, store)
    } finally {
      await store.close()
    }
  }, 300_000)
})
