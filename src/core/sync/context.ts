import type {Clock} from '../clock.js'
import type {HttpStats, RateLimitState} from '../http/types.js'
import type {EntityName} from '../model.js'
import type {CommitSource, Provider} from '../provider/types.js'
import type {Store} from '../store/types.js'
import type {SyncEventSink} from './events.js'
import type {SyncOptions} from './options.js'

/** Everything runSync needs from outside, injected so tests swap each piece. */
export interface SyncDeps {
  provider: Provider
  /** Where branches, commits and commit files come from (default: the provider's REST API). */
  commitSource?: CommitSource
  store: Store
  emit: SyncEventSink
  clock?: Clock
  /** Ctrl-C: stop gracefully, keep what is committed, exit 4. */
  signal?: AbortSignal
  /** The HttpClient's counters, for the summary's requests / retries / waits. */
  httpStats?: () => HttpStats
  /** The HttpClient's budget per credential (earlier runs' spending included), for `--plan`. */
  rateLimits?: () => RateLimitState[]
}

/** Options with every default applied. */
export type ResolvedOptions = Required<Omit<SyncOptions, 'repos' | 'selection' | 'since' | 'pathPrefix'>> & Pick<SyncOptions, 'repos' | 'selection'> & {
  since: string | null
  pathPrefix: string | null
}

/** Bounded work queue: `limit(fn)` runs fn when a slot is free. */
export type Limit = <T>(fn: () => Promise<T>) => Promise<T>

export interface SyncContext {
  options: ResolvedOptions
  provider: Provider
  commitSource: CommitSource
  store: Store
  clock: Clock
  signal: AbortSignal
  emit: SyncEventSink
  /** API calls fanned out inside a repo (activity, commit files). */
  fetchLimit: Limit
  /** Count what was written (summary) and report it as a `progress` event (a delta). */
  counted(repo: string, entity: EntityName, n: number): void
  now(): string
}
