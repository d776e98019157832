/** Repositories and branches: /repositories/{w}, /repositories/{w}/{slug}, …/refs/branches. */
import type {WRepo} from '../../world/types.js'
import {badRequest} from '../errors.js'
import {canSeeRepo, isResponse, repoParam, route, workspaceParam} from '../lookup.js'
import {pageOf} from '../paging.js'
import {repository} from '../render.js'
import {branch} from '../render-code.js'
import type {CloudRoute} from '../scopes.js'
import {filterSort} from './user.js'

const ROLES = ['member', 'contributor', 'admin', 'owner']

export const repoRoutes: CloudRoute[] = [
  route('GET', '/repositories/:workspace', ['repository'], ['read:repository:bitbucket'], (req, ctx) => {
    const w = workspaceParam(ctx)
    if (isResponse(w)) return w
    const role = req.query.get('role')
    if (role !== null && !ROLES.includes(role)) return badRequest(`Invalid role: ${role}`)
    // Every user is an admin member of every repository in the emulator; nobody owns a repository
    // personally (they belong to workspaces), so role=owner is empty as for a workspace member.
    const repos = role === 'owner' ? [] : ctx.world.repos(w.key).filter((r) => canSeeRepo(ctx.principal, r))
    const cache = new Map<WRepo, Record<string, unknown>>()
    const view = (r: WRepo) => {
      let json = cache.get(r)
      if (!json) cache.set(r, (json = repository(req.origin, ctx.world, r)))
      return json
    }
    const filtered = filterSort(req, repos, view)
    return isResponse(filtered) ? filtered : pageOf(req, filtered, view)
  }),

  route('GET', '/repositories/:workspace/:repo_slug', ['repository'], ['read:repository:bitbucket'], (req, ctx) => {
    const repo = repoParam(ctx)
    return isResponse(repo) ? repo : {status: 200, body: repository(req.origin, ctx.world, repo)}
  }),

  route('GET', '/repositories/:workspace/:repo_slug/refs/branches', ['repository'], ['read:repository:bitbucket'], (req, ctx) => {
    const repo = repoParam(ctx)
    if (isResponse(repo)) return repo
    const detail = ctx.world.detail(`${repo.container}/${repo.slug}`)
    const byHash = new Map(detail.commits.map((c) => [c.hash, c]))
    const rendered = detail.branches.map((b) => branch(req.origin, ctx.world, repo, b, byHash.get(b.head)))
    const filtered = filterSort(req, rendered)
    return isResponse(filtered) ? filtered : pageOf(req, filtered, (b) => b)
  }),
]
