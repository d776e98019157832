/**
 * A deleted repository reaches the store through the listener (Cloud sends `repo:deleted`; Data
 * Center has no such webhook and relies on the catch-up sync). It is applied through the store's
 * `markRepositoryDeleted`, so this runs where the store has it.
 */
import {randomBytes} from 'node:crypto'

import {afterAll, describe, expect, it} from 'vitest'

import {createProvider} from '../../../src/core/provider/index.js'
import {startListener} from '../../../src/core/webhooks/listen.js'
import type {ListenEvent} from '../../../src/core/webhooks/listen.js'
import {ENTITY_NAMES} from '../../../src/core/model.js'
import {CONNECTION, expectStoreEqualsTruth, startSyncRig, storeLines, truthLines} from '../sync/emulator-rig.js'

const rig = await startSyncRig('cloud', 'tiny', {webhooks: {retryDelayMs: 10}})
const store = await rig.store()

describe('repo:deleted', () => {
  afterAll(async () => {
    await store.close()
    await rig.close()
  })

  it.skipIf(!('markRepositoryDeleted' in store))('marks the repository deleted, with no sync run', async () => {
    expect((await rig.sync(store)).error).toBeNull()
    const secret = randomBytes(32).toString('hex')
    const events: ListenEvent[] = []
    const listener = await startListener({connection: CONNECTION, host: '127.0.0.1', port: 0, path: '/', secret, repos: [], resyncEveryMs: 3_600_000}, {
      provider: createProvider({kind: 'cloud', connection: CONNECTION, client: rig.client()}),
      store,
      emit: (e) => {
        if (e.type === 'applied' || e.type === 'applyFailed') events.push(e)
      },
    })
    await listener.ready
    const repo = [...rig.emu.world.truth('cloud', 'repository', CONNECTION)][0]!.key
    rig.emu.state.hooks.add({
      id: '{0c2d5a8e-0000-4000-8000-00000000d001}', scope: {type: 'container', key: repo.split('/')[0]!}, url: listener.url,
      description: 'bb-integrate:default', events: ['repo:deleted'], active: true, secret, createdAt: new Date().toISOString(), extra: {},
    })
    await rig.emu.admin.mutate({type: 'repo.delete', repo}, {wait: true})
    await listener.idle()
    expect(events).toMatchObject([{type: 'applied', event: 'repo:deleted', repo}])
    // Accounts outlive a repository: the people who worked in it stay known (a superset of the truth's
    // users, which the emulator derives from the remaining repositories); everything else is exact.
    await expectStoreEqualsTruth(rig, store, ENTITY_NAMES.filter((e) => e !== 'user'))
    const users = new Set(await storeLines(rig, store, 'user'))
    expect(truthLines(rig, 'user').filter((u) => !users.has(u))).toEqual([])
    await listener.stop()
  })
})
