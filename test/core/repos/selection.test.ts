import {describe, expect, it, vi} from 'vitest'

import {UsageError} from '../../../src/core/errors.js'
import type {Repository} from '../../../src/core/model.js'
import type {Provider} from '../../../src/core/provider/types.js'
import {inScope, listOptionsFor, listRepositories} from '../../../src/core/repos/list.js'
import {applySelection, hasSelectionFlags, resolveSelection} from '../../../src/core/repos/selection.js'

const repo = (key: string, project: string | null, provider: 'cloud' | 'datacenter' = 'cloud'): Repository => ({
  provider, connection: 'c', key, name: key.split('/')[1] ?? key, project, isPrivate: true, defaultBranch: 'main', createdAt: null, updatedAt: null, url: null,
})

const REPOS = [
  repo('acme/api', 'CORE'),
  repo('acme/web', 'WEB'),
  repo('acme/api-gateway', 'CORE'),
  repo('other/tools', 'OPS'),
]

function fakeProvider(pages: Repository[][], kind: 'cloud' | 'datacenter' = 'cloud') {
  const calls: unknown[] = []
  const provider = {
    kind,
    connection: 'c',
    async *repositories(options: unknown) {
      calls.push(options)
      for (let i = 0; i < pages.length; i++) yield {items: pages[i] ?? [], cursor: i < pages.length - 1 ? String(i + 1) : null}
    },
    repository: vi.fn(async (key: string) => pages.flat().find((r) => r.key.toLowerCase() === key.toLowerCase()) ?? null),
  } as unknown as Provider
  return {provider, calls}
}

describe('repo scope', () => {
  it('matches workspace and project case-insensitively; DC projects are the container', () => {
    expect(inScope(REPOS[0]!, {workspaces: ['ACME']})).toBe(true)
    expect(inScope(REPOS[3]!, {workspaces: ['acme']})).toBe(false)
    expect(inScope(REPOS[0]!, {projects: ['core']})).toBe(true)
    expect(inScope(repo('PROJ/x', null, 'datacenter'), {projects: ['proj']})).toBe(true)
  })

  it('narrows server-side only when one container is named', () => {
    expect(listOptionsFor('cloud', {workspaces: ['acme'], projects: ['CORE']})).toEqual({container: 'acme', project: 'CORE'})
    expect(listOptionsFor('cloud', {workspaces: ['a', 'b']})).toEqual({})
    expect(listOptionsFor('datacenter', {projects: ['PROJ']})).toEqual({container: 'PROJ'})
  })

  it('lists every page and reports progress', async () => {
    const {provider} = fakeProvider([REPOS.slice(0, 2), REPOS.slice(2)])
    const seen: number[] = []
    const all = await listRepositories(provider, {onPage: (_r, n) => seen.push(n)})
    expect(all.map((r) => r.key)).toEqual(REPOS.map((r) => r.key))
    expect(seen).toEqual([2, 4])
  })
})

describe('applySelection', () => {
  it('adds to the current selection by default and starts over with --clear', () => {
    const add = applySelection(['other/tools'], REPOS, {repos: ['ACME/API']})
    expect(add.selection).toEqual(['acme/api', 'other/tools'])
    expect(add.added).toEqual(['acme/api'])
    const fresh = applySelection(['other/tools'], REPOS, {clear: true, match: ['acme/api*']})
    expect(fresh.selection).toEqual(['acme/api', 'acme/api-gateway'])
    expect(fresh.removed).toEqual(['other/tools'])
  })

  it('--clear alone empties the selection', () => {
    expect(applySelection(['a/b'], [], {clear: true}).selection).toEqual([])
  })

  it('scope flags narrow selectors; alone they pick everything in scope', () => {
    expect(applySelection([], REPOS, {workspaces: ['acme'], match: ['*/*api*']}).selection).toEqual(['acme/api', 'acme/api-gateway'])
    expect(applySelection([], REPOS, {projects: ['CORE']}).selection).toEqual(['acme/api', 'acme/api-gateway'])
    expect(applySelection([], REPOS, {all: true}).selection).toHaveLength(4)
  })

  it('reports unknown --repo keys without failing when something matched', () => {
    const r = applySelection([], REPOS, {repos: ['acme/web', 'acme/nope']})
    expect(r.selection).toEqual(['acme/web'])
    expect(r.notFound).toEqual(['acme/nope'])
  })

  it('fails with a usage error when nothing matched', () => {
    expect(() => applySelection([], REPOS, {match: ['zzz/*']})).toThrow(UsageError)
    expect(() => applySelection([], REPOS, {repos: ['acme/nope']})).toThrow(/Nothing matched --repo acme\/nope/)
  })

  it('knows which flags make it non-interactive', () => {
    expect(hasSelectionFlags({})).toBe(false)
    expect(hasSelectionFlags({repos: []})).toBe(false)
    expect(hasSelectionFlags({clear: true})).toBe(true)
  })
})

describe('resolveSelection', () => {
  it('looks --repo keys up directly instead of listing everything', async () => {
    const {provider, calls} = fakeProvider([REPOS])
    const r = await resolveSelection({provider, current: [], request: {repos: ['acme/web', 'ghost/x']}})
    expect(calls).toHaveLength(0)
    expect(provider.repository).toHaveBeenCalledTimes(2)
    expect(r.selection).toEqual(['acme/web'])
    expect(r.notFound).toEqual(['ghost/x'])
  })

  it('lists (scoped) for --match', async () => {
    const {provider, calls} = fakeProvider([REPOS])
    const r = await resolveSelection({provider, current: [], request: {match: ['**/web'], workspaces: ['acme']}})
    expect(calls).toEqual([{container: 'acme'}])
    expect(r.selection).toEqual(['acme/web'])
  })
})
