/**
 * Data Center REST JSON → canonical entities. Pure functions, unit-tested with spec-shaped fixtures.
 * DC sends epoch milliseconds, full hashes, and no repository dates or line counts (those stay null).
 */
import type {Commit, CommitFile, CommitFileStatus, PullRequest, PullRequestState, Repository, Review, User} from '../../model.js'
import type {ActivityRecord, Branch, Container, PullRequestRecord, Webhook, WebhookScope} from '../types.js'
import {requireIso, toIsoUtc} from '../time.js'
import {UserSet} from '../keys.js'
import type {
  DcActivity, DcBranch, DcChange, DcCommit, DcParticipant, DcPath, DcProject, DcPullRequest, DcRepository, DcUser,
  DcWebhook,
} from './raw.js'

const EPOCH = '1970-01-01T00:00:00.000Z'

/** DC users are keyed by `slug` (stable in URLs); `name` is the login. */
export function mapDcUser(raw: DcUser | null | undefined): User | null {
  const id = raw?.slug ?? raw?.name
  if (!raw || !id) return null
  return {provider: 'datacenter', id, displayName: raw.displayName ?? null, accountId: raw.name ?? null, nickname: raw.slug ?? null}
}

export function mapDcContainer(raw: DcProject): Container | null {
  if (!raw.key) return null
  return {key: raw.key, name: raw.name ?? raw.key, kind: 'project'}
}

export function mapDcRepository(raw: DcRepository, connection: string, defaultBranch: string | null = null): Repository {
  const project = raw.project?.key ?? null
  return {
    provider: 'datacenter',
    connection,
    key: `${project ?? ''}/${raw.slug ?? ''}`,
    name: raw.name ?? raw.slug ?? '',
    project,
    isPrivate: !(raw.public ?? false),
    defaultBranch: defaultBranch ?? raw.defaultBranch ?? null,
    // DC does not expose repository creation or update times.
    createdAt: null,
    updatedAt: null,
    url: raw.links?.self?.[0]?.href ?? null,
  }
}

function prState(state: string | undefined): PullRequestState {
  return state === 'MERGED' || state === 'DECLINED' ? state : 'OPEN'
}

function reviewState(p: DcParticipant): Review['state'] | null {
  if (p.status === 'APPROVED' || (p.status === undefined && p.approved)) return 'APPROVED'
  if (p.status === 'NEEDS_WORK') return 'CHANGES_REQUESTED'
  return null
}

/**
 * Reviews come from `reviewers` and `participants` (a participant who is not a reviewer can approve
 * too); DC gives no time for the status, so `at` is null until activity supplies it.
 */
export function mapDcPullRequest(raw: DcPullRequest, repo: string): PullRequestRecord {
  const createdAt = requireIso(raw.createdDate, EPOCH)
  const merge = raw.properties?.mergeCommit?.id ?? null
  const pullRequest: PullRequest = {
    repo,
    id: raw.id ?? 0,
    title: raw.title ?? '',
    state: prState(raw.state),
    author: mapDcUser(raw.author?.user)?.id ?? null,
    sourceBranch: raw.fromRef?.displayId ?? null,
    targetBranch: raw.toRef?.displayId ?? null,
    createdAt,
    updatedAt: requireIso(raw.updatedDate, createdAt),
    closedAt: toIsoUtc(raw.closedDate ?? null),
    mergeCommit: merge ? merge.toLowerCase() : null,
    // DC puts the count under `properties` and leaves it out when there are no comments.
    commentCount: raw.properties ? raw.properties.commentCount ?? 0 : null,
  }
  const users = new UserSet<User>()
  users.add(mapDcUser(raw.author?.user))
  const reviews = new Map<string, Review>()
  for (const p of [...(raw.reviewers ?? []), ...(raw.participants ?? [])]) {
    const user = mapDcUser(p.user)
    users.add(user)
    const state = reviewState(p)
    if (!user || !state || reviews.has(user.id)) continue
    reviews.set(user.id, {repo, pullRequest: pullRequest.id, user: user.id, state, at: null})
  }
  return {pullRequest, reviews: [...reviews.values()], users: users.values(), mergeCommitShort: null}
}

const ACTIVITY_KIND: Record<string, ActivityRecord['kind']> = {
  APPROVED: 'approval',
  UNAPPROVED: 'unapproval',
  // DC records "needs work" as REVIEWED.
  REVIEWED: 'changes_requested',
  COMMENTED: 'comment',
  OPENED: 'update', UPDATED: 'update', RESCOPED: 'update', MERGED: 'update', DECLINED: 'update', REOPENED: 'update',
}

const UPDATE_STATE: Record<string, PullRequestState> = {OPENED: 'OPEN', REOPENED: 'OPEN', MERGED: 'MERGED', DECLINED: 'DECLINED'}

export function mapDcActivity(raw: DcActivity): ActivityRecord {
  const user = mapDcUser(raw.user)
  const kind = ACTIVITY_KIND[raw.action ?? ''] ?? 'other'
  const record: ActivityRecord = {kind, user: user?.id ?? null, at: toIsoUtc(raw.createdDate ?? null), users: user ? [user] : []}
  if (kind === 'update') record.state = UPDATE_STATE[raw.action ?? ''] ?? null
  return record
}

/**
 * An unlinked `author` is the git person (name + e-mail). When DC resolved the e-mail to an account it
 * sends that user instead: `name` is then the login, so the person's name is `displayName`, and the
 * `slug` becomes `authorAccount`.
 */
export function mapDcCommit(raw: DcCommit, repo: string): {commit: Commit; user: User | null} {
  const linked = raw.author?.slug ? mapDcUser(raw.author) : null
  return {
    commit: {
      repo,
      hash: (raw.id ?? '').toLowerCase(),
      authorName: (linked ? raw.author?.displayName ?? raw.author?.name : raw.author?.name) ?? null,
      authorEmail: raw.author?.emailAddress ?? null,
      authorAccount: linked?.id ?? null,
      date: requireIso(raw.authorTimestamp, EPOCH),
      message: raw.message ?? '',
      parents: (raw.parents ?? []).map((p) => (p.id ?? '').toLowerCase()).filter(Boolean),
    },
    user: linked,
  }
}

export function dcPathString(path: DcPath | null | undefined): string | null {
  if (!path) return null
  const whole = (path as {toString?: unknown}).toString
  if (typeof whole === 'string' && whole) return whole
  if (path.components?.length) return path.components.join('/')
  if (path.name) return path.parent ? `${path.parent}/${path.name}` : path.name
  return null
}

const CHANGE_STATUS: Record<string, CommitFileStatus> = {
  ADD: 'added', COPY: 'added', MODIFY: 'modified', DELETE: 'removed', MOVE: 'renamed',
}

export function mapDcChange(raw: DcChange, repo: string, commit: string): CommitFile | null {
  if (raw.nodeType === 'DIRECTORY') return null
  const path = dcPathString(raw.path)
  if (!path) return null
  const status = CHANGE_STATUS[raw.type ?? ''] ?? 'modified'
  return {
    repo,
    commit,
    path,
    oldPath: status === 'renamed' ? dcPathString(raw.srcPath) : null,
    status,
    // /changes carries no line counts; counting them would cost a diff request per file.
    linesAdded: null,
    linesRemoved: null,
  }
}

export function mapDcBranch(raw: DcBranch): Branch | null {
  const name = raw.displayId ?? raw.id?.replace(/^refs\/heads\//, '')
  if (!name || !raw.latestCommit) return null
  return {name, head: raw.latestCommit.toLowerCase()}
}

export function mapDcWebhook(raw: DcWebhook, scope: WebhookScope, target: string): Webhook {
  const secret = raw.configuration?.secret
  return {
    id: raw.id === undefined ? '' : String(raw.id),
    scope,
    target,
    url: raw.url ?? '',
    description: raw.name ?? '',
    events: [...(raw.events ?? [])].sort(),
    active: raw.active ?? true,
    hasSecret: typeof secret === 'string' ? secret.length > 0 : Boolean(secret),
    ...(secret === undefined ? {secretUnknown: true} : {}),
  }
}
