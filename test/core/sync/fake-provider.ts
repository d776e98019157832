/**
 * An in-memory Provider for engine tests: a small world of repos, PRs (with reviews and activity),
 * a commit DAG with branches and files. Pages are small so cursors matter; every call is counted;
 * a hook can fail or abort any numbered request to simulate kills, budgets and outages.
 */
import {extractIssueKeys} from '../../../src/core/issue-keys.js'
import type {Commit, CommitFile, EntityMap, EntityName, IssueRef, PullRequest, Repository, Review, User} from '../../../src/core/model.js'
import type {
  ActivityRecord, Branch, CommitFileOptions, CommitListOptions, CommitRecord, Page, Provider, PullRequestListOptions,
  PullRequestRecord, RepoCounts, RepoListOptions, RepoPlan, RepoPlanInput,
} from '../../../src/core/provider/types.js'
import {planByListing} from '../../../src/core/provider/plan-estimate.js'
import {HttpError} from '../../../src/core/errors.js'
import {hashOf} from '../store/fixtures.js'

export interface FakePr {
  pr: PullRequest
  /** Current review states; `listAt` is what the list reports (null → only activity knows). */
  reviews: Array<{user: string; state: Review['state']; listAt: string | null}>
  activity: ActivityRecord[]
}

export interface FakeRepo {
  repo: Repository
  prs: FakePr[]
  branches: Branch[]
  commits: Map<string, {commit: Commit; files: CommitFile[]}>
}

export type RequestKind = 'repositories' | 'repository' | 'pullRequest' | 'pullRequests' | 'activity' | 'branches' | 'commits' | 'commitFiles' | 'counts'

export class FakeProvider implements Provider {
  readonly kind = 'cloud' as const
  readonly repos = new Map<string, FakeRepo>()
  readonly users = new Map<string, User>()
  calls: Array<{kind: RequestKind; repo?: string}> = []
  /** Called before each request with its 1-based number; throw to fail it. */
  onRequest: ((n: number, kind: RequestKind, repo?: string) => void) | null = null
  private clock = Date.parse('2026-06-01T00:00:00.000Z')

  constructor(readonly connection = 'default', readonly pageSize = 3) {}

  tick(): string {
    // Ten minutes apart: more than the engine's 5-minute overlap, like real activity mostly is.
    this.clock += 600_000
    return new Date(this.clock).toISOString()
  }

  addUser(id: string): User {
    const u: User = {provider: 'cloud', id, displayName: `Name ${id}`, accountId: `acc-${id}`, nickname: id.replace(/[{}]/g, '')}
    this.users.set(id, u)
    return u
  }

  addRepo(key: string): FakeRepo {
    const at = this.tick()
    const r: FakeRepo = {
      repo: {provider: 'cloud', connection: this.connection, key, name: key.split('/')[1]!, project: 'P', isPrivate: true, defaultBranch: 'main', createdAt: at, updatedAt: at, url: null},
      prs: [], branches: [], commits: new Map(),
    }
    this.repos.set(key, r)
    return r
  }

  /** Push `n` commits on a branch (created from main's head when new). Returns the new hashes. */
  push(key: string, branch: string, n: number, author = '{u1}'): string[] {
    const r = this.repos.get(key)!
    const b = r.branches.find((x) => x.name === branch)
    let head = b?.head ?? r.branches.find((x) => x.name === 'main')?.head ?? null
    const made: string[] = []
    for (let i = 0; i < n; i++) {
      const at = this.tick()
      const hash = hashOf(this.clock, key)
      const commit: Commit = {repo: key, hash, authorName: 'Dev', authorEmail: 'dev@x', authorAccount: author, date: at, message: `change ${i} for PROJ-${i + 1} and #${i + 2}`, parents: head ? [head] : []}
      const files: CommitFile[] = [
        {repo: key, commit: hash, path: `src/f${i}.ts`, oldPath: null, status: 'modified', linesAdded: i + 1, linesRemoved: i},
        {repo: key, commit: hash, path: `docs/d${i}.md`, oldPath: null, status: 'added', linesAdded: 2, linesRemoved: 0},
      ]
      r.commits.set(hash, {commit, files})
      made.push(hash)
      head = hash
    }
    if (b) b.head = head!
    else r.branches.push({name: branch, head: head!})
    r.repo.updatedAt = this.tick()
    return made
  }

  /** Rewrite a branch: drop its head commit (gone from the server) and push `n` new ones on its parent. */
  forcePush(key: string, branch: string, n: number): string[] {
    const r = this.repos.get(key)!
    const b = r.branches.find((x) => x.name === branch)!
    const old = r.commits.get(b.head)!
    r.commits.delete(b.head)
    b.head = old.commit.parents[0]!
    return this.push(key, branch, n)
  }

  /** Merge two heads into `into` (a commit with two parents). */
  merge(key: string, from: string, into: string): string {
    const r = this.repos.get(key)!
    const a = r.branches.find((x) => x.name === into)!
    const b = r.branches.find((x) => x.name === from)!
    const at = this.tick()
    const hash = hashOf(this.clock, key)
    r.commits.set(hash, {commit: {repo: key, hash, authorName: 'Dev', authorEmail: 'dev@x', authorAccount: null, date: at, message: `Merge ${from}`, parents: [a.head, b.head]}, files: []})
    a.head = hash
    return hash
  }

  addPr(key: string, over: Partial<PullRequest> = {}): FakePr {
    const r = this.repos.get(key)!
    const at = this.tick()
    const id = r.prs.length + 1
    const p: FakePr = {
      pr: {repo: key, id, title: `Fix ABC-${id} things`, state: 'OPEN', author: '{u1}', sourceBranch: `feature/XY-${id}`, targetBranch: 'main', createdAt: at, updatedAt: at, closedAt: null, mergeCommit: null, commentCount: 0, ...over},
      reviews: [], activity: [],
    }
    r.prs.push(p)
    return p
  }

  approve(key: string, id: number, user: string): void {
    const p = this.repos.get(key)!.prs.find((x) => x.pr.id === id)!
    const at = this.tick()
    p.activity.push({kind: 'approval', user, at, users: [this.users.get(user)!]})
    p.reviews = p.reviews.filter((r) => r.user !== user).concat({user, state: 'APPROVED', listAt: at})
    p.pr.updatedAt = at
  }

  requestChanges(key: string, id: number, user: string): void {
    const p = this.repos.get(key)!.prs.find((x) => x.pr.id === id)!
    const at = this.tick()
    p.activity.push({kind: 'changes_requested', user, at, users: [this.users.get(user)!]})
    p.reviews = p.reviews.filter((r) => r.user !== user).concat({user, state: 'CHANGES_REQUESTED', listAt: null})
    p.pr.updatedAt = at
  }

  mergePr(key: string, id: number): void {
    const p = this.repos.get(key)!.prs.find((x) => x.pr.id === id)!
    const hash = this.merge(key, p.pr.sourceBranch!, 'main')
    const at = this.tick()
    p.pr = {...p.pr, state: 'MERGED', closedAt: at, updatedAt: at}
    // Like Cloud: only a 12-character hash in the PR payload.
    ;(p as FakePr & {short?: string}).short = hash.slice(0, 12)
  }

  /** What a perfect sync must store. */
  truth<E extends EntityName>(entity: E): Array<EntityMap[E]> {
    const out: unknown[] = []
    for (const r of [...this.repos.values()].sort((a, b) => a.repo.key.localeCompare(b.repo.key))) {
      const key = r.repo.key
      if (entity === 'repository') out.push(r.repo)
      for (const p of r.prs) {
        const short = (p as FakePr & {short?: string}).short
        if (entity === 'pullRequest') out.push({...p.pr, mergeCommit: short ? [...r.commits.keys()].find((h) => h.startsWith(short)) ?? null : p.pr.mergeCommit})
        if (entity === 'review') {
          for (const rv of p.reviews) {
            const kind = rv.state === 'APPROVED' ? 'approval' : 'changes_requested'
            const at = p.activity.filter((a) => a.user === rv.user && a.kind === kind).at(-1)?.at ?? rv.listAt
            out.push({repo: key, pullRequest: p.pr.id, user: rv.user, state: rv.state, at} satisfies Review)
          }
        }
        if (entity === 'issueRef') for (const k of extractIssueKeys(p.pr.title, p.pr.sourceBranch)) out.push({repo: key, sourceType: 'pullRequest', sourceId: String(p.pr.id), key: k} satisfies IssueRef)
      }
      for (const {commit, files} of r.commits.values()) {
        if (entity === 'commit') out.push(commit)
        if (entity === 'commitFile') out.push(...files)
        if (entity === 'issueRef') for (const k of extractIssueKeys(commit.message)) out.push({repo: key, sourceType: 'commit', sourceId: commit.hash, key: k} satisfies IssueRef)
      }
    }
    if (entity === 'user') out.push(...this.users.values())
    return out as Array<EntityMap[E]>
  }

  private async request(kind: RequestKind, repo: string | undefined, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted()
    this.calls.push({kind, repo})
    this.onRequest?.(this.calls.length, kind, repo)
    // Yield so concurrent tasks interleave as they would on a network.
    await new Promise((resolve) => setImmediate(resolve))
    signal?.throwIfAborted()
  }

  count(kind?: RequestKind, repo?: string): number {
    return this.calls.filter((c) => (!kind || c.kind === kind) && (!repo || c.repo === repo)).length
  }

  private async *paged<T>(kind: RequestKind, repo: string | undefined, items: () => T[], cursor: string | null | undefined, signal?: AbortSignal, size = this.pageSize): AsyncIterable<Page<T>> {
    let offset = cursor ? Number(cursor) : 0
    for (;;) {
      await this.request(kind, repo, signal)
      const all = items()
      const slice = all.slice(offset, offset + size)
      offset += size
      const next = offset < all.length ? String(offset) : null
      yield {items: slice, cursor: next}
      if (next === null) return
    }
  }

  private repoOf(key: string): FakeRepo {
    const r = this.repos.get(key)
    if (!r) throw Object.assign(new Error(`404 ${key}`), {status: 404})
    return r
  }

  async identity(): Promise<never> {
    throw new Error('not used by sync')
  }

  async serverVersion(): Promise<string | null> {
    return null
  }

  containers(): AsyncIterable<never> {
    throw new Error('not used by sync')
  }

  repositories(options: RepoListOptions = {}, signal?: AbortSignal): AsyncIterable<Page<Repository>> {
    return this.paged('repositories', undefined, () => [...this.repos.values()].map((r) => ({...r.repo})), options.cursor, signal)
  }

  async repository(key: string, signal?: AbortSignal): Promise<Repository | null> {
    await this.request('repository', key, signal)
    const r = this.repos.get(key)
    return r ? {...r.repo} : null
  }

  pullRequests(repo: string, options: PullRequestListOptions = {}, signal?: AbortSignal): AsyncIterable<Page<PullRequestRecord>> {
    return this.paged('pullRequests', repo, () => this.repoOf(repo).prs
      .filter((p) => !options.updatedSince || p.pr.updatedAt > options.updatedSince)
      .sort((a, b) => a.pr.updatedAt.localeCompare(b.pr.updatedAt))
      .map((p): PullRequestRecord => ({
        pullRequest: {...p.pr},
        reviews: p.reviews.map((r) => ({repo, pullRequest: p.pr.id, user: r.user, state: r.state, at: r.listAt})),
        users: [this.users.get(p.pr.author!)!, ...p.reviews.map((r) => this.users.get(r.user)!)],
        mergeCommitShort: (p as FakePr & {short?: string}).short ?? null,
      })), options.cursor, signal)
  }

  pullRequestActivity(repo: string, id: number, signal?: AbortSignal): AsyncIterable<Page<ActivityRecord>> {
    // Newest first, as the APIs return it: the engine must not depend on the order.
    return this.paged('activity', repo, () => [...this.repoOf(repo).prs.find((p) => p.pr.id === id)!.activity].reverse(), null, signal)
  }

  async counts(repo: string, signal?: AbortSignal): Promise<RepoCounts> {
    await this.request('counts', repo, signal)
    const r = this.repoOf(repo)
    return {pullRequests: r.prs.length, commits: r.commits.size, branches: r.branches.length}
  }

  planRepo(repo: string, input: RepoPlanInput, signal?: AbortSignal): Promise<RepoPlan> {
    return planByListing(this, repo, input, 1, signal)
  }

  branches(repo: string, signal?: AbortSignal): AsyncIterable<Page<Branch>> {
    return this.paged('branches', repo, () => this.repoOf(repo).branches.map((b) => ({...b})), null, signal, 100)
  }

  commits(repo: string, options: CommitListOptions, signal?: AbortSignal): AsyncIterable<Page<CommitRecord>> {
    const walk = (): CommitRecord[] => {
      const r = this.repoOf(repo)
      const reach = (starts: string[]): Set<string> => {
        const seen = new Set<string>()
        const stack = [...starts]
        while (stack.length) {
          const h = stack.pop()!
          if (seen.has(h) || !r.commits.has(h)) continue
          seen.add(h)
          stack.push(...r.commits.get(h)!.commit.parents)
        }
        return seen
      }
      // Like Cloud: excluding a commit that does not exist is a 404, not an empty set.
      const missing = options.exclude.find((h) => !r.commits.has(h))
      if (missing) throw new HttpError(`Commit not found: ${missing}`, 404)
      const excluded = reach(options.exclude)
      return [...reach(options.include)].filter((h) => !excluded.has(h))
        .map((h) => r.commits.get(h)!.commit)
        .sort((a, b) => b.date.localeCompare(a.date))
        .map((commit) => ({commit: {...commit, parents: [...commit.parents]}, users: commit.authorAccount ? [this.users.get(commit.authorAccount)!] : []}))
    }
    return this.paged('commits', repo, walk, options.cursor, signal)
  }

  commitFiles(repo: string, hash: string, options: CommitFileOptions = {}, signal?: AbortSignal): AsyncIterable<Page<CommitFile>> {
    return this.paged('commitFiles', repo, () => this.repoOf(repo).commits.get(hash)!.files
      .filter((f) => !options.pathPrefix || f.path.startsWith(options.pathPrefix)), options.cursor, signal, 500)
  }

  async pullRequest(repo: string, id: number, signal?: AbortSignal): Promise<PullRequestRecord | null> {
    await this.request('pullRequest', repo, signal)
    const p = this.repos.get(repo)?.prs.find((x) => x.pr.id === id)
    if (!p) return null
    return {
      pullRequest: {...p.pr},
      reviews: p.reviews.map((r) => ({repo, pullRequest: p.pr.id, user: r.user, state: r.state, at: r.listAt})),
      users: [this.users.get(p.pr.author!)!, ...p.reviews.map((r) => this.users.get(r.user)!)],
      mergeCommitShort: (p as FakePr & {short?: string}).short ?? null,
    }
  }
}

/** A small world: 3 repos, PRs in every state, reviews, a merge, an empty repo. */
export function smallWorld(): FakeProvider {
  const p = new FakeProvider()
  for (const u of ['{u1}', '{u2}', '{u3}']) p.addUser(u)
  const a = 'ws/alpha'
  p.addRepo(a)
  p.push(a, 'main', 5)
  p.push(a, 'feature/XY-1', 2)
  p.addPr(a, {sourceBranch: 'feature/XY-1'})
  p.approve(a, 1, '{u2}')
  p.requestChanges(a, 1, '{u3}')
  p.addPr(a, {state: 'DECLINED', title: 'Nope #12'})
  p.addPr(a, {state: 'SUPERSEDED'})
  p.push(a, 'feature/XY-4', 1)
  p.addPr(a, {sourceBranch: 'feature/XY-4'})
  p.approve(a, 4, '{u3}')
  p.mergePr(a, 4)
  for (let i = 0; i < 5; i++) p.addPr(a, {title: `Bulk ${i} BULK-${i}`})
  const b = 'ws/beta'
  p.addRepo(b)
  p.push(b, 'main', 7)
  p.push(b, 'dev', 2)
  p.addPr(b)
  p.approve(b, 1, '{u1}')
  p.addRepo('ws/empty')
  p.repos.get('ws/empty')!.repo.defaultBranch = null
  return p
}
