import {describe, expect, it} from 'vitest'

import {createWorld} from '../../emulator/world/index.js'
import {allDetails, checkWorld} from './check.js'

describe('world invariants', () => {
  it.each(['tiny', 'small', 'medium'] as const)('%s: graph, PRs, reviews and times are consistent', (dataset) => {
    expect(checkWorld(createWorld({seed: 7, dataset}))).toEqual([])
  })

  it('holds for custom sizes, including more PRs than commits can carry', () => {
    expect(checkWorld(createWorld({seed: 3, dataset: {containers: 2, reposPerContainer: 2, prsPerRepo: 40, commitsPerRepo: 12, filesPerCommit: 2}}))).toEqual([])
    expect(checkWorld(createWorld({seed: 3, dataset: {containers: 1, reposPerContainer: 1, prsPerRepo: 0, commitsPerRepo: 1}}))).toEqual([])
  })

  it('tiny has one container, three repos, an empty one, a PR page overflow and a long discussion', () => {
    const world = createWorld({seed: 1, dataset: 'tiny'})
    expect(world.containers()).toHaveLength(1)
    const repos = world.repos(world.containers()[0]!.key)
    expect(repos).toHaveLength(3)
    expect(repos.filter((r) => r.defaultBranch === null)).toHaveLength(1)
    const details = allDetails(world)
    expect(Math.max(...details.map((d) => d.pullRequests.length))).toBeGreaterThan(50)
    expect(details.reduce((n, d) => n + d.commits.length, 0)).toBe(150)
    expect(details.flatMap((d) => d.pullRequests).some((pr) => pr.activity.length > 50)).toBe(true)
  })

  it('medium overflows a repository page and has a PR-rich and a commit-rich repository', () => {
    const world = createWorld({seed: 1, dataset: 'medium'})
    const counts = world.containers().map((c) => world.repos(c.key).length)
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(120)
    expect(Math.max(...counts)).toBeGreaterThan(100)
    const details = allDetails(world)
    const rich = details.find((d) => d.pullRequests.length >= 120)
    expect(new Set(rich?.pullRequests.map((p) => p.state))).toEqual(new Set(['OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED']))
    expect(details.some((d) => d.commits.length >= 250)).toBe(true)
  })

  it('small is demo-sized: several workspaces with projects, hundreds of PRs, about a thousand commits', () => {
    const world = createWorld({seed: 1, dataset: 'small'})
    expect(world.containers().length).toBeGreaterThanOrEqual(2)
    expect(world.projects(world.containers()[0]!.key).length).toBeGreaterThanOrEqual(2)
    const details = allDetails(world)
    expect(details.length).toBeGreaterThanOrEqual(12)
    const prs = details.reduce((n, d) => n + d.pullRequests.length, 0)
    const commits = details.reduce((n, d) => n + d.commits.length, 0)
    expect(prs).toBeGreaterThanOrEqual(200)
    expect(commits).toBeGreaterThanOrEqual(900)
  })

  it('is realistic: merges, renames, unlinked authors, unicode, several branches', () => {
    const details = allDetails(createWorld({seed: 5, dataset: 'small'}))
    const commits = details.flatMap((d) => d.commits)
    const files = commits.flatMap((c) => c.files)
    expect(commits.some((c) => c.parents.length === 2)).toBe(true)
    expect(commits.some((c) => c.author === null)).toBe(true)
    expect(new Set(files.map((f) => f.status))).toEqual(new Set(['added', 'modified', 'removed', 'renamed']))
    const text = [...commits.map((c) => c.message), ...details.flatMap((d) => d.pullRequests.map((p) => p.title))].join('\n')
    expect(text).toMatch(/\p{Extended_Pictographic}/u)
    expect(text).toMatch(/\p{Script=Han}/u)
    expect(text).toMatch(/[éèüöñ]/)
    expect(details.filter((d) => d.commits.length > 0).every((d) => d.branches.length >= 2)).toBe(true)
  })
})
