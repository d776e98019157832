/**
 * Both providers against the project's emulator with the real HTTP client: complete listings equal
 * `world.truth(...)`, pagination is complete and resumable, and the request count stays at the
 * minimum the emulator computes for largest-page clients.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {AuthError, exitCodeOf} from '../../../src/core/errors.js'
import {createHttpClient} from '../../../src/core/http/client.js'
import type {EntityName} from '../../../src/core/model.js'
import {createProvider, createWebhookApi} from '../../../src/core/provider/index.js'
import type {Page} from '../../../src/core/provider/types.js'
import {canonical, CONNECTION, diff, listEverything} from './harness.js'
import type {Listing, Rig} from './harness.js'
import {startRig} from './harness.js'

const webhookApi = (rig: Rig) => createWebhookApi({kind: rig.provider.kind, client: rig.client})

const ENTITIES = ['repository', 'pullRequest', 'review', 'commit', 'commitFile', 'user'] as const

async function all<T>(pages: AsyncIterable<Page<T>>): Promise<{items: T[]; cursors: Array<string | null>; sizes: number[]}> {
  const items: T[] = []
  const cursors: Array<string | null> = []
  const sizes: number[] = []
  for await (const p of pages) {
    items.push(...p.items)
    cursors.push(p.cursor)
    sizes.push(p.items.length)
  }
  return {items, cursors, sizes}
}

/**
 * The emulator renders Cloud commit dates as git does, in whole seconds, while its truth keeps the
 * milliseconds of the generated history: a client cannot recover them, so Cloud commit dates are
 * compared to the second.
 */
function comparable(flavor: 'cloud' | 'datacenter', entity: EntityName, items: Iterable<object>): string[] {
  const list = [...items]
  if (flavor === 'cloud' && entity === 'commit') {
    return canonical(list.map((c) => ({...c, date: (c as {date: string}).date.replace(/\.\d{3}Z$/, '.000Z')})))
  }
  return canonical(list)
}

function expectTruth(rig: Rig, flavor: 'cloud' | 'datacenter', entity: EntityName, actual: Iterable<object>): void {
  const truth = comparable(flavor, entity, rig.emu.world.truth(flavor, entity, CONNECTION, {webBase: rig.emu.url}) as Iterable<object>)
  const mine = comparable(flavor, entity, actual)
  expect(diff(mine, truth), `${flavor} ${entity}`).toEqual({missing: [], extra: []})
  expect(mine.length).toBe(truth.length)
}

describe.each(['cloud', 'datacenter'] as const)('%s provider against the emulator', (flavor) => {
  describe('tiny dataset, everything', () => {
    let rig: Rig
    let listing: Listing
    beforeAll(async () => {
      rig = await startRig(flavor, 'tiny')
      rig.emu.admin.resetStats()
      listing = await listEverything(rig.provider, {commitFiles: true})
    })
    afterAll(async () => rig?.close())

    it.each(ENTITIES)('lists %s exactly as the truth', (entity) => {
      expect(listing[entity].length).toBeGreaterThan(0)
      expectTruth(rig, flavor, entity, listing[entity] as object[])
    })

    it('costs no more requests than the largest-page minimum', () => {
      const used = rig.emu.stats().total
      const minimum = rig.emu.world.minimumRequests(flavor, {commitFiles: true, reviews: true})
      console.log(`[requests] ${flavor} tiny: ${used} used / ${minimum} minimum = ${(used / minimum).toFixed(2)}`, rig.emu.stats().byRoute)
      // Only successes, bar the 404 DC answers for the default branch of an empty repository.
      const empty = [...rig.emu.world.truth(flavor, 'repository', CONNECTION)].filter((r) => r.defaultBranch === null).length
      expect(rig.emu.stats().byStatus).toEqual(flavor === 'datacenter' && empty > 0 ? {200: used - empty, 404: empty} : {200: used})
      expect(used).toBeLessThanOrEqual(minimum)
    })
  })

  describe('medium dataset: pagination', () => {
    let rig: Rig
    beforeAll(async () => {
      rig = await startRig(flavor, 'medium')
    })
    afterAll(async () => rig?.close())

    it('lists every repository across pages (one container holds more than 100)', async () => {
      rig.emu.admin.resetStats()
      const {items} = await all(rig.provider.repositories())
      expect(items.length).toBeGreaterThan(100)
      expectTruth(rig, flavor, 'repository', items)
    })

    it('lists pull requests in every state over several pages and resumes from a cursor', async () => {
      const truth = [...rig.emu.world.truth(flavor, 'pullRequest', CONNECTION)]
      const counts = new Map<string, number>()
      for (const pr of truth) counts.set(pr.repo, (counts.get(pr.repo) ?? 0) + 1)
      const [busiest, total] = [...counts].sort((a, b) => b[1] - a[1])[0]!
      expect(total).toBeGreaterThan(100)
      expect(new Set(truth.filter((p) => p.repo === busiest).map((p) => p.state)).size).toBeGreaterThanOrEqual(3)

      const first = await all(rig.provider.pullRequests(busiest))
      const ids = first.items.map((r) => r.pullRequest.id)
      expect(new Set(ids).size).toBe(total)
      // Cloud: 50 per page; DC: one page of up to 1000.
      expect(first.cursors.length).toBe(flavor === 'cloud' ? Math.ceil(total / 50) : 1)
      expect(first.cursors.at(-1)).toBeNull()
      if (flavor === 'cloud') {
        const resumed = await all(rig.provider.pullRequests(busiest, {cursor: first.cursors[0]!}))
        expect(resumed.items.map((r) => r.pullRequest.id)).toEqual(ids.slice(50))
      }
    })

    it('lists only PRs updated after a watermark', async () => {
      const [repo] = [...rig.emu.world.truth(flavor, 'repository', CONNECTION)].filter((r) => r.defaultBranch).map((r) => r.key)
      const truth = [...rig.emu.world.truth(flavor, 'pullRequest', CONNECTION)].filter((p) => p.repo === repo)
      const times = truth.map((p) => p.updatedAt).sort()
      const since = times[Math.floor(times.length / 2)]!
      rig.emu.admin.resetStats()
      const {items} = await all(rig.provider.pullRequests(repo!, {updatedSince: since}))
      expect(items.map((r) => r.pullRequest.id).sort((a, b) => a - b)).toEqual(
        truth.filter((p) => p.updatedAt > since).map((p) => p.id).sort((a, b) => a - b))
      expect(rig.emu.stats().total).toBe(1)
    })

    it('lists every commit of every repository from its branch heads', async () => {
      const repos = (await all(rig.provider.repositories())).items
      const commits: object[] = []
      for (const repo of repos) {
        const heads = (await all(rig.provider.branches(repo.key))).items.map((b) => b.head)
        if (heads.length === 0) continue
        commits.push(...(await all(rig.provider.commits(repo.key, {include: heads, exclude: []}))).items.map((r) => r.commit))
      }
      expectTruth(rig, flavor, 'commit', commits)
    })

    it('resumes a commit listing from a cursor and, given old heads, returns only the new commits', async () => {
      const counts = new Map<string, number>()
      for (const c of rig.emu.world.truth(flavor, 'commit', CONNECTION)) counts.set(c.repo, (counts.get(c.repo) ?? 0) + 1)
      const [repo, total] = [...counts].sort((a, b) => b[1] - a[1])[0]!
      const heads = (await all(rig.provider.branches(repo))).items.map((b) => b.head)
      const full = await all(rig.provider.commits(repo, {include: heads, exclude: []}))
      expect(full.items).toHaveLength(total)
      // Cloud: pages of 100 in one walk; DC: one walk per branch head.
      expect(full.cursors.length).toBeGreaterThan(1)
      const rest = await all(rig.provider.commits(repo, {include: heads, exclude: [], cursor: full.cursors[0]!}))
      expect(new Set([...full.items.slice(0, full.sizes[0]), ...rest.items].map((r) => r.commit.hash)))
        .toEqual(new Set(full.items.map((r) => r.commit.hash)))

    })
  })

  describe('identity, version, counts and webhooks', () => {
    let rig: Rig
    beforeAll(async () => {
      rig = await startRig(flavor, 'tiny')
    })
    afterAll(async () => rig?.close())

    it('identifies the credential\'s user with the canonical id', async () => {
      const first = rig.emu.world.users()[0]!
      const id = await rig.provider.identity()
      expect(id).toMatchObject({id: flavor === 'cloud' ? first.uuid : first.slug, displayName: first.displayName, kind: 'user',
        accountId: flavor === 'cloud' ? first.accountId : first.name})
      expect(await rig.provider.serverVersion()).toBe(flavor === 'cloud' ? null : '9.4.2')
    })

    it('rejects a wrong credential with an AuthError (exit code 3)', async () => {
      const client = createHttpClient({baseUrl: rig.emu.apiBase, provider: flavor, retry: {maxAttempts: 1},
        credentials: [{id: 'bad/1', principal: 'bad', authorization: async () => 'Bearer not-a-token', secrets: () => ['not-a-token']}]})
      try {
        const err = await createProvider({kind: flavor, connection: CONNECTION, client}).identity().catch((e: unknown) => e)
        expect(err).toBeInstanceOf(AuthError)
        expect(exitCodeOf(err)).toBe(3)
      } finally {
        await client.close()
      }
    })

    it('counts pull requests in every state where the API can tell', async () => {
      const repo = [...rig.emu.world.truth(flavor, 'repository', CONNECTION)].find((r) => r.defaultBranch)!.key
      const prs = [...rig.emu.world.truth(flavor, 'pullRequest', CONNECTION)].filter((p) => p.repo === repo).length
      const branches = (await all(rig.provider.branches(repo))).items.length
      expect(await rig.provider.counts(repo)).toEqual({pullRequests: flavor === 'cloud' ? prs : null, commits: null, branches})
    })

    it('creates, lists, updates and deletes a repository webhook without ever reading its secret', async () => {
      const repo = [...rig.emu.world.truth(flavor, 'repository', CONNECTION)][0]!.key
      const events = flavor === 'cloud' ? ['pullrequest:created', 'repo:push'] : ['pr:opened', 'repo:refs_changed']
      const created = await webhookApi(rig).create('repo', repo, {url: 'https://hooks.example.test/bb', description: 'bb-integrate', events, active: true, secret: 's3cret'})
      expect(created).toMatchObject({url: 'https://hooks.example.test/bb', description: 'bb-integrate', events, active: true, hasSecret: true})
      expect((await all(webhookApi(rig).list('repo', repo))).items.map((h) => h.id)).toContain(created.id)
      // Leaving the secret out keeps it (DC cannot say so: its secret is write-only).
      const updated = await webhookApi(rig).update('repo', repo, created.id, {url: 'https://hooks.example.test/bb2', description: 'bb-integrate', events, active: false})
      expect(updated).toMatchObject(flavor === 'cloud'
        ? {id: created.id, url: 'https://hooks.example.test/bb2', active: false, hasSecret: true}
        : {id: created.id, url: 'https://hooks.example.test/bb2', active: false, hasSecret: false, secretUnknown: true})
      const stored = (): unknown => rig.emu.state.hooks.list().find((h) => h.url === 'https://hooks.example.test/bb2')?.secret
      expect(stored()).toBe('s3cret')
      const cleared = await webhookApi(rig).update('repo', repo, created.id, {url: 'https://hooks.example.test/bb2', description: 'bb-integrate', events, active: false, secret: null})
      expect(cleared.hasSecret).toBe(false)
      expect(stored()).toBeNull()
      await webhookApi(rig).delete('repo', repo, created.id)
      expect((await all(webhookApi(rig).list('repo', repo))).items.map((h) => h.id)).not.toContain(created.id)
    })
  })

  describe('incremental commits', () => {
    let rig: Rig
    beforeAll(async () => {
      rig = await startRig(flavor, 'tiny')
    })
    afterAll(async () => rig?.close())

    // A fresh world: the emulator's Cloud commit graph is cached per repository and a push after a
    // listing of that repository is not seen by it (reported to the emulator's owners).
    it('given the old heads as exclusions, returns exactly the pushed commits in one request', async () => {
      const repo = [...rig.emu.world.truth(flavor, 'repository', CONNECTION)].find((r) => r.defaultBranch)!.key
      const heads = (await all(rig.provider.branches(repo))).items.map((b) => b.head)
      const pushed = await rig.emu.admin.mutate({type: 'push', repo, commits: 3})
      const newHeads = (await all(rig.provider.branches(repo))).items.map((b) => b.head).filter((h) => !heads.includes(h))
      rig.emu.admin.resetStats()
      const delta = await all(rig.provider.commits(repo, {include: newHeads, exclude: [...heads].sort()}))
      expect(delta.items.map((r) => r.commit.hash).sort()).toEqual([...(pushed.details.commits as string[])].sort())
      expect(delta.cursors).toEqual([null])
      expect(rig.emu.stats().total).toBe(1)

      // Every old commit as an exclusion: far too long for a URL (Cloud switches to its POST form).
      const old = [...rig.emu.world.truth(flavor, 'commit', CONNECTION)].filter((c) => c.repo === repo && !delta.items.some((d) => d.commit.hash === c.hash)).map((c) => c.hash)
      expect(old.length * 41).toBeGreaterThan(4000)
      const again = await all(rig.provider.commits(repo, {include: newHeads, exclude: old}))
      expect(again.items.map((r) => r.commit.hash).sort()).toEqual(delta.items.map((r) => r.commit.hash).sort())
    })

    it('limits commit files to a path prefix', async () => {
      const files = [...rig.emu.world.truth(flavor, 'commitFile', CONNECTION)]
      const sample = files.find((f) => f.path.includes('/') && f.status !== 'renamed')!
      const dir = sample.path.slice(0, sample.path.indexOf('/'))
      const expected = files.filter((f) => f.repo === sample.repo && f.commit === sample.commit)
        .filter((f) => f.path.startsWith(`${dir}/`) || (f.oldPath ?? '').startsWith(`${dir}/`))
      const got = await all(rig.provider.commitFiles(sample.repo, sample.commit, {pathPrefix: `${dir}/`}))
      expect(canonical(got.items)).toEqual(canonical(expected))
      expect(got.items.length).toBeGreaterThan(0)
    })
  })
})

describe('datacenter paging beyond one page of 1000', () => {
  let rig: Rig
  beforeAll(async () => {
    rig = await startRig('datacenter', {containers: 1, reposPerContainer: 1, prsPerRepo: 1100, commitsPerRepo: 1100, filesPerCommit: 1})
  })
  afterAll(async () => rig?.close())

  it('follows nextPageStart for pull requests and commits', async () => {
    const [repo] = (await all(rig.provider.repositories())).items
    rig.emu.admin.resetStats()
    const prs = await all(rig.provider.pullRequests(repo!.key))
    expect(prs.cursors).toEqual(['1000', null])
    expectTruth(rig, 'datacenter', 'pullRequest', prs.items.map((r) => r.pullRequest))
    const heads = (await all(rig.provider.branches(repo!.key))).items.map((b) => b.head)
    const commits = await all(rig.provider.commits(repo!.key, {include: heads, exclude: []}))
    expectTruth(rig, 'datacenter', 'commit', commits.items.map((r) => r.commit))
  })
})
