import type {Repository} from '../../../src/core/model.js'

/** Deterministic repos spread over workspaces and projects, like a large Cloud account. */
export function makeRepos(n: number, options: {workspaces?: number; projects?: number} = {}): Repository[] {
  const ws = options.workspaces ?? 3
  const ps = options.projects ?? 4
  const words = ['api', 'web', 'billing', 'auth', 'search', 'infra', 'mobile', 'data', 'docs', 'ops']
  return Array.from({length: n}, (_, i) => {
    const w = `ws${i % ws}`
    const slug = `${words[i % words.length]}-${String(i).padStart(4, '0')}`
    return {
      provider: 'cloud',
      connection: 'default',
      key: `${w}/${slug}`,
      name: slug,
      project: `P${(i >> 2) % ps}`,
      isPrivate: i % 3 === 0,
      defaultBranch: 'main',
      createdAt: null,
      updatedAt: null,
      url: null,
    }
  })
}

/** Feed repos in pages of `pageSize`, yielding between pages like a real paginated listing. */
export function pagedLoader(repos: Repository[], pageSize = 100, gate?: Promise<void>) {
  return async (onPage: (r: Repository[]) => void, signal: AbortSignal): Promise<void> => {
    for (let i = 0; i < repos.length; i += pageSize) {
      if (signal.aborted) return
      if (i > 0 && gate) await gate
      onPage(repos.slice(i, i + pageSize))
      await new Promise((r) => setImmediate(r))
    }
  }
}
