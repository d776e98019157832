/** `:param` path matching for flavour routes. */
import type {Route} from './types.js'

interface Compiled {
  route: Route
  segments: string[]
}

export interface RouteMatch {
  route: Route
  params: Record<string, string>
}

export class Router {
  private readonly compiled: Compiled[]

  constructor(routes: Route[]) {
    this.compiled = routes.map((route) => ({route, segments: route.path.split('/')}))
  }

  /** The matching route, or `methodNotAllowed` when the path exists under another method. */
  match(method: string, path: string): RouteMatch | {methodNotAllowed: true} | null {
    const parts = path.split('/')
    let pathMatched = false
    for (const {route, segments} of this.compiled) {
      const params = matchSegments(segments, parts)
      if (!params) continue
      if (route.method === method || (method === 'HEAD' && route.method === 'GET')) return {route, params}
      pathMatched = true
    }
    return pathMatched ? {methodNotAllowed: true} : null
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | null {
  if (pattern.length !== parts.length) return null
  const params: Record<string, string> = {}
  for (let i = 0; i < pattern.length; i += 1) {
    const p = pattern[i] as string
    const v = parts[i] as string
    if (p.startsWith(':')) {
      if (!v) return null
      try {
        params[p.slice(1)] = decodeURIComponent(v)
      } catch {
        return null
      }
    } else if (p !== v) return null
  }
  return params
}
