import {LEDGER_SCHEMA, readBudgets} from '../http/ledger-postgres.js'
import type {BudgetRow} from '../http/ledger-postgres.js'
import {SYNC_TASK, WORKER_SCHEMA} from './queue.js'
import type {Queue} from './queue.js'

export interface QueueStatus {
  /** Ready to run now. */
  waiting: number
  /** Due later: a retry after backoff, or a job added with a later run time. */
  scheduled: number
  running: number
  /** Out of attempts: only `workers retry` runs them again. */
  failed: number
  runningJobs: Array<{id: string; connection: string; repo: string; workerId: string; process: string | null; lockedAt: string; attempt: number}>
  failedJobs: Array<{id: string; connection: string; repo: string; attempts: number; maxAttempts: number; lastError: string | null; final: boolean; runAt: string}>
  workers: Array<{workerId: string; process: string; startedAt: string; beatAt: string}>
  budgets: BudgetRow[]
}

interface JobRow {
  id: string
  payload: {connection?: string; repo?: string} | null
  attempts: number
  max_attempts: number
  last_error: string | null
  locked_by: string | null
  locked_at: Date | null
  run_at: Date
  process: string | null
}

export async function queueStatus(queue: Pick<Queue, 'pool'>): Promise<QueueStatus> {
  const {rows} = await queue.pool.query<JobRow & {due: boolean}>(
    `select j.id::text as id, p.payload, j.attempts, j.max_attempts, j.last_error, j.locked_by, j.locked_at, j.run_at,
       j.run_at <= now() as due, h.process
     from ${WORKER_SCHEMA}.jobs j
     join ${WORKER_SCHEMA}._private_jobs p on p.id = j.id
     left join ${LEDGER_SCHEMA}.heartbeats h on h.worker_id = j.locked_by
     where j.task_identifier = $1
     order by j.id`,
    [SYNC_TASK],
  )
  const status: QueueStatus = {waiting: 0, scheduled: 0, running: 0, failed: 0, runningJobs: [], failedJobs: [], workers: [], budgets: []}
  for (const r of rows) {
    const connection = String(r.payload?.connection ?? '')
    const repo = String(r.payload?.repo ?? '')
    const final = r.attempts >= r.max_attempts
    if (r.locked_by !== null) {
      status.running++
      status.runningJobs.push({id: r.id, connection, repo, workerId: r.locked_by, process: r.process, lockedAt: (r.locked_at as Date).toISOString(), attempt: r.attempts})
    } else if (final) status.failed++
    else if (r.due) status.waiting++
    else status.scheduled++
    if (r.locked_by === null && r.last_error !== null && (final || !r.due)) {
      status.failedJobs.push({id: r.id, connection, repo, attempts: r.attempts, maxAttempts: r.max_attempts, lastError: r.last_error, final, runAt: r.run_at.toISOString()})
    }
  }
  const workers = await queue.pool.query<{worker_id: string; process: string; started_at: Date; beat_at: Date}>(
    `select worker_id, process, started_at, beat_at from ${LEDGER_SCHEMA}.heartbeats order by process, worker_id`,
  )
  status.workers = workers.rows.map((w) => ({workerId: w.worker_id, process: w.process, startedAt: w.started_at.toISOString(), beatAt: w.beat_at.toISOString()}))
  status.budgets = await readBudgets(queue.pool)
  return status
}

/** Put every failed sync job (out of attempts, or waiting for a retry) back at the front of the queue. */
export async function retryFailed(queue: Pick<Queue, 'pool' | 'utils'>): Promise<number> {
  const {rows} = await queue.pool.query<{id: string}>(
    `select id::text as id from ${WORKER_SCHEMA}.jobs
     where task_identifier = $1 and locked_by is null and last_error is not null
       and (attempts >= max_attempts or run_at > now())`,
    [SYNC_TASK],
  )
  if (rows.length === 0) return 0
  await queue.utils.rescheduleJobs(rows.map((r) => r.id), {runAt: new Date(), attempts: 0})
  return rows.length
}

/** How many sync jobs are waiting, due later, running and out of attempts: counted in the database. */
export async function queueDepth(queue: Pick<Queue, 'pool'>): Promise<Pick<QueueStatus, 'waiting' | 'scheduled' | 'running' | 'failed'>> {
  const {rows} = await queue.pool.query<{waiting: number; scheduled: number; running: number; failed: number}>(
    `select
       count(*) filter (where locked_by is null and attempts < max_attempts and run_at <= now())::int as waiting,
       count(*) filter (where locked_by is null and attempts < max_attempts and run_at > now())::int as scheduled,
       count(*) filter (where locked_by is not null)::int as running,
       count(*) filter (where locked_by is null and attempts >= max_attempts)::int as failed
     from ${WORKER_SCHEMA}.jobs where task_identifier = $1`,
    [SYNC_TASK],
  )
  const r = rows[0]
  return {waiting: r?.waiting ?? 0, scheduled: r?.scheduled ?? 0, running: r?.running ?? 0, failed: r?.failed ?? 0}
}
