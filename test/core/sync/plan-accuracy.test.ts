/**
 * `sync --plan` against the emulator: the requests it plans are the ones the sync then makes
 * (within ±25%, and inside the range it gives), first sync and a re-sync after a push; a repository
 * that 404s is reported and does not stop the plan.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {SyncEvent} from '../../../src/core/sync/events.js'
import {startSyncRig} from './emulator-rig.js'
import type {SyncRig} from './emulator-rig.js'

type Summary = Extract<SyncEvent, {type: 'planSummary'}>
const planOf = (events: SyncEvent[]) => events.find((e): e is Summary => e.type === 'planSummary')!

// adversarial: every reviewer requests changes, so nearly every PR needs its activity.
describe.each([['cloud', 'small'], ['datacenter', 'small'], ['cloud', 'adversarial']] as const)('%s %s: sync --plan', (flavor, dataset) => {
  let rig: SyncRig

  beforeAll(async () => {
    rig = await startSyncRig(flavor, dataset)
  })
  afterAll(async () => rig?.close())

  it('plans the requests the first sync makes, then those of a re-sync after a push', async () => {
    const store = await rig.store()
    const planned = await rig.sync(store, {plan: true})
    expect(planned.error).toBeNull()
    const plan = planOf(planned.events)
    expect(await store.count('commit')).toBe(0)
    const made = await rig.sync(store)
    expect(made.error).toBeNull()
    expect(plan.estimatedRequests / made.requests).toBeGreaterThan(0.75)
    expect(plan.estimatedRequests / made.requests).toBeLessThan(1.25)
    expect(plan.requests!.low).toBeLessThanOrEqual(made.requests)
    expect(plan.requests!.high).toBeGreaterThanOrEqual(made.requests)
    // At the API minimum (Cloud: the repository-level activity listing where it is cheaper than one per PR).
    // Data Center's listing takes one head, so every further branch costs one walk the minimum (one
    // listing reaching every commit) does not count.
    const world = rig.emu.world
    const extraWalks = flavor === 'cloud' ? 0 : world.containers().flatMap((c) => world.repos(c.key))
      .reduce((n, r) => n + Math.max(0, world.detail(`${r.container}/${r.slug}`).branches.length - 1), 0)
    expect(made.requests).toBeLessThanOrEqual(rig.emu.admin.minimum({reviews: true, commitFiles: true}) + extraWalks)
    // The plan's own requests are first pages and listings: a small share of the sync's.
    expect(plan.planRequests!).toBeLessThan(made.requests / 2)

    const container = rig.emu.world.containers()[0]!.key
    const repo = `${container}/${rig.emu.world.repos(container)[0]!.slug}`
    rig.emu.world.mutate({type: 'push', repo, commits: 30})
    const again = planOf((await rig.sync(store, {plan: true})).events)
    const resync = await rig.sync(store)
    expect(resync.error).toBeNull()
    expect(again.requests!.low).toBeLessThanOrEqual(resync.requests)
    expect(again.requests!.high).toBeGreaterThanOrEqual(resync.requests)
    expect(again.estimatedRequests / resync.requests).toBeGreaterThan(0.75)
    expect(again.estimatedRequests / resync.requests).toBeLessThan(1.25)
    await store.close()
  }, 120_000)

  it('reports a repository that 404s and plans the others', async () => {
    const store = await rig.store()
    const container = rig.emu.world.containers()[0]!.key
    const real = rig.emu.world.repos(container).slice(0, 2).map((r) => `${container}/${r.slug}`)
    const gone = `${container}/no-such-repo`
    const r = await rig.sync(store, {plan: true, repos: [...real, gone], full: true})
    expect(r.error).toBeNull()
    const rows = r.events.filter((e): e is Extract<SyncEvent, {type: 'plan'}> => e.type === 'plan')
    expect(rows.map((e) => [e.repo, e.status]).sort()).toEqual([...real.map((k) => [k, 'ok']), [gone, 'not-found']].sort())
    expect(rows.find((e) => e.repo === gone)?.message).toMatch(/404/)
    expect(planOf(r.events)).toMatchObject({repos: 3, notFound: [gone], failed: []})
    await store.close()
  }, 60_000)
})
