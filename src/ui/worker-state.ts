import type {WorkerEvent} from '../core/workers/worker.js'

export interface RunningJobRow {
  id: string
  /** `connection:workspace/slug`. */
  name: string
  /** The sync's phase for the repository (pullRequests, reviews, commits, commitFiles, …). */
  phase: string
  attempt: number
  startedAt: number
}

export interface BudgetGauge {
  principal: string
  used: number
  cap: number
  windowMs: number
  /** This machine's clock; 0 when not paused. */
  pausedUntil: number
}

export interface WorkerDashboardState {
  startedAt: number
  now: number
  title: string | null
  concurrency: number
  store: string | null
  stopping: boolean
  stopped: boolean
  running: Map<string, RunningJobRow>
  done: number
  failed: number
  /** Jobs that gave their slot back to wait for their principal's budget. */
  yielded: number
  requests: number
  queue: {waiting: number; scheduled: number; running: number; failed: number} | null
  budgets: BudgetGauge[]
  warnings: string[]
  errors: string[]
}

export function initialWorkerState(now: number): WorkerDashboardState {
  return {
    startedAt: now, now, title: null, concurrency: 0, store: null, stopping: false, stopped: false,
    running: new Map(), done: 0, failed: 0, yielded: 0, requests: 0, queue: null, budgets: [], warnings: [], errors: [],
  }
}

const KEEP_MESSAGES = 20

function remember(list: string[], message: string): void {
  list.push(message)
  if (list.length > KEEP_MESSAGES) list.splice(0, list.length - KEEP_MESSAGES)
}

export function applyWorkerEvent(state: WorkerDashboardState, event: WorkerEvent, now: number): void {
  state.now = now
  switch (event.type) {
    case 'worker':
      if (event.phase === 'started') {
        state.title = `${event.host}:${event.pid}`
        state.concurrency = event.concurrency
        state.store = event.store
      } else if (event.phase === 'draining') state.stopping = true
      else state.stopped = true
      return
    case 'job': {
      const name = `${event.connection}:${event.repo}`
      if (event.phase === 'start') {
        state.running.set(event.id, {id: event.id, name, phase: 'starting', attempt: event.attempt, startedAt: now})
        return
      }
      if (event.phase === 'step') {
        const row = state.running.get(event.id)
        if (row) row.phase = event.step
        return
      }
      state.running.delete(event.id)
      if (event.phase === 'done') {
        state.done++
        state.requests += event.requests
      } else if (event.phase === 'yielded') state.yielded++
      else {
        state.failed++
        remember(state.errors, `${name}: ${event.error}`)
      }
      return
    }
    case 'status':
      state.queue = event.queue
      state.budgets = event.budgets.map((b) => ({
        principal: b.principal, used: b.used, cap: b.cap, windowMs: b.windowMs,
        pausedUntil: b.pausedForMs > 0 ? now + b.pausedForMs : 0,
      }))
      return
    case 'catchUp':
      remember(state.warnings, `catch-up: ${event.queued} repositories of ${event.connection} queued`)
      return
    case 'reaped':
      remember(state.warnings, `took back the jobs of ${event.workers.length} silent worker(s)`)
      return
    case 'warning':
      remember(state.warnings, event.message)
  }
}

/** Running jobs, longest-running first (the ones to look at). */
export function runningRows(state: WorkerDashboardState, max: number): RunningJobRow[] {
  return [...state.running.values()].sort((a, b) => a.startedAt - b.startedAt || a.name.localeCompare(b.name)).slice(0, Math.max(0, max))
}
