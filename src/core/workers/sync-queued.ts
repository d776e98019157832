import type {ConnectionOpener, OpenedConnection} from '../connection.js'
import type {BbEnv} from '../env.js'
import {InterruptedError} from '../errors.js'
import type {Store} from '../store/types.js'
import type {SyncSummary} from '../sync/engine.js'
import type {EntityCounts, SyncEventSink} from '../sync/events.js'
import {openQueue} from './queue.js'
import {listTargets} from './targets.js'
import {runWorker} from './worker.js'

export interface QueuedInput {
  opened: OpenedConnection
  store: Store
  storeUrl: string | undefined
  repos: string[]
  /** null: only enqueue. */
  workers: number | null
  env: BbEnv
  /** The raw environment (the default store's place, worker settings). */
  processEnv: NodeJS.ProcessEnv
  /** Opens the workers' connections with the caller's wiring. */
  open?: ConnectionOpener
  emit: SyncEventSink
  signal: AbortSignal
  concurrency: number
}

export interface QueuedResult {
  enqueued: number
  /** Repositories whose job was still waiting: the new request merged into it. */
  coalesced: number
  summary: SyncSummary | null
}

/**
 * `sync --enqueue` (queue one job per repository and return) and `sync --workers N` (queue them, run
 * N workers in this process until the queue is empty, report one summary as a plain sync does).
 */
export async function runQueued(input: QueuedInput): Promise<QueuedResult> {
  const {opened, emit, signal} = input
  const started = Date.now()
  const queue = await openQueue(input.storeUrl, input.processEnv)
  try {
    const connection = opened.connection.name
    const targets = await listTargets(opened, signal, input.repos)
    let coalesced = 0
    for (const repo of targets) {
      if ((await queue.addSync({connection, repo})).revision > 0) coalesced++
    }
    if (input.workers === null) return {enqueued: targets.length, coalesced, summary: null}

    emit({type: 'start', at: new Date().toISOString(), connection, provider: opened.connection.provider, store: input.store.description, repos: targets.length, full: false, shard: null})
    for (const repo of targets) emit({type: 'repo', repo, phase: 'queued'})
    const counts: EntityCounts = {}
    const done = new Set<string>()
    const failed = new Set<string>()
    let requests = 0
    const mine = new Set(targets)
    await runWorker({
      queue, store: input.store, env: input.env, processEnv: input.processEnv, open: input.open, concurrency: input.workers, signal, untilDrained: true,
      syncConcurrency: input.concurrency,
      syncEvents: emit,
      emit: (event) => {
        if (event.type === 'warning') emit({type: 'warning', message: event.message})
        if (event.type !== 'job' || event.connection !== connection) return
        if (event.phase === 'done') {
          requests += event.requests
          if (mine.has(event.repo)) {
            done.add(event.repo)
            failed.delete(event.repo)
          }
          for (const [entity, n] of Object.entries(event.counts)) counts[entity as keyof EntityCounts] = (counts[entity as keyof EntityCounts] ?? 0) + n
        } else if (event.phase === 'failed' && mine.has(event.repo) && !done.has(event.repo)) {
          failed.add(event.repo)
          emit({type: 'error', repo: event.repo, message: event.error})
        }
      },
    })
    const interrupted = signal.aborted
    const reposFailed = interrupted ? 0 : targets.length - done.size
    const summary: SyncSummary = {
      at: new Date().toISOString(),
      counts,
      requests,
      retries: 0,
      rateLimitWaits: 0,
      durationMs: Date.now() - started,
      complete: done.size === targets.length,
      reposDone: done.size,
      reposFailed,
      reposLeft: targets.length - done.size - reposFailed,
      stopReason: interrupted ? 'interrupted' : reposFailed > 0 ? 'errors' : null,
    }
    emit({type: 'summary', ...summary})
    if (interrupted) {
      throw new InterruptedError(`Stopped with ${summary.reposLeft} of ${targets.length} repositories left; their jobs stay queued.`, {code: 'interrupted', remedy: 'Run `bb-integrate worker` (or this command again) to finish them.'})
    }
    return {enqueued: targets.length, coalesced, summary}
  } finally {
    await queue.close()
  }
}
