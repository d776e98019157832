/**
 * Fidelity against the emulator (Cloud and Data Center): a full sync stores exactly `world.truth`,
 * a no-change re-sync costs ≤ 2 requests per repo, and after mutations an incremental sync equals
 * the new truth again.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {Store} from '../../../src/core/store/types.js'
import {expectStoreEqualsTruth, startSyncRig} from './emulator-rig.js'
import type {SyncRig} from './emulator-rig.js'

describe.each([
  ['cloud', 'tiny'],
  ['datacenter', 'tiny'],
  ['cloud', 'small'],
  ['datacenter', 'small'],
] as const)('%s emulator, %s dataset', (flavor, dataset) => {
  let rig: SyncRig
  let store: Store
  let repos = 0

  beforeAll(async () => {
    rig = await startSyncRig(flavor, dataset)
    store = await rig.store()
    repos = [...rig.emu.world.truth(flavor, 'repository', 'default')].length
  })
  afterAll(async () => {
    await store?.close()
    await rig?.close()
  })

  it('a first sync stores exactly the truth', async () => {
    const r = await rig.sync(store)
    expect(r.error).toBeNull()
    expect(r.events.at(-1)).toMatchObject({type: 'summary', complete: true, reposFailed: 0})
    await expectStoreEqualsTruth(rig, store)
  })

  it('a no-change re-sync costs at most 2 requests per repository', async () => {
    // The selected repositories (as after `repos select`): no listing, so every request is per repo.
    const keys = [...rig.emu.world.truth(flavor, 'repository', 'default')].map((r) => r.key)
    rig.emu.admin.resetStats()
    const r = await rig.sync(store, {repos: keys})
    expect(r.error).toBeNull()
    const stats = rig.emu.stats()
    expect(stats.total, JSON.stringify(stats.byRoute)).toBeLessThanOrEqual(2 * repos)
    expect(r.events.at(-1)).toMatchObject({type: 'summary', complete: true, requests: stats.total})
    await expectStoreEqualsTruth(rig, store)
  })

  it('after a new PR, an approval and a push, an incremental sync equals the new truth', async () => {
    const repo = [...rig.emu.world.truth(flavor, 'repository', 'default')].find((r) => r.defaultBranch)!.key
    const created = await rig.emu.admin.mutate({type: 'pr.create', repo, title: 'Incremental ABC-999 check'})
    const id = Number(created.details.id ?? created.details.pullRequest)
    await rig.emu.admin.mutate({type: 'pr.approve', repo, id})
    const open = [...rig.emu.world.truth(flavor, 'pullRequest', 'default')].filter((p) => p.repo === repo && p.state === 'OPEN' && p.id !== id)
    if (open[0]) await rig.emu.admin.mutate({type: 'pr.comment', repo, id: open[0].id})
    // A merge: a new merge commit on the target, and (Cloud) a 12-character hash to resolve.
    if (open[1]) await rig.emu.admin.mutate({type: 'pr.merge', repo, id: open[1].id})
    await rig.emu.admin.mutate({type: 'push', repo, commits: 3})
    rig.emu.admin.resetStats()
    // Selected repositories (no listing): the repository row is refreshed because its heads moved.
    const keys = [...rig.emu.world.truth(flavor, 'repository', 'default')].map((r) => r.key)
    const r = await rig.sync(store, {repos: keys})
    expect(r.error).toBeNull()
    await expectStoreEqualsTruth(rig, store)
    // Still proportional to the change: the 3 new commits' files, a few PR pages, a handful of activity calls.
    expect(rig.emu.stats().total).toBeLessThanOrEqual(2 * repos + 20)
  })
})
