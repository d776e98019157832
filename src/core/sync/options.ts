import {UsageError} from '../errors.js'

/** What the user asked for; the `sync` flags map 1:1 onto it. */
export interface SyncOptions {
  /** Connection name (keys every stored row). */
  connection: string
  /** Explicit `--repo` keys; empty → `selection`; empty → every accessible repository. */
  repos?: string[]
  /** The connection's saved selection (`repos select`). */
  selection?: string[]
  /** Only PRs updated since this ISO time (overrides the stored watermark). */
  since?: string | null
  /** Ignore watermarks and known heads: list everything again (commit files are never re-fetched). */
  full?: boolean
  prs?: boolean
  reviews?: boolean
  commits?: boolean
  commitFiles?: boolean
  /** Commit files only under this path prefix (monorepos). */
  pathPrefix?: string | null
  /** Repositories synced at once, and API calls (activity, files) in flight at once. */
  concurrency?: number
  /** Estimate requests and time, sync nothing. */
  plan?: boolean
  /** How far before the watermark the PR query starts, for clock skew and late commits (default 5 min). */
  overlapMs?: number
  /** Budget used for `plan` time estimates (default 1000/h, Cloud's limit). */
  requestsPerHour?: number
}

export const DEFAULT_CONCURRENCY = 4
export const DEFAULT_OVERLAP_MS = 5 * 60_000

/** `--since`: an ISO date or date-time; a bare date means midnight UTC. */
export function parseSince(value: string): string {
  const v = value.trim()
  const ok = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v)
  const date = ok ? new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v) : new Date(NaN)
  if (Number.isNaN(date.getTime())) {
    throw new UsageError(`Invalid --since "${value}": expected an ISO-8601 date such as 2026-01-31 or 2026-01-31T12:00:00Z.`, {code: 'bad_since'})
  }
  return date.toISOString()
}

export function parseConcurrency(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 64) {
    throw new UsageError(`Invalid --concurrency ${value}: expected an integer from 1 to 64.`, {code: 'bad_concurrency'})
  }
  return value
}
