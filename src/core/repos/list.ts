import {HttpError, UsageError} from '../errors.js'
import type {Repository} from '../model.js'
import type {Provider, RepoListOptions} from '../provider/types.js'

/** What `repos list`, `repos select` and the picker may narrow the listing to. */
export interface RepoScope {
  /** Cloud workspace slugs (DC: project keys are accepted here too, they are the container). */
  workspaces?: string[]
  /** Cloud project keys inside the workspaces; DC project keys. */
  projects?: string[]
}

const lower = (s: string): string => s.toLowerCase()

/** The part of a key before the slash: the Cloud workspace or the DC project. */
export function containerOf(key: string): string {
  const i = key.indexOf('/')
  return i < 0 ? key : key.slice(0, i)
}

/** True when the repo falls inside every scope that was given (case-insensitive: keys differ in case by flavour). */
export function inScope(repo: Repository, scope: RepoScope): boolean {
  const ws = scope.workspaces ?? []
  const ps = scope.projects ?? []
  if (ws.length > 0 && !ws.some((w) => lower(w) === lower(containerOf(repo.key)))) return false
  if (ps.length > 0) {
    // On DC the project *is* the container; repo.project carries it for both flavours.
    const project = repo.project ?? (repo.provider === 'datacenter' ? containerOf(repo.key) : null)
    if (project === null || !ps.some((p) => lower(p) === lower(project))) return false
  }
  return true
}

/**
 * Server-side narrowing where the API can do it (one container, one Cloud project), so a scoped
 * listing does not page through every workspace. Anything wider is filtered locally by inScope().
 */
export function listOptionsFor(kind: Provider['kind'], scope: RepoScope): RepoListOptions {
  const ws = scope.workspaces ?? []
  const ps = scope.projects ?? []
  if (kind === 'datacenter') {
    const containers = ps.length > 0 ? ps : ws
    return containers.length === 1 ? {container: containers[0]} : {}
  }
  const options: RepoListOptions = {}
  if (ws.length === 1) options.container = ws[0]
  if (ps.length === 1) options.project = ps[0]
  return options
}

export interface ListRepositoriesOptions {
  scope?: RepoScope
  signal?: AbortSignal
  /** Called with each page as it arrives (already scoped), for live counts and the picker. */
  onPage?: (repos: Repository[], totalSoFar: number) => void
}

/** Every page of the listing, scoped. */
export async function listRepositories(provider: Provider, options: ListRepositoriesOptions = {}): Promise<Repository[]> {
  const scope = options.scope ?? {}
  const all: Repository[] = []
  const listOptions = listOptionsFor(provider.kind, scope)
  try {
    for await (const page of provider.repositories(listOptions, options.signal)) {
      const kept = page.items.filter((r) => inScope(r, scope))
      all.push(...kept)
      options.onPage?.(kept, all.length)
    }
  } catch (error) {
    // A 404 for a scoped listing means the workspace/project name is wrong (or hidden): the user's input.
    if (error instanceof HttpError && error.status === 404 && listOptions.container !== undefined) {
      const what = provider.kind === 'cloud' ? `Workspace "${listOptions.container}"` : `Project "${listOptions.container}"`
      throw new UsageError(`${what} does not exist or is not visible to this connection`, {
        code: 'unknown_container',
        cause: error,
        details: {container: listOptions.container},
        remedy: `Run \`bb-integrate repos list\` without --workspace/--project to see the ${provider.kind === 'cloud' ? 'workspaces' : 'project keys'} (the part before the "/").`,
      })
    }
    throw error
  }
  return all
}
