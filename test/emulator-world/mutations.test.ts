import {describe, expect, it} from 'vitest'

import {createWorld, MUTATION_STEP_MS, WorldError} from '../../emulator/world/index.js'
import type {GeneratedWorld} from '../../emulator/world/index.js'
import {checkWorld} from './check.js'
import {truthDigest} from './digest.js'

function setup(cacheSize = 8): {world: GeneratedWorld; busy: string; quiet: string; empty: string} {
  const world = createWorld({seed: 5, dataset: 'tiny', cacheSize})
  const repos = world.repos(world.containers()[0]!.key)
  const key = (i: number): string => `${repos[i]!.container}/${repos[i]!.slug}`
  return {world, busy: key(0), quiet: key(1), empty: key(2)}
}

function openPr(world: GeneratedWorld, repo: string): number {
  return world.detail(repo).pullRequests.find((p) => p.state === 'OPEN')!.id
}

describe('mutations', () => {
  it('each one advances the logical clock and stamps what it changes with the new time', () => {
    const {world, quiet} = setup()
    const before = Date.parse(world.now())
    const result = world.mutate({type: 'push', repo: quiet, commits: 3})
    // A push makes room for its commits, one second apart.
    expect(Date.parse(world.now())).toBe(before + MUTATION_STEP_MS + 2000)
    const d = world.detail(quiet)
    expect(d.commits.slice(0, 3).map((c) => Date.parse(c.date))).toEqual([0, 1000, 2000].map((s) => Date.parse(world.now()) - s))
    expect(d.repo.updatedAt).toBe(world.now())
    expect(world.repo(quiet)!.updatedAt).toBe(world.now())
    expect(result.events).toEqual([{kind: 'push', repo: quiet}])
    world.mutate({type: 'pr.comment', repo: quiet, id: 1})
    expect(Date.parse(world.now())).toBe(before + 2 * MUTATION_STEP_MS + 2000)
    expect(world.detail(quiet).pullRequests.find((p) => p.id === 1)!.updatedAt).toBe(world.now())
  })

  it('push adds commits on top of the branch, with new files and one rename', () => {
    const {world, quiet} = setup()
    const head = world.detail(quiet).branches.find((b) => b.name === world.repo(quiet)!.defaultBranch)!.head
    const commitsBefore = [...world.truth('cloud', 'commit', 'c')].length
    const {details} = world.mutate({type: 'push', repo: quiet, commits: 2, message: 'PLAT-77 ship it'})
    const [first, second] = details.commits as string[]
    const d = world.detail(quiet)
    expect(d.commits.slice(0, 2).map((c) => c.hash)).toEqual([second, first])
    expect(d.commits[1]!.parents).toEqual([head])
    expect(d.commits[1]!.files.some((f) => f.status === 'renamed' && f.oldPath)).toBe(true)
    expect(d.commits[0]!.files.every((f) => f.status === 'added')).toBe(true)
    expect([...world.truth('cloud', 'commit', 'c')]).toHaveLength(commitsBefore + 2)
    expect([...world.truth('cloud', 'issueRef', 'c')].filter((r) => r.sourceId === first)).toEqual([{repo: quiet, sourceType: 'commit', sourceId: first, key: 'PLAT-77'}])
    expect(checkWorld(world)).toEqual([])
  })

  it('push to an empty repository creates its first branch and root commit', () => {
    const {world, empty} = setup()
    world.mutate({type: 'push', repo: empty, branch: 'trunk'})
    const d = world.detail(empty)
    expect(d.repo.defaultBranch).toBe('trunk')
    expect(world.repo(empty)!.defaultBranch).toBe('trunk')
    expect(d.commits).toHaveLength(1)
    expect(d.commits[0]!.parents).toEqual([])
    expect(d.branches).toEqual([{name: 'trunk', head: d.commits[0]!.hash}])
    expect(checkWorld(world)).toEqual([])
  })

  it('pr.create opens a PR from a new branch', () => {
    const {world, busy} = setup()
    const maxId = Math.max(...world.detail(busy).pullRequests.map((p) => p.id))
    const result = world.mutate({type: 'pr.create', repo: busy, title: 'WEB-5: new thing ✨'})
    expect(result.details.id).toBe(maxId + 1)
    expect(result.events.map((e) => e.kind)).toEqual(['push', 'pr.created'])
    const pr = [...world.truth('cloud', 'pullRequest', 'c')].find((p) => p.repo === busy && p.id === maxId + 1)!
    expect(pr).toMatchObject({state: 'OPEN', title: 'WEB-5: new thing ✨', createdAt: world.now(), updatedAt: world.now(), closedAt: null, mergeCommit: null, commentCount: 0})
    expect(world.detail(busy).branches.some((b) => b.name === pr.sourceBranch)).toBe(true)
    expect(checkWorld(world)).toEqual([])
  })

  it('approve, request changes and comment show up as reviews and counts', () => {
    const {world, busy} = setup()
    const id = Number(world.mutate({type: 'pr.create', repo: busy}).details.id)
    const reviewer = world.mutate({type: 'pr.approve', repo: busy, id}).details.user as string
    const approvedAt = world.now()
    let reviews = [...world.truth('cloud', 'review', 'c')].filter((r) => r.repo === busy && r.pullRequest === id)
    expect(reviews).toEqual([{repo: busy, pullRequest: id, user: reviewer, state: 'APPROVED', at: approvedAt}])
    world.mutate({type: 'pr.requestChanges', repo: busy, id, user: reviewer})
    world.mutate({type: 'pr.comment', repo: busy, id, text: 'why?'})
    reviews = [...world.truth('cloud', 'review', 'c')].filter((r) => r.repo === busy && r.pullRequest === id)
    expect(reviews).toHaveLength(1)
    expect(reviews[0]!.state).toBe('CHANGES_REQUESTED')
    expect(reviews[0]!.at! > approvedAt).toBe(true)
    const pr = [...world.truth('cloud', 'pullRequest', 'c')].find((p) => p.repo === busy && p.id === id)!
    expect(pr.commentCount).toBe(1)
    expect(pr.updatedAt).toBe(world.now())
    expect(checkWorld(world)).toEqual([])
  })

  it('merge creates a two-parent merge commit on the target and closes the PR', () => {
    const {world, busy} = setup()
    const id = openPr(world, busy)
    const pr = world.detail(busy).pullRequests.find((p) => p.id === id)!
    const targetHead = world.detail(busy).branches.find((b) => b.name === pr.targetBranch)!.head
    const sourceHead = pr.sourceCommit
    const result = world.mutate({type: 'pr.merge', repo: busy, id})
    expect(result.events.map((e) => e.kind)).toEqual(['pr.merged', 'push'])
    const d = world.detail(busy)
    const merged = d.pullRequests.find((p) => p.id === id)!
    expect(merged).toMatchObject({state: 'MERGED', closedAt: world.now(), mergeCommit: result.details.mergeCommit})
    expect(d.commits[0]).toMatchObject({hash: merged.mergeCommit, parents: [targetHead, sourceHead], date: world.now()})
    expect(d.commits[0]!.message).toContain(`(pull request #${id})`)
    expect(d.branches.find((b) => b.name === merged.targetBranch)!.head).toBe(merged.mergeCommit)
    expect(checkWorld(world)).toEqual([])
  })

  it('decline closes without a commit; closed PRs refuse reviews', () => {
    const {world, busy} = setup()
    const id = openPr(world, busy)
    const commits = world.detail(busy).commits.length
    world.mutate({type: 'pr.decline', repo: busy, id})
    expect(world.detail(busy).pullRequests.find((p) => p.id === id)).toMatchObject({state: 'DECLINED', closedAt: world.now(), mergeCommit: null})
    expect(world.detail(busy).commits).toHaveLength(commits)
    expect(() => world.mutate({type: 'pr.approve', repo: busy, id})).toThrow(WorldError)
    expect(checkWorld(world)).toEqual([])
  })

  it('refuses bad mutations with an HTTP status and leaves clock and data alone', () => {
    const {world, busy, empty} = setup()
    const now = world.now()
    const digest = truthDigest(world, 'cloud')
    const author = world.detail(busy).pullRequests.find((p) => p.state === 'OPEN')!.author
    const status = (fn: () => unknown): number | undefined => {
      try {
        fn()
      } catch (error) {
        return error instanceof WorldError ? error.status : -1
      }
      return undefined
    }
    expect(status(() => world.mutate({type: 'pr.approve', repo: busy, id: openPr(world, busy), user: author}))).toBe(400)
    expect(status(() => world.mutate({type: 'pr.merge', repo: busy, id: 9999}))).toBe(404)
    expect(status(() => world.mutate({type: 'pr.create', repo: empty}))).toBe(400)
    expect(status(() => world.mutate({type: 'push', repo: 'nope/nope'}))).toBe(404)
    expect(status(() => world.mutate({type: 'repo.create', container: busy.split('/')[0]!, slug: busy.split('/')[1]!}))).toBe(409)
    expect(status(() => world.mutate({type: 'pr.comment', repo: busy, id: 1, user: '{nobody}'}))).toBe(404)
    expect(world.now()).toBe(now)
    expect(truthDigest(world, 'cloud')).toBe(digest)
  })

  it('a force-push (drop) and a branch deletion remove the commits no branch reaches, from the truth too', () => {
    const {world, quiet} = setup()
    const main = world.repo(quiet)!.defaultBranch!
    const topic = world.mutate({type: 'push', repo: quiet, branch: 'topic/gone', commits: 2}).details.commits as string[]
    const onMain = world.mutate({type: 'push', repo: quiet, commits: 3}).details.commits as string[]
    const forced = world.mutate({type: 'push', repo: quiet, drop: 2, commits: 1})
    expect(forced.details.dropped).toEqual(expect.arrayContaining(onMain.slice(1)))
    expect(forced.details.dropped).toHaveLength(2)
    const d = world.detail(quiet)
    const newHead = (forced.details.commits as string[])[0]!
    expect(d.branches.find((b) => b.name === main)!.head).toBe(newHead)
    expect(d.commits.find((c) => c.hash === newHead)!.parents).toEqual([onMain[0]])
    const deleted = world.mutate({type: 'branch.delete', repo: quiet, branch: 'topic/gone'})
    expect(deleted.events).toEqual([{kind: 'push', repo: quiet}])
    expect(deleted.details.dropped).toEqual(expect.arrayContaining(topic))
    const truth = new Set([...world.truth('cloud', 'commit', 'c')].map((c) => c.hash))
    for (const h of [...topic, ...onMain.slice(1)]) expect(truth.has(h)).toBe(false)
    expect(truth.has(newHead) && truth.has(onMain[0]!)).toBe(true)
    expect([...world.truth('cloud', 'issueRef', 'c')].some((r) => topic.includes(r.sourceId))).toBe(false)
    expect(checkWorld(world)).toEqual([])
  })

  it('refuses a force-push or branch deletion that is impossible or would orphan a pull request', () => {
    const {world, busy, quiet} = setup()
    const status = (fn: () => unknown): number | undefined => {
      try {
        fn()
      } catch (error) {
        return error instanceof WorldError ? error.status : -1
      }
      return undefined
    }
    const digest = truthDigest(world, 'cloud')
    const main = world.repo(busy)!.defaultBranch!
    const open = world.detail(busy).pullRequests.find((p) => p.state === 'OPEN')!
    expect(status(() => world.mutate({type: 'branch.delete', repo: busy, branch: main}))).toBe(400)
    expect(status(() => world.mutate({type: 'branch.delete', repo: busy, branch: 'no/such'}))).toBe(404)
    expect(status(() => world.mutate({type: 'branch.delete', repo: busy, branch: open.sourceBranch}))).toBe(409)
    expect(status(() => world.mutate({type: 'push', repo: busy, drop: -1}))).toBe(400)
    expect(status(() => world.mutate({type: 'push', repo: busy, drop: 100_000}))).toBe(400)
    expect(truthDigest(world, 'cloud')).toBe(digest)
    // A merged PR's merge commit stays reachable: dropping it is refused.
    world.mutate({type: 'pr.merge', repo: quiet, id: openPr(world, quiet)})
    expect(status(() => world.mutate({type: 'push', repo: quiet, drop: 1}))).toBe(409)
  })

  it('repo.create and repo.delete change listings and truth', () => {
    const {world, busy} = setup()
    const container = busy.split('/')[0]!
    expect(world.mutate({type: 'repo.create', container, slug: 'fresh-repo'}).events).toEqual([{kind: 'repo.created', repo: `${container}/fresh-repo`}])
    expect(world.repo(`${container}/fresh-repo`)).toMatchObject({defaultBranch: null, createdAt: world.now()})
    world.mutate({type: 'repo.delete', repo: busy})
    const keys = [...world.truth('cloud', 'repository', 'c')].map((r) => r.key)
    expect(keys).toContain(`${container}/fresh-repo`)
    expect(keys).not.toContain(busy)
    expect(world.repo(busy)).toBeUndefined()
    expect(() => world.detail(busy)).toThrow(WorldError)
    expect([...world.truth('cloud', 'pullRequest', 'c')].some((p) => p.repo === busy)).toBe(false)
  })

  it('mutations survive LRU eviction: a regenerated repository replays its log', () => {
    const script = (w: GeneratedWorld, busy: string, quiet: string): void => {
      const id = Number(w.mutate({type: 'pr.create', repo: busy}).details.id)
      w.mutate({type: 'push', repo: quiet, commits: 2})
      w.mutate({type: 'pr.approve', repo: busy, id})
      w.mutate({type: 'pr.comment', repo: busy, id})
      w.mutate({type: 'push', repo: busy, branch: w.detail(busy).pullRequests.find((p) => p.id === id)!.sourceBranch})
      w.mutate({type: 'pr.merge', repo: busy, id})
      w.mutate({type: 'push', repo: quiet, branch: 'topic/short', commits: 2})
      w.mutate({type: 'push', repo: quiet, commits: 2})
      w.mutate({type: 'push', repo: quiet, drop: 1, commits: 2})
      w.mutate({type: 'branch.delete', repo: quiet, branch: 'topic/short'})
    }
    const roomy = setup(8)
    const tight = setup(1)
    script(roomy.world, roomy.busy, roomy.quiet)
    script(tight.world, tight.busy, tight.quiet)
    const generations = tight.world.generations
    expect(truthDigest(tight.world, 'cloud')).toBe(truthDigest(roomy.world, 'cloud'))
    expect(tight.world.generations).toBeGreaterThan(generations)
    expect(checkWorld(tight.world)).toEqual([])
  })
})
