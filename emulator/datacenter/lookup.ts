/**
 * Resolving `:projectKey` / `:repositorySlug` path params, and the reach of project- and
 * repository-bound access tokens (which see only the resource they were created on).
 */
import type {EmuResponse, Principal, RouteContext} from '../server/types.js'
import type {WContainer, WRepo, World} from '../world/types.js'
import {AUTHORISATION, NO_SUCH_PROJECT, NO_SUCH_REPOSITORY, dcError, notFound} from './errors.js'

export function findProject(world: World, key: string): WContainer | undefined {
  const upper = key.toUpperCase()
  return world.containers().find((c) => c.key.toUpperCase() === upper)
}

/** Does a bound token reach this project (and repository)? Unbound principals reach everything. */
export function reaches(principal: Principal, projectKey: string, slug?: string): boolean {
  if (!principal.boundTo) return true
  const [boundProject, boundRepo] = principal.boundTo.split('/')
  if ((boundProject ?? '').toUpperCase() !== projectKey.toUpperCase()) return false
  return boundRepo === undefined || slug === undefined || boundRepo === slug
}

export function reachesRepo(principal: Principal, r: WRepo): boolean {
  return reaches(principal, r.container, r.slug)
}

function notPermitted(): EmuResponse {
  return dcError(401, 'You are not permitted to access this resource', AUTHORISATION)
}

export function projectParam(ctx: RouteContext): WContainer | EmuResponse {
  const key = ctx.params.projectKey ?? ''
  const project = findProject(ctx.world, key)
  if (!project) return notFound(`Project ${key} does not exist.`, NO_SUCH_PROJECT)
  if (!reaches(ctx.principal, project.key)) return notPermitted()
  return project
}

export function repoParam(ctx: RouteContext): WRepo | EmuResponse {
  const project = projectParam(ctx)
  if ('status' in project) return project
  const slug = ctx.params.repositorySlug ?? ''
  const repo = ctx.world.repo(`${project.key}/${slug}`) ?? ctx.world.repos(project.key).find((r) => r.slug === slug.toLowerCase())
  if (!repo) return notFound(`Repository ${project.key}/${slug} does not exist.`, NO_SUCH_REPOSITORY)
  if (!reachesRepo(ctx.principal, repo)) return notPermitted()
  return repo
}

export function isResponse(x: unknown): x is EmuResponse {
  return typeof x === 'object' && x !== null && 'status' in x && typeof (x as {status: unknown}).status === 'number'
}
