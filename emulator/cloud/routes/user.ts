/** The caller and its workspaces: /user, /user/emails, /user/workspaces, /workspaces/{w}[/projects]. */
import type {EmuRequest, EmuResponse, RouteContext} from '../../server/types.js'
import type {WUser} from '../../world/types.js'
import {BbqlError, fieldsOf, matches, parseBbql, sortBy, sortField} from '../bbql.js'
import {badRequest, cloudError} from '../errors.js'
import {canSeeWorkspace, isResponse, route, workspaceParam} from '../lookup.js'
import {pageOf} from '../paging.js'
import {account, avatar, fullUser, project, repositoryRef, workspace} from '../render.js'
import type {CloudRoute} from '../scopes.js'

function caller(ctx: RouteContext): WUser | undefined {
  return ctx.principal.user ? ctx.world.userByKey(ctx.principal.user) : undefined
}

/** Access tokens act as their own bot account; render one from the credential. */
function botUser(req: EmuRequest, ctx: RouteContext): Record<string, unknown> {
  const id = ctx.principal.budgetKey.replace(/^token:/, '')
  const credential = ctx.state.credentials.get(id)
  const uuid = `{00000000-0000-4000-8000-${id.replace(/\D/g, '').padStart(12, '0')}}`
  return {
    type: 'user',
    uuid,
    display_name: credential?.name ?? 'Access token',
    nickname: `access-token-${id}`,
    account_status: 'active',
    links: {avatar: {href: avatar(req.origin, uuid)}},
  }
}

/** Whether the caller administers a workspace: the emulator's world has no membership model, so the first user administers every workspace and everybody else is a member. */
function administers(ctx: RouteContext, user: WUser): boolean {
  return ctx.world.users()[0]?.uuid === user.uuid
}

/** The caller is a user who owns the workspaces (access tokens own nothing). */
export function ownsWorkspace(ctx: RouteContext): boolean {
  const user = caller(ctx)
  return user !== undefined && administers(ctx, user)
}

export const userRoutes: CloudRoute[] = [
  route('GET', '/user', ['account'], ['read:user:bitbucket'], (req, ctx) => {
    const user = caller(ctx)
    return {status: 200, body: user ? fullUser(req.origin, user) : botUser(req, ctx)}
  }),

  route('GET', '/user/emails', ['email'], ['read:user:bitbucket'], (req, ctx) => {
    const user = caller(ctx)
    if (!user) return cloudError(403, 'Access tokens have no e-mail addresses.')
    const email = {type: 'email', email: user.email, is_primary: true, is_confirmed: true, links: {self: {href: `${req.origin}/2.0/user/emails/${encodeURIComponent(user.email)}`}}}
    return pageOf(req, [email], (e) => e)
  }),

  route('GET', '/user/workspaces', ['account'], ['read:workspace:bitbucket'], (req, ctx) => {
    const user = caller(ctx)
    if (!user) return cloudError(403, 'This endpoint is not available to access tokens; use the workspace the token belongs to.')
    const adminFilter = req.query.get('administrator')
    if (adminFilter !== null && adminFilter !== 'true' && adminFilter !== 'false') return badRequest('Invalid administrator parameter')
    let items = ctx.world.containers().filter((w) => canSeeWorkspace(ctx.principal, w)).map((w) => ({
      type: 'workspace_access',
      administrator: administers(ctx, user),
      workspace: {type: 'workspace_base', uuid: w.uuid, slug: w.key, name: w.name, links: {avatar: {href: avatar(req.origin, w.key)}, self: {href: `${req.origin}/2.0/workspaces/${w.key}`}}},
    }))
    if (adminFilter !== null) items = items.filter((i) => i.administrator === (adminFilter === 'true'))
    const filtered = filterSort(req, items)
    return isResponse(filtered) ? filtered : pageOf(req, filtered, (i) => i)
  }),

  route('GET', '/user/workspaces/:workspace/permission', ['account'], ['read:workspace:bitbucket'], (req, ctx) => {
    const user = caller(ctx)
    if (!user) return cloudError(403, 'This endpoint is not available to access tokens; use the workspace the token belongs to.')
    const w = workspaceParam(ctx)
    if (isResponse(w)) return w
    return {status: 200, body: {
      type: 'workspace_membership',
      permission: administers(ctx, user) ? 'owner' : 'member',
      user: account(req.origin, user),
      workspace: workspace(req.origin, w),
      links: {self: {href: `${req.origin}/2.0/workspaces/${w.key}/members/${encodeURIComponent(user.uuid)}`}},
    }}
  }),

  route('GET', '/user/workspaces/:workspace/permissions/repositories', ['account', 'repository'], ['read:repository:bitbucket'], (req, ctx) => {
    const user = caller(ctx)
    if (!user) return cloudError(403, 'This endpoint is not available to access tokens; use the workspace the token belongs to.')
    const w = workspaceParam(ctx)
    if (isResponse(w)) return w
    // Without a membership model the workspace's administrator is admin everywhere; others may write.
    const permission = administers(ctx, user) ? 'admin' : 'write'
    const items = ctx.world.repos(w.key).map((r) => ({type: 'repository_permission', permission, user: account(req.origin, user), repository: repositoryRef(req.origin, r)}))
    const filtered = filterSort(req, items)
    return isResponse(filtered) ? filtered : pageOf(req, filtered, (i) => i)
  }),

  route('GET', '/workspaces/:workspace', [], ['read:workspace:bitbucket'], (req, ctx) => {
    const w = workspaceParam(ctx)
    return isResponse(w) ? w : {status: 200, body: workspace(req.origin, w)}
  }),

  route('GET', '/workspaces/:workspace/projects', ['project'], ['read:project:bitbucket'], (req, ctx) => {
    const w = workspaceParam(ctx)
    if (isResponse(w)) return w
    const repos = ctx.world.repos(w.key)
    const items = ctx.world.projects(w.key).map((p) => project(req.origin, w, p, repos))
    const filtered = filterSort(req, items)
    return isResponse(filtered) ? filtered : pageOf(req, filtered, (p) => p)
  }),
]

/**
 * A cheaper stand-in for the full rendering when a query and sort touch only some top-level fields:
 * `view` must render those `fields` exactly as the full rendering does.
 */
export interface PartialView<T> {
  fields: ReadonlySet<string>
  view: (item: T) => unknown
}

/** Shared `q=` and `sort=` handling for collections rendered up front. */
export function filterSort<T>(req: EmuRequest, items: T[], view: (item: T) => unknown = (i) => i, partial?: PartialView<T>): T[] | EmuResponse {
  let out = items
  const q = req.query.get('q')
  const sort = req.query.get('sort')
  let node: ReturnType<typeof parseBbql> | undefined
  if (q) {
    try {
      node = parseBbql(q)
    } catch (err) {
      if (err instanceof BbqlError) return badRequest('Invalid query', err.message)
      throw err
    }
  }
  const used = [...(node ? fieldsOf(node) : []), ...(sort ? [sortField(sort)] : [])]
  const see = partial && used.every((f) => partial.fields.has(f.split('.')[0] as string)) ? partial.view : view
  if (node) {
    const query = node
    out = out.filter((i) => matches(query, see(i)))
  }
  if (sort) out = sortBy(out, sort, see)
  return out
}
