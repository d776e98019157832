/**
 * Server, user, project and repository resources. Listings honour the principal's reach: a bound
 * access token lists only its own project or repository, as DC does.
 */
import type {Route} from '../server/types.js'
import type {WContainer, WRepo} from '../world/types.js'
import {NO_SUCH_USER, badRequest, notFound} from './errors.js'
import {isResponse, projectParam, reaches, reachesRepo, repoParam} from './lookup.js'
import {pagedResponse} from './paging.js'
import {hasPermission} from './permissions.js'
import {DC_BUILD_NUMBER, DC_VERSION, renderProject, renderRepo, renderUser} from './render.js'
import {api, ok} from './route-kit.js'

const REPO_PERMISSIONS = ['REPO_READ', 'REPO_WRITE', 'REPO_ADMIN']

export const coreRoutes: Route[] = [
  ...api('GET', '/application-properties', {
    public: true,
    handler: () => ok({version: DC_VERSION, buildNumber: DC_BUILD_NUMBER, buildDate: '1727740800000', displayName: 'Bitbucket'}),
  }),

  ...api('GET', '/users/:userSlug', {
    handler: (req, ctx) => {
      const slug = (ctx.params.userSlug ?? '').toLowerCase()
      const user = ctx.world.users().find((u) => u.slug === slug)
      if (!user) return notFound(`User ${slug} does not exist.`, NO_SUCH_USER)
      return ok(renderUser(user, req.origin))
    },
  }),

  ...api('GET', '/projects', {
    handler: (req, ctx) => {
      const name = req.query.get('name')?.toLowerCase()
      const permission = req.query.get('permission')
      // A permission the principal lacks matches no project.
      if (permission && !hasPermission(ctx.principal.scopes, permission)) return pagedResponse(req.query, [], (c: WContainer) => c)
      const all = ctx.world.containers()
        .filter((c) => reaches(ctx.principal, c.key))
        .filter((c) => !name || c.name.toLowerCase().includes(name))
        .sort((a, b) => a.key.localeCompare(b.key))
      return pagedResponse(req.query, all, (c) => renderProject(c, req.origin))
    },
  }),

  ...api('GET', '/projects/:projectKey', {
    handler: (req, ctx) => {
      const project = projectParam(ctx)
      return isResponse(project) ? project : ok(renderProject(project, req.origin))
    },
  }),

  ...api('GET', '/projects/:projectKey/repos', {
    scopes: ['REPO_READ'],
    handler: (req, ctx) => {
      const project = projectParam(ctx)
      if (isResponse(project)) return project
      const all = sortRepos(ctx.world.repos(project.key).filter((r) => reachesRepo(ctx.principal, r)))
      return pagedResponse(req.query, all, (r) => renderRepo(ctx.world, r, req.origin))
    },
  }),

  ...api('GET', '/repos', {
    handler: (req, ctx) => {
      const projectKey = req.query.get('projectkey')?.toUpperCase()
      const projectName = req.query.get('projectname')?.toLowerCase()
      const name = req.query.get('name')?.toLowerCase()
      const permission = req.query.get('permission')
      if (permission && !REPO_PERMISSIONS.includes(permission)) return badRequest(`Invalid permission ${permission}: must be one of ${REPO_PERMISSIONS.join(', ')}.`)
      // The principal's permission applies to every repository it reaches (no per-repo ACLs in the world).
      if (permission && !hasPermission(ctx.principal.scopes, permission)) return pagedResponse(req.query, [], (r: WRepo) => r)
      const containers = ctx.world.containers()
        .filter((c) => !projectKey || c.key.toUpperCase() === projectKey)
        .filter((c) => !projectName || c.name.toLowerCase().includes(projectName))
      const all: WRepo[] = []
      for (const c of containers) {
        for (const r of ctx.world.repos(c.key)) {
          if (reachesRepo(ctx.principal, r) && (!name || r.name.toLowerCase().includes(name))) all.push(r)
        }
      }
      return pagedResponse(req.query, sortRepos(all), (r) => renderRepo(ctx.world, r, req.origin))
    },
  }),

  ...api('GET', '/projects/:projectKey/repos/:repositorySlug', {
    scopes: ['REPO_READ'],
    handler: (req, ctx) => {
      const repo = repoParam(ctx)
      return isResponse(repo) ? repo : ok(renderRepo(ctx.world, repo, req.origin))
    },
  }),
]

/** DC lists repositories by project, then by name (case-insensitive). */
function sortRepos(repos: WRepo[]): WRepo[] {
  return [...repos].sort((a, b) => a.container.localeCompare(b.container) || a.name.toLowerCase().localeCompare(b.name.toLowerCase()) || a.slug.localeCompare(b.slug))
}
