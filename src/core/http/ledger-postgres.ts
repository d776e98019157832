import type pg from 'pg'

import {InterruptedError, UsageError} from '../errors.js'
import type {SharedBudget} from './shared-budget.js'

/** Cloud's hour, and the small fixed window its budget is cut into (overridable for tests and benches). */
export const HOUR_MS = 3_600_000
export const DEFAULT_WINDOW_MS = 60_000

export interface WindowPlan {
  /** Length of one fixed window. */
  windowMs: number
  /** Requests per principal per fixed window. */
  cap: number
  /** The rolling period the server counts on (an hour, scaled with the window). */
  periodMs: number
  /** The server's limit per rolling period. */
  limit: number
}

/**
 * Fixed windows sized so that no rolling period (Cloud: an hour) ever sees more than the limit: a
 * period of 60 windows overlaps at most 61 of them, and one more is kept spare for requests that
 * arrive late or early. 1,000/h → 16 per 60 s, 976 in the worst rolling hour.
 *
 * `windowMs` shrinks the whole clock (the period stays 60 windows): a test with a 100 ms window and an
 * emulator window of 6 s behaves like an hour in six seconds.
 */
export function planWindows(limitPerHour: number, windowMs = DEFAULT_WINDOW_MS): WindowPlan {
  if (!Number.isInteger(windowMs) || windowMs < 10) {
    throw new UsageError(`The shared rate window must be a whole number of milliseconds ≥ 10 (got ${windowMs}).`, {code: 'bad_rate_window'})
  }
  const periodMs = windowMs * (HOUR_MS / DEFAULT_WINDOW_MS)
  const cap = Math.floor(limitPerHour / (periodMs / windowMs + 2))
  if (cap < 1) {
    throw new UsageError(`A limit of ${limitPerHour} requests per hour is too small to share in windows of ${windowMs} ms.`, {code: 'bad_rate_limit', remedy: 'Use a limit of at least 62 per hour.'})
  }
  return {windowMs, cap, periodMs, limit: limitPerHour}
}

/** BB_INTEGRATE_RATE_WINDOW_MS: the fixed window length (default 60,000). */
export function rateWindowFromEnv(env: NodeJS.ProcessEnv): number {
  const text = env.BB_INTEGRATE_RATE_WINDOW_MS
  if (text === undefined || text === '') return DEFAULT_WINDOW_MS
  const n = Number(text)
  if (!Number.isInteger(n) || n < 10) {
    throw new UsageError(`BB_INTEGRATE_RATE_WINDOW_MS must be a whole number of milliseconds ≥ 10, not "${text}".`, {code: 'bad_rate_window'})
  }
  return n
}

export const LEDGER_SCHEMA = 'bb_integrate_queue'

export async function ensureLedgerTable(pool: pg.Pool): Promise<void> {
  await pool.query(`create schema if not exists ${LEDGER_SCHEMA}`)
  await pool.query(`create table if not exists ${LEDGER_SCHEMA}.budget (
    principal text primary key,
    window_ms bigint not null,
    cap integer not null default 0,
    window_start bigint not null,
    used integer not null,
    paused_until bigint not null default 0,
    pauses integer not null default 0,
    total bigint not null default 0
  )`)
}

export interface TakeOptions {
  /**
   * Called before each wait for the budget with the wait about to start and the time already waited in
   * this take. It may throw (or reject) to end the take instead: a worker gives its job slot back that way.
   */
  onWait?(waitMs: number, waitedMs: number): void | Promise<void>
}

export interface BudgetRow {
  principal: string
  windowMs: number
  cap: number
  used: number
  windowStart: number
  pausedUntil: number
  pauses: number
  total: number
  now: number
}

// The database clock, not each machine's: workers on machines whose clocks disagree still share windows.
const NOW = `(extract(epoch from clock_timestamp()) * 1000)::bigint`

/**
 * One principal's budget in PostgreSQL: a row per principal holding the current fixed window and how
 * much of it is spent, plus a pause set by any process that saw a 429. Taking is one atomic
 * upsert, so processes cannot overdraw between them.
 */
export class PostgresBudgetLedger implements SharedBudget {
  constructor(
    private readonly pool: pg.Pool,
    readonly plan: WindowPlan,
    private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void> = abortableSleep,
  ) {}

  /** The tail of each principal's line of takes in this process. */
  private readonly lines = new Map<string, Promise<void>>()

  async take(principal: string, signal?: AbortSignal, options: TakeOptions = {}): Promise<void> {
    const started = Date.now()
    // One take per principal at a time in this process: concurrent requests queue here, in order,
    // instead of each asking the database again whenever a window reopens.
    const ahead = this.lines.get(principal) ?? Promise.resolve()
    let leave = () => {}
    const mine = new Promise<void>((resolve) => (leave = resolve))
    const line = ahead.then(() => mine)
    this.lines.set(principal, line)
    try {
      await untilSettled(ahead, signal)
      await this.takeAlone(principal, started, signal, options)
    } finally {
      leave()
      if (this.lines.get(principal) === line) this.lines.delete(principal)
    }
  }

  private async takeAlone(principal: string, started: number, signal: AbortSignal | undefined, options: TakeOptions): Promise<void> {
    const {windowMs, cap} = this.plan
    for (;;) {
      if (signal?.aborted) throw new InterruptedError('Stopped while waiting for the shared rate limit.', {code: 'interrupted'})
      const result = await this.pool.query<{taken: boolean; now: string; window_start: string; paused_until: string}>(
        `with t as (select ${NOW} as now),
        up as (
          insert into ${LEDGER_SCHEMA}.budget as b (principal, window_ms, cap, window_start, used, total)
          select $1, $2, $3, (t.now / $2) * $2, 1, 1 from t
          on conflict (principal) do update set
            window_ms = excluded.window_ms,
            cap = excluded.cap,
            window_start = excluded.window_start,
            used = case when b.window_start = excluded.window_start then b.used + 1 else 1 end,
            total = b.total + 1
          where b.paused_until <= (select now from t)
            and (b.window_start <> excluded.window_start or b.used < $3)
          returning 1
        )
        select exists (select 1 from up) as taken, t.now::text as now,
          coalesce(b.window_start, 0)::text as window_start, coalesce(b.paused_until, 0)::text as paused_until
        from t left join ${LEDGER_SCHEMA}.budget b on b.principal = $1`,
        [principal, windowMs, cap],
      )
      const row = result.rows[0]
      if (!row || row.taken) return
      const now = Number(row.now)
      const freeAt = Math.max(Number(row.paused_until), Number(row.window_start) + windowMs)
      const waitMs = Math.max(1, freeAt - now)
      await options.onWait?.(waitMs, Date.now() - started)
      await this.sleep(waitMs, signal)
    }
  }

  async pause(principal: string, untilMs: number): Promise<void> {
    // untilMs is this machine's clock; the pause is stored as a length from the database's now.
    const lengthMs = Math.max(0, Math.round(untilMs - Date.now()))
    await this.pool.query(
      `insert into ${LEDGER_SCHEMA}.budget as b (principal, window_ms, window_start, used, paused_until, pauses)
       values ($1, $2, 0, 0, ${NOW} + $3, 1)
       on conflict (principal) do update set
         paused_until = greatest(b.paused_until, excluded.paused_until), pauses = b.pauses + 1`,
      [principal, this.plan.windowMs, lengthMs],
    )
  }
}

/** Every principal's budget as the database sees it now (`workers status`). */
export async function readBudgets(pool: pg.Pool): Promise<BudgetRow[]> {
  const result = await pool.query<{principal: string; window_ms: string; cap: number; window_start: string; used: number; paused_until: string; pauses: number; total: string; now: string}>(
    `select principal, window_ms::text, cap, window_start::text, used, paused_until::text, pauses, total::text, ${NOW}::text as now
     from ${LEDGER_SCHEMA}.budget order by principal`,
  )
  return result.rows.map((r) => {
    const windowMs = Number(r.window_ms)
    const now = Number(r.now)
    const current = Number(r.window_start) + windowMs > now
    return {
      principal: r.principal,
      windowMs,
      cap: r.cap,
      used: current ? r.used : 0,
      windowStart: Number(r.window_start),
      pausedUntil: Number(r.paused_until),
      pauses: r.pauses,
      total: Number(r.total),
      now,
    }
  })
}

function untilSettled(ahead: Promise<void>, signal?: AbortSignal): Promise<void> {
  if (!signal) return ahead
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new InterruptedError('Stopped while waiting for the shared rate limit.', {code: 'interrupted'}))
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, {once: true})
    void ahead.then(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    })
  })
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new InterruptedError('Stopped while waiting for the shared rate limit.', {code: 'interrupted'}))
    const onAbort = () => {
      clearTimeout(timer)
      reject(new InterruptedError('Stopped while waiting for the shared rate limit.', {code: 'interrupted'}))
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, {once: true})
  })
}
