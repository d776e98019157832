import {describe, expect, it} from 'vitest'

import {CLOUD_DIFFSTAT_PAGELEN_MAX, CLOUD_PAGELEN_MAX, CLOUD_PR_PAGELEN_MAX, createWorld, DC_LIMIT_MAX} from '../emulator/world/index.js'
import {allDetails} from './check.js'

describe('minimumRequests', () => {
  const world = createWorld({seed: 2, dataset: 'tiny'})
  const details = allDetails(world)
  const [busy, quiet, empty] = details

  it('tiny by hand: Cloud pages PRs by 50 and commits by 100, an empty repository still costs its listings', () => {
    expect(busy!.pullRequests).toHaveLength(60)
    expect(busy!.commits).toHaveLength(120)
    expect(quiet!.commits).toHaveLength(30)
    expect(details.every((d) => d.branches.length <= CLOUD_PAGELEN_MAX)).toBe(true)
    expect(empty!.commits).toHaveLength(0)
    // workspaces 1 + repositories 1 + busy (PRs 2, branches 1, commits 2) + quiet (1, 1, 1) + empty (1, 1, 1)
    expect(world.minimumRequests('cloud')).toBe(1 + 1 + 5 + 3 + 3)
    // DC pages everything by 1000: one request per listing.
    expect(world.minimumRequests('datacenter')).toBe(1 + 1 + 3 * 3)
  })

  it('adds one activity listing per PR (two for a discussion over 50) and one diffstat per commit', () => {
    const prs = details.flatMap((d) => d.pullRequests)
    const long = prs.filter((p) => p.activity.length > CLOUD_PR_PAGELEN_MAX)
    expect(long.length).toBeGreaterThan(0)
    expect(long.every((p) => p.activity.length <= 2 * CLOUD_PR_PAGELEN_MAX && p.activity.length <= DC_LIMIT_MAX)).toBe(true)
    expect(world.minimumRequests('cloud', {reviews: true})).toBe(world.minimumRequests('cloud') + prs.length + long.length)
    expect(world.minimumRequests('datacenter', {reviews: true})).toBe(world.minimumRequests('datacenter') + prs.length)
    expect(details.every((d) => d.commits.every((c) => c.files.length <= CLOUD_DIFFSTAT_PAGELEN_MAX))).toBe(true)
    expect(world.minimumRequests('cloud', {commitFiles: true})).toBe(world.minimumRequests('cloud') + 150)
  })

  it('follows mutations', () => {
    const w = createWorld({seed: 2, dataset: 'tiny'})
    const before = w.minimumRequests('cloud', {commitFiles: true})
    const key = `${w.containers()[0]!.key}/${w.repos(w.containers()[0]!.key)[1]!.slug}`
    w.mutate({type: 'push', repo: key, commits: 71})
    // 30 + 71 commits: a second commit page, and 71 more diffstats.
    expect(w.minimumRequests('cloud', {commitFiles: true})).toBe(before + 1 + 71)
  })
})
