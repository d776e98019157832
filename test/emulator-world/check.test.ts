import {describe, expect, it} from 'vitest'

import {createWorld} from '../../emulator/world/index.js'
import {netChanges} from '../../emulator/world/files.js'
import {rngFor} from '../../emulator/world/prng.js'
import {iso} from '../../emulator/world/time.js'
import type {WRepoDetail} from '../../emulator/world/types.js'
import {checkDetail} from './check.js'

// The invariant checker must catch broken data, or the invariant tests prove nothing.
describe('invariant checker', () => {
  const world = createWorld({seed: 8, dataset: 'tiny'})
  const repo = world.repos(world.containers()[0]!.key)[0]!
  const fresh = (): WRepoDetail => structuredClone(world.detail(`${repo.container}/${repo.slug}`))
  const problems = (d: WRepoDetail): string => checkDetail(world, d, world.now()).join('\n')

  it('passes the generated detail', () => {
    expect(problems(fresh())).toBe('')
  })

  it('catches a parent listed before its child', () => {
    const d = fresh()
    const i = d.commits.findIndex((c) => c.parents.length > 0)
    const child = d.commits[i]!
    const parent = d.commits.findIndex((c) => c.hash === child.parents[0])
    ;[d.commits[i], d.commits[parent]] = [d.commits[parent]!, child]
    expect(problems(d)).toMatch(/listed before its child/)
  })

  it('catches a merge commit missing from the graph and unreachable commits', () => {
    const d = fresh()
    const merged = d.pullRequests.find((p) => p.mergeCommit)!
    merged.mergeCommit = 'f'.repeat(40)
    d.commits.push({...d.commits.at(-1)!, hash: 'e'.repeat(40), parents: []})
    expect(problems(d)).toMatch(/not in the graph/)
    expect(problems(d)).toMatch(/1 commits unreachable/)
  })

  it('catches review states and comment counts that disagree with the activity', () => {
    const d = fresh()
    const pr = d.pullRequests.find((p) => p.participants.some((x) => x.state === null))!
    pr.participants.find((x) => x.state === null)!.state = 'approved'
    pr.commentCount++
    expect(problems(d)).toMatch(/activity says null/)
    expect(problems(d)).toMatch(/commentCount differs/)
  })
})

describe('netChanges', () => {
  it('folds a series of commits into what a diff against the base shows', () => {
    const net = netChanges([
      [{path: 'a.ts', oldPath: null, status: 'added', linesAdded: 10, linesRemoved: 0}, {path: 'b.ts', oldPath: null, status: 'modified', linesAdded: 1, linesRemoved: 1}],
      [{path: 'a.ts', oldPath: null, status: 'modified', linesAdded: 5, linesRemoved: 2}, {path: 'c.ts', oldPath: 'b.ts', status: 'renamed', linesAdded: 0, linesRemoved: 0}],
      [{path: 'd.ts', oldPath: null, status: 'added', linesAdded: 3, linesRemoved: 0}],
      [{path: 'd.ts', oldPath: null, status: 'removed', linesAdded: 0, linesRemoved: 3}],
    ])
    expect(net).toEqual([
      {path: 'a.ts', oldPath: null, status: 'added', linesAdded: 13, linesRemoved: 0},
      {path: 'c.ts', oldPath: 'b.ts', status: 'renamed', linesAdded: 1, linesRemoved: 1},
    ])
  })
})

describe('iso', () => {
  it('formats like Date#toISOString', () => {
    const rng = rngFor(1, 'iso')
    for (let i = 0; i < 20000; i++) {
      const ms = rng.int(253402300799999)
      expect(iso(ms)).toBe(new Date(ms).toISOString())
    }
    expect(iso(0)).toBe('1970-01-01T00:00:00.000Z')
    expect(iso(Date.parse('2024-02-29T23:59:59.999Z'))).toBe('2024-02-29T23:59:59.999Z')
  })
})
