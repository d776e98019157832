import {AsyncLocalStorage} from 'node:async_hooks'

import type pg from 'pg'

import {InterruptedError} from '../errors.js'
import type {PostgresBudgetLedger} from '../http/ledger-postgres.js'
import type {SharedBudget} from '../http/shared-budget.js'
import {WORKER_SCHEMA, connectionFlag} from './queue.js'

/** A crowded principal gets at most this many jobs in one process when nothing else is waiting. */
export const CROWDED_JOBS = 2

/** One running job as the slot scheduler sees it. */
export interface JobSlot {
  /** Aborted when the job gives its slot back. */
  readonly signal: AbortSignal
  /** Set when the job gave its slot back: when its principal's budget reopens (this machine's clock). */
  resumeAt(): number | null
}

interface RunningJob {
  connection: string
  controller: AbortController
  yielded: number | null
  /** No new look for other work before this time (one look per window and job). */
  nextLook: number
}

/**
 * Job slots against per-principal budgets. A job slot that waits for its principal's budget does
 * nothing useful, and graphile-worker hands out jobs in the order they were queued: without this, every
 * slot of a worker can hold jobs of one principal while the budgets of the others go unused.
 *
 * - A job whose request has to wait for its principal's budget gives its slot back (it is queued again,
 *   with its attempts, to run when the window reopens), but only while another job of this process keeps
 *   spending that principal's budget and a job of some other, uncrowded principal is waiting. The job stops after its current page, so resuming costs at most that page.
 * - A free slot skips the jobs of a crowded principal (one whose requests wait and that already has a job
 *   here) as long as other work is waiting (graphile-worker's forbidden flags, one per connection).
 *
 * The budget itself is untouched: whatever the slots do, each request still takes from the ledger.
 */
export class BudgetSlots {
  private readonly current = new AsyncLocalStorage<RunningJob>()
  private readonly running = new Set<RunningJob>()
  private readonly principalOf = new Map<string, string>()
  private readonly crowdedAt = new Map<string, number>()

  constructor(
    private readonly pool: pg.Pool,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
    /** How long a request may wait for the budget before its job looks for a reason to give its slot back. */
    private readonly yieldAfterMs = 0,
  ) {}

  /** Run one job's work in its slot. */
  async run<T>(connection: string, work: (slot: JobSlot) => Promise<T>): Promise<T> {
    const job: RunningJob = {connection, controller: new AbortController(), yielded: null, nextLook: 0}
    this.running.add(job)
    try {
      return await this.current.run(job, () => work({signal: job.controller.signal, resumeAt: () => job.yielded}))
    } finally {
      this.running.delete(job)
    }
  }

  /** The ledger as the HTTP client of every job sees it: each wait may give the job's slot back. */
  budget(ledger: PostgresBudgetLedger): SharedBudget {
    return {
      take: (principal, signal) => ledger.take(principal, signal, {onWait: (waitMs, waitedMs) => this.onWait(principal, waitMs, waitedMs)}),
      pause: (principal, untilMs) => ledger.pause(principal, untilMs),
    }
  }

  /** graphile-worker's `forbiddenFlags`: the crowded connections, when other work is waiting. */
  readonly forbiddenFlags = async (): Promise<string[] | null> => {
    const flags = this.crowdedFlags(1)
    if (flags.length === 0) return null
    if (await this.otherWorkWaiting(flags)) return flags
    // Nothing else to do: a crowded principal still gets no more than CROWDED_JOBS jobs here, since more
    // would only wait for the same budget (and spend this machine's CPU and the database's polling).
    const full = this.crowdedFlags(CROWDED_JOBS)
    return full.length > 0 ? full : null
  }

  private async onWait(principal: string, waitMs: number, waitedMs: number): Promise<void> {
    const now = this.now()
    this.crowdedAt.set(principal, now)
    const job = this.current.getStore()
    if (!job) return
    this.principalOf.set(job.connection, principal)
    if (job.yielded !== null) throw yieldedError()
    if (waitedMs + waitMs < this.yieldAfterMs || now < job.nextLook) return
    job.nextLook = now + this.windowMs
    if (!this.othersSpend(job, principal)) return
    if (!(await this.otherWorkWaiting(this.crowdedFlags()))) return
    // Checked again after the query: two jobs of one principal must not both leave it.
    if (job.yielded !== null || !this.othersSpend(job, principal)) return
    job.yielded = now + waitMs
    job.controller.abort()
    throw yieldedError()
  }

  private othersSpend(job: RunningJob, principal: string): boolean {
    for (const other of this.running) {
      if (other !== job && other.yielded === null && this.principalOf.get(other.connection) === principal) return true
    }
    return false
  }

  /**
   * Connections whose principal had to wait lately and already has a job here. "Lately" is two windows,
   * at least 2 s: with short windows a busy machine may take longer than one to come back to the ledger.
   */
  private crowdedFlags(minJobs = 1): string[] {
    const since = this.now() - Math.max(2 * this.windowMs, 2000)
    const jobs = new Map<string, number>()
    for (const job of this.running) {
      if (job.yielded !== null) continue
      const principal = this.principalOf.get(job.connection)
      if (principal === undefined || (this.crowdedAt.get(principal) ?? -Infinity) < since) continue
      jobs.set(principal, (jobs.get(principal) ?? 0) + 1)
    }
    const flags: string[] = []
    for (const [connection, principal] of this.principalOf) {
      if ((jobs.get(principal) ?? 0) >= minJobs) flags.push(connectionFlag(connection))
    }
    return flags
  }

  /** Is a job that none of `flags` marks ready to run now (its repository's queue free)? */
  private async otherWorkWaiting(flags: string[]): Promise<boolean> {
    const result = await this.pool.query<{waiting: boolean}>(
      `select exists (
         select 1 from ${WORKER_SCHEMA}._private_jobs j
         left join ${WORKER_SCHEMA}._private_job_queues q on q.id = j.job_queue_id
         where j.is_available and j.run_at <= now() and q.locked_at is null
           and (j.flags is null or not (j.flags ?| $1::text[]))
       ) as waiting`,
      [flags],
    )
    return result.rows[0]?.waiting === true
  }
}

function yieldedError(): InterruptedError {
  return new InterruptedError('Gave the job slot back while waiting for the rate-limit budget.', {code: 'interrupted'})
}
