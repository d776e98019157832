/** Resolving path parameters to world objects, with what the caller is allowed to see. */
import type {EmuResponse, Principal, RouteContext} from '../server/types.js'
import type {WContainer, WRepo, World} from '../world/types.js'
import {repoNotFound, workspaceNotFound} from './errors.js'
import {applyFields, parseFields} from './fields.js'
import type {CloudRoute} from './scopes.js'

/** A /2.0 route; `fields=` (partial responses) applies to every successful JSON answer. */
export function route(method: CloudRoute['method'], path: string, classic: string[], apiToken: string[], handler: CloudRoute['handler']): CloudRoute {
  return {
    method,
    path: `/2.0${path}`,
    classic,
    apiToken,
    scopes: [...classic, ...apiToken],
    handler: async (req, ctx) => {
      const response = await handler(req, ctx)
      const fields = req.query.get('fields')
      if (!fields || response.status !== 200 || typeof response.body !== 'object' || response.body === null || Buffer.isBuffer(response.body)) return response
      return {...response, body: applyFields(response.body, parseFields(fields))}
    },
  }
}

/** Workspaces are addressed by slug or by `{uuid}`. */
export function findWorkspace(world: World, id: string): WContainer | undefined {
  return world.containers().find((c) => c.key === id || c.uuid === id)
}

/** Access tokens see only what they are bound to: a workspace, a project ("w/PROJ") or a repo ("w/slug"). */
export function canSeeRepo(principal: Principal, repo: WRepo): boolean {
  if (principal.kind !== 'access-token' || !principal.boundTo) return true
  const [w, x] = principal.boundTo.split('/')
  if (w !== repo.container) return false
  return x === undefined || x === repo.slug || x === repo.projectKey
}

export function canSeeWorkspace(principal: Principal, workspace: WContainer): boolean {
  if (principal.kind !== 'access-token' || !principal.boundTo) return true
  return principal.boundTo.split('/')[0] === workspace.key
}

export function workspaceParam(ctx: RouteContext): WContainer | EmuResponse {
  const id = ctx.params.workspace ?? ''
  const w = findWorkspace(ctx.world, id)
  if (!w || !canSeeWorkspace(ctx.principal, w)) return workspaceNotFound(id)
  return w
}

export function repoParam(ctx: RouteContext): WRepo | EmuResponse {
  const wid = ctx.params.workspace ?? ''
  const slug = ctx.params.repo_slug ?? ''
  const w = findWorkspace(ctx.world, wid)
  if (!w) return repoNotFound(wid, slug)
  const repo = ctx.world.repo(`${w.key}/${slug}`) ?? ctx.world.repos(w.key).find((r) => r.uuid === slug)
  if (!repo || !canSeeRepo(ctx.principal, repo)) return repoNotFound(wid, slug)
  return repo
}

export function isResponse(x: unknown): x is EmuResponse {
  return typeof x === 'object' && x !== null && 'status' in x && typeof (x as EmuResponse).status === 'number'
}

export function repoKey(repo: WRepo): string {
  return `${repo.container}/${repo.slug}`
}
