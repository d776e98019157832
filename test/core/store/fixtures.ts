import {createHash} from 'node:crypto'

import type {Commit, CommitFile, PullRequest, Repository, Review, User} from '../../../src/core/model.js'

export function hashOf(n: number, salt = 'c'): string {
  // Deterministic 40-hex, distinct per (salt, n), like a real SHA-1.
  return createHash('sha1').update(`${salt}:${n}`).digest('hex')
}

export function repo(key: string, over: Partial<Repository> = {}): Repository {
  return {
    provider: 'cloud', connection: 'default', key, name: key.split('/')[1] ?? key, project: 'PRJ', isPrivate: true,
    defaultBranch: 'main', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-02-01T00:00:00.000Z',
    url: `https://bitbucket.org/${key}`, ...over,
  }
}

export function pr(repoKey: string, id: number, over: Partial<PullRequest> = {}): PullRequest {
  return {
    repo: repoKey, id, title: `PR ${id} ABC-${id}`, state: 'OPEN', author: '{u1}', sourceBranch: `feature/X-${id}`,
    targetBranch: 'main', createdAt: '2026-03-01T00:00:00.000Z', updatedAt: '2026-03-02T00:00:00.000Z', closedAt: null,
    mergeCommit: null, commentCount: 0, ...over,
  }
}

export function commit(repoKey: string, hash: string, parents: string[] = [], over: Partial<Commit> = {}): Commit {
  return {
    repo: repoKey, hash, authorName: 'Ann', authorEmail: 'ann@example.com', authorAccount: '{u1}',
    date: '2026-03-01T10:00:00.000Z', message: `commit ${hash.slice(0, 6)}\n\nbody "quoted", comma`, parents, ...over,
  }
}

export function file(repoKey: string, hash: string, path: string, over: Partial<CommitFile> = {}): CommitFile {
  return {repo: repoKey, commit: hash, path, oldPath: null, status: 'modified', linesAdded: 3, linesRemoved: 1, ...over}
}

export function review(repoKey: string, id: number, user: string, over: Partial<Review> = {}): Review {
  return {repo: repoKey, pullRequest: id, user, state: 'APPROVED', at: '2026-03-02T00:00:00.000Z', ...over}
}

export function user(id: string, over: Partial<User> = {}): User {
  return {provider: 'cloud', id, displayName: `User ${id}`, accountId: `acc-${id}`, nickname: `nick-${id}`, ...over}
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}
