import {CursorUnusableError} from '../http/cursor-link.js'
import {extractIssueKeys} from '../issue-keys.js'
import type {User} from '../model.js'
import type {ActivityRecord, PullRequestRecord} from '../provider/types.js'
import type {IssueRefsWrite, PullRequestWrite, RepoSyncState} from '../store/types.js'
import type {SyncContext} from './context.js'
import {mergeReviews, needsActivity} from './reviews.js'
import {preferRepositoryActivity} from '../provider/activity.js'
import {readAhead} from './prefetch.js'

/** Resume point of the PR listing; tied to the query it belongs to. */
interface PrCursor {
  since: string | null
  /** When this listing began: becomes the watermark once the repo completes. */
  startedAt: string
  full: boolean
  cursor: string
}

/** A listing to run: a saved one (with its cursor) or a new one (cursor null). */
type Listing = Omit<PrCursor, 'cursor'> & {cursor: string | null}

function parseCursor(raw: string | undefined): PrCursor | null {
  if (!raw) return null
  try {
    const c = JSON.parse(raw) as PrCursor
    return typeof c.cursor === 'string' && typeof c.startedAt === 'string' ? c : null
  } catch {
    return null
  }
}

async function collectActivity(ctx: SyncContext, repo: string, id: number): Promise<ActivityRecord[]> {
  const out: ActivityRecord[] = []
  for await (const page of ctx.provider.pullRequestActivity(repo, id, ctx.signal)) out.push(...page.items)
  return out
}

/**
 * Where the incremental PR query starts: the watermark (our clock when the last complete listing
 * began) or the newest stored `updatedAt` (the server's clock), whichever is earlier, minus an
 * overlap. Taking the earlier of two clocks means a skewed client clock can never skip an update;
 * a repo with no stored PR is listed whole, which costs the same single request.
 */
export function incrementalSince(state: RepoSyncState, overlapMs: number): string | null {
  if (!state.prWatermark || !state.maxPrUpdatedAt) return null
  const from = Math.min(Date.parse(state.prWatermark), Date.parse(state.maxPrUpdatedAt))
  return new Date(from - overlapMs).toISOString()
}

/** The repository's activity grouped by PR (one walk of `/pullrequests/activity`). */
async function collectRepositoryActivity(ctx: SyncContext, repo: string): Promise<Map<number, ActivityRecord[]>> {
  const byPr = new Map<number, ActivityRecord[]>()
  for await (const page of ctx.provider.repositoryActivity!(repo, ctx.signal)) {
    for (const {pullRequest, activity} of page.items) {
      const list = byPr.get(pullRequest)
      if (list) list.push(activity)
      else byPr.set(pullRequest, [activity])
    }
  }
  return byPr
}

/** The listed PRs that are new or changed since stored (all of them under --full). */
export async function changedPullRequests(ctx: SyncContext, repo: string, records: PullRequestRecord[], full: boolean): Promise<PullRequestRecord[]> {
  const {options} = ctx
  const known = await ctx.store.pullRequestSyncInfo(options.connection, repo, records.map((r) => r.pullRequest.id))
  return records.filter((r) => {
    const k = known.get(r.pullRequest.id)
    if (full || !k || k.updatedAt !== r.pullRequest.updatedAt) return true
    return options.reviews && k.reviewsFor !== r.pullRequest.updatedAt
  })
}

/**
 * PR phase: list PRs updated since the watermark (every state, minus a safety overlap), keep only
 * those that changed since we stored them, fetch activity where review times are missing, and
 * commit each page with its cursor. Returns the watermark candidate (when the listing began), or
 * null when this listing must not move the watermark.
 */
export async function syncPullRequests(ctx: SyncContext, repo: string, state: RepoSyncState): Promise<string | null> {
  const {options} = ctx
  const saved = state.cursors.pullRequests
  let resume = parseCursor(saved)
  if (saved && !resume) discardCursor(ctx, repo, 'pull requests', new CursorUnusableError('unreadable').message)
  if (resume && !(resume.full || !options.full)) resume = null
  const fresh = (): Listing => {
    // PRs stored by a --no-reviews run lack reviews, and an incremental query would never list them again.
    const catchUp = options.reviews && state.prsWithoutReviews > 0
    return {
      since: options.full || catchUp ? null : options.since ?? incrementalSince(state, options.overlapMs),
      startedAt: ctx.now(), full: options.full, cursor: null,
    }
  }
  let listing: Listing = resume ?? fresh()
  let seen: Set<number>
  try {
    seen = await listPullRequests(ctx, repo, listing)
  } catch (error) {
    if (!(error instanceof CursorUnusableError) || listing.cursor === null) throw error
    discardCursor(ctx, repo, 'pull requests', error.message)
    await ctx.store.write({connection: options.connection, cursor: {repo, phase: 'pullRequests', value: null}})
    listing = fresh()
    seen = await listPullRequests(ctx, repo, listing)
  }
  const {since, startedAt} = listing
  // A listing of every state from its first page names every PR there is: a stored one it did not
  // name was deleted on the server (Data Center allows that) and leaves the store with its reviews.
  if (since === null && listing.cursor === null) {
    const gone = (await ctx.store.pullRequestIds(options.connection, repo)).filter((id) => !seen.has(id))
    if (gone.length > 0) {
      await ctx.store.deletePullRequests(options.connection, repo, gone)
      ctx.emit({type: 'warning', repo, message: `${gone.length} pull request${gone.length === 1 ? '' : 's'} deleted on the server (${gone.slice(0, 5).map((id) => `#${id}`).join(', ')}${gone.length > 5 ? ', …' : ''}) removed from the store.`})
    }
  }
  // A --since later than the watermark leaves a gap (watermark..since) unlisted: keep the old
  // watermark so the next plain run fills it.
  const gap = since !== null && state.prWatermark !== null && since > state.prWatermark
  return gap ? null : startedAt
}

/** Say that a saved resume point is dropped and the listing starts again from its first page. */
export function discardCursor(ctx: SyncContext, repo: string, what: string, reason: string): void {
  ctx.emit({type: 'warning', repo, message: `${reason.replace(/\.$/, '')}: listing ${what} again from the start.`})
}

/** One PR listing, each page committed with its cursor. Returns the ids it listed. */
async function listPullRequests(ctx: SyncContext, repo: string, listing: Listing): Promise<Set<number>> {
  const {options} = ctx
  const {since, startedAt, full, cursor} = listing
  const ids = new Set<number>()
  let seen = 0
  // Every PR's activity from one repository-level walk, when that is cheaper than one listing per PR.
  let repoActivity: Map<number, ActivityRecord[]> | null | undefined
  ctx.emit({type: 'repo', repo, phase: 'pullRequests', done: 0, total: null})
  for await (const page of readAhead(ctx.provider.pullRequests(repo, {updatedSince: since, cursor}, ctx.signal))) {
    const records = page.items
    for (const r of records) ids.add(r.pullRequest.id)
    // Activity users are not added: commenters who never reviewed are not people the model tracks.
    const changed = await changedPullRequests(ctx, repo, records, full)
    if (repoActivity === undefined) {
      // Decided once, on the first page of a complete listing (the sample the decision needs).
      const needing = changed.filter(needsActivity).length
      repoActivity = options.reviews && since === null && ctx.provider.repositoryActivity && preferRepositoryActivity(page.total ?? records.length, records, needing)
        ? await ctx.fetchLimit(() => collectRepositoryActivity(ctx, repo))
        : null
    }
    const users: User[] = []
    const writes = await Promise.all(changed.map(async (record): Promise<PullRequestWrite> => {
      users.push(...record.users)
      if (!options.reviews) return {pullRequest: record.pullRequest, mergeCommitShort: record.mergeCommitShort}
      // A PR missing from the repository's activity (reviewed after it was read) is asked for alone.
      const activity = needsActivity(record)
        ? repoActivity?.get(record.pullRequest.id) ?? await ctx.fetchLimit(() => collectActivity(ctx, repo, record.pullRequest.id))
        : null
      return {pullRequest: record.pullRequest, mergeCommitShort: record.mergeCommitShort, reviews: mergeReviews(record.reviews, activity)}
    }))
    const issueRefs: IssueRefsWrite[] = changed.map((r: PullRequestRecord) => ({
      repo, sourceType: 'pullRequest', sourceId: String(r.pullRequest.id),
      keys: extractIssueKeys(r.pullRequest.title, r.pullRequest.sourceBranch),
    }))
    const next = page.cursor ? JSON.stringify({since, startedAt, full, cursor: page.cursor} satisfies PrCursor) : null
    await ctx.store.write({
      connection: options.connection,
      users,
      pullRequests: writes,
      issueRefs,
      cursor: {repo, phase: 'pullRequests', value: next},
    })
    seen += records.length
    ctx.counted(repo, 'pullRequest', writes.length)
    ctx.counted(repo, 'review', writes.reduce((n, w) => n + (w.reviews?.length ?? 0), 0))
    ctx.counted(repo, 'issueRef', issueRefs.reduce((n, r) => n + r.keys.length, 0))
    ctx.counted(repo, 'user', new Set(users.map((u) => u.id)).size)
    ctx.emit({type: 'repo', repo, phase: 'pullRequests', done: seen, total: null})
  }
  return ids
}
