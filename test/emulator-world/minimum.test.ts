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

describe('minimumRequests with reviews read from the PR listing', () => {
  it('counts activity only where the listing cannot give review times', () => {
    const world = createWorld({seed: 7, dataset: 'tiny'})
    const prs = allDetails(world).flatMap((d) => d.pullRequests)
    const activityPages = (p: (typeof prs)[number]): number => Math.max(1, Math.ceil(p.activity.length / CLOUD_PR_PAGELEN_MAX))
    const cloudNeeds = prs.filter((p) => p.participants.some((x) => x.state === 'changes_requested'))
    const dcNeeds = prs.filter((p) => p.participants.some((x) => x.state !== null))
    expect(cloudNeeds.length).toBeGreaterThan(0)
    expect(dcNeeds.length).toBeGreaterThan(cloudNeeds.length)
    expect(dcNeeds.length).toBeLessThan(prs.length)
    expect(world.minimumRequests('cloud', {reviews: true, reviewsFromListing: true})).toBe(world.minimumRequests('cloud') + cloudNeeds.reduce((n, p) => n + activityPages(p), 0))
    expect(world.minimumRequests('datacenter', {reviews: true, reviewsFromListing: true})).toBe(world.minimumRequests('datacenter') + dcNeeds.length)
  })

  it('a comment after an approval makes participated_on useless for that review on Cloud', () => {
    const world = createWorld({seed: 7, dataset: 'tiny'})
    const repo = `${world.containers()[0]!.key}/${world.repos(world.containers()[0]!.key)[0]!.slug}`
    const before = world.minimumRequests('cloud', {reviews: true, reviewsFromListing: true})
    const id = Number(world.mutate({type: 'pr.create', repo}).details.id)
    const user = String(world.mutate({type: 'pr.approve', repo, id}).details.user)
    // Listing pages are unchanged (61 PRs, 121 commits); the approval's time is its participated_on.
    expect(world.minimumRequests('cloud', {reviews: true, reviewsFromListing: true})).toBe(before)
    world.mutate({type: 'pr.comment', repo, id, user})
    expect(world.minimumRequests('cloud', {reviews: true, reviewsFromListing: true})).toBe(before + 1)
  })
})
