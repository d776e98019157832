/**
 * `sync --plan` with commits from git, against the emulator's real repositories: the plan counts the
 * git channel apart from REST (a clone, then a fetch, per repository), REST drops the branch listings
 * and the per-commit file requests, and the sync then makes exactly the git requests planned and REST
 * requests inside the planned range: a first sync, a no-change re-sync and a re-sync after a push.
 * Waits are computed against each channel's budget: Cloud's git has its own 60,000/hour; Data Center's
 * git draws from the REST bucket.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {fetchCloneUrl} from '../../../src/core/git/clone-url.js'
import {CLOUD_GIT_REQUESTS_PER_HOUR, GitCommitSource} from '../../../src/core/git/source.js'
import {createProvider} from '../../../src/core/provider/index.js'
import type {Store} from '../../../src/core/store/types.js'
import {runSync} from '../../../src/core/sync/engine.js'
import type {SyncEvent} from '../../../src/core/sync/events.js'
import {CONNECTION, startSyncRig} from '../sync/emulator-rig.js'
import type {SyncRig} from '../sync/emulator-rig.js'

type Plan = Extract<SyncEvent, {type: 'plan'}>
type Summary = Extract<SyncEvent, {type: 'planSummary'}>

describe.each(['cloud', 'datacenter'] as const)('sync --plan with commits from git on %s', (flavor) => {
  let rig: SyncRig
  let store: Store
  let gitDir: string

  beforeAll(async () => {
    rig = await startSyncRig(flavor, 'tiny')
    store = await rig.store()
    gitDir = mkdtempSync(join(tmpdir(), 'bb-plan-git-'))
  })
  afterAll(async () => {
    await store?.close()
    await rig?.close()
    rmSync(gitDir, {recursive: true, force: true})
  })

  async function run(plan: boolean): Promise<{events: SyncEvent[]; rest: number; git: number}> {
    const client = rig.client()
    const provider = createProvider({kind: flavor, connection: CONNECTION, client})
    const source = new GitCommitSource({
      provider: flavor, connection: CONNECTION, connectionUrl: rig.emu.apiBase, gitDir, rest: provider, env: process.env,
      authorization: async () => rig.credential.authorization,
      cloneUrl: (repo, signal) => fetchCloneUrl(client, flavor, repo, signal),
    })
    const events: SyncEvent[] = []
    const before = rig.emu.stats()
    await runSync({connection: CONNECTION, concurrency: 2, prs: false, plan}, {provider, commitSource: source, store, emit: (e) => events.push(e), httpStats: () => client.stats()})
    await client.close()
    const after = rig.emu.stats()
    return {events, rest: after.total - before.total, git: after.git - before.git}
  }

  const rows = (events: SyncEvent[]): Plan[] => events.filter((e): e is Plan => e.type === 'plan')
  const summary = (events: SyncEvent[]): Summary => events.find((e): e is Summary => e.type === 'planSummary')!

  /** Plan, then sync: the git requests are exactly those planned, REST inside the planned range. */
  async function planThenSync(action: 'clone' | 'fetch'): Promise<{plan: Summary; rows: Plan[]; made: {rest: number; git: number}}> {
    const planned = await run(true)
    const plan = summary(planned.events)
    // The plan itself never touches git.
    expect(planned.git).toBe(0)
    expect(rows(planned.events).every((r) => r.git?.action === action)).toBe(true)
    const made = await run(false)
    expect(plan.git).toBeDefined()
    expect(made.git).toBeGreaterThanOrEqual(plan.git!.requests.low)
    expect(made.git).toBeLessThanOrEqual(plan.git!.requests.high)
    expect(made.rest).toBeGreaterThanOrEqual(plan.requests!.low)
    expect(made.rest).toBeLessThanOrEqual(plan.requests!.high)
    return {plan, rows: rows(planned.events), made}
  }

  it('a first sync: one clone per repository on the git channel; REST lists commits only for authors\' accounts', async () => {
    const {plan, rows: planned, made} = await planThenSync('clone')
    const repos = rig.emu.world.containers().flatMap((c) => rig.emu.world.repos(c.key).map((r) => `${r.container}/${r.slug}`))
    expect(plan.git).toMatchObject({clones: repos.length, fetches: 0})
    // A repository with commits: refs, ls-refs and the fetch; the empty one has nothing to fetch.
    for (const key of repos) {
      const commits = rig.emu.world.detail(key).commits.length
      const row = planned.find((r) => r.repo === key)!
      expect(row.git!.requests, key).toEqual(commits > 0 ? {low: 3, high: 3} : {low: 2, high: 2})
      // No branch listing, no per-commit files over REST: one clone link and the commit pages.
      expect(row.parts!.commitFiles).toEqual({low: 0, high: 0})
      expect(row.parts!.branches).toEqual({low: 0, high: 0})
    }
    expect(made.git).toBe(repos.reduce((n, key) => n + (rig.emu.world.detail(key).commits.length > 0 ? 3 : 2), 0))
    if (flavor === 'cloud') {
      expect(plan.git).toMatchObject({requestsPerHour: CLOUD_GIT_REQUESTS_PER_HOUR, sharesRestBudget: false})
      // Far inside git's own hourly allowance: no wait on that channel.
      expect(plan.git!.seconds).toEqual({low: 0, high: 0})
    } else {
      expect(plan.git).toMatchObject({requestsPerHour: null, sharesRestBudget: true})
      expect(plan.git!.seconds).toEqual(plan.seconds)
    }
  }, 120_000)

  it('a no-change re-sync: one fetch per repository (2 git requests), nothing else on git', async () => {
    const {plan, rows: planned, made} = await planThenSync('fetch')
    expect(planned.every((r) => r.git!.requests.low === 2 && r.git!.requests.high === 2)).toBe(true)
    expect(plan.git).toMatchObject({clones: 0, fetches: planned.length})
    expect(made.git).toBe(2 * planned.length)
  }, 120_000)

  it('after a push: the pushed repository\'s fetch brings its commits (3 git requests)', async () => {
    const container = rig.emu.world.containers()[0]!.key
    const repo = `${container}/${rig.emu.world.repos(container)[0]!.slug}`
    await rig.emu.admin.mutate({type: 'push', repo, commits: 4})
    const {rows: planned, made} = await planThenSync('fetch')
    expect(planned.find((r) => r.repo === repo)!.git!.requests).toEqual({low: 3, high: 3})
    expect(planned.find((r) => r.repo === repo)!.commits).toBe(4)
    expect(made.git).toBe(2 * planned.length + 1)
  }, 120_000)
})
