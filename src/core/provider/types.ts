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
  /** Items in the whole collection, when the API tells (Cloud's `size`). */
  total?: number | null
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

export interface RepositoryActivityRecord {
  pullRequest: number
  activity: ActivityRecord
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

/** A count known exactly (low = high) or only as an estimate between low and high. */
export interface PlanRange {
  low: number
  high: number
}

/** What the sync will ask of one repository, for `Provider.planRepo`. */
export interface RepoPlanInput {
  /** Read the repository itself (not listed in this run, not stored yet, or --full). */
  fetchRepository: boolean
  /** Listed in this run: a push needs no second read of the repository. */
  listed: boolean
  prs: boolean
  reviews: boolean
  /** List PRs updated after this ISO time; null lists them all. */
  prsSince: string | null
  commits: boolean
  commitFiles: boolean
  /** Heads already walked: the commit walk stops at them (empty on a first or --full sync). */
  knownHeads: string[]
  /** Commits that already wait for their files (an interrupted run). */
  pendingCommitFiles: number
  /** A --full re-walk lists known commits again but fetches files only for new ones. */
  full: boolean
  /** Of listed PRs, those the sync will treat as changed (only they cost activity requests). */
  changed?: (records: PullRequestRecord[]) => Promise<PullRequestRecord[]>
  /** Earliest time a commit to walk can have (repository creation, or the last walk), when known. */
  commitsSince: string | null
}

/** Requests one repository's sync will make, per kind, each exact or a range. */
export interface RepoPlanRequests {
  repository: PlanRange
  pullRequests: PlanRange
  activity: PlanRange
  branches: PlanRange
  commits: PlanRange
  commitFiles: PlanRange
}

export interface RepoPlan {
  /** false when the repository does not exist (404) or is not visible. */
  found: boolean
  pullRequests: PlanRange
  commits: PlanRange
  requests: RepoPlanRequests
}

export const exactly = (n: number): PlanRange => ({low: n, high: n})

/**
 * A commit source's own share of a plan (`CommitSource.planChannel`): the REST requests its sync still
 * makes, and the requests on its own channel (git: one clone or fetch per repository).
 */
export interface ChannelPlan {
  /** The REST plan's parts as this source's sync makes them. */
  requests: RepoPlanRequests
  channel: {
    name: 'git'
    action: 'clone' | 'fetch'
    requests: PlanRange
    /** The channel's own hourly budget, or null when it draws from the REST budget (Data Center). */
    requestsPerHour: number | null
  }
}

export function emptyRepoPlan(found: boolean): RepoPlan {
  const zero = exactly(0)
  return {found, pullRequests: zero, commits: zero,
    requests: {repository: zero, pullRequests: zero, activity: zero, branches: zero, commits: zero, commitFiles: zero}}
}

/**
 * Source of commits and commit files. Kept apart so a git-clone based source can replace the REST
 * one (REST costs one request per commit for files).
 */
export interface CommitSource {
  /**
   * `sync --plan`: how this source changes one repository's REST plan, when it has a channel of its own.
   * Absent for the REST API itself.
   */
  planChannel?(repo: string, input: RepoPlanInput, rest: RepoPlan): ChannelPlan
  branches(repo: string, signal?: AbortSignal): AsyncIterable<Page<Branch>>
  commits(repo: string, options: CommitListOptions, signal?: AbortSignal): AsyncIterable<Page<CommitRecord>>
  commitFiles(repo: string, hash: string, options?: CommitFileOptions, signal?: AbortSignal): AsyncIterable<Page<CommitFile>>
  /**
   * Every commit reachable from some branch, when the source can list them cheaply (a local mirror),
   * or null when it cannot know them all (a shallow mirror). Absent: the source has no such listing.
   */
  reachable?(repo: string, signal?: AbortSignal): Promise<ReadonlySet<string> | null>
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
  /** Every PR's activity in one listing, where the API has one (Cloud); each entry names its PR. */
  repositoryActivity?(repo: string, signal?: AbortSignal): AsyncIterable<Page<RepositoryActivityRecord>>
  counts(repo: string, signal?: AbortSignal): Promise<RepoCounts>
  /** One pull request as the list would give it; null when it does not exist (or the repo is gone). */
  pullRequest(repo: string, id: number, signal?: AbortSignal): Promise<PullRequestRecord | null>
  /**
   * The requests a sync of this repository will make, asked with the sync's own request shapes:
   * exact where the API can count cheaply, else an estimate with a range. The plan's own requests
   * are ones the sync makes too (first pages, branch listing), so they are not wasted budget.
   */
  planRepo(repo: string, input: RepoPlanInput, signal?: AbortSignal): Promise<RepoPlan>
}

export const PR_STATES_ALL: readonly PullRequestState[] = ['OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED']
