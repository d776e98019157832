/**
 * Bitbucket Cloud 2.0 implementation of Provider. Client baseUrl is the API base (".../2.0").
 */
import {AuthError} from '../../errors.js'
import type {HttpClient} from '../../http/types.js'
import type {CommitFile, Repository} from '../../model.js'
import type {
  ActivityRecord, Branch, CommitFileOptions, CommitListOptions, CommitRecord, Container, Identity, IdentityOptions, Page,
  Provider, PullRequestListOptions, PullRequestRecord, RepositoryActivityRecord, RepoCounts, RepoListOptions, RepoPlan, RepoPlanInput,
} from '../types.js'
import {emptyRepoPlan, exactly, PR_STATES_ALL} from '../types.js'
import {extrapolateCommits, filesPlan, samplePlan} from '../plan-estimate.js'
import {preferRepositoryActivity, repositoryActivityPages} from '../activity.js'
import {seg, splitRepoKey} from '../keys.js'
import {toIsoUtc} from '../time.js'
import {
  ACTIVITY_FIELDS, BRANCH_FIELDS, REPO_ACTIVITY_FIELDS, COMMIT_FIELDS, DIFFSTAT_FIELDS, PR_FIELDS, REPO_FIELDS, SINGLE_PR_FIELDS, SINGLE_REPO_FIELDS,
  WORKSPACE_FIELDS,
} from './fields.js'
import {
  mapCloudActivity, mapCloudBranch, mapCloudCommit, mapCloudContainer, mapCloudDiffstat, mapCloudPullRequest,
  mapCloudRepository, mapCloudUser,
} from './map.js'
import {cloudPages} from './paginate.js'
import type {
  CloudAccount, CloudActivity, CloudBranch, CloudCommit, CloudDiffstat, CloudPaged, CloudPullRequest,
  CloudRepository, CloudWorkspaceAccess,
} from './raw.js'
import {decodeMultiCursor, encodeMultiCursor} from './multi-cursor.js'

/** Page sizes: 100 is the global maximum; PRs and activity reject more than 50; diffstat allows 5000. */
export const CLOUD_PAGELEN = {default: 100, pullRequests: 50, activity: 50, diffstat: 5000} as const

/** Commit pages a plan reads before it extrapolates the rest of a long history. */
const PLAN_COMMIT_PAGES = 5

/** Encoded include/exclude length above which /commits is asked with a POST form instead of a URL. */
const MAX_URL_REFS = 4000

export class CloudProvider implements Provider {
  readonly kind = 'cloud' as const

  constructor(readonly connection: string, private readonly client: HttpClient) {}

  /**
   * `GET /user`. Access tokens answer with a bot user (no `account_id`) or are refused for lack of the
   * `account` scope; `X-Credential-Type` names them when present. Refused, the optional target (a
   * workspace or repository the token is bound to) is read instead to prove the token works.
   */
  async identity(options: IdentityOptions = {}): Promise<Identity> {
    const {credentialId, signal} = options
    // 401 stays an error: the client refreshes OAuth tokens on it and raises AuthError itself.
    const res = await this.client.request<CloudAccount>('/user', {credentialId, signal, okStatuses: [403]})
    const scopes = parseScopes(res.headers['x-oauth-scopes'])
    const token = /access/i.test(res.headers['x-credential-type'] ?? '')
    if (res.status === 200) {
      const user = mapCloudUser(res.body)
      if (!user) throw new AuthError('Bitbucket answered /user without a user id.', {code: 'bad_identity'})
      return {id: user.id, displayName: user.displayName, accountId: user.accountId, nickname: user.nickname, scopes,
        kind: token || !res.body.account_id ? 'token' : 'user'}
    }
    if (!options.target) throw authFailure(res.body)
    const target = options.target.includes('/')
      ? `/repositories/${options.target.split('/').map(seg).join('/')}`
      : `/workspaces/${seg(options.target)}`
    const probe = await this.client.request(target, {query: {fields: 'uuid'}, credentialId, signal, okStatuses: [403, 404]})
    if (probe.status !== 200) throw authFailure(res.body)
    return {id: credentialId ?? 'token', displayName: null, accountId: null, nickname: null,
      scopes: parseScopes(probe.headers['x-oauth-scopes']) ?? scopes, kind: 'token'}
  }

  async serverVersion(): Promise<string | null> {
    return null
  }

  async *containers(signal?: AbortSignal): AsyncIterable<Page<Container>> {
    for await (const page of cloudPages<CloudWorkspaceAccess>(this.client, '/user/workspaces',
      {pagelen: CLOUD_PAGELEN.default, sort: 'slug', fields: WORKSPACE_FIELDS}, {signal})) {
      yield {items: page.values.map(mapCloudContainer).filter((c): c is Container => c !== null), cursor: page.next}
    }
  }

  /**
   * One workspace: its `next` links are the cursor. Every workspace: the workspaces are listed first
   * (sorted by slug, stable), and the cursor names the workspace plus its `next` link.
   */
  async *repositories(options: RepoListOptions = {}, signal?: AbortSignal): AsyncIterable<Page<Repository>> {
    const query = {
      pagelen: CLOUD_PAGELEN.default, sort: 'slug', fields: REPO_FIELDS,
      q: options.project ? `project.key="${bbqlEscape(options.project)}"` : undefined,
    }
    if (options.container) {
      for await (const page of cloudPages<CloudRepository>(this.client, `/repositories/${seg(options.container)}`, query,
        {cursor: options.cursor, signal})) {
        yield {items: page.values.map((r) => mapCloudRepository(r, this.connection, options.container)), cursor: page.next}
      }
      return
    }
    const workspaces: string[] = []
    for await (const page of this.containers(signal)) workspaces.push(...page.items.map((c) => c.key))
    const resume = decodeMultiCursor(options.cursor)
    let index = resume ? workspaces.indexOf(resume.container) : 0
    if (index < 0) index = 0
    for (; index < workspaces.length; index++) {
      const ws = workspaces[index]!
      const cursor = resume && resume.container === ws ? resume.next : null
      for await (const page of cloudPages<CloudRepository>(this.client, `/repositories/${seg(ws)}`, query, {cursor, signal})) {
        const following = page.next ? encodeMultiCursor(ws, page.next)
          : index + 1 < workspaces.length ? encodeMultiCursor(workspaces[index + 1]!, null) : null
        yield {items: page.values.map((r) => mapCloudRepository(r, this.connection, ws)), cursor: following}
      }
    }
  }

  async repository(key: string, signal?: AbortSignal): Promise<Repository | null> {
    const {container, slug} = splitRepoKey(key)
    const res = await this.client.request<CloudRepository>(`/repositories/${seg(container)}/${seg(slug)}`, {
      query: {fields: SINGLE_REPO_FIELDS}, okStatuses: [404], signal,
    })
    return res.status === 404 ? null : mapCloudRepository(res.body, this.connection, container)
  }

  /**
   * Every state is asked for (Cloud returns only OPEN otherwise). Sorted by `-updated_on`: the pages are
   * offset-based, and an update only ever moves a PR towards the front of a descending list, so a PR
   * changing mid-listing (or between a checkpoint and its resume) can only cause a repeat, never a
   * skipped PR. Ascending order would push it to the back and shift everything after it one slot
   * earlier, skipping one unseen PR per update. PRs updated during the listing may be missed by this
   * run, so the next watermark must be the time this listing started, not the newest `updated_on` seen.
   */
  async *pullRequests(repo: string, options: PullRequestListOptions = {}, signal?: AbortSignal): AsyncIterable<Page<PullRequestRecord>> {
    const {container, slug} = splitRepoKey(repo)
    const since = toIsoUtc(options.updatedSince ?? null)
    const query = {
      state: [...PR_STATES_ALL], pagelen: CLOUD_PAGELEN.pullRequests, sort: '-updated_on', fields: PR_FIELDS,
      // BBQL datetimes are unquoted; an explicit offset avoids any doubt about `Z`.
      q: since ? `updated_on > ${since.replace(/Z$/, '+00:00')}` : undefined,
    }
    for await (const page of cloudPages<CloudPullRequest>(this.client, `/repositories/${seg(container)}/${seg(slug)}/pullrequests`,
      query, {cursor: options.cursor, signal})) {
      yield {items: page.values.map((pr) => mapCloudPullRequest(pr, repo)), cursor: page.next, total: page.size}
    }
  }

  async *pullRequestActivity(repo: string, id: number, signal?: AbortSignal): AsyncIterable<Page<ActivityRecord>> {
    const {container, slug} = splitRepoKey(repo)
    for await (const page of cloudPages<CloudActivity>(this.client,
      `/repositories/${seg(container)}/${seg(slug)}/pullrequests/${seg(id)}/activity`,
      {pagelen: CLOUD_PAGELEN.activity, fields: ACTIVITY_FIELDS}, {signal})) {
      yield {items: page.values.map(mapCloudActivity), cursor: page.next}
    }
  }

  async *repositoryActivity(repo: string, signal?: AbortSignal): AsyncIterable<Page<RepositoryActivityRecord>> {
    const {container, slug} = splitRepoKey(repo)
    for await (const page of cloudPages<CloudActivity & {pull_request?: {id?: number}}>(this.client,
      `/repositories/${seg(container)}/${seg(slug)}/pullrequests/activity`,
      {pagelen: CLOUD_PAGELEN.activity, fields: REPO_ACTIVITY_FIELDS}, {signal})) {
      const items: RepositoryActivityRecord[] = []
      for (const raw of page.values) {
        const id = raw.pull_request?.id
        if (typeof id === 'number') items.push({pullRequest: id, activity: mapCloudActivity(raw)})
      }
      yield {items, cursor: page.next}
    }
  }

  async counts(repo: string, signal?: AbortSignal): Promise<RepoCounts> {
    const {container, slug} = splitRepoKey(repo)
    const base = `/repositories/${seg(container)}/${seg(slug)}`
    const [prs, branches] = await Promise.all([
      this.client.request<CloudPaged<unknown>>(`${base}/pullrequests`, {
        query: {state: [...PR_STATES_ALL], pagelen: 1, fields: 'size'}, signal,
      }),
      this.client.request<CloudPaged<unknown>>(`${base}/refs/branches`, {query: {pagelen: 1, fields: 'size'}, signal}),
    ])
    // Commits use iterator pagination without `size`: unknowable without listing them.
    return {pullRequests: sizeOf(prs.body), commits: null, branches: sizeOf(branches.body)}
  }

  /**
   * Cloud counts PRs (`size`) but not commits. PRs: the first page of the sync's own listing (with
   * `size`) gives the total and a sample of how many need activity. Branches: the sync's listing.
   * Commits: the sync's own walk for up to PLAN_COMMIT_PAGES pages; a longer history is extrapolated
   * from the dates seen back to `commitsSince`, and said to be an estimate. Commit files: one diffstat
   * request per new commit.
   */
  async planRepo(repo: string, input: RepoPlanInput, signal?: AbortSignal): Promise<RepoPlan> {
    const plan = emptyRepoPlan(true)
    const {container, slug} = splitRepoKey(repo)
    const base = `/repositories/${seg(container)}/${seg(slug)}`
    let since = input.commitsSince
    if (input.fetchRepository) {
      plan.requests.repository = exactly(1)
      const found = await this.repository(repo, signal)
      if (!found) return emptyRepoPlan(false)
      since ??= found.createdAt
    }
    if (input.prs) {
      const since = toIsoUtc(input.prsSince)
      const res = await this.client.request<CloudPaged<CloudPullRequest>>(`${base}/pullrequests`, {
        query: {
          state: [...PR_STATES_ALL], pagelen: CLOUD_PAGELEN.pullRequests, sort: '-updated_on', fields: PR_FIELDS,
          q: since ? `updated_on > ${since.replace(/Z$/, '+00:00')}` : undefined,
        },
        signal,
      })
      const sample = (res.body?.values ?? []).map((pr) => mapCloudPullRequest(pr, repo))
      const total = sizeOf(res.body) ?? sample.length
      plan.pullRequests = exactly(total)
      plan.requests.pullRequests = exactly(Math.max(1, Math.ceil(total / CLOUD_PAGELEN.pullRequests)))
      const changed = input.changed ? await input.changed(sample) : sample
      const needing = changed.filter((r) => r.reviews.length > 0).length
      if (input.reviews && input.prsSince === null && preferRepositoryActivity(total, sample, needing)) {
        // The sync walks the repository's activity once (see syncPullRequests); its length is estimated.
        const pages = repositoryActivityPages(total, sample)
        plan.requests.activity = {low: Math.max(1, Math.floor(pages * 0.8)), high: Math.ceil(pages * 1.25)}
      } else if (input.reviews) plan.requests.activity = samplePlan(total, sample.length, needing)
    }
    if (input.commits) {
      const heads: string[] = []
      let pages = 0
      for await (const page of this.branches(repo, signal)) {
        pages++
        heads.push(...page.items.map((b) => b.head))
      }
      plan.requests.branches = exactly(Math.max(1, pages))
      const known = new Set(input.full ? [] : input.knownHeads)
      const include = [...new Set(heads.filter((h) => !known.has(h)))]
      // A push since the last sync: the sync reads the repository again for its new metadata.
      if (include.length > 0 && known.size > 0 && !input.listed) plan.requests.repository = exactly(plan.requests.repository.high + 1)
      if (include.length > 0) {
        const walked = await this.countCommits(repo, include, [...known], signal)
        plan.commits = walked.complete ? exactly(walked.seen)
          : extrapolateCommits(walked.seen, walked.newest, walked.oldest, since)
        plan.requests.commits = walked.complete ? exactly(walked.pages)
          : {low: Math.ceil(plan.commits.low / CLOUD_PAGELEN.default), high: Math.ceil(plan.commits.high / CLOUD_PAGELEN.default)}
      }
    }
    if (input.commitFiles) plan.requests.commitFiles = filesPlan(plan.commits, input)
    return plan
  }

  private async countCommits(repo: string, include: string[], exclude: string[], signal?: AbortSignal): Promise<{seen: number; pages: number; complete: boolean; newest: number | null; oldest: number | null}> {
    let seen = 0
    let pages = 0
    let newest: number | null = null
    let oldest: number | null = null
    for await (const page of this.commits(repo, {include, exclude}, signal)) {
      pages++
      seen += page.items.length
      for (const {commit} of page.items) {
        const at = Date.parse(commit.date)
        if (Number.isNaN(at)) continue
        newest = newest === null ? at : Math.max(newest, at)
        oldest = oldest === null ? at : Math.min(oldest, at)
      }
      if (page.cursor === null) return {seen, pages, complete: true, newest, oldest}
      if (pages >= PLAN_COMMIT_PAGES) break
    }
    return {seen, pages, complete: pages < PLAN_COMMIT_PAGES, newest, oldest}
  }

  async *branches(repo: string, signal?: AbortSignal): AsyncIterable<Page<Branch>> {
    const {container, slug} = splitRepoKey(repo)
    for await (const page of cloudPages<CloudBranch>(this.client, `/repositories/${seg(container)}/${seg(slug)}/refs/branches`,
      {pagelen: CLOUD_PAGELEN.default, fields: BRANCH_FIELDS}, {signal})) {
      yield {items: page.values.map(mapCloudBranch).filter((b): b is Branch => b !== null), cursor: page.next}
    }
  }

  /**
   * One walk serves any number of heads and exclusions (`git log A B ^C ^D`); `next` is the cursor.
   * Many refs would overflow a URL, so past a few thousand characters they go as the POST form the
   * endpoint also accepts (the `next` links it returns are followed as usual).
   */
  async *commits(repo: string, options: CommitListOptions, signal?: AbortSignal): AsyncIterable<Page<CommitRecord>> {
    const {container, slug} = splitRepoKey(repo)
    const include = unique(options.include)
    const exclude = unique(options.exclude)
    const refs = new URLSearchParams([
      ...include.map((r): [string, string] => ['include', r]), ...exclude.map((r): [string, string] => ['exclude', r]),
    ])
    const long = refs.toString().length > MAX_URL_REFS
    const query = {
      ...(long ? {} : {include, exclude}),
      pagelen: CLOUD_PAGELEN.default, fields: COMMIT_FIELDS,
    }
    for await (const page of cloudPages<CloudCommit>(this.client, `/repositories/${seg(container)}/${seg(slug)}/commits`,
      query, {cursor: options.cursor, signal, form: long ? refs : undefined})) {
      yield {
        items: page.values.map((raw) => {
          const {commit, user} = mapCloudCommit(raw, repo)
          return {commit, users: user ? [user] : []}
        }),
        cursor: page.next,
      }
    }
  }

  async *commitFiles(repo: string, hash: string, options: CommitFileOptions = {}, signal?: AbortSignal): AsyncIterable<Page<CommitFile>> {
    const {container, slug} = splitRepoKey(repo)
    const query = {
      pagelen: CLOUD_PAGELEN.diffstat, fields: DIFFSTAT_FIELDS,
      path: options.pathPrefix ? options.pathPrefix.replace(/\/+$/, '') : undefined,
    }
    for await (const page of cloudPages<CloudDiffstat>(this.client,
      `/repositories/${seg(container)}/${seg(slug)}/diffstat/${seg(hash)}`, query, {cursor: options.cursor, signal})) {
      yield {
        items: page.values.map((d) => mapCloudDiffstat(d, repo, hash.toLowerCase())).filter((f): f is CommitFile => f !== null),
        cursor: page.next,
      }
    }
  }

  async pullRequest(repo: string, id: number, signal?: AbortSignal): Promise<PullRequestRecord | null> {
    const {container, slug} = splitRepoKey(repo)
    const res = await this.client.request<CloudPullRequest>(`/repositories/${seg(container)}/${seg(slug)}/pullrequests/${seg(id)}`, {
      query: {fields: SINGLE_PR_FIELDS}, okStatuses: [404], signal,
    })
    return res.status === 404 ? null : mapCloudPullRequest(res.body, repo)
  }
}

function parseScopes(header: string | undefined): string[] | null {
  if (!header) return null
  return header.split(/[,\s]+/).map((s) => s.trim()).filter(Boolean)
}

function authFailure(body: unknown, code = 'invalid_credentials'): AuthError {
  const detail = (body as {error?: {message?: string; detail?: {required?: string[]; granted?: string[]}}} | null)?.error
  const required = detail?.detail?.required
  return new AuthError(detail?.message ?? 'Bitbucket Cloud rejected the credential.', {
    code: required ? 'missing_scope' : code,
    details: required ? {required, granted: detail?.detail?.granted ?? []} : undefined,
    remedy: required ? `Grant the scopes: ${required.join(', ')}.` : 'Check the credential with `bb-integrate auth status`.',
  })
}

function sizeOf(body: CloudPaged<unknown> | null | undefined): number | null {
  return typeof body?.size === 'number' ? body.size : null
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values.filter(Boolean))]
}

function bbqlEscape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')
}
