/**
 * Commits and commit files from a bare mirror, behind the same `CommitSource` seam as REST. The
 * branch listing fetches the mirror (one clone or fetch per repository and sync) and reads its
 * branches; the commit walk is `git log` over the same include/exclude heads as the REST walk, with
 * each page carrying its files, so the engine needs no per-commit file requests. The Bitbucket account
 * linked to each author is only known to the API: it comes from the REST commit listing over the same
 * walk (one request per page of commits), matched by hash.
 */
import type {CommitFile, ProviderKind} from '../model.js'
import {exactly} from '../provider/types.js'
import type {Branch, ChannelPlan, CommitFileOptions, CommitListOptions, CommitRecord, CommitSource, Page, PlanRange, RepoPlan, RepoPlanInput} from '../provider/types.js'
import {gitAuthorization} from './auth.js'
import {GitError, runGit, spawnGit} from './exec.js'
import type {GitCommit} from './log.js'
import {LOG_ARGS, parseLog} from './log.js'
import {checkCloneUrl, mirrorDir, mirrorExists, updateMirror} from './mirror.js'
import type {MirrorProgress} from './mirror.js'

export const GIT_PAGE_SIZE = 100

export type MirrorEvent = {repo: string; action: 'clone' | 'fetch'} & (
  | {state: 'start' | 'done'}
  | ({state: 'progress'} & MirrorProgress)
)
/** Cloud's allowance for git over HTTPS, per user and rolling hour (apart from REST). */
export const CLOUD_GIT_REQUESTS_PER_HOUR = 60_000

/**
 * Smart-HTTP requests of one mirror update (protocol v2): the ref advertisement (`info/refs`), `ls-refs`,
 * and a `fetch` when the remote has commits the mirror lacks (a first clone of a repository with
 * commits, or a fetch after a push).
 */
const GIT_REFS_REQUESTS = 2
const GIT_FETCH_REQUESTS = 1

export interface GitSourceOptions {
  provider: ProviderKind
  connection: string
  /** The connection's URL: clone URLs must be on its host. */
  connectionUrl: string
  /** Where mirrors live (one directory per connection inside). */
  gitDir: string
  /** The REST commit source: accounts of commit authors, and clone links. */
  rest: CommitSource
  /** The REST Authorization header (git's is derived from it). */
  authorization(): Promise<string>
  /** The repository's clone URL from the API's `links.clone` (https, else http), or null. */
  cloneUrl(repo: string, signal?: AbortSignal): Promise<string | null>
  /** The caller's environment git runs with (PATH, HOME, proxies). */
  env: NodeJS.ProcessEnv
  /** ISO time: limit a first clone (`--since`). */
  since?: string | null
  /** Clone/fetch progress, for the dashboard: a start, the transfer's progress, the end. */
  onMirror?(event: MirrorEvent): void
}

export class GitCommitSource implements CommitSource {
  /** Mirrors already brought up to date in this run. */
  private readonly fresh = new Set<string>()

  constructor(private readonly options: GitSourceOptions) {}

  dir(repo: string): string {
    return mirrorDir(this.options.gitDir, this.options.connection, repo)
  }

  /** Clone or fetch the repository's mirror once per run. */
  async refresh(repo: string, signal?: AbortSignal): Promise<string> {
    const dir = this.dir(repo)
    if (this.fresh.has(repo)) return dir
    const existing = mirrorExists(dir)
    let url: URL
    if (existing) {
      url = new URL((await runGit(['--git-dir', dir, 'config', '--get', 'remote.origin.url'], {env: this.options.env})).trim())
    } else {
      const href = await this.options.cloneUrl(repo, signal)
      if (!href) throw new GitError(`The API gives no https clone link for ${repo}.`, '', null)
      url = checkCloneUrl(href, this.options.connectionUrl)
    }
    const authorization = gitAuthorization(this.options.provider, await this.options.authorization())
    const action = existing ? 'fetch' : 'clone'
    const report = this.options.onMirror
    report?.({repo, action, state: 'start'})
    await updateMirror({
      dir, url, authorization, env: this.options.env, since: this.options.since ?? null, signal,
      ...(report ? {onProgress: (p: MirrorProgress) => report({repo, action, state: 'progress', ...p})} : {}),
    })
    report?.({repo, action, state: 'done'})
    this.fresh.add(repo)
    return dir
  }

  /**
   * `sync --plan` for the git path: branches come from the mirror and commit files from `git log`, so
   * neither costs REST; the commit listing stays (authors' accounts, one request per page of commits);
   * a first clone reads the repository's clone link. On the git channel: a clone or a fetch.
   */
  planChannel(repo: string, input: RepoPlanInput, rest: RepoPlan): ChannelPlan {
    const mirror = mirrorExists(this.dir(repo))
    const r = rest.requests
    // New commits make the update fetch (a first clone: any commit, those an earlier REST sync stored
    // too); heads that only moved to known commits or went away do not.
    const fetch: PlanRange = !mirror && input.knownHeads.length > 0 ? exactly(GIT_FETCH_REQUESTS)
      : rest.commits.high === 0 ? exactly(0)
        : {low: rest.commits.low > 0 ? GIT_FETCH_REQUESTS : 0, high: GIT_FETCH_REQUESTS}
    return {
      requests: {
        ...r,
        repository: mirror ? r.repository : {low: r.repository.low + 1, high: r.repository.high + 1},
        // Accounts are read only for commits the walk yields (no new commit, no listing), and the lookup
        // stops once every commit is matched: it may leave the REST walk's last, empty page unread.
        commits: rest.commits.high === 0 ? exactly(0) : {low: Math.max(0, r.commits.low - 1), high: r.commits.high},
        branches: exactly(0),
        commitFiles: exactly(0),
      },
      channel: {
        name: 'git',
        action: mirror ? 'fetch' : 'clone',
        requests: {low: GIT_REFS_REQUESTS + fetch.low, high: GIT_REFS_REQUESTS + fetch.high},
        requestsPerHour: this.options.provider === 'cloud' ? CLOUD_GIT_REQUESTS_PER_HOUR : null,
      },
    }
  }

  async *branches(repo: string, signal?: AbortSignal): AsyncIterable<Page<Branch>> {
    const dir = await this.refresh(repo, signal)
    const out = await runGit(['--git-dir', dir, 'for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads/'], {env: this.options.env, signal})
    const items: Branch[] = []
    for (const line of out.split('\n')) {
      const m = /^([0-9a-f]{40}) refs\/heads\/(.+)$/.exec(line)
      if (m) items.push({name: m[2] as string, head: m[1] as string})
    }
    yield {items, cursor: null}
  }

  /**
   * `git rev-list --branches` of the freshly fetched mirror, streamed line by line into a set. Only
   * branches count (the canonical rule, and the heads the walk starts from): a mirror also holds tags
   * and the server's pull-request refs, which would keep commits no branch reaches. A shallow mirror
   * (a first clone limited by --since) returns null: it cannot see the older commits a previous
   * sync may have stored, and calling them unreachable would delete history that still exists.
   */
  async reachable(repo: string, signal?: AbortSignal): Promise<ReadonlySet<string> | null> {
    const dir = await this.refresh(repo, signal)
    if ((await runGit(['--git-dir', dir, 'rev-parse', '--is-shallow-repository'], {env: this.options.env, signal})).trim() === 'true') return null
    const child = spawnGit(['--git-dir', dir, 'rev-list', '--branches'], {env: this.options.env, signal})
    const errors: Buffer[] = []
    child.stderr.on('data', (b: Buffer) => errors.push(b))
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
    const out = new Set<string>()
    let rest = ''
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      const lines = (rest + chunk.toString('latin1')).split('\n')
      rest = lines.pop() ?? ''
      for (const line of lines) if (line) out.add(line)
    }
    if (rest) out.add(rest)
    const code = await exited
    if (code !== 0) throw new GitError(`git rev-list failed (${String(code)}): ${Buffer.concat(errors).toString().trim()}`, Buffer.concat(errors).toString(), code)
    return out
  }

  /** Which of these hashes name commits the mirror has (a force-push may have dropped some). */
  private async present(dir: string, hashes: string[], signal?: AbortSignal): Promise<string[]> {
    if (hashes.length === 0) return []
    const out = await runGit(['--git-dir', dir, 'cat-file', '--batch-check=%(objectname) %(objecttype)'], {env: this.options.env, signal, input: hashes.map((h) => `${h}\n`).join('')})
    return out.split('\n').filter((l) => l.endsWith(' commit')).map((l) => l.slice(0, 40))
  }

  async *commits(repo: string, options: CommitListOptions, signal?: AbortSignal): AsyncIterable<Page<CommitRecord>> {
    const dir = await this.refresh(repo, signal)
    const include = await this.present(dir, options.include.filter(isHash), signal)
    const exclude = await this.present(dir, options.exclude.filter(isHash), signal)
    if (include.length === 0) {
      yield {items: [], cursor: null}
      return
    }
    const skip = Number(options.cursor ?? 0) || 0
    const accounts = new AccountLookup(this.options.rest, repo, {include, exclude}, signal)
    let page: GitCommit[] = []
    let seen = 0
    for await (const c of this.log(dir, [...include, ...exclude.map((h) => `^${h}`)], signal)) {
      seen++
      if (seen <= skip) continue
      page.push(c)
      if (page.length === GIT_PAGE_SIZE) {
        const items = await this.records(repo, page, accounts)
        page = []
        yield {items, cursor: String(seen)}
      }
    }
    yield {items: await this.records(repo, page, accounts), cursor: null}
  }

  async *commitFiles(repo: string, hash: string, options: CommitFileOptions = {}, signal?: AbortSignal): AsyncIterable<Page<CommitFile>> {
    if (!isHash(hash)) throw new GitError(`not a commit hash: ${hash}`, '', null)
    const dir = await this.refresh(repo, signal)
    for await (const c of this.log(dir, [hash], signal, ['-1'])) {
      const files = toFiles(repo, c, this.options.provider)
      const prefix = options.pathPrefix
      yield {items: prefix ? files.filter((f) => f.path.startsWith(prefix) || (f.oldPath?.startsWith(prefix) ?? false)) : files, cursor: null}
      return
    }
    yield {items: [], cursor: null}
  }

  /** `git log` over the given revisions (passed on stdin, never as options), parsed as it streams. */
  private async *log(dir: string, revisions: string[], signal?: AbortSignal, extra: string[] = []): AsyncGenerator<GitCommit> {
    const child = spawnGit(['--git-dir', dir, ...LOG_ARGS, ...extra, '--stdin'], {env: this.options.env, signal, stdin: true})
    const errors: Buffer[] = []
    child.stderr.on('data', (b: Buffer) => errors.push(b))
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
    child.stdin?.end(revisions.map((r) => `${r}\n`).join(''))
    try {
      yield* parseLog(child.stdout)
    } finally {
      if (child.exitCode === null) child.kill()
    }
    const code = await exited
    if (code !== 0) throw new GitError(`git log failed (${String(code)}): ${Buffer.concat(errors).toString().trim()}`, Buffer.concat(errors).toString(), code)
  }

  private async records(repo: string, page: GitCommit[], accounts: AccountLookup): Promise<CommitRecord[]> {
    const linked = await accounts.find(page.map((c) => c.hash))
    return page.map((c) => {
      const rest = linked.get(c.hash)
      return {
        commit: {
          repo,
          hash: c.hash,
          authorName: c.authorName,
          authorEmail: c.authorEmail,
          authorAccount: rest?.commit.authorAccount ?? null,
          date: c.date,
          message: c.message,
          parents: c.parents,
        },
        users: rest?.users ?? [],
        files: toFiles(repo, c, this.options.provider),
      }
    })
  }
}

function isHash(h: string): boolean {
  return /^[0-9a-f]{40}$/.test(h)
}

/**
 * Canonical commit files. A binary file has no lines: Cloud's diffstat reports it with 0 added and
 * 0 removed (its counts are integers, never null), and so does the git path, on both providers.
 */
function toFiles(repo: string, c: GitCommit, provider: ProviderKind): CommitFile[] {
  void provider
  return c.files.map((f) => ({
    repo,
    commit: c.hash,
    path: f.path,
    oldPath: f.oldPath,
    status: f.status,
    linesAdded: f.binary ? 0 : f.linesAdded,
    linesRemoved: f.binary ? 0 : f.linesRemoved,
  }))
}

/**
 * Authors' accounts from the REST walk over the same heads, read a page at a time as the git walk
 * asks for hashes it has not seen yet; both walks go newest first, so little is held at once.
 */
class AccountLookup {
  private readonly known = new Map<string, CommitRecord>()
  private readonly pages: AsyncIterator<Page<CommitRecord>>
  private done = false

  constructor(rest: CommitSource, repo: string, walk: {include: string[]; exclude: string[]}, signal?: AbortSignal) {
    this.pages = rest.commits(repo, {include: walk.include, exclude: walk.exclude, cursor: null}, signal)[Symbol.asyncIterator]()
  }

  async find(hashes: string[]): Promise<Map<string, CommitRecord>> {
    const out = new Map<string, CommitRecord>()
    for (const h of hashes) {
      while (!this.known.has(h) && !this.done) {
        const r = await this.pages.next()
        if (r.done) this.done = true
        else for (const rec of r.value.items) this.known.set(rec.commit.hash, rec)
      }
      const rec = this.known.get(h)
      if (rec) {
        out.set(h, rec)
        this.known.delete(h)
      }
    }
    return out
  }
}
