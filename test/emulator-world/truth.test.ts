import {describe, expect, it} from 'vitest'

import type {Commit, Review} from '../../src/core/model.js'
import {createWorld} from '../../emulator/world/index.js'
import type {Flavor} from '../../emulator/world/types.js'
import {allDetails, CLOUD_UUID, ISO_MS} from './check.js'

const cloud = createWorld({seed: 21, dataset: 'tiny'})
const dc = createWorld({seed: 21, dataset: 'tiny', flavor: 'datacenter'})

function all<E extends Parameters<typeof cloud.truth>[1]>(world: typeof cloud, flavor: Flavor, entity: E) {
  return [...world.truth(flavor, entity, 'conn')]
}

describe('truth', () => {
  it('repositories: keys, projects, DC without dates, url only with a web base', () => {
    const c = all(cloud, 'cloud', 'repository')
    const d = all(dc, 'datacenter', 'repository')
    expect(c).toHaveLength(3)
    for (const r of c) {
      expect(r).toMatchObject({provider: 'cloud', connection: 'conn', url: null})
      expect(r.key).toMatch(/^[a-z-]+\/[a-z-]+$/)
      expect(r.createdAt).toMatch(ISO_MS)
    }
    for (const r of d) {
      expect(r.key).toMatch(/^[A-Z]+\/[a-z-]+$/)
      expect(r.project).toBe(r.key.split('/')[0])
      expect([r.createdAt, r.updatedAt]).toEqual([null, null])
    }
    expect(c.map((r) => r.key)).toEqual([...c.map((r) => r.key)].sort())
    expect(c.filter((r) => r.defaultBranch === null)).toHaveLength(1)
    const [withUrl] = cloud.truth('cloud', 'repository', 'conn', {webBase: 'http://127.0.0.1:9'})
    expect(withUrl?.url).toBe(`http://127.0.0.1:9/${withUrl?.key}`)
    const [dcUrl] = dc.truth('datacenter', 'repository', 'conn', {webBase: 'http://h'})
    expect(dcUrl?.url).toBe(`http://h/projects/${dcUrl?.key.split('/')[0]}/repos/${dcUrl?.key.split('/')[1]}/browse`)
  })

  it('pull requests: DC renders SUPERSEDED as DECLINED; authors are flavour ids', () => {
    const c = all(cloud, 'cloud', 'pullRequest')
    const d = all(dc, 'datacenter', 'pullRequest')
    expect(c.some((p) => p.state === 'SUPERSEDED')).toBe(true)
    expect(d.some((p) => p.state === 'SUPERSEDED')).toBe(false)
    expect(d.map((p) => p.state)).toEqual(c.map((p) => (p.state === 'SUPERSEDED' ? 'DECLINED' : p.state)))
    for (const p of c) expect(p.author).toMatch(CLOUD_UUID)
    for (const p of d) expect(p.author).toMatch(/^[a-z.]+$/)
    for (const p of c) expect(p.state === 'MERGED' ? p.mergeCommit : null).toBe(p.mergeCommit)
  })

  it('commit files: Cloud counts lines, DC does not', () => {
    const c = all(cloud, 'cloud', 'commitFile')
    const d = all(dc, 'datacenter', 'commitFile')
    expect(c.length).toBe(d.length)
    expect(c.every((f) => typeof f.linesAdded === 'number' && typeof f.linesRemoved === 'number')).toBe(true)
    expect(d.every((f) => f.linesAdded === null && f.linesRemoved === null)).toBe(true)
    expect(c.filter((f) => f.status === 'renamed').every((f) => f.oldPath !== null)).toBe(true)
  })

  it('commits: authorAccount is the linked user id or null', () => {
    const c: Commit[] = all(cloud, 'cloud', 'commit')
    const d: Commit[] = all(dc, 'datacenter', 'commit')
    expect(c).toHaveLength(150)
    expect(c.some((x) => x.authorAccount === null)).toBe(true)
    for (const x of c) if (x.authorAccount !== null) expect(x.authorAccount).toMatch(CLOUD_UUID)
    const slugs = new Set(dc.users().map((u) => u.slug))
    for (const x of d) if (x.authorAccount !== null) expect(slugs.has(x.authorAccount)).toBe(true)
  })

  it('reviews: one per participant with a state, timed by the latest activity that set it', () => {
    const reviews: Review[] = all(cloud, 'cloud', 'review')
    const details = allDetails(cloud)
    const withState = details.flatMap((d) => d.pullRequests.flatMap((pr) => pr.participants.filter((p) => p.state !== null)))
    expect(reviews).toHaveLength(withState.length)
    expect(new Set(reviews.map((r) => r.state))).toEqual(new Set(['APPROVED', 'CHANGES_REQUESTED']))
    for (const r of reviews) {
      const pr = details.find((d) => `${d.repo.container}/${d.repo.slug}` === r.repo)!.pullRequests.find((p) => p.id === r.pullRequest)!
      const kind = r.state === 'APPROVED' ? 'approval' : 'changes_request'
      const times = pr.activity.filter((a) => a.user === r.user && a.kind === kind).map((a) => a.at)
      expect(times.at(-1)).toBe(r.at)
    }
  })

  it('users: everyone referenced, once, with flavour ids and names', () => {
    const users = all(cloud, 'cloud', 'user')
    const ids = new Set(users.map((u) => u.id))
    expect(ids.size).toBe(users.length)
    const referenced = new Set<string>()
    for (const p of all(cloud, 'cloud', 'pullRequest')) referenced.add(p.author!)
    for (const r of all(cloud, 'cloud', 'review')) referenced.add(r.user)
    for (const c of all(cloud, 'cloud', 'commit')) if (c.authorAccount) referenced.add(c.authorAccount)
    for (const id of referenced) expect(ids.has(id)).toBe(true)
    for (const u of users) expect(u.accountId).toMatch(/^557058:/)
    const dcUsers = all(dc, 'datacenter', 'user')
    for (const u of dcUsers) {
      expect(u.id).toBe(u.nickname)
      expect(u.accountId?.toLowerCase()).toBe(u.id)
    }
  })

  it('issue refs come from PR title + source branch and commit messages, once per source', () => {
    const refs = all(cloud, 'cloud', 'issueRef')
    const seen = new Set(refs.map((r) => `${r.repo}|${r.sourceType}|${r.sourceId}|${r.key}`))
    expect(seen.size).toBe(refs.length)
    expect(refs.some((r) => r.sourceType === 'pullRequest')).toBe(true)
    expect(refs.some((r) => r.sourceType === 'commit' && r.key.startsWith('#'))).toBe(true)
    const prs = all(cloud, 'cloud', 'pullRequest')
    for (const r of refs.filter((x) => x.sourceType === 'pullRequest')) {
      const pr = prs.find((p) => p.repo === r.repo && String(p.id) === r.sourceId)!
      expect(`${pr.title} ${pr.sourceBranch}`).toContain(r.key)
    }
  })
})
