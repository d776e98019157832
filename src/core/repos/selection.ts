import picomatch from 'picomatch'

import {UsageError} from '../errors.js'
import type {Repository} from '../model.js'
import type {Provider} from '../provider/types.js'
import {inScope, listRepositories, type RepoScope} from './list.js'

/** The non-interactive flags of `repos select`. */
export interface SelectionRequest {
  all?: boolean
  repos?: string[]
  match?: string[]
  workspaces?: string[]
  projects?: string[]
  /** Start from an empty selection instead of adding to the current one. */
  clear?: boolean
}

export interface SelectionOutcome {
  /** The new selection, sorted. */
  selection: string[]
  /** Keys newly added / dropped compared with the current selection. */
  added: string[]
  removed: string[]
  /** Keys the request picked (already selected or not). */
  matched: string[]
  /** `--repo` keys that do not exist or are not visible: reported, not fatal. */
  notFound: string[]
}

/** True when the request says what to select, so no picker is needed. */
export function hasSelectionFlags(req: SelectionRequest): boolean {
  return Boolean(req.all || req.clear || req.repos?.length || req.match?.length || req.workspaces?.length || req.projects?.length)
}

const sorted = (keys: Iterable<string>): string[] => [...new Set(keys)].sort((a, b) => a.localeCompare(b))

/**
 * Pure: combine the request with the candidates (the scoped listing).
 * Rules: scope flags (--workspace, --project) narrow the candidates; selectors (--all, --repo,
 * --match) pick from them as a union; scope flags alone pick everything in scope; --clear starts
 * from nothing, otherwise picks are added to the current selection. A request that names
 * something but picks nothing is a usage error (exit 2) so CI notices a typo.
 */
export function applySelection(current: readonly string[], candidates: readonly Repository[], req: SelectionRequest): SelectionOutcome {
  const scope: RepoScope = {workspaces: req.workspaces, projects: req.projects}
  const inScopeRepos = candidates.filter((r) => inScope(r, scope))
  const byLowerKey = new Map(inScopeRepos.map((r) => [r.key.toLowerCase(), r.key]))
  const picked = new Set<string>()
  const notFound: string[] = []

  const selectors = Boolean(req.all || req.repos?.length || req.match?.length)
  const scoped = Boolean(req.workspaces?.length || req.projects?.length)
  if (req.all || (!selectors && scoped)) for (const r of inScopeRepos) picked.add(r.key)
  for (const key of req.repos ?? []) {
    const found = byLowerKey.get(key.toLowerCase())
    if (found) picked.add(found)
    else notFound.push(key)
  }
  if (req.match?.length) {
    // Case-insensitive: DC project keys are upper case, slugs lower case; people type either.
    const isMatch = picomatch(req.match, {nocase: true})
    for (const r of inScopeRepos) if (isMatch(r.key)) picked.add(r.key)
  }

  if (picked.size === 0 && (selectors || scoped)) {
    const asked = [
      req.all ? '--all' : null,
      ...(req.repos ?? []).map((r) => `--repo ${r}`),
      ...(req.match ?? []).map((m) => `--match ${m}`),
      ...(req.workspaces ?? []).map((w) => `--workspace ${w}`),
      ...(req.projects ?? []).map((p) => `--project ${p}`),
    ].filter(Boolean)
    throw new UsageError(`Nothing matched ${asked.join(' ')} (${candidates.length} repositories visible).`, {
      code: 'nothing_matched',
      remedy: 'Run `bb-integrate repos list` to see the keys (workspace/slug on Cloud, PROJECT/slug on Data Center).',
      details: {notFound},
    })
  }

  const base = req.clear ? [] : current
  const selection = sorted([...base, ...picked])
  const before = new Set(current)
  const after = new Set(selection)
  return {
    selection,
    added: selection.filter((k) => !before.has(k)),
    removed: sorted(current.filter((k) => !after.has(k))),
    matched: sorted(picked),
    notFound,
  }
}

export interface ResolveSelectionOptions {
  provider: Provider
  current: readonly string[]
  request: SelectionRequest
  signal?: AbortSignal
  onPage?: (repos: Repository[], totalSoFar: number) => void
  /** Parallel look-ups for the --repo fast path. */
  concurrency?: number
}

/**
 * Resolve the request against the API. When only --repo keys are given, each is looked up
 * directly (a handful of requests) instead of paging through thousands of repositories.
 */
export async function resolveSelection(options: ResolveSelectionOptions): Promise<SelectionOutcome> {
  const {provider, request} = options
  const listing = Boolean(request.all || request.match?.length || request.workspaces?.length || request.projects?.length)
  let candidates: Repository[]
  if (!hasSelectionFlags(request)) {
    throw new UsageError('No selection flags given.', {code: 'missing_flags'})
  } else if (!listing && request.repos?.length) {
    const {default: pLimit} = await import('p-limit')
    const limit = pLimit(options.concurrency ?? 8)
    const found = await Promise.all((request.repos ?? []).map((key) => limit(() => provider.repository(key, options.signal))))
    candidates = found.filter((r): r is Repository => r !== null)
  } else if (!listing) {
    // --clear alone: nothing to look up.
    candidates = []
  } else {
    candidates = await listRepositories(provider, {
      scope: {workspaces: request.workspaces, projects: request.projects},
      signal: options.signal,
      onPage: options.onPage,
    })
  }
  return applySelection(options.current, candidates, request)
}

/** What `sync` will sync for a connection, and why: the one definition `sync` and `validate` share. */
export interface EffectiveSelection {
  /** The repositories named; empty when `source` is 'all'. */
  repos: string[]
  /**
   * 'repos': --repo keys; 'selection': the saved selection (`repos select`); 'token': the repository
   * a repository access token is bound to (it cannot list anything else); 'all': nothing selected,
   * so every repository the credential can see is synced.
   */
  source: 'repos' | 'selection' | 'token' | 'all'
}

export function effectiveSelection(
  connection: {selection: readonly string[]; credentials?: ReadonlyArray<{target?: string | null}>},
  repos: readonly string[] = [],
): EffectiveSelection {
  if (repos.length > 0) return {repos: sorted(repos), source: 'repos'}
  if (connection.selection.length > 0) return {repos: [...connection.selection], source: 'selection'}
  const bound = (connection.credentials ?? []).flatMap((c) => (c.target?.includes('/') ? [c.target] : []))
  if (bound.length > 0) return {repos: sorted(bound), source: 'token'}
  return {repos: [], source: 'all'}
}
