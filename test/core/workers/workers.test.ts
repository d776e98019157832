/**
 * Three worker processes, one principal, Cloud rate limiting on a shortened clock (a 6 s "hour",
 * 100 ms windows): the store ends up equal to the truth and the emulator never answered 429, which
 * it does for any request past the limit in its rolling window. One worker is killed -9 mid-run; its
 * job moves to another after the stale interval and every entity is stored exactly once.
 */
import pg from 'pg'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {openStore} from '../../../src/core/store/open.js'
import {SYNC_TASK} from '../../../src/core/workers/queue.js'
import {expectStoreEqualsTruth, startSyncRig} from '../sync/emulator-rig.js'
import type {SyncRig} from '../sync/emulator-rig.js'
import {pgAvailable, startPgServer} from '../store/pg-server.js'
import type {PgServer} from '../store/pg-server.js'
import {cli, cliEnv, startWorker, until} from './worker-rig.js'

const WINDOW_MS = 100
// 128 per scaled hour: 2 per 100 ms window, 122 in the worst rolling "hour" (60 windows overlap 61).
const LIMIT = 128

describe.skipIf(!pgAvailable())('workers on PostgreSQL', () => {
  let server: PgServer
  let rig: SyncRig
  beforeAll(async () => {
    server = (await startPgServer()) as PgServer
    rig = await startSyncRig('cloud', 'tiny', {rateLimit: {requestsPerWindow: LIMIT, windowMs: WINDOW_MS * 60}})
  }, 120_000)
  afterAll(async () => {
    await rig?.close()
    await server?.stop()
  })

  const jobsLeft = async (url: string): Promise<number> => {
    const client = new pg.Client({connectionString: url})
    await client.connect()
    try {
      const {rows} = await client.query<{n: string}>(`select count(*)::text as n from graphile_worker.jobs where task_identifier = $1`, [SYNC_TASK])
      return Number(rows[0]?.n)
    } finally {
      await client.end()
    }
  }

  it('3 workers, one principal, kill -9 of one: the truth, 0 × 429, each entity once', async () => {
    const url = await server.createDatabase('workers3')
    const env = cliEnv(rig, url, {BB_INTEGRATE_RATE_LIMIT: String(LIMIT), BB_INTEGRATE_RATE_WINDOW_MS: String(WINDOW_MS), BB_INTEGRATE_WORKER_STALE_MS: '1500'})
    const before = rig.emu.stats()

    const enqueued = await cli(['sync', '--enqueue', '--json'], env)
    expect(enqueued.code, enqueued.stderr).toBe(0)
    const line = JSON.parse(enqueued.stdout.trim().split('\n').at(-1) as string) as {type: string; repos: number}
    expect(line.type).toBe('enqueued')
    const repos = [...rig.emu.world.truth('cloud', 'repository', 'default')].length
    expect(line.repos).toBe(repos)

    const workers = [startWorker(env), startWorker(env), startWorker(env)]
    // Kill the first one that holds a job (whichever process started fastest): that job is lost to it mid-run.
    const victim = await Promise.race(workers.map((w) => w.firstJob.then(() => w)))
    victim.child.kill('SIGKILL')
    expect(await victim.exited).toBeNull()
    const alive = workers.filter((w) => w !== victim)

    await until(() => jobsLeft(url), (n) => n === 0, 90_000)
    for (const w of alive) w.child.kill('SIGTERM')
    expect(await Promise.all(alive.map((w) => w.exited))).toEqual([0, 0])

    const after = rig.emu.stats()
    expect(after.rateLimited - before.rateLimited).toBe(0)
    // The killed worker's job was taken back by a live one.
    const survivors = alive.flatMap((w) => w.events)
    expect(survivors.some((e) => e.type === 'reaped')).toBe(true)
    const done = survivors.filter((e) => e.type === 'job' && e.phase === 'done').map((e) => e.repo)
    expect(new Set(done).size).toBe(repos)

    const store = await openStore(url)
    try {
      await expectStoreEqualsTruth(rig, store)
    } finally {
      await store.close()
    }
  }, 180_000)

  it('SIGTERM mid-job (through the runner): stop taking jobs, the running one goes back to the queue, exit 0', async () => {
    const url = await server.createDatabase('graceful')
    const env = cliEnv(rig, url, {BB_INTEGRATE_RATE_LIMIT: String(LIMIT), BB_INTEGRATE_RATE_WINDOW_MS: String(WINDOW_MS)})
    expect((await cli(['sync', '--enqueue'], env)).code).toBe(0)
    const queued = await jobsLeft(url)
    const worker = startWorker(env, ['--concurrency', '1'])
    await worker.firstJob
    worker.child.kill('SIGTERM')
    expect(await worker.exited).toBe(0)
    const phases = worker.events.map((e) => `${String(e.type)}:${String(e.phase)}`)
    expect(phases).toContain('worker:draining')
    expect(phases.at(-1)).toBe('worker:stopped')
    // Whatever had not finished is still queued: the job that was running came back (not lost, not failed for good).
    const done = worker.events.filter((e) => e.type === 'job' && e.phase === 'done').length
    expect(await jobsLeft(url)).toBe(queued - done)
    expect(worker.events.some((e) => e.type === 'job' && e.phase === 'failed' && e.final === true)).toBe(false)
  }, 120_000)
})
