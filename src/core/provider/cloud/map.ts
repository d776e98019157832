/**
 * Cloud 2.0 JSON → canonical entities. Pure functions: no I/O, unit-tested with spec-shaped fixtures.
 */
import type {
  Commit, CommitFile, CommitFileStatus, PullRequest, PullRequestState, Repository, Review, User,
} from '../../model.js'
import {PULL_REQUEST_STATES} from '../../model.js'
import type {ActivityRecord, Branch, Container, PullRequestRecord, Webhook, WebhookScope} from '../types.js'
import {requireIso, toIsoUtc} from '../time.js'
import {UserSet} from '../keys.js'
import type {
  CloudAccount, CloudActivity, CloudBranch, CloudCommit, CloudDiffstat, CloudPullRequest, CloudRepository,
  CloudWebhook, CloudWorkspaceAccess,
} from './raw.js'

const EPOCH = '1970-01-01T00:00:00.000Z'

export function mapCloudUser(account: CloudAccount | null | undefined): User | null {
  if (!account?.uuid) return null
  return {
    provider: 'cloud',
    id: account.uuid,
    displayName: account.display_name ?? null,
    accountId: account.account_id ?? null,
    nickname: account.nickname ?? null,
  }
}

export function mapCloudRepository(raw: CloudRepository, connection: string, workspace?: string): Repository {
  const key = raw.full_name ?? `${raw.workspace?.slug ?? workspace ?? ''}/${raw.slug ?? raw.name ?? ''}`
  return {
    provider: 'cloud',
    connection,
    key,
    name: raw.name ?? raw.slug ?? key.slice(key.indexOf('/') + 1),
    project: raw.project?.key ?? null,
    isPrivate: raw.is_private ?? true,
    defaultBranch: raw.mainbranch?.name ?? null,
    createdAt: toIsoUtc(raw.created_on),
    updatedAt: toIsoUtc(raw.updated_on),
    url: raw.links?.html?.href ?? null,
  }
}

export function mapCloudContainer(raw: CloudWorkspaceAccess): Container | null {
  const slug = raw.workspace?.slug
  if (!slug) return null
  return {key: slug, name: raw.workspace?.name ?? slug, kind: 'workspace'}
}

function prState(state: string | undefined): PullRequestState {
  const upper = (state ?? 'OPEN').toUpperCase()
  return (PULL_REQUEST_STATES as readonly string[]).includes(upper) ? upper as PullRequestState : 'OPEN'
}

const FULL_HASH = /^[0-9a-f]{40}$/i

/**
 * A listed PR plus what the list gives for free. Cloud writes 12-character merge hashes: the full hash
 * is kept only when Cloud gave one; otherwise the short one goes to `mergeCommitShort` for the engine.
 * Reviews: a participant's `state` is the current review state; for approvals `participated_on` is
 * the approval time (spec: "For approvers, this is the time of their approval"), a change request's
 * time is only in the activity log, so it stays null here.
 */
export function mapCloudPullRequest(raw: CloudPullRequest, repo: string): PullRequestRecord {
  const mergeHash = raw.merge_commit?.hash ?? null
  const createdAt = requireIso(raw.created_on, EPOCH)
  const pullRequest: PullRequest = {
    repo,
    id: raw.id ?? 0,
    title: raw.title ?? '',
    state: prState(raw.state),
    author: raw.author?.uuid ?? null,
    sourceBranch: raw.source?.branch?.name ?? null,
    targetBranch: raw.destination?.branch?.name ?? null,
    createdAt,
    updatedAt: requireIso(raw.updated_on, createdAt),
    closedAt: closedAt(raw, createdAt),
    mergeCommit: mergeHash && FULL_HASH.test(mergeHash) ? mergeHash.toLowerCase() : null,
    commentCount: raw.comment_count ?? null,
  }
  const users = new UserSet<User>()
  users.add(mapCloudUser(raw.author))
  const reviews: Review[] = []
  for (const p of raw.participants ?? []) {
    const user = mapCloudUser(p.user)
    users.add(user)
    if (!user) continue
    const state = p.state === 'changes_requested' ? 'CHANGES_REQUESTED'
      : p.state === 'approved' || (p.state === undefined && p.approved) ? 'APPROVED' : null
    if (!state) continue
    reviews.push({
      repo, pullRequest: pullRequest.id, user: user.id, state,
      at: state === 'APPROVED' ? toIsoUtc(p.participated_on) : null,
    })
  }
  return {
    pullRequest,
    reviews,
    users: users.values(),
    mergeCommitShort: mergeHash && !pullRequest.mergeCommit ? mergeHash.toLowerCase() : null,
  }
}

/**
 * Cloud PRs carry no close time. A closed PR's `updated_on` is its close time unless something
 * happened after closing (a late comment); the exact time is the `update` activity that closed it,
 * which closedAtFromActivity() applies when activity is fetched.
 */
function closedAt(raw: CloudPullRequest, createdAt: string): string | null {
  if (raw.closed_on) return toIsoUtc(raw.closed_on)
  return prState(raw.state) === 'OPEN' ? null : requireIso(raw.updated_on, createdAt)
}

export function mapCloudActivity(raw: CloudActivity): ActivityRecord {
  const record = (kind: ActivityRecord['kind'], account: CloudAccount | null | undefined, at: string | undefined): ActivityRecord => {
    const user = mapCloudUser(account)
    return {kind, user: user?.id ?? null, at: toIsoUtc(at), users: user ? [user] : []}
  }
  if (raw.approval) return record('approval', raw.approval.user, raw.approval.date)
  const changes = raw.changes_request ?? raw.changes_requested ?? raw.request_changes
  if (changes) return record('changes_requested', changes.user, changes.date)
  if (raw.update) return {...record('update', raw.update.author, raw.update.date), state: raw.update.state ? prState(raw.update.state) : null}
  if (raw.comment) return record('comment', raw.comment.user, raw.comment.created_on)
  return {kind: 'other', user: null, at: null, users: []}
}

/**
 * Parse git's "Name <email>" as Cloud's `author.raw` carries it. Tolerates a bare e-mail, a bare name,
 * "<email>" alone and stray whitespace; an empty part becomes null.
 */
export function parseRawAuthor(raw: string | null | undefined): {name: string | null; email: string | null} {
  const text = (raw ?? '').trim()
  if (!text) return {name: null, email: null}
  const m = /^(.*?)\s*<([^<>]*)>\s*$/.exec(text)
  if (m) return {name: m[1]!.trim() || null, email: m[2]!.trim() || null}
  if (/^[^\s@<>]+@[^\s@<>]+$/.test(text)) return {name: null, email: text}
  return {name: text, email: null}
}

export function mapCloudCommit(raw: CloudCommit, repo: string): {commit: Commit; user: User | null} {
  const {name, email} = parseRawAuthor(raw.author?.raw)
  const user = mapCloudUser(raw.author?.user)
  return {
    commit: {
      repo,
      hash: (raw.hash ?? '').toLowerCase(),
      authorName: name,
      authorEmail: email,
      authorAccount: user?.id ?? null,
      date: requireIso(raw.date, EPOCH),
      message: raw.message ?? '',
      parents: (raw.parents ?? []).map((p) => (p.hash ?? '').toLowerCase()).filter(Boolean),
    },
    user,
  }
}

const FILE_STATUS: Record<string, CommitFileStatus> = {
  added: 'added', modified: 'modified', removed: 'removed', renamed: 'renamed',
}

export function mapCloudDiffstat(raw: CloudDiffstat, repo: string, commit: string): CommitFile | null {
  const status = FILE_STATUS[raw.status ?? ''] ?? 'modified'
  const path = status === 'removed' ? raw.old?.path ?? raw.new?.path : raw.new?.path ?? raw.old?.path
  if (!path) return null
  return {
    repo,
    commit,
    path,
    oldPath: status === 'renamed' ? raw.old?.path ?? null : null,
    status,
    linesAdded: raw.lines_added ?? null,
    linesRemoved: raw.lines_removed ?? null,
  }
}

export function mapCloudBranch(raw: CloudBranch): Branch | null {
  if (!raw.name || !raw.target?.hash) return null
  return {name: raw.name, head: raw.target.hash.toLowerCase()}
}

export function mapCloudWebhook(raw: CloudWebhook, scope: WebhookScope, target: string): Webhook {
  return {
    id: raw.uuid ?? '',
    scope,
    target,
    url: raw.url ?? '',
    description: raw.description ?? '',
    events: [...(raw.events ?? [])].sort(),
    active: raw.active ?? true,
    hasSecret: raw.secret_set ?? false,
  }
}
