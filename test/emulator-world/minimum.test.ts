import {describe, expect, it} from 'vitest'

import {CLOUD_DIFFSTAT_PAGELEN_MAX, CLOUD_PAGELEN_MAX, CLOUD_PR_PAGELEN_MAX, createWorld, DC_LIMIT_MAX} from '../../emulator/world/index.js'
import {visibleActivity} from '../../emulator/cloud/activity.js'
import {allDetails} from './check.js'

type Detail = ReturnType<typeof allDetails>[number]
type Pr = Detail['pullRequests'][number]
const activityPages = (n: number): number => Math.max(1, Math.ceil(n / CLOUD_PR_PAGELEN_MAX))

/** Cloud activity per repository: the cheaper of one listing per counted PR and the repository-level listing. */
function cloudActivity(details: Detail[], counted: (p: Pr) => boolean = () => true): number {
  return details.reduce((n, d) => {
    if (d.pullRequests.length === 0) return n
    const perPr = d.pullRequests.filter(counted).reduce((m, p) => m + activityPages(p.activity.length), 0)
    const repoLevel = activityPages(d.pullRequests.reduce((m, p) => m + visibleActivity(p).length, 0))
    return n + Math.min(perPr, repoLevel)
  }, 0)
}

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
    // Per PR: one listing each, two for a long discussion; the repository-level listing is cheaper where it has fewer pages.
    expect(cloudActivity(details)).toBeLessThan(prs.length + long.length)
    expect(world.minimumRequests('cloud', {reviews: true})).toBe(world.minimumRequests('cloud') + cloudActivity(details))
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
    const cloudNeeds = prs.filter((p) => p.participants.some((x) => x.state === 'changes_requested'))
    const dcNeeds = prs.filter((p) => p.participants.some((x) => x.state !== null))
    expect(cloudNeeds.length).toBeGreaterThan(0)
    expect(dcNeeds.length).toBeGreaterThan(cloudNeeds.length)
    expect(dcNeeds.length).toBeLessThan(prs.length)
    const details = allDetails(world)
    expect(world.minimumRequests('cloud', {reviews: true, reviewsFromListing: true})).toBe(world.minimumRequests('cloud') + cloudActivity(details, (p) => cloudNeeds.includes(p)))
    expect(world.minimumRequests('datacenter', {reviews: true, reviewsFromListing: true})).toBe(world.minimumRequests('datacenter') + dcNeeds.length)
  })

  it('a comment after an approval makes participated_on useless for that review on Cloud', async () => {
    const world = createWorld({seed: 7, dataset: 'tiny'})
    const repo = `${world.containers()[0]!.key}/${world.repos(world.containers()[0]!.key)[0]!.slug}`
    const {needsActivity} = await import('../../emulator/world/minimum.js')
    const id = Number(world.mutate({type: 'pr.create', repo}).details.id)
    const user = String(world.mutate({type: 'pr.approve', repo, id}).details.user)
    const pr = () => world.detail(repo).pullRequests.find((p) => p.id === id)!
    // The approval's time is its participated_on: the listing gives it.
    expect(needsActivity('cloud', pr())).toBe(false)
    world.mutate({type: 'pr.comment', repo, id, user})
    expect(needsActivity('cloud', pr())).toBe(true)
  })
})

describe('the adversarial dataset', () => {
  it('has change requests on most reviewed PRs, where one repository-level activity listing beats one per PR', () => {
    const world = createWorld({seed: 1, dataset: 'adversarial'})
    const details = allDetails(world)
    const prs = details.flatMap((d) => d.pullRequests)
    const reviewed = prs.filter((p) => p.participants.some((x) => x.state !== null))
    const changes = reviewed.filter((p) => p.participants.some((x) => x.state === 'changes_requested'))
    expect(changes.length / reviewed.length).toBeGreaterThan(0.5)
    const small = allDetails(createWorld({seed: 1, dataset: 'small'})).flatMap((d) => d.pullRequests)
    expect(changes.length).toBeGreaterThan(small.filter((p) => p.participants.some((x) => x.state === 'changes_requested')).length)
    // Per PR the reviews would cost one listing per reviewed PR; the minimum is far below that.
    const listing = world.minimumRequests('cloud')
    expect(world.minimumRequests('cloud', {reviews: true}) - listing).toBe(cloudActivity(details))
    expect(cloudActivity(details)).toBeLessThan(reviewed.length / 3)
  })
})
