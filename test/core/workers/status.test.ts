/**
 * `workers status` / `workers retry` over a real queue: a job that fails is listed with its error and
 * its next try, the budget row shows what the principal spent, and retry puts the job back now.
 */
import {existsSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {readEnv} from '../../../src/core/env.js'
import {openStore} from '../../../src/core/store/open.js'
import {openQueue} from '../../../src/core/workers/queue.js'
import {queueStatus, retryFailed} from '../../../src/core/workers/status.js'
import {runWorker} from '../../../src/core/workers/worker.js'
import type {WorkerEvent} from '../../../src/core/workers/worker.js'
import {startSyncRig} from '../sync/emulator-rig.js'
import type {SyncRig} from '../sync/emulator-rig.js'
import {pgAvailable, startPgServer} from '../store/pg-server.js'
import type {PgServer} from '../store/pg-server.js'
import {cli, cliEnv} from './worker-rig.js'

describe.skipIf(!pgAvailable())('workers status and retry', () => {
  let server: PgServer
  let rig: SyncRig
  beforeAll(async () => {
    server = (await startPgServer()) as PgServer
    rig = await startSyncRig('cloud', 'tiny')
  }, 120_000)
  afterAll(async () => {
    await rig?.close()
    await server?.stop()
  })

  it('the queue needs PostgreSQL: --enqueue and worker on a SQLite store exit 2 and create nothing', async () => {
    const file = join(rig.dir, 'not-a-queue.db')
    const env = cliEnv(rig, file)
    for (const args of [['sync', '--enqueue'], ['sync', '--workers', '2'], ['worker'], ['workers', 'status']]) {
      const r = await cli(args, env)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toMatch(/need a PostgreSQL store/)
    }
    expect(existsSync(file)).toBe(false)
    const shard = await cli(['sync', '--shard', '1/2'], env)
    expect(shard.code).toBe(2)
    expect(shard.stderr).toMatch(/--shard was removed/)
    expect(shard.stderr).toMatch(/--enqueue/)
  }, 120_000)

  it('lists a failed job with its error, the budget spent, and retry queues it again', async () => {
    const url = await server.createDatabase('status')
    const env = cliEnv(rig, url, {BB_INTEGRATE_RATE_LIMIT: '62000000', BB_INTEGRATE_RATE_WINDOW_MS: '100'})
    const queue = await openQueue(url, {})
    const store = await openStore(url)
    try {
      await queue.addSync({connection: 'default', repo: 'acme-platform/sandbox'})
      await queue.addSync({connection: 'default', repo: 'acme-platform/no-such-repo'})
      expect(await queueStatus(queue)).toMatchObject({waiting: 2, running: 0, failed: 0, failedJobs: []})

      const events: WorkerEvent[] = []
      await runWorker({
        queue, store, env: readEnv(env), processEnv: env, concurrency: 2, emit: (e) => events.push(e),
        signal: new AbortController().signal, untilDrained: true,
      })
      expect(events.filter((e) => e.type === 'job' && e.phase === 'done').map((e) => (e as {repo: string}).repo)).toEqual(['acme-platform/sandbox'])

      const status = await queueStatus(queue)
      expect(status).toMatchObject({waiting: 0, scheduled: 1, running: 0, failed: 0})
      expect(status.failedJobs).toHaveLength(1)
      expect(status.failedJobs[0]).toMatchObject({connection: 'default', repo: 'acme-platform/no-such-repo', attempts: 1, final: false})
      expect(status.failedJobs[0]!.lastError).toMatch(/does not exist/)
      // The worker's heartbeat is gone once it stopped; its requests are on the principal's row.
      expect(status.workers).toEqual([])
      expect(status.budgets).toHaveLength(1)
      expect(status.budgets[0]!.principal).toBe(`cloud-user:${rig.credential.email}`)
      expect(status.budgets[0]!.total).toBeGreaterThan(0)

      expect(await retryFailed(queue)).toBe(1)
      expect(await queueStatus(queue)).toMatchObject({waiting: 1, scheduled: 0, failedJobs: []})
      expect(await retryFailed(queue)).toBe(0)
    } finally {
      await store.close()
      await queue.close()
    }
  }, 120_000)
})
