import {setMaxListeners} from 'node:events'

import pLimit from 'p-limit'

import {systemClock} from '../clock.js'
import {AuthError, BbError, BudgetExhaustedError, HttpError, InterruptedError, isAbortError} from '../errors.js'
import {CLOUD_REQUESTS_PER_HOUR} from '../http/types.js'
import type {EntityCounts, SyncEvent} from './events.js'
import type {Repository} from '../model.js'
import type {RepoSyncState} from '../store/types.js'
import type {ResolvedOptions, SyncContext, SyncDeps} from './context.js'
import {syncCommitFiles, syncCommits} from './commits.js'
import {DEFAULT_CONCURRENCY, DEFAULT_OVERLAP_MS} from './options.js'
import type {SyncOptions} from './options.js'
import {budgetNow, planTargets, waitSeconds} from './plan.js'
import {addRanges, midpoint} from '../provider/plan-estimate.js'
import {syncPullRequests} from './pull-requests.js'

export type SyncSummary = Omit<Extract<SyncEvent, {type: 'summary'}>, 'type'>

interface Target {
  key: string
  /** Metadata fresh from this run's listing, or null when it must come from the store or the API. */
  listed: Repository | null
}

export function resolveOptions(o: SyncOptions): ResolvedOptions {
  return {
    connection: o.connection,
    repos: o.repos,
    selection: o.selection,
    since: o.since ?? null,
    full: o.full ?? false,
    prs: o.prs ?? true,
    reviews: o.reviews ?? true,
    commits: o.commits ?? true,
    commitFiles: o.commitFiles ?? true,
    pathPrefix: o.pathPrefix || null,
    concurrency: o.concurrency ?? DEFAULT_CONCURRENCY,
    plan: o.plan ?? false,
    overlapMs: o.overlapMs ?? DEFAULT_OVERLAP_MS,
    requestsPerHour: o.requestsPerHour ?? CLOUD_REQUESTS_PER_HOUR,
  }
}

/** Explicit repos, else the saved selection, else every repository the credential can see. */
async function resolveTargets(ctx: SyncContext): Promise<Target[]> {
  const {options} = ctx
  const explicit = options.repos?.length ? options.repos : options.selection?.length ? options.selection : null
  let targets: Target[]
  if (explicit) {
    targets = [...new Set(explicit)].map((key) => ({key, listed: null}))
  } else {
    targets = []
    for await (const page of ctx.provider.repositories({}, ctx.signal)) {
      for (const r of page.items) targets.push({key: r.key, listed: r})
    }
    // The listing names every repository the credential sees: a stored one it left out is gone.
    const listed = new Set(targets.map((t) => t.key))
    for (const key of await ctx.store.repositoryKeys(options.connection)) {
      if (!listed.has(key)) await markDeleted(ctx, key)
    }
  }
  return targets.sort((a, b) => a.key.localeCompare(b.key))
}

/** Make sure the repository row exists (and is fresh when told so). Returns false when it is gone. */
async function ensureRepository(ctx: SyncContext, target: Target, refresh: boolean): Promise<boolean> {
  const {options, store} = ctx
  let repo = target.listed
  if (!repo) {
    const stored = refresh || options.full ? null : await store.repository(options.connection, target.key)
    if (stored) return true
    repo = await ctx.provider.repository(target.key, ctx.signal)
    if (!repo) return false
  }
  await store.write({connection: options.connection, repositories: [repo]})
  ctx.counted(target.key, 'repository', 1)
  target.listed = repo
  return true
}

/** A repository the server no longer has (or no longer shows): kept, marked deleted, and said so. */
async function markDeleted(ctx: SyncContext, key: string): Promise<void> {
  await ctx.store.markRepositoryDeleted(ctx.options.connection, key, ctx.now())
  ctx.emit({type: 'warning', repo: key, message: `Repository ${key} no longer exists or is no longer visible to this credential: marked deleted in the store (export leaves it out).`})
}

/**
 * A repository that answers 404 after it was listed or stored: deleted on the server (also mid-sync).
 * True when it was marked deleted; false when it exists after all (the 404 was something else).
 */
async function deletedOnServer(ctx: SyncContext, target: Target): Promise<boolean> {
  const known = target.listed !== null || (await ctx.store.repository(ctx.options.connection, target.key)) !== null
  if (!known || (await ctx.provider.repository(target.key, ctx.signal)) !== null) return false
  await markDeleted(ctx, target.key)
  return true
}

/** Sync one repository; 'deleted' when it turned out to be gone from the server. */
async function syncRepo(ctx: SyncContext, target: Target): Promise<'done' | 'deleted'> {
  try {
    return await syncRepoData(ctx, target)
  } catch (error) {
    if (error instanceof HttpError && error.status === 404 && !ctx.signal.aborted && (await deletedOnServer(ctx, target))) return 'deleted'
    throw error
  }
}

/** One repository's sync as it goes through the phases: what the store had, and what the PR phase reached. */
interface RepoRun {
  target: Target
  state: RepoSyncState
  /** The pull-request watermark this run reached (null: PRs not synced). */
  watermark: string | null
}

/** A step of a repository's sync, run in order when the options ask for it. */
interface RepoPhase {
  name: 'pullRequests' | 'commits' | 'commitFiles'
  wanted(options: ResolvedOptions): boolean
  run(ctx: SyncContext, run: RepoRun): Promise<void>
}

const REPO_PHASES: readonly RepoPhase[] = [
  {
    name: 'pullRequests',
    wanted: (o) => o.prs,
    run: async (ctx, run) => {
      run.watermark = await syncPullRequests(ctx, run.target.key, run.state)
    },
  },
  {
    name: 'commits',
    wanted: (o) => o.commits,
    run: async (ctx, run) => {
      const {headsChanged} = await syncCommits(ctx, run.target.key, run.state)
      // A push changes the repo's metadata (updatedAt); refresh it then, and only then, to keep re-syncs cheap.
      if (headsChanged && run.state.lastCompletedAt !== null) await ensureRepository(ctx, run.target, true)
    },
  },
  {
    name: 'commitFiles',
    wanted: (o) => o.commitFiles,
    run: (ctx, run) => syncCommitFiles(ctx, run.target.key),
  },
]

async function syncRepoData(ctx: SyncContext, target: Target): Promise<'done' | 'deleted'> {
  const {options, store} = ctx
  const repo = target.key
  if (!(await ensureRepository(ctx, target, false))) {
    // Known to the store (an earlier sync): deleted on the server. Never seen: a wrong key.
    if ((await store.repository(options.connection, repo)) !== null) {
      await markDeleted(ctx, repo)
      return 'deleted'
    }
    throw new BbError(`Repository ${repo} does not exist or is not visible to this credential.`, {code: 'repo_not_found', remedy: 'Check the key (workspace/slug or PROJECT/slug) with `bb-integrate repos list`.'})
  }
  const run: RepoRun = {target, state: await store.repoState(options.connection, repo), watermark: null}
  for (const phase of REPO_PHASES) {
    if (phase.wanted(options)) await phase.run(ctx, run)
  }
  await store.resolveMergeCommits(options.connection, repo)
  await store.write({connection: options.connection, complete: {repo, prWatermark: run.watermark, at: ctx.now()}})
  return 'done'
}

/**
 * Sync the chosen repositories into the store. Emits `start`, per-repo progress and a final
 * `summary`, always. Returns the summary; throws InterruptedError (abort), BudgetExhaustedError
 * (--max-wait) or AuthError after the summary. Per-repo failures are reported and the run goes
 * on; the summary's stopReason is then "errors".
 */
export async function runSync(input: SyncOptions, deps: SyncDeps): Promise<SyncSummary> {
  const options = resolveOptions(input)
  const clock = deps.clock ?? systemClock
  const started = clock.now()
  const statsAtStart = deps.httpStats?.()
  // Internal stop for run-wide conditions (budget, auth) on top of the caller's Ctrl-C.
  const internal = new AbortController()
  const signal = deps.signal ? AbortSignal.any([deps.signal, internal.signal]) : internal.signal
  // Every request in flight listens on it: more than Node's default of 10 is the normal case here.
  setMaxListeners(1000, signal)
  const counts: EntityCounts = {}
  const ctx: SyncContext = {
    options,
    provider: deps.provider,
    commitSource: deps.commitSource ?? deps.provider,
    store: deps.store,
    clock,
    signal,
    emit: deps.emit,
    fetchLimit: pLimit(options.concurrency),
    counted: (repo, entity, n) => {
      if (n <= 0) return
      counts[entity] = (counts[entity] ?? 0) + n
      deps.emit({type: 'progress', repo, entity, count: n})
    },
    now: () => new Date(clock.now()).toISOString(),
  }

  let fatal: unknown = null
  let stopReason: SyncSummary['stopReason'] = null
  let done = 0
  let failed = 0
  let total = 0

  const stop = (error: unknown): void => {
    if (fatal === null) fatal = error
    internal.abort(error)
  }

  try {
    const targets = await resolveTargets(ctx)
    total = targets.length
    deps.emit({
      type: 'start', at: ctx.now(), connection: options.connection, provider: deps.provider.kind, store: deps.store.description,
      // `shard` stays in the v1 event for compatibility; --shard was replaced by the job queue (docs/workers.md).
      repos: targets.length, full: options.full, shard: null,
    })
    const repoLimit = pLimit(options.concurrency)
    if (options.plan) {
      const listingRequests = (deps.httpStats?.().requests ?? 0) - (statsAtStart?.requests ?? 0)
      const totals = await planTargets(ctx, targets, repoLimit)
      done = targets.length - totals.failed.length
      failed = totals.failed.length
      const requests = addRanges(totals.requests, {low: listingRequests, high: listingRequests})
      const {remaining, limit} = budgetNow(deps.rateLimits?.() ?? [])
      const perHour = limit ?? options.requestsPerHour
      // Each channel against its own budget: Cloud's git has its own allowance; on Data Center git
      // draws from the REST bucket, so its requests wait with REST's.
      const channel = totals.channel
      const shared = channel !== null && channel.requestsPerHour === null ? channel.requests : {low: 0, high: 0}
      const seconds = {low: waitSeconds(requests.low + shared.low, remaining, perHour), high: waitSeconds(requests.high + shared.high, remaining, perHour)}
      const git = channel === null ? undefined : {
        requests: channel.requests, estimatedRequests: midpoint(channel.requests), clones: channel.clones, fetches: channel.fetches,
        requestsPerHour: channel.requestsPerHour, sharesRestBudget: channel.requestsPerHour === null,
        seconds: channel.requestsPerHour === null ? seconds
          : {low: waitSeconds(channel.requests.low, null, channel.requestsPerHour), high: waitSeconds(channel.requests.high, null, channel.requestsPerHour)},
      }
      deps.emit({
        type: 'planSummary', repos: targets.length, estimatedRequests: midpoint(requests),
        estimatedSeconds: midpoint(seconds), requestsPerHour: perHour,
        requests, exact: requests.low === requests.high, listingRequests,
        planRequests: (deps.httpStats?.().requests ?? 0) - (statsAtStart?.requests ?? 0),
        seconds, remaining, limit, notFound: totals.notFound, failed: totals.failed,
        ...(git ? {git} : {}),
      })
    } else {
      for (const t of targets) deps.emit({type: 'repo', repo: t.key, phase: 'queued'})
      await Promise.all(targets.map((t) => repoLimit(async () => {
        if (signal.aborted) return
        try {
          const outcome = await syncRepo(ctx, t)
          done++
          deps.emit({type: 'repo', repo: t.key, phase: outcome === 'deleted' ? 'skipped' : 'done'})
        } catch (error) {
          if (signal.aborted || isAbortError(error)) return
          if (error instanceof BudgetExhaustedError || error instanceof AuthError) return stop(error)
          failed++
          const message = error instanceof Error ? error.message : String(error)
          deps.emit({type: 'error', repo: t.key, message, code: error instanceof BbError ? error.code : undefined})
          deps.emit({type: 'repo', repo: t.key, phase: 'failed'})
        }
      })))
    }
  } catch (error) {
    // Listing the repositories (or planning) failed: nothing else can run.
    if (!(signal.aborted || isAbortError(error))) stop(error)
  }

  if (deps.signal?.aborted && fatal === null) stopReason = 'interrupted'
  else if (fatal instanceof BudgetExhaustedError) stopReason = fatal.code === 'max_wait' ? 'max-wait' : 'rate-limit'
  else if (fatal !== null || failed > 0) stopReason = 'errors'

  const stats = deps.httpStats?.()
  const summary: SyncSummary = {
    at: ctx.now(),
    counts,
    requests: (stats?.requests ?? 0) - (statsAtStart?.requests ?? 0),
    retries: (stats?.retries ?? 0) - (statsAtStart?.retries ?? 0),
    rateLimitWaits: (stats?.rateLimitWaits ?? 0) - (statsAtStart?.rateLimitWaits ?? 0),
    durationMs: clock.now() - started,
    complete: stopReason === null && done === total,
    reposDone: done,
    reposFailed: failed,
    reposLeft: Math.max(0, total - done - failed),
    stopReason,
  }
  if (fatal !== null && !(fatal instanceof BudgetExhaustedError)) {
    deps.emit({type: 'error', message: fatal instanceof Error ? fatal.message : String(fatal), code: fatal instanceof BbError ? fatal.code : undefined})
  }
  deps.emit({type: 'summary', ...summary})

  if (stopReason === 'interrupted') {
    throw new InterruptedError(`Sync interrupted with ${summary.reposLeft} of ${total} repositories left; progress is saved.`, {code: 'interrupted', remedy: 'Run the same command again to resume.'})
  }
  if (fatal instanceof BudgetExhaustedError) {
    // The budget is per principal, so one exhausted request means every repository would wait too.
    const left = `${summary.reposLeft} of ${total} repositories left; progress is saved`
    if (stopReason === 'max-wait') {
      throw new BudgetExhaustedError(`Rate-limit wait would exceed --max-wait with ${left}.`, {code: 'max_wait', remedy: 'Run again later (or raise --max-wait) to continue where this run stopped.', cause: fatal})
    }
    throw new BudgetExhaustedError(`${fatal.message} Stopped with ${left}.`, {code: fatal.code, remedy: fatal.remedy ?? 'Run again later to continue where this run stopped.', cause: fatal})
  }
  if (fatal !== null) throw fatal
  return summary
}
