import {EventEmitter} from 'node:events'
import {hostname} from 'node:os'
import {pid as processId} from 'node:process'

import {parseCronItems, run} from 'graphile-worker'
import type {Job, Runner, Task, WorkerEvents} from 'graphile-worker'

import {ConfigStore} from '../config/store.js'
import {openConnection, type ConnectionOpener} from '../connection.js'
import type {OpenedConnection} from '../connection.js'
import type {BbEnv} from '../env.js'
import {BbError, InterruptedError, UsageError} from '../errors.js'
import {DEFAULT_WINDOW_MS, LEDGER_SCHEMA, PostgresBudgetLedger, planWindows, rateWindowFromEnv, readBudgets} from '../http/ledger-postgres.js'
import type {SharedBudget} from '../http/shared-budget.js'
import {CLOUD_REQUESTS_PER_HOUR} from '../http/types.js'
import type {Store} from '../store/types.js'
import {runSync} from '../sync/engine.js'
import type {SyncEvent} from '../sync/events.js'
import {BUDGET_WAIT_FLAG, CATCH_UP_TASK, SYNC_TASK, WORKER_SCHEMA, silentLogger} from './queue.js'
import type {Queue, SyncJob} from './queue.js'
import {BudgetSlots} from './slots.js'
import {queueDepth} from './status.js'
import {listTargets} from './targets.js'

export type WorkerEvent =
  | {type: 'worker'; phase: 'started'; pid: number; host: string; workers: string[]; concurrency: number; store: string}
  | {type: 'worker'; phase: 'draining' | 'stopped'; pid: number}
  | {type: 'job'; phase: 'start'; id: string; connection: string; repo: string; attempt: number; maxAttempts: number; revision: number; workerId: string}
  | {type: 'job'; phase: 'done'; id: string; connection: string; repo: string; attempt: number; revision: number; workerId: string; requests: number; durationMs: number; counts: Record<string, number>}
  | {type: 'job'; phase: 'failed'; id: string; connection: string; repo: string; attempt: number; maxAttempts: number; workerId: string; error: string; final: boolean}
  | {type: 'job'; phase: 'yielded'; id: string; connection: string; repo: string; attempt: number; workerId: string; resumeAt: string}
  | {type: 'job'; phase: 'step'; id: string; connection: string; repo: string; step: string}
  | {type: 'status'; queue: {waiting: number; scheduled: number; running: number; failed: number}; budgets: BudgetStatus[]}
  | {type: 'catchUp'; connection: string; queued: number}
  | {type: 'reaped'; workers: string[]}
  | {type: 'warning'; message: string}

/** One principal's budget as the live view shows it: spent of the cap in the current window, paused for how long. */
export interface BudgetStatus {
  principal: string
  used: number
  cap: number
  windowMs: number
  pausedForMs: number
}

export interface WorkerOptions {
  queue: Queue
  store: Store
  env: BbEnv
  /** BB_INTEGRATE_WORKER_STALE_MS, BB_INTEGRATE_RATE_WINDOW_MS. */
  processEnv: NodeJS.ProcessEnv
  /** Opens a job's connection with the caller's wiring (the command context); default: from `env` alone. */
  open?: ConnectionOpener
  /** Jobs run at once in this process. */
  concurrency: number
  /** Repositories' API calls in flight inside one job. */
  syncConcurrency?: number
  emit(event: WorkerEvent): void
  /** Aborted: stop taking jobs, stop the running ones after their current page (they are queued again). */
  signal: AbortSignal
  /** A crontab time pattern for the catch-up pass (e.g. "0 * * * *"), for these connections. */
  catchUp?: {pattern: string; connections: string[]}
  /** Stop once no job is waiting or running (`sync --workers N`). */
  untilDrained?: boolean
  /** A worker whose heartbeat is older than this loses its jobs to the others (default 60 s). */
  staleMs?: number
  /** Report the queue's depth and every principal's budget this often (`status` events; the live view). */
  statusEveryMs?: number
  /** Every event of the jobs' syncs except their own start and summary (`sync --workers N` shows them). */
  syncEvents?: (event: SyncEvent) => void
}

export const DEFAULT_STALE_MS = 60_000

/** BB_INTEGRATE_WORKER_STALE_MS: how long a silent worker keeps its jobs (default 60 s). */
export function staleFromEnv(env: NodeJS.ProcessEnv): number {
  const text = env.BB_INTEGRATE_WORKER_STALE_MS
  if (text === undefined || text === '') return DEFAULT_STALE_MS
  const n = Number(text)
  if (!Number.isInteger(n) || n < 100) {
    throw new UsageError(`BB_INTEGRATE_WORKER_STALE_MS must be a whole number of milliseconds ≥ 100, not "${text}".`, {code: 'bad_stale'})
  }
  return n
}

/**
 * A shared budget whose window plan is fixed once the connection (and so its provider and limit) is
 * known; it is set before the first request is made.
 */
class DeferredBudget implements SharedBudget {
  target: SharedBudget | null = null
  take(principal: string, signal?: AbortSignal): Promise<void> {
    return this.target ? this.target.take(principal, signal) : Promise.resolve()
  }
  pause(principal: string, untilMs: number): Promise<void> {
    return this.target ? this.target.pause(principal, untilMs) : Promise.resolve()
  }
}

function parseJob(payload: unknown): SyncJob {
  const p = payload as Partial<SyncJob> | null
  if (!p || typeof p.connection !== 'string' || typeof p.repo !== 'string' || !/^[^/\s]+\/[^/\s]+$/.test(p.repo)) {
    throw new UsageError(`A sync job needs {connection, repo: "workspace/slug"}; got ${JSON.stringify(payload)}.`, {code: 'bad_job'})
  }
  return {connection: p.connection, repo: p.repo}
}

/**
 * Run graphile-worker on the queue until `signal` aborts (or the queue drains, when asked). Each job
 * syncs one repository with the same engine as `sync`; every HTTP request first takes from the
 * principal's budget in PostgreSQL. Liveness: each process beats every staleMs/6; a worker silent for
 * staleMs (killed, frozen, cut off) has its jobs unlocked by any other, which picks them up again.
 */
export async function runWorker(options: WorkerOptions): Promise<void> {
  const {queue, store, emit} = options
  const {processEnv} = options
  const staleMs = options.staleMs ?? staleFromEnv(processEnv)
  const windowMs = rateWindowFromEnv(processEnv)
  const connections = new Map<string, Promise<OpenedConnection>>()
  let configStore: ConfigStore | undefined
  const config = (): ConfigStore => (configStore ??= new ConfigStore({configDir: options.env.configDir, env: processEnv}))
  const drain = new AbortController()
  const onAbort = () => drain.abort()
  options.signal.addEventListener('abort', onAbort, {once: true})
  const slots = new BudgetSlots(queue.pool, windowMs)

  const connectionFor = (name: string): Promise<OpenedConnection> => {
    let opened = connections.get(name)
    if (!opened) {
      const budget = new DeferredBudget()
      // A scaled window (tests, benches) scales the in-process pacing's hour with it.
      const scaled = windowMs !== DEFAULT_WINDOW_MS
        ? {limiter: {requestsPerWindow: options.env.rateLimitPerHour ?? CLOUD_REQUESTS_PER_HOUR, windowMs: windowMs * 60}}
        : {}
      const request = {
        name, env: options.env, http: {sharedBudget: budget, ...scaled},
        warn: (message: string) => emit({type: 'warning', message: message.replace(/^Warning: /, '')}),
      }
      opened = (options.open ? options.open(request) : openConnection({...request, config: config(), processEnv})).then((o) => {
        const limit = o.connection.rateLimitPerHour ?? (o.connection.provider === 'cloud' ? 1000 : null)
        // Data Center paces on its own headers; its ledger row then only carries pauses (Retry-After, 429).
        const plan = limit === null ? {...planWindows(1_000_000, windowMs), cap: 2_147_483_647} : planWindows(limit, windowMs)
        budget.target = slots.budget(new PostgresBudgetLedger(queue.pool, plan))
        return o
      })
      opened.catch(() => connections.delete(name))
      connections.set(name, opened)
    }
    return opened
  }

  const workerIds = new Set<string>()
  const syncTask: Task = async (payload, helpers) => {
    const job = parseJob(payload)
    const workerId = helpers.job.locked_by ?? 'unknown'
    const base = {id: String(helpers.job.id), connection: job.connection, repo: job.repo, attempt: helpers.job.attempts, workerId}
    emit({type: 'job', phase: 'start', ...base, maxAttempts: helpers.job.max_attempts, revision: helpers.job.revision})
    const started = Date.now()
    await slots.run(job.connection, async (slot) => {
      try {
        const opened = await connectionFor(job.connection)
        const signal = AbortSignal.any([helpers.abortSignal, drain.signal, slot.signal])
        const statsAt = opened.client.stats().requests
        const errors: string[] = []
        let counts: Record<string, number> = {}
        const summary = await runSync({connection: job.connection, repos: [job.repo], selection: [], concurrency: options.syncConcurrency ?? 4}, {
          provider: opened.provider,
          store,
          signal,
          emit: (event: SyncEvent) => {
            if (event.type === 'error') errors.push(event.message)
            if (event.type === 'warning') emit({type: 'warning', message: `${job.repo}: ${event.message}`})
            if (event.type === 'summary') counts = {...event.counts} as Record<string, number>
            else if (event.type !== 'start') options.syncEvents?.(event)
            if (event.type === 'repo' && event.phase !== 'queued') emit({type: 'job', phase: 'step', id: base.id, connection: job.connection, repo: job.repo, step: event.phase})
          },
          httpStats: () => opened.client.stats(),
        })
        if (summary.stopReason === 'errors') throw new BbError(errors.join('; ') || `Syncing ${job.repo} failed.`, {code: 'sync_failed'})
        emit({type: 'job', phase: 'done', ...base, revision: helpers.job.revision, requests: opened.client.stats().requests - statsAt, durationMs: Date.now() - started, counts})
      } catch (error) {
        const resumeAt = slot.resumeAt()
        if (resumeAt !== null) {
          // The slot goes to another principal's job; this one is queued again (same key, same
          // repository queue, its attempts kept) for when its principal's window reopens, and
          // resumes from its last committed page.
          await queue.addSync(job, {runAt: new Date(resumeAt), attempts: helpers.job.attempts - 1})
          emit({type: 'job', phase: 'yielded', ...base, resumeAt: new Date(resumeAt).toISOString()})
          return
        }
        const message = error instanceof Error ? error.message : String(error)
        const final = !(error instanceof InterruptedError) && helpers.job.attempts >= helpers.job.max_attempts
        emit({type: 'job', phase: 'failed', ...base, maxAttempts: helpers.job.max_attempts, error: message, final})
        throw error
      }
    })
  }

  const catchUpTask: Task = async (payload) => {
    const name = (payload as {connection?: unknown} | null)?.connection
    if (typeof name !== 'string') throw new UsageError('A catch-up job needs {connection}.', {code: 'bad_job'})
    const opened = await connectionFor(name)
    const repos = await listTargets(opened, drain.signal)
    for (const repo of repos) await queue.addSync({connection: name, repo})
    emit({type: 'catchUp', connection: name, queued: repos.length})
  }

  const events: WorkerEvents = new EventEmitter() as WorkerEvents
  // Jobs are locked in the name of the pool (graphile-worker 0.17 fetches for the whole pool): its id
  // is what the heartbeat vouches for; the worker ids are listed for `workers status`.
  events.on('pool:create', ({workerPool}) => {
    workerIds.add(workerPool.id)
  })
  const parsedCronItems = options.catchUp
    ? parseCronItems(options.catchUp.connections.map((connection) => ({
        task: CATCH_UP_TASK,
        match: options.catchUp!.pattern,
        identifier: `catch_up:${connection}`,
        payload: {connection},
        options: {backfillPeriod: 0, jobKey: `catch_up:${connection}`, maxAttempts: 3},
      })))
    : []

  // The operating system's id of this process names the worker in the queue, as graphile-worker does.
  const pid = processId
  const processName = `${hostname()}:${pid}`
  let runner: Runner
  try {
    runner = await run({
      pgPool: queue.pool,
      schema: WORKER_SCHEMA,
      concurrency: options.concurrency,
      noHandleSignals: true,
      pollInterval: 500,
      forbiddenFlags: slots.forbiddenFlags,
      logger: silentLogger(),
      events,
      taskList: {[SYNC_TASK]: syncTask, [CATCH_UP_TASK]: catchUpTask},
      parsedCronItems,
    })
  } catch (error) {
    options.signal.removeEventListener('abort', onAbort)
    throw error
  }

  const beat = async (): Promise<void> => {
    if (workerIds.size > 0) {
      await queue.pool.query(
        `insert into ${LEDGER_SCHEMA}.heartbeats (worker_id, process) select unnest($1::text[]), $2
         on conflict (worker_id) do update set beat_at = now()`,
        [[...workerIds], processName],
      )
    }
    // Jobs held by workers that stopped beating (kill -9, a frozen machine) go back to the queue.
    const stale = await queue.pool.query<{locked_by: string}>(
      `select distinct j.locked_by from ${WORKER_SCHEMA}._private_jobs j
       where j.locked_by is not null and j.locked_at < now() - make_interval(secs => $1::float8 / 1000)
         and not exists (select 1 from ${LEDGER_SCHEMA}.heartbeats h
           where h.worker_id = j.locked_by and h.beat_at > now() - make_interval(secs => $1::float8 / 1000))`,
      [staleMs],
    )
    const dead = stale.rows.map((r) => r.locked_by).filter((id) => !workerIds.has(id))
    if (dead.length > 0) {
      await queue.utils.forceUnlockWorkers(dead)
      await queue.pool.query(`delete from ${LEDGER_SCHEMA}.heartbeats where worker_id = any($1::text[])`, [dead])
      emit({type: 'reaped', workers: dead})
    }
  }
  const beatMs = Math.max(50, Math.floor(staleMs / 6))
  let beating: Promise<void> = Promise.resolve()
  const timer = setInterval(() => {
    beating = beating.then(beat).catch((error: unknown) => emit({type: 'warning', message: `heartbeat failed: ${error instanceof Error ? error.message : String(error)}`}))
  }, beatMs)
  await beat()

  emit({type: 'worker', phase: 'started', pid, host: hostname(), workers: [...workerIds], concurrency: options.concurrency, store: queue.description})

  let statusTimer: NodeJS.Timeout | null = null
  if (options.statusEveryMs !== undefined) {
    let reading = false
    const report = async () => {
      if (reading) return
      reading = true
      try {
        const [queueNow, budgets] = await Promise.all([queueDepth(queue), readBudgets(queue.pool)])
        emit({
          type: 'status', queue: queueNow,
          budgets: budgets.map((b) => ({principal: b.principal, used: b.used, cap: b.cap, windowMs: b.windowMs, pausedForMs: Math.max(0, b.pausedUntil - b.now)})),
        })
      } catch {
        // The next tick tries again; a live view keeps its last figures meanwhile.
      } finally {
        reading = false
      }
    }
    void report()
    statusTimer = setInterval(() => void report(), options.statusEveryMs)
  }

  let drainTimer: NodeJS.Timeout | null = null
  if (options.untilDrained) {
    drainTimer = setInterval(() => {
      void pendingJobs(queue).then((n) => {
        if (n === 0) drain.abort()
      }, () => undefined)
    }, 250)
  }
  try {
    await new Promise<void>((resolve) => {
      if (drain.signal.aborted) return resolve()
      drain.signal.addEventListener('abort', () => resolve(), {once: true})
      runner.promise.then(() => resolve(), () => resolve())
    })
    emit({type: 'worker', phase: 'draining', pid})
    await runner.stop()
  } finally {
    if (drainTimer) clearInterval(drainTimer)
    if (statusTimer) clearInterval(statusTimer)
    clearInterval(timer)
    await beating.catch(() => undefined)
    options.signal.removeEventListener('abort', onAbort)
    await queue.pool.query(`delete from ${LEDGER_SCHEMA}.heartbeats where worker_id = any($1::text[])`, [[...workerIds]]).catch(() => undefined)
    await Promise.allSettled([...connections.values()].map(async (c) => (await c).close()))
    emit({type: 'worker', phase: 'stopped', pid})
  }
}

/**
 * Sync jobs still to run now or running, and those waiting for their principal's budget to reopen;
 * waiting for a retry later does not count.
 */
export async function pendingJobs(queue: Pick<Queue, 'pool'>): Promise<number> {
  const result = await queue.pool.query<{n: string}>(
    `select count(*)::text as n from ${WORKER_SCHEMA}.jobs
     where task_identifier = $1 and attempts < max_attempts
       and (locked_at is not null or run_at <= now() or coalesce(flags ? $2, false))`,
    [SYNC_TASK, BUDGET_WAIT_FLAG],
  )
  return Number(result.rows[0]?.n ?? 0)
}

export type {Job}
