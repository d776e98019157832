import {HttpError} from '../errors.js'
import {CursorUnusableError} from '../http/cursor-link.js'
import {extractIssueKeys} from '../issue-keys.js'
import type {CommitFile} from '../model.js'
import type {Branch, CommitRecord} from '../provider/types.js'
import type {CommitFilesWrite, RepoSyncState, StoredBranchHead} from '../store/types.js'
import type {SyncContext} from './context.js'
import {readAhead} from './prefetch.js'
import {discardCursor} from './pull-requests.js'

interface CommitCursor {
  include: string[]
  exclude: string[]
  cursor: string
}

function parseCursor(raw: string | undefined): CommitCursor | null {
  if (!raw) return null
  try {
    const c = JSON.parse(raw) as CommitCursor
    return Array.isArray(c.include) && Array.isArray(c.exclude) && typeof c.cursor === 'string' ? c : null
  } catch {
    return null
  }
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join()

export interface CommitPhaseResult {
  /** Some branch head moved, appeared or vanished since the last completed walk. */
  headsChanged: boolean
}

/**
 * Commit phase: a seen-SHA walk, not a date query. One branches request tells whether any head
 * moved; if none did, no commit request is made. Otherwise walk from the heads we have not
 * walked yet down to the heads we had (git's include/exclude), committing each page with its
 * cursor. Known heads are replaced only in the transaction of the walk's last page, so a walk cut
 * short is redone (idempotently) rather than trusted.
 */
export async function syncCommits(ctx: SyncContext, repo: string, state: RepoSyncState): Promise<CommitPhaseResult> {
  const {options} = ctx
  ctx.emit({type: 'repo', repo, phase: 'commits', done: 0, total: null})
  const branches: Branch[] = []
  for await (const page of ctx.commitSource.branches(repo, ctx.signal)) branches.push(...page.items)
  const heads: StoredBranchHead[] = branches.map((b) => ({name: b.name, head: b.head}))
  const known = new Set(state.branchHeads.map((b) => b.head))
  const headsChanged = !sameSet(
    state.branchHeads.map((b) => `${b.name}\n${b.head}`),
    heads.map((b) => `${b.name}\n${b.head}`),
  )
  const include = [...new Set(heads.map((h) => h.head).filter((h) => options.full || !known.has(h)))].sort()
  const exclude = options.full ? [] : [...known].sort()

  if (include.length === 0) {
    // Nothing new to walk; a deleted or renamed branch still updates what we know.
    if (headsChanged) await ctx.store.write({connection: options.connection, branchHeads: {repo, heads}, cursor: {repo, phase: 'commits', value: null}})
    // No branch at all under --full: a complete walk that visited nothing.
    await pruneUnreachable(ctx, repo, headsChanged, options.full && heads.length === 0 ? new Set() : null)
    return {headsChanged}
  }

  const saved = state.cursors.commits
  const resume = parseCursor(saved)
  if (saved && !resume) discardCursor(ctx, repo, 'commits', new CursorUnusableError('unreadable').message)
  const resumable = resume && sameSet(resume.include, include) && sameSet(resume.exclude, exclude) ? resume.cursor : null
  let finished = false
  // REST under --full: the walk from every head with nothing excluded visits every reachable commit,
  // so what it did not visit is unreachable. Only a walk begun from its start proves that: a resumed
  // walk skipped the pages an earlier run wrote. (The git source lists reachable commits itself.)
  const visits = options.full && !ctx.commitSource.reachable && exclude.length === 0
  let visited: Set<string> | null = visits && resumable === null ? new Set() : null
  try {
    try {
      finished = await walk(ctx, repo, heads, include, exclude, resumable, visited)
    } catch (error) {
      if (!(error instanceof CursorUnusableError) || resumable === null) throw error
      discardCursor(ctx, repo, 'commits', error.message)
      await ctx.store.write({connection: options.connection, cursor: {repo, phase: 'commits', value: null}})
      visited = visits ? new Set() : null
      finished = await walk(ctx, repo, heads, include, exclude, null, visited)
    }
  } catch (error) {
    // A force-push can leave an old head that no longer exists, and the API refuses to exclude it.
    // Fall back to excluding only heads that are still there: more commits re-read, none missed.
    if (!(error instanceof HttpError && error.status === 404) || exclude.length === 0 || ctx.signal.aborted) throw error
    const current = new Set(heads.map((h) => h.head))
    const safeExclude = exclude.filter((h) => current.has(h))
    ctx.emit({type: 'warning', repo, message: 'A previously synced branch head no longer exists (force-push?); walking commits again from the current heads.'})
    visited = null
    finished = await walk(ctx, repo, heads, include, safeExclude, null, null)
  }
  // A provider may end without an explicit last page (no pages at all): the walk is still complete.
  if (!finished) await ctx.store.write({connection: options.connection, branchHeads: {repo, heads}, cursor: {repo, phase: 'commits', value: null}})
  await pruneUnreachable(ctx, repo, headsChanged, visited)
  return {headsChanged}
}

/**
 * The canonical rule: the store holds the commits reachable from some branch, so a force-push or a
 * deleted branch removes what no branch reaches any more. A source that lists reachable commits (the
 * git mirror, fetched with --prune) prunes whenever a head changed, and on --full; REST prunes only
 * after a complete --full walk (`visited`): telling a force-push from a fast-forward over the API
 * would cost a walk of the old history, which an incremental sync exists to avoid.
 */
async function pruneUnreachable(ctx: SyncContext, repo: string, headsChanged: boolean, visited: ReadonlySet<string> | null): Promise<void> {
  let reachable: ReadonlySet<string> | null = visited
  if (ctx.commitSource.reachable && (headsChanged || ctx.options.full)) reachable = await ctx.commitSource.reachable(repo, ctx.signal)
  if (reachable === null) return
  await ctx.store.pruneUnreachableCommits(ctx.options.connection, repo, reachable)
}

/** One commit walk, each page committed with its cursor; the last page also records the heads. Returns whether a last page was seen. */
async function walk(ctx: SyncContext, repo: string, heads: StoredBranchHead[], include: string[], exclude: string[], cursor: string | null, visited: Set<string> | null): Promise<boolean> {
  const {options} = ctx
  let written = 0
  let finished = false
  for await (const page of readAhead(ctx.commitSource.commits(repo, {include, exclude, cursor}, ctx.signal))) {
    const commits = page.items.map((r) => r.commit)
    if (visited) for (const c of commits) visited.add(c.hash)
    const last = page.cursor === null
    const commitFiles = options.commitFiles ? filesOf(page.items, options.pathPrefix) : []
    await ctx.store.write({
      connection: options.connection,
      users: page.items.flatMap((r) => r.users),
      commits,
      issueRefs: commits.map((c) => ({repo, sourceType: 'commit' as const, sourceId: c.hash, keys: extractIssueKeys(c.message)})),
      cursor: {repo, phase: 'commits', value: page.cursor === null ? null : JSON.stringify({include, exclude, cursor: page.cursor} satisfies CommitCursor)},
      ...(last ? {branchHeads: {repo, heads}} : {}),
      ...(commitFiles.length > 0 ? {commitFiles} : {}),
    })
    ctx.counted(repo, 'commitFile', commitFiles.reduce((n, w) => n + w.files.length, 0))
    finished = last
    written += commits.length
    ctx.counted(repo, 'commit', commits.length)
    ctx.counted(repo, 'issueRef', commits.reduce((n, c) => n + extractIssueKeys(c.message).length, 0))
    ctx.counted(repo, 'user', new Set(page.items.flatMap((r) => r.users.map((u) => u.id))).size)
    ctx.emit({type: 'repo', repo, phase: 'commits', done: written, total: null})
  }
  return finished
}

/** Files that came with a page of commits (the git source), narrowed to the path prefix. */
function filesOf(records: readonly CommitRecord[], prefix: string | null): CommitFilesWrite[] {
  const out: CommitFilesWrite[] = []
  for (const r of records) {
    if (!r.files) continue
    const files = prefix ? r.files.filter((f) => f.path.startsWith(prefix) || (f.oldPath?.startsWith(prefix) ?? false)) : r.files
    out.push({repo: r.commit.repo, commit: r.commit.hash, files})
  }
  return out
}

/** Commits whose files are written per transaction: few enough to lose little to a kill, many enough to amortise commits. */
const FILES_PER_TRANSACTION = 25

/**
 * Commit files phase: drain the queue of commits new to the store. Files are fetched concurrently
 * and written in small batches, each batch's files and its removal from the queue in one
 * transaction; a kill loses at most the batch being gathered.
 */
export async function syncCommitFiles(ctx: SyncContext, repo: string): Promise<void> {
  const {options, store} = ctx
  const prefix = options.pathPrefix
  const total = await store.pendingCommitFilesCount(options.connection, repo, prefix)
  if (total === 0) return
  let done = 0
  ctx.emit({type: 'repo', repo, phase: 'commitFiles', done, total})
  let buffer: CommitFilesWrite[] = []
  const flush = async () => {
    if (buffer.length === 0) return
    const batch = buffer
    buffer = []
    await store.write({connection: options.connection, commitFiles: batch})
    ctx.counted(repo, 'commitFile', batch.reduce((n, b) => n + b.files.length, 0))
    done += batch.length
    ctx.emit({type: 'repo', repo, phase: 'commitFiles', done, total})
  }
  for (;;) {
    const pending = await store.pendingCommitFiles(options.connection, repo, 200, prefix)
    if (pending.length === 0) return
    const results = await Promise.allSettled(pending.map((hash) => ctx.fetchLimit(async () => {
      ctx.signal.throwIfAborted()
      const found: CommitFile[] = []
      for await (const page of ctx.commitSource.commitFiles(repo, hash, {pathPrefix: prefix}, ctx.signal)) found.push(...page.items)
      // The provider narrows by prefix where the API can; this keeps the promise where it cannot.
      const kept = prefix ? found.filter((f) => f.path.startsWith(prefix) || (f.oldPath?.startsWith(prefix) ?? false)) : found
      buffer.push({repo, commit: hash, files: kept, prefix})
      if (buffer.length >= FILES_PER_TRANSACTION) await flush()
    })))
    // What was fetched is kept even when a sibling failed.
    await flush()
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed) throw failed.reason
  }
}
