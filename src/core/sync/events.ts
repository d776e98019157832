import type {RateLimitState} from '../http/types.js'
import type {EntityName} from '../model.js'
import type {PlanRange, RepoPlanRequests} from '../provider/types.js'

/**
 * The one event stream of a sync. Three renderers read it: the Ink dashboard (TTY), plain lines on
 * stderr (no TTY) and NDJSON on stdout (--json). Documented and versioned in docs/events.md.
 */
export const EVENT_SCHEMA_VERSION = 1

export type RepoPhase = 'queued' | 'pullRequests' | 'reviews' | 'commits' | 'commitFiles' | 'done' | 'failed' | 'skipped'

export type EntityCounts = Partial<Record<EntityName, number>>

export type SyncEvent =
  | {type: 'start'; at: string; connection: string; provider: 'cloud' | 'datacenter'; store: string; repos: number; full: boolean; shard: string | null}
  | {
      type: 'plan'
      repo: string
      /** Midpoint of `requests` (the whole number when exact). */
      estimatedRequests: number
      pullRequests: number | null
      commits: number | null
      /** Added in v1 (additive): the requests as a range, exact when low = high. */
      requests?: PlanRange
      exact?: boolean
      /** Requests per kind (repository, pullRequests, activity, branches, commits, commitFiles). */
      parts?: RepoPlanRequests
      /** `not-found`: the repository 404s (reported, not synced); `error`: it could not be planned. */
      status?: 'ok' | 'not-found' | 'error'
      message?: string
      /** Added in v1 (additive): commits from git; `requests` and `parts` are then REST only. */
      git?: {action: 'clone' | 'fetch'; requests: PlanRange}
    }
  | {
      /** `sync --plan` totals (added in v1, additive). */
      type: 'planSummary'
      repos: number
      estimatedRequests: number
      estimatedSeconds: number
      requestsPerHour: number
      /** Added in v1 (additive). Every request the sync will make, listing pages included. */
      requests?: PlanRange
      exact?: boolean
      /** Pages of the repository listing (workspaces, repositories) the sync repeats. */
      listingRequests?: number
      /** Requests this plan itself spent (first pages and listings the sync makes again). */
      planRequests?: number
      /** Seconds waiting for the rate limit, given what is left in the window now. */
      seconds?: PlanRange
      /** What the principal has left now, this run's and earlier runs' spending counted. */
      remaining?: number | null
      limit?: number | null
      notFound?: string[]
      failed?: string[]
      /**
       * Added in v1 (additive): commits from git. Its requests, apart from `requests` (REST); its waits
       * against its own budget (Cloud: 60,000/hour), or, when it shares the REST budget (Data Center),
       * the REST waits, which then count git's requests too.
       */
      git?: {
        requests: PlanRange
        estimatedRequests: number
        clones: number
        fetches: number
        requestsPerHour: number | null
        sharesRestBudget: boolean
        seconds: PlanRange
      }
    }
  | {type: 'repo'; repo: string; phase: RepoPhase; done?: number; total?: number | null}
  | {type: 'progress'; repo: string; entity: EntityName; count: number}
  /**
   * Added in v1 (additive): a repository's git mirror being cloned or fetched (commits from git): a
   * `start`, the transfer's `progress` (objects received, then deltas resolved), a `done`.
   */
  | {
      type: 'mirror'
      repo: string
      action: 'clone' | 'fetch'
      state: 'start' | 'progress' | 'done'
      stage?: 'receiving' | 'resolving'
      percent?: number
      done?: number
      total?: number
    }
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
