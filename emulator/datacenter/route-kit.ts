/** Small helpers shared by the DC route files. */
import type {EmuResponse, Route} from '../server/types.js'

/** DC serves the same REST resources under `/rest/api/latest` and the versioned `/rest/api/1.0`. */
export const API_PREFIXES = ['/rest/api/latest', '/rest/api/1.0'] as const

export function api(method: Route['method'], path: string, rest: Omit<Route, 'method' | 'path'>): Route[] {
  return API_PREFIXES.map((prefix) => ({method, path: `${prefix}${path}`, ...rest}))
}

export function ok(body: unknown, status = 200): EmuResponse {
  return {status, body}
}

export const REPO = '/projects/:projectKey/repos/:repositorySlug'

/** Parse a JSON request body; undefined when absent or malformed. */
export function jsonBody(raw: Buffer): Record<string, unknown> | undefined {
  if (raw.length === 0) return undefined
  try {
    const parsed: unknown = JSON.parse(raw.toString('utf8'))
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}
