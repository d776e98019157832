import {describe, expect, it} from 'vitest'

import {parseCustomSize, planFor} from '../../emulator/world/datasets.js'
import {createWorld} from '../../emulator/world/index.js'
import {letters, uniqueName} from '../../emulator/world/text.js'

describe('datasets', () => {
  it('parses custom sizes from strings, and names them so they round-trip', () => {
    expect(parseCustomSize('2x3x40x100')).toEqual({containers: 2, reposPerContainer: 3, prsPerRepo: 40, commitsPerRepo: 100})
    expect(parseCustomSize('custom-1x2x3x4x5')).toEqual({containers: 1, reposPerContainer: 2, prsPerRepo: 3, commitsPerRepo: 4, filesPerCommit: 5})
    expect(parseCustomSize('medium')).toBeNull()
    const world = createWorld({dataset: {containers: 2, reposPerContainer: 3, prsPerRepo: 4, commitsPerRepo: 20, filesPerCommit: 2}})
    expect(planFor(world.dataset)).toEqual(planFor({containers: 2, reposPerContainer: 3, prsPerRepo: 4, commitsPerRepo: 20, filesPerCommit: 2}))
    expect(() => planFor('huge')).toThrow(/unknown dataset/)
  })

  it('custom sizes are exact: containers, repositories, PRs, commits and files per commit', () => {
    const world = createWorld({seed: 3, dataset: {containers: 2, reposPerContainer: 3, prsPerRepo: 7, commitsPerRepo: 25, filesPerCommit: 2}})
    expect(world.containers()).toHaveLength(2)
    for (const c of world.containers()) {
      for (const r of world.repos(c.key)) {
        const d = world.detail(`${r.container}/${r.slug}`)
        expect(d.pullRequests).toHaveLength(7)
        expect(d.commits).toHaveLength(25)
        // Ordinary commits touch exactly filesPerCommit files (root, squash and merge commits differ).
        const ordinary = d.commits.filter((x) => x.parents.length === 1 && !x.message.includes('(pull request #'))
        expect(ordinary.every((x) => x.files.length === 2)).toBe(true)
      }
    }
  })

  it('many empty repositories still get distinct, readable names', () => {
    const world = createWorld({dataset: {containers: 1, reposPerContainer: 200, prsPerRepo: 0, commitsPerRepo: 0}})
    const repos = world.repos(world.containers()[0]!.key)
    expect(new Set(repos.map((r) => r.slug)).size).toBe(200)
    expect(repos.every((r) => r.defaultBranch === null && !r.slug.startsWith('sandbox'))).toBe(true)
  })

  it('letter suffixes never run out and never use digits', () => {
    expect([1, 2, 26, 27, 28, 702, 703].map(letters)).toEqual(['a', 'b', 'z', 'aa', 'ab', 'zz', 'aaa'])
    const taken = new Set(['x', 'x-b', 'x-c'])
    expect(uniqueName('x', (n) => taken.has(n))).toBe('x-d')
  })
})
