/**
 * The emulator's flavour-neutral world. Generated deterministically from a seed and a dataset size,
 * materialised lazily per repository (the large dataset never sits in memory whole), mutated through
 * the admin API, and rendered into Cloud or Data Center JSON by the flavours. `truth()` gives the
 * canonical entities a perfect sync must produce.
 */
import type {EntityMap, EntityName} from '../../src/core/model.js'

export type Flavor = 'cloud' | 'datacenter'

export interface WUser {
  /** Cloud uuid with braces, e.g. "{0f8c…}". */
  uuid: string
  /** Cloud account_id, e.g. "557058:…". */
  accountId: string
  /** Cloud nickname / DC user slug (lowercase). */
  slug: string
  /** DC username (login name). */
  name: string
  displayName: string
  email: string
  /** Numeric id (DC). */
  numericId: number
}

/** Cloud workspace, or DC project. */
export interface WContainer {
  key: string
  name: string
  uuid: string
  numericId: number
}

/** Cloud project inside a workspace (DC: the container itself is the project). */
export interface WProject {
  container: string
  key: string
  name: string
  uuid: string
}

export interface WRepo {
  container: string
  slug: string
  name: string
  /** Cloud project key within the workspace; DC project key (= container). */
  projectKey: string
  isPrivate: boolean
  /** null for an empty repository (no commits, no branches). */
  defaultBranch: string | null
  createdAt: string
  updatedAt: string
  uuid: string
  numericId: number
}

export interface WBranch {
  name: string
  head: string
}

export interface WFile {
  path: string
  oldPath: string | null
  status: 'added' | 'modified' | 'removed' | 'renamed'
  linesAdded: number
  linesRemoved: number
  /**
   * The git side of the change, known for scripted repositories (read from git itself): blob ids
   * and modes before and after (absent on the side where the file does not exist).
   */
  git?: {oldOid?: string; newOid?: string; oldMode?: string; newMode?: string}
}

export interface WCommit {
  hash: string
  parents: string[]
  authorName: string
  authorEmail: string
  /** Key (uuid) of the linked user, or null when the e-mail maps to no account. */
  author: string | null
  /** ISO time, ms precision, UTC. */
  date: string
  /** The author's UTC offset as git writes it ("+0530"); "+0000" when absent. */
  tz?: string
  message: string
  files: WFile[]
}

export type WParticipantState = 'approved' | 'changes_requested' | null

export interface WParticipant {
  user: string
  role: 'REVIEWER' | 'PARTICIPANT'
  state: WParticipantState
  participatedOn: string | null
}

export type WActivityKind = 'approval' | 'unapproval' | 'changes_request' | 'changes_request_removed' | 'comment' | 'update'

export interface WActivity {
  /** Monotonic id within the PR (DC activity id). */
  id: number
  kind: WActivityKind
  user: string
  at: string
  /** For comments. */
  text?: string
  /** For updates: the PR state at that moment. */
  state?: 'OPEN' | 'MERGED' | 'DECLINED' | 'SUPERSEDED'
}

export interface WPullRequest {
  id: number
  title: string
  description: string
  state: 'OPEN' | 'MERGED' | 'DECLINED' | 'SUPERSEDED'
  author: string
  sourceBranch: string
  /** Head of the source branch when the PR was last updated. */
  sourceCommit: string | null
  targetBranch: string
  createdAt: string
  updatedAt: string
  closedAt: string | null
  /** Full hash of the merge commit (MERGED only). */
  mergeCommit: string | null
  commentCount: number
  participants: WParticipant[]
  activity: WActivity[]
  /** DC optimistic-locking version. */
  version: number
}

/** Everything about one repository beyond its listing. */
export interface WRepoDetail {
  repo: WRepo
  branches: WBranch[]
  /** Every commit reachable from any branch, newest first (topological: a child before its parents). */
  commits: WCommit[]
  pullRequests: WPullRequest[]
}

export type Mutation =
  | {type: 'pr.create'; repo: string; title?: string; sourceBranch?: string; author?: string}
  | {type: 'pr.approve'; repo: string; id: number; user?: string}
  | {type: 'pr.requestChanges'; repo: string; id: number; user?: string}
  | {type: 'pr.comment'; repo: string; id: number; user?: string; text?: string}
  | {type: 'pr.merge'; repo: string; id: number; user?: string}
  | {type: 'pr.decline'; repo: string; id: number; user?: string}
  /** Data Center lets an admin delete a PR (Cloud does not): it leaves every listing and the truth. */
  | {type: 'pr.delete'; repo: string; id: number}
  /**
   * `drop`: a force-push — the branch first loses its last `drop` commits (first parents), then gains
   * `commits` new ones; commits no branch reaches any more leave the repository and the truth.
   */
  | {type: 'push'; repo: string; branch?: string; commits?: number; message?: string; drop?: number}
  /** Delete a branch (not the default one, nor the source of an open PR); its unreachable commits go. */
  | {type: 'branch.delete'; repo: string; branch: string}
  | {type: 'repo.create'; container: string; slug: string}
  | {type: 'repo.delete'; repo: string}

export interface MutationResult {
  /** Webhook events this mutation raises, flavour-neutral. */
  events: Array<{kind: 'push' | 'pr.created' | 'pr.updated' | 'pr.approved' | 'pr.changes_requested' | 'pr.comment' | 'pr.merged' | 'pr.declined' | 'pr.deleted' | 'repo.created' | 'repo.deleted'; repo: string; pullRequest?: number; /** pr.deleted: the pull request as it was, for the payload. */ deleted?: WPullRequest}>
  /** Free-form details for the caller (new PR id, new commit hashes…). */
  details: Record<string, unknown>
}

export interface World {
  readonly seed: number
  readonly dataset: string
  /** Advances with every mutation; "now" for generated timestamps of mutations. */
  now(): string
  users(): WUser[]
  userByKey(uuid: string): WUser | undefined
  containers(): WContainer[]
  projects(container: string): WProject[]
  /** Listing metadata only: cheap even for the large dataset. */
  repos(container: string): WRepo[]
  repo(key: string): WRepo | undefined
  /** Materialised lazily (LRU) — call per request, do not hold on to it across mutations. */
  detail(key: string): WRepoDetail
  mutate(m: Mutation): MutationResult
  /**
   * Canonical entities a perfect sync of everything visible must produce, as a stream. `webBase`
   * (e.g. the emulator's origin) fills repository `url`; without it `url` is null.
   */
  truth<E extends EntityName>(flavor: Flavor, entity: E, connection: string, options?: {webBase?: string}): Iterable<EntityMap[E]>
  /**
   * The fewest requests a complete listing needs with the largest allowed pages. With
   * `reviewsFromListing`, PR activity counts only where the PR listing cannot give review times.
   */
  minimumRequests(flavor: Flavor, options?: {commitFiles?: boolean; reviews?: boolean; reviewsFromListing?: boolean}): number
}
