/**
 * Cloud's two scope families. Classic scopes (OAuth consumers, access tokens) imply others —
 * `pullrequest` implies `repository`, `project` implies `repository`, `:write` implies the read scope,
 * but `repository:admin` does not imply `repository`. API-token scopes (`read:repository:bitbucket`)
 * imply nothing: `write:*` does not give `read:*`. Each route names both families (research §2.5/§2.6).
 */
import type {Principal, Route} from '../server/types.js'

export interface CloudRoute extends Route {
  /** Classic scopes, all required. */
  classic: string[]
  /** API-token scopes, all required. */
  apiToken: string[]
}

const IMPLIES: Record<string, string[]> = {
  'repository:write': ['repository'],
  'repository:delete': [],
  'repository:admin': [],
  pullrequest: ['repository'],
  'pullrequest:write': ['pullrequest', 'repository:write'],
  project: ['repository'],
  'project:write': ['project'],
  'project:admin': ['project:write'],
  'account:write': ['account'],
  'issue:write': ['issue'],
  'wiki:write': ['wiki'],
  'snippet:write': ['snippet'],
  'pipeline:write': ['pipeline'],
  'pipeline:variable': ['pipeline:write'],
  'runner:write': ['runner'],
}

export function expandClassic(granted: readonly string[]): Set<string> {
  const out = new Set<string>()
  const visit = (scope: string) => {
    if (out.has(scope)) return
    out.add(scope)
    for (const s of IMPLIES[scope] ?? []) visit(s)
  }
  for (const s of granted) visit(s)
  return out
}

export function isCloudRoute(route: Route): route is CloudRoute {
  return 'classic' in route && 'apiToken' in route
}

/** Missing scopes for this principal (named in its own family), or null when granted. */
export function missingScopes(route: Route, principal: Principal): string[] | null {
  if (!isCloudRoute(route)) return null
  if (principal.kind === 'api-token') {
    const granted = new Set(principal.scopes)
    return route.apiToken.every((s) => granted.has(s)) ? null : route.apiToken
  }
  const granted = expandClassic(principal.scopes)
  return route.classic.every((s) => granted.has(s)) ? null : route.classic
}
