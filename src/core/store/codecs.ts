import type {EntityMap, EntityName} from '../model.js'

/**
 * How each canonical entity maps to its table: column order, primary key (also the export order and
 * the keyset used to stream), and row ⇄ entity conversion shared by both dialects.
 */
export type SqlValue = string | number | boolean | null
export type Row = Record<string, unknown>

export interface EntityCodec<E extends EntityName> {
  table: string
  /** Columns written on upsert, in order. `connection` is always first. */
  columns: readonly string[]
  primaryKey: readonly string[]
  toRow(connection: string, entity: EntityMap[E]): SqlValue[]
  fromRow(row: Row): EntityMap[E]
}

const str = (v: unknown): string => String(v)
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v))
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))

const repository: EntityCodec<'repository'> = {
  table: 'repositories',
  columns: ['connection', 'key', 'provider', 'name', 'project', 'is_private', 'default_branch', 'created_at', 'updated_at', 'url'],
  primaryKey: ['connection', 'key'],
  toRow: (c, r) => [c, r.key, r.provider, r.name, r.project, r.isPrivate, r.defaultBranch, r.createdAt, r.updatedAt, r.url],
  fromRow: (r) => ({
    provider: str(r.provider) as EntityMap['repository']['provider'],
    connection: str(r.connection),
    key: str(r.key),
    name: str(r.name),
    project: strOrNull(r.project),
    isPrivate: Boolean(r.is_private),
    defaultBranch: strOrNull(r.default_branch),
    createdAt: strOrNull(r.created_at),
    updatedAt: strOrNull(r.updated_at),
    url: strOrNull(r.url),
  }),
}

const user: EntityCodec<'user'> = {
  table: 'users',
  columns: ['connection', 'id', 'provider', 'display_name', 'account_id', 'nickname'],
  primaryKey: ['connection', 'id'],
  toRow: (c, u) => [c, u.id, u.provider, u.displayName, u.accountId, u.nickname],
  fromRow: (r) => ({
    provider: str(r.provider) as EntityMap['user']['provider'],
    id: str(r.id),
    displayName: strOrNull(r.display_name),
    accountId: strOrNull(r.account_id),
    nickname: strOrNull(r.nickname),
  }),
}

/** merge_commit_short and reviews_for are sync bookkeeping, written by the store itself. */
const pullRequest: EntityCodec<'pullRequest'> = {
  table: 'pull_requests',
  columns: ['connection', 'repo', 'id', 'title', 'state', 'author', 'source_branch', 'target_branch', 'created_at', 'updated_at', 'closed_at', 'merge_commit', 'comment_count'],
  primaryKey: ['connection', 'repo', 'id'],
  toRow: (c, p) => [c, p.repo, p.id, p.title, p.state, p.author, p.sourceBranch, p.targetBranch, p.createdAt, p.updatedAt, p.closedAt, p.mergeCommit, p.commentCount],
  fromRow: (r) => ({
    repo: str(r.repo),
    id: Number(r.id),
    title: str(r.title),
    state: str(r.state) as EntityMap['pullRequest']['state'],
    author: strOrNull(r.author),
    sourceBranch: strOrNull(r.source_branch),
    targetBranch: strOrNull(r.target_branch),
    createdAt: str(r.created_at),
    updatedAt: str(r.updated_at),
    closedAt: strOrNull(r.closed_at),
    mergeCommit: strOrNull(r.merge_commit),
    commentCount: numOrNull(r.comment_count),
  }),
}

const review: EntityCodec<'review'> = {
  table: 'reviews',
  columns: ['connection', 'repo', 'pull_request', 'user_id', 'state', 'at'],
  primaryKey: ['connection', 'repo', 'pull_request', 'user_id'],
  toRow: (c, r) => [c, r.repo, r.pullRequest, r.user, r.state, r.at],
  fromRow: (r) => ({
    repo: str(r.repo),
    pullRequest: Number(r.pull_request),
    user: str(r.user_id),
    state: str(r.state) as EntityMap['review']['state'],
    at: strOrNull(r.at),
  }),
}

const commit: EntityCodec<'commit'> = {
  table: 'commits',
  columns: ['connection', 'repo', 'hash', 'author_name', 'author_email', 'author_account', 'date', 'message', 'parents'],
  primaryKey: ['connection', 'repo', 'hash'],
  // Parents are full hashes: a space never occurs inside one, so a joined string round-trips.
  toRow: (c, m) => [c, m.repo, m.hash, m.authorName, m.authorEmail, m.authorAccount, m.date, m.message, m.parents.join(' ')],
  fromRow: (r) => ({
    repo: str(r.repo),
    hash: str(r.hash),
    authorName: strOrNull(r.author_name),
    authorEmail: strOrNull(r.author_email),
    authorAccount: strOrNull(r.author_account),
    date: str(r.date),
    message: str(r.message),
    parents: str(r.parents) === '' ? [] : str(r.parents).split(' '),
  }),
}

const commitFile: EntityCodec<'commitFile'> = {
  table: 'commit_files',
  columns: ['connection', 'repo', 'commit_hash', 'path', 'old_path', 'status', 'lines_added', 'lines_removed'],
  primaryKey: ['connection', 'repo', 'commit_hash', 'path'],
  toRow: (c, f) => [c, f.repo, f.commit, f.path, f.oldPath, f.status, f.linesAdded, f.linesRemoved],
  fromRow: (r) => ({
    repo: str(r.repo),
    commit: str(r.commit_hash),
    path: str(r.path),
    oldPath: strOrNull(r.old_path),
    status: str(r.status) as EntityMap['commitFile']['status'],
    linesAdded: numOrNull(r.lines_added),
    linesRemoved: numOrNull(r.lines_removed),
  }),
}

const issueRef: EntityCodec<'issueRef'> = {
  table: 'issue_refs',
  columns: ['connection', 'repo', 'source_type', 'source_id', 'key'],
  primaryKey: ['connection', 'repo', 'source_type', 'source_id', 'key'],
  toRow: (c, i) => [c, i.repo, i.sourceType, i.sourceId, i.key],
  fromRow: (r) => ({
    repo: str(r.repo),
    sourceType: str(r.source_type) as EntityMap['issueRef']['sourceType'],
    sourceId: str(r.source_id),
    key: str(r.key),
  }),
}

export const CODECS: {[E in EntityName]: EntityCodec<E>} = {
  repository, user, pullRequest, review, commit, commitFile, issueRef,
}
