import type {
  Commit, CommitFile, ProviderKind, PullRequest, PullRequestState, Repository, Review, User,
} from '../model.js'

/**
 * One interface, two implementations (cloud/, datacenter/). Collections are async iterators over
 * *pages* so the sync engine can commit each page together with its resume cursor. A cursor is
 * opaque (a Cloud `next` URL, a DC `nextPageStart`): pass it back to resume after that page.
 */
export interface Page<T> {
  items: T[]
  /** Resume token for the page after this one; null on the last page. */
  cursor: string | null
}

export interface Identity {
  /** Stable user id as used in canonical entities (Cloud uuid with braces, DC slug). */
  id: string
  displayName: string | null
  /** Cloud account_id or DC username. */
  accountId: string | null
  nickname: string | null
  /** Scopes the server told us (OAuth `scope`, X-OAuth-Scopes), or null when not discoverable. */
  scopes: string[] | null
  /** Access tokens have no user: their identity is the token itself. */
  kind: 'user' | 'token' | 'app'
}

export interface IdentityOptions {
  credentialId?: string
  signal?: AbortSignal
  /**
   * A workspace slug or repository key the credential should reach. Cloud access tokens bound to one
   * resource may be refused `/user`; reading this target then proves the credential instead.
   */
  target?: string
}

export interface Container {
  /** Cloud workspace slug or DC project key. */
  key: string
  name: string
  kind: 'workspace' | 'project'
}

export interface RepoListOptions {
  /** Only repos of this Cloud workspace / DC project. */
  container?: string
  /** Cloud: only repos of this project key inside the workspace(s). */
  project?: string
  cursor?: string | null
}

export interface PullRequestListOptions {
  /** Only PRs updated strictly after this ISO time (every state is always asked for). */
  updatedSince?: string | null
  cursor?: string | null
}

/** A PR as listed, with what the list gives for free (participants → approvals, users). */
export interface PullRequestRecord {
  pullRequest: PullRequest
  /** Reviews derivable from the list (Cloud participants / DC reviewers), possibly without `at`. */
  reviews: Review[]
  users: User[]
  /** Short hash of the merge commit (Cloud gives 12 chars) to resolve against synced commits. */
  mergeCommitShort: string | null
}

/** PR activity reduced to what the canonical model needs. */
export interface ActivityRecord {
  kind: 'approval' | 'unapproval' | 'changes_requested' | 'changes_request_removed' | 'comment' | 'update' | 'other'
  user: string | null
  at: string | null
  users: User[]
  /** For `update` entries: the PR state that update left (Cloud update.state; DC MERGED/DECLINED/…). */
  state?: PullRequestState | null
}

export interface Branch {
  name: string
  /** Full hash of the head commit. */
  head: string
}

export interface CommitListOptions {
  /** Walk from these heads (full hashes or branch names)… */
  include: string[]
  /** …stopping at these (already-synced heads). */
  exclude: string[]
  cursor?: string | null
}

export interface CommitRecord {
  commit: Commit
  users: User[]
  /** The commit's files, when the source reads them with the commit (git): no per-commit request then. */
  files?: CommitFile[]
}

export interface CommitFileOptions {
  /** Only files under this prefix (monorepos). */
  pathPrefix?: string | null
  cursor?: string | null
}

export type WebhookScope = 'repo' | 'project' | 'workspace'

export interface Webhook {
  id: string
  scope: WebhookScope
  /** Repo key, DC project key, or Cloud workspace slug. */
  target: string
  url: string
  description: string
  events: string[]
  active: boolean
  hasSecret: boolean
  /**
   * True when the server does not reveal whether a secret is set (Data Center keeps
   * `configuration.secret` write-only): `hasSecret` is then only what this client last sent, or false.
   */
  secretUnknown?: boolean
}

export interface WebhookInput {
  url: string
  description: string
  events: string[]
  active: boolean
  /** Undefined keeps an existing secret on update; null removes it. */
  secret?: string | null
}

/** Cheap numbers for `sync --plan`; null where the API cannot tell without listing. */
export interface RepoCounts {
  pullRequests: number | null
  commits: number | null
  branches: number | null
}

/**
 * Source of commits and commit files. Kept apart so a git-clone based source can replace the REST
 * one (REST costs one request per commit for files).
 */
export interface CommitSource {
  branches(repo: string, signal?: AbortSignal): AsyncIterable<Page<Branch>>
  commits(repo: string, options: CommitListOptions, signal?: AbortSignal): AsyncIterable<Page<CommitRecord>>
  commitFiles(repo: string, hash: string, options?: CommitFileOptions, signal?: AbortSignal): AsyncIterable<Page<CommitFile>>
}

export interface Provider extends CommitSource {
  readonly kind: ProviderKind
  readonly connection: string
  /** Who the credential is; throws AuthError (with missing scopes named) when it is not valid. */
  identity(options?: IdentityOptions): Promise<Identity>
  /** Server version (DC) or null (Cloud). */
  serverVersion(signal?: AbortSignal): Promise<string | null>
  containers(signal?: AbortSignal): AsyncIterable<Page<Container>>
  repositories(options?: RepoListOptions, signal?: AbortSignal): AsyncIterable<Page<Repository>>
  /** null when the repo does not exist or is not visible. */
  repository(key: string, signal?: AbortSignal): Promise<Repository | null>
  pullRequests(repo: string, options?: PullRequestListOptions, signal?: AbortSignal): AsyncIterable<Page<PullRequestRecord>>
  pullRequestActivity(repo: string, id: number, signal?: AbortSignal): AsyncIterable<Page<ActivityRecord>>
  counts(repo: string, signal?: AbortSignal): Promise<RepoCounts>
  webhooks(scope: WebhookScope, target: string, signal?: AbortSignal): AsyncIterable<Page<Webhook>>
  createWebhook(scope: WebhookScope, target: string, input: WebhookInput): Promise<Webhook>
  updateWebhook(scope: WebhookScope, target: string, id: string, input: WebhookInput): Promise<Webhook>
  deleteWebhook(scope: WebhookScope, target: string, id: string): Promise<void>
}

export const PR_STATES_ALL: readonly PullRequestState[] = ['OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED']
