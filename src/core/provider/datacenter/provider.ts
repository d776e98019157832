/**
 * Bitbucket Data Center implementation of Provider. Client baseUrl is the server base; every call
 * goes to `/rest/api/latest/...`.
 */
import {AuthError} from '../../errors.js'
import type {HttpClient} from '../../http/types.js'
import type {CommitFile, Repository} from '../../model.js'
import type {
  ActivityRecord, Branch, CommitFileOptions, CommitListOptions, CommitRecord, Container, Identity, IdentityOptions, Page,
  Provider, PullRequestListOptions, PullRequestRecord, RepoCounts, RepoPlan, RepoPlanInput, RepoListOptions,
} from '../types.js'
import {planByListing} from '../plan-estimate.js'
import {seg, splitRepoKey} from '../keys.js'
import {toIsoUtc} from '../time.js'
import {
  mapDcActivity, mapDcBranch, mapDcChange, mapDcCommit, mapDcContainer, mapDcPullRequest, mapDcRepository, mapDcUser,
} from './map.js'
import {dcPages} from './paginate.js'
import type {
  DcActivity, DcBranch, DcChange, DcCommit, DcPaged, DcProject, DcPullRequest, DcRepository, DcUser,
} from './raw.js'
import {API, repoPath} from './paths.js'
import {CommitFrontier, decodeWalkCursor, encodeWalkCursor, planCommitWalks} from './walks.js'

/** Parallel `/default-branch` requests per page of repositories. */
const DEFAULT_BRANCH_CONCURRENCY = 8

export class DataCenterProvider implements Provider {
  readonly kind = 'datacenter' as const

  constructor(readonly connection: string, private readonly client: HttpClient) {}

  /**
   * DC has no "/user": any authenticated call names the caller in `X-AUSERNAME`, and the user
   * resource then gives the slug (the canonical id) and display name.
   */
  async identity(options: IdentityOptions = {}): Promise<Identity> {
    const {credentialId, signal} = options
    // A 401 is raised by the client itself (after refreshing an OAuth token when it can).
    const probe = await this.client.request(`${API}/projects`, {query: {limit: 1}, credentialId, signal, okStatuses: [403]})
    if (probe.status === 403) {
      throw new AuthError('Bitbucket Data Center rejected the credential.', {
        code: 'invalid_credentials', remedy: 'Check the token or password, and that it has not expired.',
      })
    }
    const username = probe.headers['x-ausername']
    if (!username || username === 'anonymous') {
      throw new AuthError('Bitbucket Data Center treated the request as anonymous.', {
        code: 'anonymous', remedy: 'Check the credential: the server did not apply it.',
      })
    }
    let user: DcUser | null = null
    const direct = await this.client.request<DcUser>(`${API}/users/${seg(username)}`, {credentialId, signal, okStatuses: [404]})
    if (direct.status === 200) user = direct.body
    else {
      // Slugs differ from usernames for names with special characters: find the user by name.
      const found = await this.client.request<DcPaged<DcUser>>(`${API}/users`,
        {query: {filter: username, limit: 100}, credentialId, signal, okStatuses: [403, 404]})
      user = found.status === 200 ? found.body?.values?.find((u) => u.name === username) ?? null : null
    }
    const mapped = mapDcUser(user ?? {name: username, slug: username})!
    // Project and repository access tokens act as service users.
    return {id: mapped.id, displayName: mapped.displayName, accountId: mapped.accountId ?? username, nickname: mapped.nickname,
      scopes: null, kind: user?.type === 'SERVICE' ? 'token' : 'user'}
  }

  async serverVersion(signal?: AbortSignal): Promise<string | null> {
    const res = await this.client.request<{version?: string}>(`${API}/application-properties`, {signal})
    return res.body?.version ?? null
  }

  async *containers(signal?: AbortSignal): AsyncIterable<Page<Container>> {
    for await (const page of dcPages<DcProject>(this.client, `${API}/projects`, {}, {signal})) {
      yield {items: page.values.map(mapDcContainer).filter((c): c is Container => c !== null), cursor: page.next}
    }
  }

  /**
   * One project: its repos. Otherwise `/repos` lists every repository the caller can read in one walk.
   * Repository JSON carries no default branch, so each repo costs one `/default-branch` request
   * (made a few at a time); an empty repository has none (404) and keeps null.
   */
  async *repositories(options: RepoListOptions = {}, signal?: AbortSignal): AsyncIterable<Page<Repository>> {
    const project = options.container ?? options.project
    const path = project ? `${API}/projects/${seg(project)}/repos` : `${API}/repos`
    for await (const page of dcPages<DcRepository>(this.client, path, {}, {cursor: options.cursor, signal})) {
      const items: Repository[] = []
      for (let i = 0; i < page.values.length; i += DEFAULT_BRANCH_CONCURRENCY) {
        const batch = page.values.slice(i, i + DEFAULT_BRANCH_CONCURRENCY)
        items.push(...await Promise.all(batch.map(async (r) =>
          mapDcRepository(r, this.connection, await this.defaultBranch(r.project?.key ?? '', r.slug ?? '', signal)))))
      }
      yield {items, cursor: page.next}
    }
  }

  async repository(key: string, signal?: AbortSignal): Promise<Repository | null> {
    const {container, slug} = splitRepoKey(key)
    const res = await this.client.request<DcRepository>(`${repoPath(container, slug)}`, {okStatuses: [404], signal})
    if (res.status === 404) return null
    return mapDcRepository(res.body, this.connection, await this.defaultBranch(container, slug, signal))
  }

  private async defaultBranch(project: string, slug: string, signal?: AbortSignal): Promise<string | null> {
    if (!project || !slug) return null
    const res = await this.client.request<{displayId?: string; id?: string} | null>(`${repoPath(project, slug)}/default-branch`,
      {okStatuses: [204, 404], signal})
    if (res.status !== 200 || !res.body) return null
    return res.body.displayId ?? res.body.id?.replace(/^refs\/heads\//, '') ?? null
  }

  /**
   * `state=ALL`, newest first. DC has no "updated since" filter; NEWEST orders by last update (the
   * order production connectors rely on), so once a PR is not newer than the watermark the rest are
   * older too and paging stops. If the server's order ever turns out not to follow `updatedDate`, the
   * early stop is abandoned and older PRs are filtered out one by one instead (correct, just dearer);
   * each page is scanned whole before deciding, so a page of 1000 is checked for order first.
   */
  async *pullRequests(repo: string, options: PullRequestListOptions = {}, signal?: AbortSignal): AsyncIterable<Page<PullRequestRecord>> {
    const {container, slug} = splitRepoKey(repo)
    const since = toIsoUtc(options.updatedSince ?? null)
    const sinceMs = since ? Date.parse(since) : null
    let previous = Number.POSITIVE_INFINITY
    let ordered = true
    for await (const page of dcPages<DcPullRequest>(this.client, `${repoPath(container, slug)}/pull-requests`,
      {state: 'ALL', order: 'NEWEST'}, {cursor: options.cursor, signal})) {
      const items: PullRequestRecord[] = []
      let reachedOld = false
      for (const raw of page.values) {
        const updated = raw.updatedDate ?? raw.createdDate ?? 0
        if (updated > previous) ordered = false
        previous = updated
        // The rest of the page is still scanned: it is free evidence that the order holds.
        if (sinceMs !== null && updated <= sinceMs) reachedOld = true
        else items.push(mapDcPullRequest(raw, repo))
      }
      const stop = reachedOld && ordered
      yield {items, cursor: stop ? null : page.next}
      if (stop) return
    }
  }

  async *pullRequestActivity(repo: string, id: number, signal?: AbortSignal): AsyncIterable<Page<ActivityRecord>> {
    const {container, slug} = splitRepoKey(repo)
    for await (const page of dcPages<DcActivity>(this.client, `${repoPath(container, slug)}/pull-requests/${seg(id)}/activities`,
      {}, {signal})) {
      yield {items: page.values.map(mapDcActivity), cursor: page.next}
    }
  }

  /**
   * DC pages carry `size` = items on this page, not a total. Branches: one page at the largest limit
   * is exact when it is the last page. PR and commit totals are unknowable without listing them.
   */
  async counts(repo: string, signal?: AbortSignal): Promise<RepoCounts> {
    const {container, slug} = splitRepoKey(repo)
    const res = await this.client.request<DcPaged<unknown>>(`${repoPath(container, slug)}/branches`, {query: {limit: 1000}, signal})
    const branches = res.body?.isLastPage ? res.body.values?.length ?? res.body.size ?? null : null
    return {pullRequests: null, commits: null, branches}
  }

  /**
   * Data Center pages by 1000, so the plan simply walks what the sync will list first, with the
   * sync's own requests: the PRs (exact count, and which need activity: any reviewer state), the
   * branches and the commit walks (exact new commits). Activity and commit changes cost one request
   * per PR / commit; only a discussion or a commit over 1000 entries would cost more.
   */
  async planRepo(repo: string, input: RepoPlanInput, signal?: AbortSignal): Promise<RepoPlan> {
    // Reading a repository costs two requests: the repository and its default branch.
    return planByListing(this, repo, input, 2, signal)
  }

  async *branches(repo: string, signal?: AbortSignal): AsyncIterable<Page<Branch>> {
    const {container, slug} = splitRepoKey(repo)
    for await (const page of dcPages<DcBranch>(this.client, `${repoPath(container, slug)}/branches`, {}, {signal})) {
      yield {items: page.values.map(mapDcBranch).filter((b): b is Branch => b !== null), cursor: page.next}
    }
  }

  /**
   * DC's `since` takes one ref, so several heads mean one walk each (walks.ts: the plan, its cost, and
   * the frontier that honours exclusions and ends a walk early). The cursor names the walk and the
   * `nextPageStart` inside it; a resumed walk has lost its frontier and simply runs to its end.
   */
  async *commits(repo: string, options: CommitListOptions, signal?: AbortSignal): AsyncIterable<Page<CommitRecord>> {
    const {container, slug} = splitRepoKey(repo)
    let include = options.include
    if (include.length === 0) {
      include = []
      for await (const page of this.branches(repo, signal)) include.push(...page.items.map((b) => b.head))
    }
    const walks = planCommitWalks(include, options.exclude)
    // Excluded heads and everything returned by an earlier walk of this run.
    const known = new Set(options.exclude.map((e) => e.toLowerCase()))
    const resume = decodeWalkCursor(options.cursor)
    for (let w = resume?.walk ?? 0; w < walks.length; w++) {
      const walk = walks[w]!
      const resumed = resume !== null && resume.walk === w && resume.start !== null
      const frontier = new CommitFrontier(known, walk.until.toLowerCase())
      for await (const page of dcPages<DcCommit>(this.client, `${repoPath(container, slug)}/commits`,
        {until: walk.until, since: walk.since ?? undefined}, {cursor: resumed ? resume.start : null, signal})) {
        const items: CommitRecord[] = []
        for (const raw of page.values) {
          const {commit, user} = mapDcCommit(raw, repo)
          if (frontier.visit(commit.hash, commit.parents)) items.push({commit, users: user ? [user] : []})
        }
        const walkDone = page.next === null || (!resumed && frontier.resolved())
        const next = !walkDone ? encodeWalkCursor(w, page.next) : w + 1 < walks.length ? encodeWalkCursor(w + 1, null) : null
        yield {items, cursor: next}
        if (walkDone) break
      }
    }
  }

  /**
   * `/changes` has no path filter, so `pathPrefix` filters here (a directory prefix). It is capped by
   * the server's `page.max.changes`; line counts are not available from it.
   */
  async *commitFiles(repo: string, hash: string, options: CommitFileOptions = {}, signal?: AbortSignal): AsyncIterable<Page<CommitFile>> {
    const {container, slug} = splitRepoKey(repo)
    const prefix = options.pathPrefix ? options.pathPrefix.replace(/\/+$/, '') : null
    const under = (p: string | null): boolean => p !== null && (p === prefix || p.startsWith(`${prefix}/`))
    for await (const page of dcPages<DcChange>(this.client, `${repoPath(container, slug)}/commits/${seg(hash)}/changes`, {},
      {cursor: options.cursor, signal})) {
      const files = page.values.map((c) => mapDcChange(c, repo, hash.toLowerCase())).filter((f): f is CommitFile => f !== null)
      yield {items: prefix ? files.filter((f) => under(f.path) || under(f.oldPath)) : files, cursor: page.next}
    }
  }

  async pullRequest(repo: string, id: number, signal?: AbortSignal): Promise<PullRequestRecord | null> {
    const {container, slug} = splitRepoKey(repo)
    const res = await this.client.request<DcPullRequest>(`${repoPath(container, slug)}/pull-requests/${seg(id)}`, {okStatuses: [404], signal})
    return res.status === 404 ? null : mapDcPullRequest(res.body, repo)
  }
}
