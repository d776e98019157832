/** Branches, commits and commit changes. */
import type {EmuRequest, EmuResponse, Route, RouteContext} from '../server/types.js'
import type {WCommit, WRepo, WRepoDetail} from '../world/types.js'
import {NO_SUCH_COMMIT, badRequest, dcError, notFound} from './errors.js'
import {commitRange, resolveRef} from './graph.js'
import {isResponse, repoParam} from './lookup.js'
import {page, pageRequest, pagedResponse} from './paging.js'
import {ms, renderBranch, renderChange, renderCommit} from './render.js'
import {REPO, api, ok} from './route-kit.js'

function repoDetail(ctx: RouteContext): {repo: WRepo; detail: WRepoDetail} | EmuResponse {
  const repo = repoParam(ctx)
  if (isResponse(repo)) return repo
  return {repo, detail: ctx.world.detail(`${repo.container}/${repo.slug}`)}
}

function noSuchCommit(ref: string, repo: WRepo): EmuResponse {
  return notFound(`Commit '${ref}' does not exist in repository '${repo.slug}'.`, NO_SUCH_COMMIT)
}

function listBranches(req: EmuRequest, ctx: RouteContext): EmuResponse {
  const found = repoDetail(ctx)
  if (isResponse(found)) return found
  const {repo, detail} = found
  const orderBy = (req.query.get('orderBy') ?? 'MODIFICATION').toUpperCase()
  if (orderBy !== 'MODIFICATION' && orderBy !== 'ALPHABETICAL') return badRequest(`Invalid orderBy ${orderBy}: must be ALPHABETICAL or MODIFICATION.`)
  const filter = req.query.get('filterText')?.toLowerCase()
  const dates = new Map(detail.commits.map((c) => [c.hash, ms(c.date)]))
  const branches = detail.branches
    .filter((b) => !filter || b.name.toLowerCase().includes(filter))
    .sort(orderBy === 'ALPHABETICAL'
      ? (a, b) => a.name.localeCompare(b.name)
      : (a, b) => (dates.get(b.head) ?? 0) - (dates.get(a.head) ?? 0) || a.name.localeCompare(b.name))
  return pagedResponse(req.query, branches, (b) => renderBranch(b, repo.defaultBranch))
}

function listCommits(req: EmuRequest, ctx: RouteContext): EmuResponse {
  const found = repoDetail(ctx)
  if (isResponse(found)) return found
  const {repo, detail} = found
  const ignoreMissing = req.query.get('ignoreMissing') === 'true'
  const resolveAll = (refs: string[]): string[] | EmuResponse => {
    const out: string[] = []
    for (const ref of refs) {
      const hash = resolveRef(detail, ref)
      if (hash) out.push(hash)
      else if (!ignoreMissing) return noSuchCommit(ref, repo)
    }
    return out
  }
  const untilRefs = req.query.getAll('until').filter(Boolean)
  const until = resolveAll(untilRefs.length > 0 ? untilRefs : repo.defaultBranch ? [repo.defaultBranch] : [])
  if (isResponse(until)) return until
  const since = resolveAll(req.query.getAll('since').filter(Boolean))
  if (isResponse(since)) return since
  const merges = (req.query.get('merges') ?? 'include').toLowerCase()
  if (!['include', 'exclude', 'only'].includes(merges)) return badRequest(`Invalid merges ${merges}: must be include, exclude or only.`)
  const path = req.query.get('path')?.replace(/^\/+|\/+$/g, '')
  const touches = (c: WCommit): boolean => !path || c.files.some((f) => f.path === path || f.path.startsWith(`${path}/`) || f.oldPath === path)
  const commits = commitRange(detail, until, since)
    .filter((c) => merges === 'include' || (merges === 'only') === (c.parents.length > 1))
    .filter(touches)
  return pagedResponse(req.query, commits, (c) => renderCommit(ctx.world, c, req.origin))
}

function findCommit(ctx: RouteContext): {repo: WRepo; commit: WCommit} | EmuResponse {
  const found = repoDetail(ctx)
  if (isResponse(found)) return found
  const id = ctx.params.commitId ?? ''
  // The commit endpoints take a SHA only (full or abbreviated), not a ref name.
  const lower = id.toLowerCase()
  const hits = /^[0-9a-f]{4,40}$/.test(lower) ? found.detail.commits.filter((c) => c.hash.startsWith(lower)) : []
  if (hits.length !== 1) return noSuchCommit(id, found.repo)
  return {repo: found.repo, commit: hits[0] as WCommit}
}

export const commitRoutes: Route[] = [
  ...api('GET', `${REPO}/branches`, {scopes: ['REPO_READ'], handler: listBranches}),

  ...api('GET', `${REPO}/default-branch`, {
    scopes: ['REPO_READ'],
    handler: (_req, ctx) => {
      const repo = repoParam(ctx)
      if (isResponse(repo)) return repo
      if (!repo.defaultBranch) return dcError(404, `Repository ${repo.slug} does not have a default branch.`, 'com.atlassian.bitbucket.repository.NoDefaultBranchException')
      return ok({id: `refs/heads/${repo.defaultBranch}`, displayId: repo.defaultBranch, type: 'BRANCH'})
    },
  }),

  ...api('GET', `${REPO}/commits`, {scopes: ['REPO_READ'], handler: listCommits}),

  ...api('GET', `${REPO}/commits/:commitId`, {
    scopes: ['REPO_READ'],
    handler: (req, ctx) => {
      const found = findCommit(ctx)
      return isResponse(found) ? found : ok(renderCommit(ctx.world, found.commit, req.origin))
    },
  }),

  ...api('GET', `${REPO}/commits/:commitId/changes`, {
    scopes: ['REPO_READ'],
    handler: (req, ctx) => {
      const found = findCommit(ctx)
      if (isResponse(found)) return found
      const {repo, commit} = found
      const pr = pageRequest(req.query)
      if (isResponse(pr)) return pr
      const base = `/projects/${repo.container}/repos/${repo.slug}`
      const body = page(commit.files, pr, (f) => renderChange(commit, f, req.origin, base))
      // DC adds the compared range beside the page.
      return ok({fromHash: commit.parents[0] ?? null, toHash: commit.hash, properties: {changeScope: 'ALL'}, ...body})
    },
  }),
]
