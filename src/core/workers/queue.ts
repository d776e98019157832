import {Logger, makeWorkerUtils} from 'graphile-worker'
import type {WorkerUtils} from 'graphile-worker'
import pg from 'pg'

import {BbError, UsageError} from '../errors.js'
import {ensureLedgerTable, LEDGER_SCHEMA} from '../http/ledger-postgres.js'
import {parseStoreUrl} from '../store/open.js'

/** graphile-worker keeps its own schema; ours holds worker heartbeats and the shared budget. */
export const WORKER_SCHEMA = 'graphile_worker'
export const SYNC_TASK = 'sync'
export const CATCH_UP_TASK = 'catch_up'
/** Jobs are retried with graphile-worker's exponential backoff (exp(min(attempts, 10)) seconds). */
export const MAX_ATTEMPTS = 10

export interface SyncJob {
  connection: string
  repo: string
}

/** A job key per repository: a second request for a repository that is still waiting replaces the first. */
export function syncJobKey(job: SyncJob): string {
  return `sync:${job.connection}:${job.repo}`
}

/** One named queue per repository: two jobs for one repository never run at the same time. */
export function syncQueueName(job: SyncJob): string {
  return `repo:${job.connection}:${job.repo}`
}

/** Every sync job carries its connection's flag: a worker skips a connection whose budget is crowded. */
export function connectionFlag(connection: string): string {
  return `conn:${connection}`
}

/** A job that gave its slot back to wait for its principal's budget: it still counts as work to drain. */
export const BUDGET_WAIT_FLAG = 'budget-wait'

export interface AddSyncOptions {
  /** Not before this time (a job waiting for its principal's budget window to reopen). */
  runAt?: Date
  /** Attempts already spent (a job that gave its slot back keeps its count). */
  attempts?: number
}

export interface Queue {
  readonly pool: pg.Pool
  readonly utils: WorkerUtils
  readonly description: string
  readonly connectionString: string
  addSync(job: SyncJob, options?: AddSyncOptions): Promise<{id: string; revision: number}>
  close(): Promise<void>
}

/** The queue lives in the PostgreSQL store's database; SQLite has no queue. */
export function queueUrl(store: string | undefined, env: NodeJS.ProcessEnv): {url: string; description: string} {
  const location = parseStoreUrl(store, env)
  if (location.dialect !== 'postgres') {
    throw new UsageError('Workers need a PostgreSQL store: the job queue lives in its database.', {
      code: 'queue_needs_postgres',
      remedy: 'Pass --store postgres://user@host/db (or set BB_INTEGRATE_STORE), or run a plain `bb-integrate sync` on one machine.',
    })
  }
  return {url: location.url, description: location.description}
}

/** Open the queue (creating graphile-worker's schema and ours on first use). */
export async function openQueue(store: string | undefined, env: NodeJS.ProcessEnv): Promise<Queue> {
  const {url, description} = queueUrl(store, env)
  const pool = new pg.Pool({connectionString: url, max: 4})
  // A dropped idle connection is reported on the pool and its clients; the next query reconnects.
  pool.on('error', () => undefined)
  pool.on('connect', (client) => client.on('error', () => undefined))
  let utils: WorkerUtils
  try {
    utils = await makeWorkerUtils({pgPool: pool, schema: WORKER_SCHEMA, logger: silentLogger()})
    await utils.migrate()
    await ensureLedgerTable(pool)
    await ensureHeartbeatTable(pool)
  } catch (error) {
    await pool.end().catch(() => undefined)
    const reason = error instanceof Error ? error.message : String(error)
    throw new BbError(`Could not open the job queue in ${description}: ${reason}`, {
      code: 'queue_unavailable', cause: error,
      remedy: 'Check host, port, database, user and password in --store / BB_INTEGRATE_STORE, and that the server accepts connections.',
    })
  }
  return {
    pool, utils, description, connectionString: url,
    async addSync(job, options = {}) {
      const added = await utils.addJob(SYNC_TASK, {connection: job.connection, repo: job.repo}, {
        jobKey: syncJobKey(job),
        queueName: syncQueueName(job),
        maxAttempts: MAX_ATTEMPTS,
        runAt: options.runAt,
        flags: options.runAt ? [connectionFlag(job.connection), BUDGET_WAIT_FLAG] : [connectionFlag(job.connection)],
      })
      if (options.attempts !== undefined && options.attempts > 0) {
        // Adding resets attempts to 0; a job that only gave its slot back keeps what it had spent.
        await pool.query(`update ${WORKER_SCHEMA}._private_jobs set attempts = least($2::int, max_attempts - 1) where id = $1 and locked_at is null`, [added.id, options.attempts])
      }
      return {id: String(added.id), revision: Number((added as {revision?: number}).revision ?? 0)}
    },
    async close() {
      await utils.release()
      await pool.end()
    },
  }
}

export async function ensureHeartbeatTable(pool: pg.Pool): Promise<void> {
  await pool.query(`create schema if not exists ${LEDGER_SCHEMA}`)
  await pool.query(`create table if not exists ${LEDGER_SCHEMA}.heartbeats (
    worker_id text primary key,
    process text not null,
    started_at timestamptz not null default now(),
    beat_at timestamptz not null default now()
  )`)
}

/** graphile-worker's own logging is replaced by our events. */
export function silentLogger(): Logger {
  return new Logger(() => () => undefined)
}
