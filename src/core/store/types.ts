import type {
  Commit, CommitFile, EntityMap, EntityName, IssueRef, PullRequest, Repository, Review, User,
} from '../model.js'

/**
 * The store: canonical entities keyed by (connection, repo, natural id), plus the sync state that
 * makes runs incremental and resumable. SQLite (default) and PostgreSQL implement it with the same
 * schema (docs/store.md). Every write goes through `write()`: one batch = one transaction, so a
 * page of data and the cursor that says "this page is done" commit together or not at all.
 */
export const STORE_SCHEMA_VERSION = 4

/** Phases that keep a resume cursor between runs. */
export type CursorPhase = 'pullRequests' | 'commits'

export interface StoredBranchHead {
  name: string
  head: string
}

export interface RepoSyncState {
  /** PR watermark: start time of the last listing that completed for this repo (ISO), or null. */
  prWatermark: string | null
  /** Latest `updatedAt` among the repo's stored PRs (server time), or null when none is stored. */
  maxPrUpdatedAt: string | null
  /** Stored PRs whose reviews were not synced for their current version (an earlier --no-reviews run). */
  prsWithoutReviews: number
  /** When the repo last completed a sync (ISO), or null. */
  lastCompletedAt: string | null
  /** Branch heads as of the last completed commit walk. */
  branchHeads: StoredBranchHead[]
  /** Resume cursors of interrupted phases (opaque JSON written by the engine). */
  cursors: Partial<Record<CursorPhase, string>>
}

export interface PullRequestWrite {
  pullRequest: PullRequest
  /** Short merge hash to resolve once commits are synced (Cloud). */
  mergeCommitShort: string | null
  /** The review set of this PR as of `pullRequest.updatedAt`; omitted = leave reviews untouched. */
  reviews?: Review[]
}

export interface CommitFilesWrite {
  repo: string
  commit: string
  files: CommitFile[]
  /**
   * The path prefix these files were fetched with (`sync --path`), or null/absent for every file. A
   * commit fetched under a prefix stays queued, marked with it, so a sync without one fetches it whole.
   */
  prefix?: string | null
}

export interface IssueRefsWrite {
  repo: string
  sourceType: IssueRef['sourceType']
  sourceId: string
  keys: string[]
}

/** Everything one transaction writes. All parts are optional; order of application is fixed. */
export interface WriteBatch {
  connection: string
  repositories?: Repository[]
  users?: User[]
  pullRequests?: PullRequestWrite[]
  /** Upserted; a commit new to the store is queued for its files in the same transaction. */
  commits?: Commit[]
  /** Replaces the files of each commit and removes it from the files queue. */
  commitFiles?: CommitFilesWrite[]
  /** Replaces the keys of each source. */
  issueRefs?: IssueRefsWrite[]
  /** Set (string) or clear (null) a resume cursor. */
  cursor?: {repo: string; phase: CursorPhase; value: string | null}
  /** Replace the known branch heads of a repo. */
  branchHeads?: {repo: string; heads: StoredBranchHead[]}
  /** Mark a repo complete: advance its PR watermark (when given) and lastCompletedAt. */
  complete?: {repo: string; prWatermark: string | null; at: string}
}

export interface PullRequestSyncInfo {
  updatedAt: string
  /** `updatedAt` of the PR when its reviews were last synced, or null. */
  reviewsFor: string | null
}

export interface ExportOptions {
  /** Only this connection's rows. */
  connection?: string
  /** Rows fetched per round trip while streaming. */
  batchSize?: number
  /**
   * Also export repositories marked deleted, and their rows; each such repository then carries
   * `deletedAt`. By default a deleted repository and everything in it are left out.
   */
  includeDeleted?: boolean
}

/** A webhook delivery as the listener accepted it. */
export interface WebhookDeliveryRecord {
  /** X-Request-UUID (Cloud) or X-Request-Id (Data Center). */
  id: string
  event: string
  repo: string | null
  receivedAt: string
}

export interface Store {
  /** "sqlite:/path" or "postgres://host/db" with the password removed: safe to print. */
  readonly description: string
  readonly dialect: 'sqlite' | 'postgres'
  write(batch: WriteBatch): Promise<void>
  repoState(connection: string, repo: string): Promise<RepoSyncState>
  repository(connection: string, key: string): Promise<Repository | null>
  pullRequestSyncInfo(connection: string, repo: string, ids: number[]): Promise<Map<number, PullRequestSyncInfo>>
  /** Which of these hashes are already stored. */
  existingCommits(connection: string, repo: string, hashes: string[]): Promise<Set<string>>
  /**
   * Commits whose files a sync with this path prefix (null: every file) still has to fetch, oldest
   * queued first: new commits, and commits fetched only under a prefix that does not cover this one.
   */
  pendingCommitFiles(connection: string, repo: string, limit: number, prefix?: string | null): Promise<string[]>
  pendingCommitFilesCount(connection: string, repo: string, prefix?: string | null): Promise<number>
  /**
   * Mark a repository deleted (gone from the server) as of `at`; its rows stay but `export` leaves
   * them out. Listing it again clears the mark. Returns false when no live row had that key.
   */
  markRepositoryDeleted(connection: string, key: string, at: string): Promise<boolean>
  /** Keys of the connection's stored repositories not marked deleted, sorted. */
  repositoryKeys(connection: string): Promise<string[]>
  /** Ids of the repo's stored pull requests, ascending. */
  pullRequestIds(connection: string, repo: string): Promise<number[]>
  /** Delete these pull requests with their reviews and issue refs (deleted on the server). Returns PRs removed. */
  deletePullRequests(connection: string, repo: string, ids: number[]): Promise<number>
  /**
   * Remove the repo's stored commits whose hash is not in `reachable` (the canonical rule: the store
   * holds the commits reachable from some branch), with their commit files, the issue refs they are
   * the source of and their files-queue rows, in one transaction. Returns the commits removed.
   */
  pruneUnreachableCommits(connection: string, repo: string, reachable: ReadonlySet<string>): Promise<number>
  /** Fill `mergeCommit` of PRs that only had a short hash, from synced commits. Returns rows updated. */
  resolveMergeCommits(connection: string, repo: string): Promise<number>
  /** Stream canonical entities in primary-key order without loading them all. */
  export<E extends EntityName>(entity: E, options?: ExportOptions): AsyncIterable<EntityMap[E]>
  count(entity: EntityName, connection?: string): Promise<number>
  schemaVersion(): Promise<number>
  /** Record a webhook delivery; false when its id was recorded before (a repeat: do not apply it). */
  recordDelivery(connection: string, delivery: WebhookDeliveryRecord): Promise<boolean>
  /** The delivery's event has been applied. */
  markDeliveryApplied(connection: string, id: string, at: string): Promise<void>
  /** Forget deliveries received before `before` (ISO); returns how many. */
  pruneDeliveries(connection: string, before: string): Promise<number>
  close(): Promise<void>
}
