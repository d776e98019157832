import type {RateLimitState} from '../http/types.js'
import type {EntityName} from '../model.js'

/**
 * The one event stream of a sync. Three renderers read it: the Ink dashboard (TTY), plain lines on
 * stderr (no TTY) and NDJSON on stdout (--json). Documented and versioned in docs/events.md.
 */
export const EVENT_SCHEMA_VERSION = 1

export type RepoPhase = 'queued' | 'pullRequests' | 'reviews' | 'commits' | 'commitFiles' | 'done' | 'failed' | 'skipped'

export type EntityCounts = Partial<Record<EntityName, number>>

export type SyncEvent =
  | {type: 'start'; at: string; connection: string; provider: 'cloud' | 'datacenter'; store: string; repos: number; full: boolean; shard: string | null}
  | {type: 'plan'; repo: string; estimatedRequests: number; pullRequests: number | null; commits: number | null}
  | {
      /** `sync --plan` totals (added in v1, additive). */
      type: 'planSummary'
      repos: number
      estimatedRequests: number
      estimatedSeconds: number
      requestsPerHour: number
    }
  | {type: 'repo'; repo: string; phase: RepoPhase; done?: number; total?: number | null}
  | {type: 'progress'; repo: string; entity: EntityName; count: number}
  | {type: 'rateLimit'; state: RateLimitState}
  | {type: 'wait'; credentialId: string; principal: string; until: string; reason: string}
  | {type: 'retry'; url: string; attempt: number; delayMs: number; reason: string}
  | {type: 'warning'; repo?: string; message: string}
  | {type: 'error'; repo?: string; message: string; code?: string}
  | {
      type: 'summary'
      at: string
      counts: EntityCounts
      requests: number
      retries: number
      rateLimitWaits: number
      durationMs: number
      complete: boolean
      reposDone: number
      reposFailed: number
      reposLeft: number
      /** Why the run ended early, when it did. */
      stopReason: 'interrupted' | 'max-wait' | 'rate-limit' | 'errors' | null
    }

export type SyncEventEnvelope = SyncEvent & {v: typeof EVENT_SCHEMA_VERSION}
export type SyncEventSink = (event: SyncEvent) => void
