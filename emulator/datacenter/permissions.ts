/**
 * DC permissions form two ladders (repository and project), and a project permission implies the
 * matching permission on every repository in the project. Principals carry the expanded set, so a
 * route can list the single permission it needs and the server's "any one of" check stays correct.
 */
export const REPO_READ = 'REPO_READ'
export const REPO_WRITE = 'REPO_WRITE'
export const REPO_ADMIN = 'REPO_ADMIN'
export const PROJECT_READ = 'PROJECT_READ'
export const PROJECT_WRITE = 'PROJECT_WRITE'
export const PROJECT_ADMIN = 'PROJECT_ADMIN'

export const ALL_PERMISSIONS = [REPO_READ, REPO_WRITE, REPO_ADMIN, PROJECT_READ, PROJECT_WRITE, PROJECT_ADMIN]

const IMPLIES: Record<string, string[]> = {
  [REPO_WRITE]: [REPO_READ],
  [REPO_ADMIN]: [REPO_WRITE],
  [PROJECT_READ]: [REPO_READ],
  [PROJECT_WRITE]: [PROJECT_READ, REPO_WRITE],
  [PROJECT_ADMIN]: [PROJECT_WRITE, REPO_ADMIN],
  // OAuth 2.0 scope for anonymous-readable repositories; grants nothing on private ones.
  PUBLIC_REPOS: [],
}

export function expandPermissions(granted: readonly string[]): string[] {
  const out = new Set<string>()
  const visit = (p: string): void => {
    if (out.has(p)) return
    out.add(p)
    for (const q of IMPLIES[p] ?? []) visit(q)
  }
  for (const p of granted) visit(p.toUpperCase())
  return ALL_PERMISSIONS.filter((p) => out.has(p)).concat([...out].filter((p) => !ALL_PERMISSIONS.includes(p)))
}

export function hasPermission(granted: readonly string[], needed: string): boolean {
  return expandPermissions(granted).includes(needed)
}
