import type {RepoCounts} from '../provider/types.js'
import type {RepoSyncState} from '../store/types.js'
import type {ResolvedOptions} from './context.js'

/** Page sizes the providers use (Cloud PRs max 50; commits/branches 100 on both flavours). */
const PR_PAGE = 50
const PAGE = 100

const pages = (n: number | null, size: number) => Math.max(1, Math.ceil((n ?? 0) / size))

/**
 * Requests one repo will cost: exact for a first sync given the counts (activity at most one per PR,
 * one files call per commit), and the 2-request floor for an incremental run (PR list + branches)
 * plus what changes bring, which no API can tell in advance.
 */
export function estimateRequests(counts: RepoCounts, state: RepoSyncState, options: ResolvedOptions): number {
  const incremental = !options.full && state.prWatermark !== null && state.lastCompletedAt !== null
  let n = 0
  if (options.prs) {
    n += incremental ? 1 : pages(counts.pullRequests, PR_PAGE)
    if (options.reviews && !incremental) n += counts.pullRequests ?? 0
  }
  if (options.commits) {
    n += pages(counts.branches, PAGE)
    if (!incremental) n += pages(counts.commits, PAGE)
    if (options.commitFiles && !incremental) n += counts.commits ?? 0
  }
  return n
}

/** Seconds the requests take under the hourly budget (ignores latency: the budget dominates). */
export function estimateSeconds(requests: number, requestsPerHour: number): number {
  return Math.ceil((requests / requestsPerHour) * 3600)
}
