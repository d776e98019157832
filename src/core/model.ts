/**
 * Canonical entities: what the store holds, `export` prints and `sync --json` streams.
 * Cloud and Data Center shapes are mapped to these inside src/core/provider; nothing else sees raw API JSON.
 * Times are ISO-8601 UTC with milliseconds. A value the API does not give is null, never invented.
 */
export type ProviderKind = 'cloud' | 'datacenter'

export interface Repository {
  provider: ProviderKind
  connection: string
  /** "workspace/slug" (Cloud) or "PROJECT/slug" (Data Center). */
  key: string
  name: string
  /** Cloud project key or Data Center project key. */
  project: string | null
  isPrivate: boolean
  defaultBranch: string | null
  createdAt: string | null
  updatedAt: string | null
  url: string | null
}

export type PullRequestState = 'OPEN' | 'MERGED' | 'DECLINED' | 'SUPERSEDED'
export const PULL_REQUEST_STATES: readonly PullRequestState[] = ['OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED']

export interface PullRequest {
  repo: string
  id: number
  title: string
  state: PullRequestState
  /** Stable user id (Cloud uuid with braces, DC slug). */
  author: string | null
  sourceBranch: string | null
  targetBranch: string | null
  createdAt: string
  updatedAt: string
  closedAt: string | null
  /** Full 40-hex hash (resolved against synced commits when the API gives a short one), or null. */
  mergeCommit: string | null
  commentCount: number | null
}

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED'

export interface Review {
  repo: string
  pullRequest: number
  user: string
  state: ReviewState
  /** When this state was last set; null when the API does not say. */
  at: string | null
}

export interface Commit {
  repo: string
  hash: string
  authorName: string | null
  authorEmail: string | null
  /** Stable user id of the linked account, if the API links one. */
  authorAccount: string | null
  date: string
  message: string
  parents: string[]
}

export type CommitFileStatus = 'added' | 'modified' | 'removed' | 'renamed'

export interface CommitFile {
  repo: string
  commit: string
  path: string
  oldPath: string | null
  status: CommitFileStatus
  linesAdded: number | null
  linesRemoved: number | null
}

export interface IssueRef {
  repo: string
  sourceType: 'pullRequest' | 'commit'
  /** PR id as a string, or the commit hash. */
  sourceId: string
  key: string
}

export interface User {
  provider: ProviderKind
  id: string
  displayName: string | null
  /** Cloud account_id / DC username, when known. */
  accountId: string | null
  /** Cloud nickname / DC slug, when known. */
  nickname: string | null
}

export interface EntityMap {
  repository: Repository
  pullRequest: PullRequest
  review: Review
  commit: Commit
  commitFile: CommitFile
  issueRef: IssueRef
  user: User
}
export type EntityName = keyof EntityMap
export const ENTITY_NAMES: readonly EntityName[] = [
  'repository', 'pullRequest', 'review', 'commit', 'commitFile', 'issueRef', 'user',
]
