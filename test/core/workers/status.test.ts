/**
 * `workers status` / `workers retry` over a real queue: a job that fails is listed with its error and
 * its next try, the budget row shows what the principal spent, and retry puts the job back now.
 */
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
import {cliEnv} from './worker-rig.js'

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
