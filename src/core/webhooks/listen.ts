import {setMaxListeners} from 'node:events'

import pLimit from 'p-limit'

import {BbError} from '../errors.js'
import type {HttpStats} from '../http/types.js'
import type {Page, Provider} from '../provider/types.js'
import type {Store} from '../store/types.js'
import type {SyncEvent, SyncEventSink} from '../sync/events.js'
import type {SyncOptions} from '../sync/options.js'
import {runSync} from '../sync/engine.js'
import {applyChange, type TargetedChange} from '../sync/targeted.js'
import {startReceiver} from './receiver.js'
import type {ReceivedDelivery, Receiver, RejectReason} from './receiver.js'

/**
 * `webhooks listen` as a service: the receiver in front, a queue behind it that applies each new
 * delivery through the targeted refreshes of the sync code (one repository's changes one at a time,
 * a few repositories at once), a catch-up sync on start and every `resyncEveryMs`, and a stop that
 * finishes what was accepted. Knows neither oclif nor Ink: everything it does is an event.
 */
export type ListenEvent =
  | {type: 'listening'; url: string}
  | {type: 'ready'; at: string}
  | {type: 'delivery'; id: string | null; event: string | null; repo: string | null; status: 'accepted' | 'duplicate' | 'rejected'; reason: string | null; httpStatus: number}
  | {type: 'applied'; id: string; event: string; repo: string | null; at: string; requests: number; lagMs: number}
  | {type: 'applyFailed'; id: string; event: string; repo: string | null; message: string}
  | {type: 'resync'; phase: 'start' | 'done' | 'failed'; at: string; message?: string}
  | {type: 'stopping'; pending: number}
  | {type: 'stopped'; at: string}

export type ListenSink = (event: ListenEvent | SyncEvent) => void

export interface ListenOptions {
  connection: string
  host: string
  port: number
  path: string
  secret: string
  /** Repositories listened to (the selection); empty = every repository the deliveries name. */
  repos: string[]
  resyncEveryMs: number
  /** Options of the catch-up sync (rate budget, concurrency). */
  sync?: Partial<SyncOptions>
  /** Changes applied at once (across repositories). */
  concurrency?: number
  /** Receiver limits (defaults: 1 MiB, 5 s for headers, 10 s for the whole request). */
  limits?: {maxBodyBytes?: number; headersTimeoutMs?: number; requestTimeoutMs?: number}
}

export interface ListenDeps {
  provider: Provider
  store: Store
  emit: ListenSink
  /**
   * Hand each change to someone else instead of applying it here (a PostgreSQL store's job queue, so any
   * worker applies it). Default: refresh it here through the sync code.
   */
  handOff?: (change: TargetedChange) => Promise<void>
  httpStats?: () => HttpStats
  now?: () => number
}

export interface Listener {
  url: string
  /** Resolves once the start-up catch-up is done. */
  ready: Promise<void>
  /** Stop accepting, finish the accepted work, close the receiver. */
  stop(): Promise<void>
  /** Abort work in flight (a second Ctrl-C). */
  abort(): void
  /** Resolves when every accepted delivery has been applied (or has failed). */
  idle(): Promise<void>
}

/** A provider that counts the API reads made through it (pages of collections, single reads). */
function counting(provider: Provider, counter: {n: number}): Provider {
  return new Proxy(provider, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown
      if (typeof value !== 'function' || prop === 'constructor') return value
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown).apply(target, args)
        if (result && typeof (result as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
          return (async function* () {
            for await (const page of result as AsyncIterable<Page<unknown>>) {
              counter.n += 1
              yield page
            }
          })()
        }
        counter.n += 1
        return result
      }
    },
  })
}

export async function startListener(options: ListenOptions, deps: ListenDeps): Promise<Listener> {
  const now = deps.now ?? Date.now
  const iso = () => new Date(now()).toISOString()
  const controller = new AbortController()
  setMaxListeners(1000, controller.signal)
  /** The catch-up sync stops on the first stop request (it resumes next time); deliveries do not. */
  const syncController = new AbortController()
  setMaxListeners(1000, syncController.signal)
  const scope = new Set(options.repos)
  const limit = pLimit(options.concurrency ?? 4)
  /** Tail of each repository's chain: a repository's changes apply in arrival order, one at a time. */
  const chains = new Map<string, Promise<void>>()
  const inFlight = new Set<Promise<void>>()
  let running = 0
  let stopping = false
  /** While a catch-up sync runs, queued changes wait for it (both walk the same commit state). */
  let gate: Promise<void> = Promise.resolve()
  const idleWaiters: Array<() => void> = []

  const sink: SyncEventSink = (e) => deps.emit(e)

  async function apply(d: ReceivedDelivery): Promise<void> {
    await gate
    running += 1
    const counter = {n: 0}
    try {
      for (const change of d.changes) {
        if (deps.handOff) await deps.handOff(change)
        else await applyChange(change, {connection: options.connection, provider: counting(deps.provider, counter), store: deps.store, emit: sink, signal: controller.signal})
      }
      const at = iso()
      await deps.store.markDeliveryApplied(options.connection, d.id, at)
      deps.emit({type: 'applied', id: d.id, event: d.event, repo: d.repo, at, requests: counter.n, lagMs: Math.max(0, Date.parse(at) - Date.parse(d.receivedAt))})
    } catch (error) {
      // The next catch-up sync brings what this refresh could not.
      deps.emit({type: 'applyFailed', id: d.id, event: d.event, repo: d.repo, message: error instanceof Error ? error.message : String(error)})
    } finally {
      running -= 1
      if (running === 0) for (const w of idleWaiters.splice(0)) w()
    }
  }

  function enqueue(d: ReceivedDelivery): void {
    const key = d.repo ?? ''
    const previous = chains.get(key) ?? Promise.resolve()
    const next = previous.then(() => limit(() => apply(d)))
    chains.set(key, next)
    inFlight.add(next)
    void next.finally(() => {
      inFlight.delete(next)
      if (chains.get(key) === next) chains.delete(key)
    })
  }

  async function catchUp(): Promise<void> {
    let open!: () => void
    gate = new Promise((resolve) => (open = resolve))
    // Let changes already being applied finish first.
    if (running > 0) await new Promise<void>((resolve) => idleWaiters.push(resolve))
    deps.emit({type: 'resync', phase: 'start', at: iso()})
    try {
      await runSync({
        ...options.sync,
        connection: options.connection,
        repos: options.repos.length ? options.repos : undefined,
      }, {provider: deps.provider, store: deps.store, emit: sink, signal: AbortSignal.any([controller.signal, syncController.signal]), httpStats: deps.httpStats})
      deps.emit({type: 'resync', phase: 'done', at: iso()})
    } catch (error) {
      deps.emit({type: 'resync', phase: 'failed', at: iso(), message: error instanceof Error ? error.message : String(error)})
    } finally {
      open()
    }
  }

  const receiver: Receiver = await startReceiver({
    host: options.host,
    port: options.port,
    path: options.path,
    secret: options.secret,
    now,
    ...options.limits,
    async accept(d) {
      if (stopping) throw new BbError('The listener is stopping.', {code: 'stopping'})
      const fresh = await deps.store.recordDelivery(options.connection, {id: d.id, event: d.event, repo: d.repo, receivedAt: d.receivedAt})
      if (!fresh) return false
      const inScope = d.repo === null || scope.size === 0 || scope.has(d.repo)
      deps.emit({type: 'delivery', id: d.id, event: d.event, repo: d.repo, status: 'accepted', reason: inScope ? null : 'repository not listened to', httpStatus: 202})
      if (inScope && d.changes.length > 0) enqueue(d)
      else await deps.store.markDeliveryApplied(options.connection, d.id, d.receivedAt)
      return true
    },
    onDuplicate(d) {
      deps.emit({type: 'delivery', id: d.id, event: d.event, repo: d.repo, status: 'duplicate', reason: 'already received', httpStatus: 200})
    },
    onRejected(status, reason: RejectReason, detail, who) {
      deps.emit({type: 'delivery', id: who.id, event: who.event, repo: null, status: 'rejected', reason: `${reason}: ${detail}`, httpStatus: status})
    },
  })
  deps.emit({type: 'listening', url: receiver.url})

  // Deliveries older than a week cannot be repeats any more (Cloud retries within minutes).
  await deps.store.pruneDeliveries(options.connection, new Date(now() - 7 * 86_400_000).toISOString())

  const ready = catchUp().then(() => deps.emit({type: 'ready', at: iso()}))
  let timer: NodeJS.Timeout | null = null
  const schedule = () => {
    timer = setTimeout(() => {
      void catchUp().then(() => {
        if (!stopping) schedule()
      })
    }, options.resyncEveryMs)
    timer.unref()
  }
  void ready.then(() => {
    if (!stopping) schedule()
  })

  let stopped: Promise<void> | null = null
  return {
    url: receiver.url,
    ready,
    abort: () => controller.abort(),
    async idle() {
      while (inFlight.size) await Promise.allSettled([...inFlight])
    },
    stop() {
      stopped ??= (async () => {
        stopping = true
        if (timer) clearTimeout(timer)
        syncController.abort()
        const closing = receiver.close()
        deps.emit({type: 'stopping', pending: inFlight.size})
        await ready.catch(() => undefined)
        while (inFlight.size) await Promise.allSettled([...inFlight])
        await closing
        deps.emit({type: 'stopped', at: iso()})
      })()
      return stopped
    },
  }
}
