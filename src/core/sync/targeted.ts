import pLimit from 'p-limit'

import {systemClock} from '../clock.js'
import type {Clock} from '../clock.js'
import {extractIssueKeys} from '../issue-keys.js'
import type {CommitSource, Provider} from '../provider/types.js'
import type {Store} from '../store/types.js'
import {syncCommitFiles, syncCommits} from './commits.js'
import type {SyncContext} from './context.js'
import {resolveOptions} from './engine.js'
import type {SyncEventSink} from './events.js'
import {mergeReviews, needsActivity} from './reviews.js'

/**
 * Targeted refreshes: bring into the store exactly what one change names, through the same code
 * and the same write batches as `sync`, reading the API rather than trusting a notification's
 * partial data (a Cloud push payload lists at most 5 commits, with 12-character hashes).
 */
export type TargetedChange =
  | {kind: 'pullRequest'; repo: string; id: number}
  | {kind: 'push'; repo: string}
  | {kind: 'repoDeleted'; repo: string; at: string}

export interface TargetedDeps {
  connection: string
  provider: Provider
  /** Where a push's commits come from (a git mirror or the REST API); default the provider. */
  commitSource?: CommitSource
  store: Store
  emit?: SyncEventSink
  clock?: Clock
  signal?: AbortSignal
}

export interface TargetedResult {
  /** Whether anything was written (false: the PR or repository is not there any more). */
  applied: boolean
}

/** The part of a store that marks a repository deleted, where the store supports it. */
interface DeletionAware {
  markRepositoryDeleted(connection: string, key: string, at: string): Promise<unknown>
}

function deletionAware(store: Store): store is Store & DeletionAware {
  return typeof (store as Partial<DeletionAware>).markRepositoryDeleted === 'function'
}

function context(deps: TargetedDeps): SyncContext {
  const clock = deps.clock ?? systemClock
  return {
    options: resolveOptions({connection: deps.connection}),
    provider: deps.provider,
    commitSource: deps.commitSource ?? deps.provider,
    store: deps.store,
    clock,
    signal: deps.signal ?? new AbortController().signal,
    emit: deps.emit ?? (() => undefined),
    fetchLimit: pLimit(4),
    counted: (repo, entity, count) => {
      if (count > 0) deps.emit?.({type: 'progress', repo, entity, count})
    },
    now: () => new Date(clock.now()).toISOString(),
  }
}

/** The PR as the API has it now, with its reviews (activity only when someone reviewed it). */
async function refreshPullRequest(ctx: SyncContext, repo: string, id: number): Promise<boolean> {
  const record = await ctx.provider.pullRequest(repo, id, ctx.signal)
  if (!record) return forgetPullRequest(ctx, repo, id)
  let activity = null
  if (needsActivity(record)) {
    activity = []
    for await (const page of ctx.provider.pullRequestActivity(repo, id, ctx.signal)) activity.push(...page.items)
  }
  const {pullRequest} = record
  await ctx.store.write({
    connection: ctx.options.connection,
    users: record.users,
    pullRequests: [{pullRequest, mergeCommitShort: record.mergeCommitShort, reviews: mergeReviews(record.reviews, activity)}],
    issueRefs: [{repo, sourceType: 'pullRequest', sourceId: String(id), keys: extractIssueKeys(pullRequest.title, pullRequest.sourceBranch)}],
  })
  ctx.counted(repo, 'pullRequest', 1)
  // A merge whose commit is already stored (the push was applied first) resolves now.
  await ctx.store.resolveMergeCommits(ctx.options.connection, repo)
  return true
}

/**
 * The PR is not there any more. In a repository that still exists it was deleted (Data Center's
 * pr:deleted, or any change that raced a deletion): it leaves the store with its reviews, as a sync
 * listing every state would do. A repository that is gone is marked deleted.
 */
async function forgetPullRequest(ctx: SyncContext, repo: string, id: number): Promise<boolean> {
  if (await ctx.provider.repository(repo, ctx.signal)) {
    return (await ctx.store.deletePullRequests(ctx.options.connection, repo, [id])) > 0
  }
  if (!deletionAware(ctx.store)) return false
  await ctx.store.markRepositoryDeleted(ctx.options.connection, repo, ctx.now())
  return true
}

/**
 * A push: the incremental commit walk of `sync` for this repository (from the heads we have not
 * walked down to those we had), the new commits' files, and the repository row, which a push changes.
 */
async function refreshPush(ctx: SyncContext, repo: string): Promise<boolean> {
  const fresh = await ctx.provider.repository(repo, ctx.signal)
  if (!fresh) return false
  const state = await ctx.store.repoState(ctx.options.connection, repo)
  await syncCommits(ctx, repo, state)
  await syncCommitFiles(ctx, repo)
  await ctx.store.write({connection: ctx.options.connection, repositories: [fresh]})
  await ctx.store.resolveMergeCommits(ctx.options.connection, repo)
  return true
}

/**
 * Apply one change. Changes to the same repository must not run at the same time (the commit walk
 * keeps per-repository state); the caller serialises them.
 */
export async function applyChange(change: TargetedChange, deps: TargetedDeps): Promise<TargetedResult> {
  const ctx = context(deps)
  switch (change.kind) {
    case 'pullRequest':
      return {applied: await refreshPullRequest(ctx, change.repo, change.id)}
    case 'push':
      return {applied: await refreshPush(ctx, change.repo)}
    case 'repoDeleted':
      if (!deletionAware(deps.store)) return {applied: false}
      await deps.store.markRepositoryDeleted(deps.connection, change.repo, change.at)
      return {applied: true}
  }
}
