import type {RateLimitState} from '../http/types.js'
import {BbError, HttpError} from '../errors.js'
import type {Repository} from '../model.js'
import {addRanges, midpoint} from '../provider/plan-estimate.js'
import type {PlanRange, RepoPlanInput} from '../provider/types.js'
import type {SyncContext} from './context.js'
import {changedPullRequests, incrementalSince} from './pull-requests.js'

/**
 * Seconds spent waiting for the rolling window: what fits in `remaining` goes at once, every
 * further `perHour` requests wait an hour for the window to turn over.
 */
export function waitSeconds(requests: number, remaining: number | null, perHour: number): number {
  const left = remaining ?? perHour
  return requests <= left ? 0 : Math.ceil(((requests - left) / perHour) * 3600)
}

export interface PlanTarget {
  key: string
  listed: Repository | null
}

/** What the sync of one repository will ask, built from its stored state exactly as the phases do. */
export async function planInput(ctx: SyncContext, target: PlanTarget): Promise<RepoPlanInput> {
  const {options, store} = ctx
  const [state, stored, pending] = await Promise.all([
    store.repoState(options.connection, target.key),
    target.listed ? Promise.resolve(target.listed) : store.repository(options.connection, target.key),
    store.pendingCommitFilesCount(options.connection, target.key),
  ])
  const catchUp = options.reviews && state.prsWithoutReviews > 0
  const knownHeads = options.full ? [] : state.branchHeads.map((b) => b.head)
  return {
    fetchRepository: !target.listed && (options.full || !stored),
    listed: target.listed !== null,
    prs: options.prs,
    reviews: options.reviews,
    prsSince: options.full || catchUp ? null : options.since ?? incrementalSince(state, options.overlapMs),
    commits: options.commits,
    commitFiles: options.commitFiles,
    knownHeads,
    pendingCommitFiles: pending,
    full: options.full && state.lastCompletedAt !== null,
    changed: (records) => changedPullRequests(ctx, target.key, records, options.full),
    commitsSince: knownHeads.length > 0 ? state.lastCompletedAt : stored?.createdAt ?? null,
  }
}

export interface PlanTotals {
  requests: PlanRange
  notFound: string[]
  failed: string[]
  /** The commit source's own channel (git), when it has one. */
  channel: {requests: PlanRange; clones: number; fetches: number; requestsPerHour: number | null} | null
}

/** Plan every target: one that 404s or fails is reported and the plan goes on. */
export async function planTargets(ctx: SyncContext, targets: PlanTarget[], limit: <T>(fn: () => Promise<T>) => Promise<T>): Promise<PlanTotals> {
  const totals: PlanTotals = {requests: {low: 0, high: 0}, notFound: [], failed: [], channel: null}
  await Promise.all(targets.map((t) => limit(async () => {
    if (ctx.signal.aborted) return
    try {
      const input = await planInput(ctx, t)
      const plan = await ctx.provider.planRepo(t.key, input, ctx.signal)
      const own = plan.found && (input.commits || input.commitFiles) ? ctx.commitSource.planChannel?.(t.key, input, plan) : undefined
      const r = own?.requests ?? plan.requests
      const requests = addRanges(r.repository, r.pullRequests, r.activity, r.branches, r.commits, r.commitFiles)
      totals.requests = addRanges(totals.requests, requests)
      if (!plan.found) totals.notFound.push(t.key)
      if (own) {
        const c = totals.channel ?? {requests: {low: 0, high: 0}, clones: 0, fetches: 0, requestsPerHour: own.channel.requestsPerHour}
        c.requests = addRanges(c.requests, own.channel.requests)
        if (own.channel.action === 'clone') c.clones++
        else c.fetches++
        totals.channel = c
      }
      ctx.emit({
        type: 'plan', repo: t.key, estimatedRequests: midpoint(requests),
        pullRequests: plan.found && input.prs ? midpoint(plan.pullRequests) : null,
        commits: plan.found && input.commits ? midpoint(plan.commits) : null,
        requests, exact: requests.low === requests.high, parts: r, status: plan.found ? 'ok' : 'not-found',
        ...(own ? {git: {action: own.channel.action, requests: own.channel.requests}} : {}),
        ...(plan.found ? {} : {message: `${t.key} does not exist or is not visible to this credential (404); the sync will report it.`}),
      })
    } catch (error) {
      if (ctx.signal.aborted) throw error
      const gone = error instanceof HttpError && error.status === 404
      if (gone) totals.notFound.push(t.key)
      else totals.failed.push(t.key)
      const message = error instanceof Error ? error.message : String(error)
      ctx.emit({type: 'plan', repo: t.key, estimatedRequests: 0, pullRequests: null, commits: null,
        requests: {low: 0, high: 0}, exact: false, status: gone ? 'not-found' : 'error', message})
      // Authentication and budget failures stop the whole plan, as they would stop the sync.
      if (error instanceof BbError && (error.exitCode === 3 || error.exitCode === 5)) throw error
    }
  })))
  totals.notFound.sort()
  totals.failed.sort()
  return totals
}

/**
 * What the connection has left now: per principal the most pessimistic of its credentials' views,
 * summed over principals (the sync rotates between them).
 */
export function budgetNow(states: RateLimitState[]): {remaining: number | null; limit: number | null} {
  const byPrincipal = new Map<string, RateLimitState[]>()
  for (const s of states) byPrincipal.set(s.principal, [...(byPrincipal.get(s.principal) ?? []), s])
  let remaining: number | null = null
  let limit: number | null = null
  for (const list of byPrincipal.values()) {
    const known = list.filter((s) => s.remaining !== null)
    if (known.length) remaining = (remaining ?? 0) + Math.min(...known.map((s) => s.remaining as number))
    const l = list.find((s) => s.limit !== null)?.limit
    if (l !== undefined && l !== null) limit = (limit ?? 0) + l
  }
  return {remaining, limit}
}
