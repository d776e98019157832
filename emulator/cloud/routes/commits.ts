/**
 * Commits and commit files. `/commits` walks every branch (or `include`/`exclude` refs, repeatable,
 * also as a POST form for long lists) newest first and pages by an opaque commit cursor — no `size`,
 * no `page` number, like Cloud. `/diffstat/{spec}` compares a commit with its first parent; pages
 * default to 500 entries, at most 5000.
 */
import type {EmuRequest} from '../../server/types.js'
import {CLOUD_DIFFSTAT_PAGELEN_DEFAULT, CLOUD_DIFFSTAT_PAGELEN_MAX, CLOUD_PAGELEN_MAX} from '../../world/limits.js'
import type {WCommit, WFile, WRepoDetail} from '../../world/types.js'
import {badRequest, notFound} from '../errors.js'
import {isResponse, repoParam, route} from '../lookup.js'
import {iteratorPage, pageOf} from '../paging.js'
import {commit, diffstat} from '../render-code.js'
import type {CloudRoute} from '../scopes.js'

interface Graph {
  byHash: Map<string, WCommit>
  /** What the index was built from: mutations may grow a detail's commits in place. */
  size: number
  head: string | undefined
}

const graphs = new WeakMap<WRepoDetail, Graph>()

function graph(detail: WRepoDetail): Graph {
  let g = graphs.get(detail)
  if (!g || g.size !== detail.commits.length || g.head !== detail.commits[0]?.hash) {
    g = {byHash: new Map(detail.commits.map((c) => [c.hash, c])), size: detail.commits.length, head: detail.commits[0]?.hash}
    graphs.set(detail, g)
  }
  return g
}

/** A branch name, a full hash or an unambiguous prefix of at least 7 characters. */
export function resolveRev(detail: WRepoDetail, rev: string): WCommit | undefined {
  const g = graph(detail)
  const branchHead = detail.branches.find((b) => b.name === rev)?.head
  if (branchHead) return g.byHash.get(branchHead)
  const exact = g.byHash.get(rev)
  if (exact || rev.length < 7 || !/^[0-9a-f]+$/i.test(rev)) return exact
  const hits = detail.commits.filter((c) => c.hash.startsWith(rev.toLowerCase()))
  return hits.length === 1 ? hits[0] : undefined
}

/**
 * Walks are cached per repository detail: every page of a listing asks for the same walk. Commits are
 * only ever added (mutations push new ones, branch moves change the starts), so the commit count and
 * the start hashes identify a walk.
 */
const walks = new WeakMap<WRepoDetail, Map<string, Set<string>>>()

function reachable(detail: WRepoDetail, starts: WCommit[]): Set<string> {
  const key = `${detail.commits.length}:${detail.commits[0]?.hash ?? ""}:${starts.map((c) => c.hash).join(",")}`
  let cache = walks.get(detail)
  if (!cache) walks.set(detail, (cache = new Map()))
  let hit = cache.get(key)
  if (!hit) {
    if (cache.size > 32) cache.clear()
    cache.set(key, (hit = walk(detail, starts)))
  }
  return hit
}

function walk(detail: WRepoDetail, starts: WCommit[]): Set<string> {
  const g = graph(detail)
  const seen = new Set<string>()
  const stack = starts.map((c) => c.hash)
  while (stack.length) {
    const h = stack.pop() as string
    if (seen.has(h)) continue
    seen.add(h)
    for (const p of g.byHash.get(h)?.parents ?? []) if (!seen.has(p)) stack.push(p)
  }
  return seen
}

/** GET and POST share one implementation; the POST form's include/exclude join the query. */
function effectiveRequest(req: EmuRequest): EmuRequest {
  if (req.method !== 'POST' || !req.rawBody.length) return req
  const query = new URLSearchParams(req.query)
  for (const [k, v] of new URLSearchParams(req.rawBody.toString('utf8'))) query.append(k, v)
  return {...req, query}
}

const listCommits: CloudRoute['handler'] = (rawReq, ctx) => {
  const req = effectiveRequest(rawReq)
  const repo = repoParam(ctx)
  if (isResponse(repo)) return repo
  const detail = ctx.world.detail(`${repo.container}/${repo.slug}`)
  const includes = [...(ctx.params.revision ? [ctx.params.revision] : []), ...req.query.getAll('include')]
  const excludes = req.query.getAll('exclude')
  const resolve = (revs: string[]) => {
    const out: WCommit[] = []
    for (const rev of revs) {
      const c = resolveRev(detail, rev)
      if (!c) return rev
      out.push(c)
    }
    return out
  }
  const inc = resolve(includes)
  if (typeof inc === 'string') return notFound(`Commit not found: ${inc}`)
  const exc = resolve(excludes)
  if (typeof exc === 'string') return notFound(`Commit not found: ${exc}`)
  const included = inc.length ? reachable(detail, inc) : null
  const excluded = exc.length ? reachable(detail, exc) : null
  const paths = req.query.getAll('path')
  const commits = detail.commits.filter((c) =>
    (!included || included.has(c.hash)) && !(excluded?.has(c.hash)) && (!paths.length || c.files.some((f) => paths.some((p) => touches(f, p)))))
  return iteratorPage(req, commits, (c) => commit(req.origin, ctx.world, repo, c), {
    defaultPagelen: 30,
    maxPagelen: CLOUD_PAGELEN_MAX,
    param: 'page',
    cursorOf: (c) => c.hash.slice(0, 12),
    // A cursor is the next page's first hash (12 hex); anything else (e.g. page=2) is not a cursor.
    startAt: (cursor) => (/^[0-9a-f]{12,40}$/.test(cursor) ? commits.findIndex((c) => c.hash.startsWith(cursor)) : -1),
  })
}

function touches(f: WFile, p: string): boolean {
  const hit = (path: string | null) => path !== null && (path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`))
  return hit(f.path) || hit(f.oldPath)
}

const base = '/repositories/:workspace/:repo_slug'
const read = ['repository']
const readApi = ['read:repository:bitbucket']

export const commitRoutes: CloudRoute[] = [
  route('GET', `${base}/commits`, read, readApi, listCommits),
  route('POST', `${base}/commits`, read, readApi, listCommits),
  route('GET', `${base}/commits/:revision`, read, readApi, listCommits),
  route('POST', `${base}/commits/:revision`, read, readApi, listCommits),

  route('GET', `${base}/commit/:commit`, read, readApi, (req, ctx) => {
    const repo = repoParam(ctx)
    if (isResponse(repo)) return repo
    const c = resolveRev(ctx.world.detail(`${repo.container}/${repo.slug}`), ctx.params.commit ?? '')
    if (!c) return notFound(`Commit not found`)
    return {status: 200, body: commit(req.origin, ctx.world, repo, c)}
  }),

  route('GET', `${base}/diffstat/:spec`, read, readApi, (req, ctx) => {
    const repo = repoParam(ctx)
    if (isResponse(repo)) return repo
    const detail = ctx.world.detail(`${repo.container}/${repo.slug}`)
    const spec = ctx.params.spec ?? ''
    let target: WCommit | undefined
    if (spec.includes('..')) {
      // Only neighbouring commits: "child..parent" or "parent..child" is the child's own change.
      const [a = '', b = ''] = spec.split('..')
      const ca = resolveRev(detail, a)
      const cb = resolveRev(detail, b)
      if (!ca || !cb) return notFound('Commit not found')
      target = ca.parents[0] === cb.hash ? ca : cb.parents[0] === ca.hash ? cb : undefined
      if (!target) return badRequest('The emulator only computes diffstats between a commit and its first parent')
    } else {
      target = resolveRev(detail, spec)
      if (!target) return notFound('Commit not found')
    }
    const c = target
    const paths = req.query.getAll('path')
    let files = paths.length ? c.files.filter((f) => paths.some((p) => touches(f, p))) : c.files
    if (req.query.get('renames') === 'false') {
      files = files.flatMap((f): WFile[] => f.status !== 'renamed' || f.oldPath === null ? [f] : [
        {path: f.oldPath, oldPath: f.oldPath, status: 'removed', linesAdded: 0, linesRemoved: f.linesRemoved},
        {path: f.path, oldPath: null, status: 'added', linesAdded: f.linesAdded, linesRemoved: 0},
      ])
    }
    return pageOf(req, files, (f) => diffstat(req.origin, repo, c, f), {defaultPagelen: CLOUD_DIFFSTAT_PAGELEN_DEFAULT, maxPagelen: CLOUD_DIFFSTAT_PAGELEN_MAX})
  }),
]
