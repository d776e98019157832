/**
 * Ground truth: the canonical entities (src/core/model.ts) a perfect sync of everything must store,
 * rendered per flavour. Decisions a product must match:
 * - ids of people: Cloud uuid with braces, DC user slug;
 * - DC has no SUPERSEDED: such PRs are DECLINED there; DC repositories have no dates and DC commit
 *   files no line counts (null);
 * - a review is a participant's current state (approved / changes requested), `at` the time of the
 *   latest activity entry that set it; a participant with no state yields no review;
 * - issue keys: `extractIssueKeys` over PR title + source branch, and over commit messages;
 * - DC omits `commentCount` when it is 0: the truth says 0;
 * - `url` is the repository's web page under `webBase` (Cloud `{webBase}/{workspace}/{slug}`, DC
 *   `{webBase}/projects/{KEY}/repos/{slug}/browse`), null when no base is given.
 * Order: by repository key, then PR id / commit hash / path; users by id.
 */
import type {Commit, CommitFile, EntityMap, EntityName, IssueRef, PullRequest, Repository, Review, User} from '../../src/core/model.js'
import {extractIssueKeys} from './issue-keys.js'
import type {Flavor, WRepo, WRepoDetail, WUser, World} from './types.js'

export interface TruthOptions {
  /** Web origin the repository URLs live under, e.g. the emulator's origin. */
  webBase?: string
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

export function repoKeyOf(r: Pick<WRepo, 'container' | 'slug'>): string {
  return `${r.container}/${r.slug}`
}

export function repoWebUrl(flavor: Flavor, webBase: string, r: Pick<WRepo, 'container' | 'slug'>): string {
  return flavor === 'cloud' ? `${webBase}/${r.container}/${r.slug}` : `${webBase}/projects/${r.container}/repos/${r.slug}/browse`
}

export function userId(flavor: Flavor, u: WUser): string {
  return flavor === 'cloud' ? u.uuid : u.slug
}

export function dcPullRequestState(state: PullRequest['state']): PullRequest['state'] {
  return state === 'SUPERSEDED' ? 'DECLINED' : state
}

/** Every live repository, sorted by key. */
export function allRepos(world: World): WRepo[] {
  return world.containers().flatMap((c) => world.repos(c.key)).sort((a, b) => compareText(repoKeyOf(a), repoKeyOf(b)))
}

export function* truthOf<E extends EntityName>(world: World, flavor: Flavor, entity: E, connection: string, options: TruthOptions = {}): Generator<EntityMap[E]> {
  const id = (key: string): string => {
    const u = world.userByKey(key)
    return u ? userId(flavor, u) : key
  }
  if (entity === 'user') {
    yield* users(world, flavor) as Iterable<EntityMap[E]>
    return
  }
  for (const repo of allRepos(world)) {
    const key = repoKeyOf(repo)
    if (entity === 'repository') {
      yield repository(flavor, connection, repo, options) as EntityMap[E]
      continue
    }
    const detail = world.detail(key)
    switch (entity) {
      case 'pullRequest': yield* pullRequests(flavor, key, detail, id) as Iterable<EntityMap[E]>; break
      case 'review': yield* reviews(key, detail, id) as Iterable<EntityMap[E]>; break
      case 'commit': yield* commits(key, detail, id) as Iterable<EntityMap[E]>; break
      case 'commitFile': yield* commitFiles(flavor, key, detail) as Iterable<EntityMap[E]>; break
      case 'issueRef': yield* issueRefs(key, detail) as Iterable<EntityMap[E]>; break
      default: throw new Error(`unknown entity ${String(entity)}`)
    }
  }
}

function repository(flavor: Flavor, connection: string, r: WRepo, options: TruthOptions): Repository {
  return {
    provider: flavor,
    connection,
    key: repoKeyOf(r),
    name: r.name,
    project: r.projectKey,
    isPrivate: r.isPrivate,
    defaultBranch: r.defaultBranch,
    createdAt: flavor === 'cloud' ? r.createdAt : null,
    updatedAt: flavor === 'cloud' ? r.updatedAt : null,
    url: options.webBase === undefined ? null : repoWebUrl(flavor, options.webBase, r),
  }
}

function byId<T extends {id: number}>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => a.id - b.id)
}

function byHash<T extends {hash: string}>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => compareText(a.hash, b.hash))
}

function* pullRequests(flavor: Flavor, repo: string, d: WRepoDetail, id: (k: string) => string): Generator<PullRequest> {
  for (const pr of byId(d.pullRequests)) {
    yield {
      repo,
      id: pr.id,
      title: pr.title,
      state: flavor === 'cloud' ? pr.state : dcPullRequestState(pr.state),
      author: id(pr.author),
      sourceBranch: pr.sourceBranch,
      targetBranch: pr.targetBranch,
      createdAt: pr.createdAt,
      updatedAt: pr.updatedAt,
      closedAt: pr.closedAt,
      mergeCommit: pr.mergeCommit,
      commentCount: pr.commentCount,
    }
  }
}

function* reviews(repo: string, d: WRepoDetail, id: (k: string) => string): Generator<Review> {
  for (const pr of byId(d.pullRequests)) {
    const current = pr.participants.filter((p) => p.state !== null).sort((a, b) => compareText(id(a.user), id(b.user)))
    for (const p of current) {
      const setter = p.state === 'approved' ? 'approval' : 'changes_request'
      const last = pr.activity.filter((a) => a.user === p.user && a.kind === setter).at(-1)
      yield {repo, pullRequest: pr.id, user: id(p.user), state: p.state === 'approved' ? 'APPROVED' : 'CHANGES_REQUESTED', at: last?.at ?? p.participatedOn}
    }
  }
}

function* commits(repo: string, d: WRepoDetail, id: (k: string) => string): Generator<Commit> {
  for (const c of byHash(d.commits)) {
    yield {repo, hash: c.hash, authorName: c.authorName, authorEmail: c.authorEmail, authorAccount: c.author ? id(c.author) : null, date: c.date, message: c.message, parents: [...c.parents]}
  }
}

function* commitFiles(flavor: Flavor, repo: string, d: WRepoDetail): Generator<CommitFile> {
  for (const c of byHash(d.commits)) {
    for (const f of [...c.files].sort((a, b) => compareText(a.path, b.path))) {
      yield {
        repo,
        commit: c.hash,
        path: f.path,
        oldPath: f.oldPath,
        status: f.status,
        linesAdded: flavor === 'cloud' ? f.linesAdded : null,
        linesRemoved: flavor === 'cloud' ? f.linesRemoved : null,
      }
    }
  }
}

function* issueRefs(repo: string, d: WRepoDetail): Generator<IssueRef> {
  for (const pr of byId(d.pullRequests)) {
    for (const key of extractIssueKeys(pr.title, pr.sourceBranch).sort(compareText)) yield {repo, sourceType: 'pullRequest', sourceId: String(pr.id), key}
  }
  for (const c of byHash(d.commits)) {
    for (const key of extractIssueKeys(c.message).sort(compareText)) yield {repo, sourceType: 'commit', sourceId: c.hash, key}
  }
}

/** Everyone a sync meets: PR authors, participants, and accounts linked to commit authors. */
function users(world: World, flavor: Flavor): User[] {
  const seen = new Set<string>()
  for (const repo of allRepos(world)) {
    const d = world.detail(repoKeyOf(repo))
    for (const pr of d.pullRequests) {
      seen.add(pr.author)
      for (const p of pr.participants) seen.add(p.user)
    }
    for (const c of d.commits) if (c.author) seen.add(c.author)
  }
  const out: User[] = []
  for (const key of seen) {
    const u = world.userByKey(key)
    if (!u) continue
    out.push({provider: flavor, id: userId(flavor, u), displayName: u.displayName, accountId: flavor === 'cloud' ? u.accountId : u.name, nickname: u.slug})
  }
  return out.sort((a, b) => compareText(a.id, b.id))
}
