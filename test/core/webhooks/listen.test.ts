/**
 * The listener end to end in one process (Cloud and Data Center): the emulator signs and delivers a
 * webhook for every mutation to a real receiver on 127.0.0.1, which applies each through the sync
 * code into a real SQLite store. With no sync run after the first, the store equals the truth.
 */
import {randomBytes} from 'node:crypto'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {createProvider} from '../../../src/core/provider/index.js'
import type {Store} from '../../../src/core/store/types.js'
import type {ListenEvent, Listener} from '../../../src/core/webhooks/listen.js'
import {startListener} from '../../../src/core/webhooks/listen.js'
import {CONNECTION, expectStoreEqualsTruth, startSyncRig} from '../sync/emulator-rig.js'
import type {SyncRig} from '../sync/emulator-rig.js'

const CLOUD_EVENTS = ['repo:push', 'pullrequest:created', 'pullrequest:updated', 'pullrequest:approved', 'pullrequest:changes_request_created', 'pullrequest:comment_created', 'pullrequest:fulfilled', 'pullrequest:rejected']
const DC_EVENTS = ['repo:refs_changed', 'pr:opened', 'pr:from_ref_updated', 'pr:merged', 'pr:declined', 'pr:reviewer:approved', 'pr:reviewer:needs_work', 'pr:comment:added', 'pr:deleted']

describe.each(['cloud', 'datacenter'] as const)('%s: webhooks listen keeps the store current', (flavor) => {
  let rig: SyncRig
  let store: Store
  let listener: Listener
  const events: ListenEvent[] = []
  const secret = randomBytes(32).toString('hex')
  let repo = ''

  beforeAll(async () => {
    rig = await startSyncRig(flavor, 'tiny', {webhooks: {retryDelayMs: 10}})
    store = await rig.store()
    const first = await rig.sync(store)
    expect(first.error).toBeNull()
    const client = rig.client()
    listener = await startListener({connection: CONNECTION, host: '127.0.0.1', port: 0, path: '/hooks', secret, repos: [], resyncEveryMs: 3_600_000}, {
      provider: createProvider({kind: flavor, connection: CONNECTION, client}),
      store,
      emit: (e) => {
        if (['listening', 'ready', 'delivery', 'applied', 'applyFailed', 'resync'].includes(e.type)) events.push(e as ListenEvent)
      },
    })
    await listener.ready
    repo = [...rig.emu.world.truth(flavor, 'repository', CONNECTION)].find((r) => r.defaultBranch)!.key
    rig.emu.state.hooks.add({
      id: flavor === 'cloud' ? '{6b1c6c9e-0000-4000-8000-000000000001}' : '1', scope: {type: 'container', key: repo.split('/')[0]!},
      url: `${listener.url}/x`, description: 'bb-integrate:default', events: flavor === 'cloud' ? CLOUD_EVENTS : DC_EVENTS,
      active: true, secret, createdAt: new Date().toISOString(), extra: {},
    })
  })
  afterAll(async () => {
    await listener?.stop()
    await store?.close()
    await rig?.close()
  })

  it('applies a PR created, approved, changes requested, commented, 7 commits pushed, merged and another declined, with no sync', async () => {
    const statsBefore = rig.emu.stats().total
    const mutate = (m: Parameters<SyncRig['emu']['admin']['mutate']>[0]) => rig.emu.admin.mutate(m, {wait: true})
    const created = await mutate({type: 'pr.create', repo, title: 'Listen ABC-123'})
    const id = Number(created.details.id)
    await mutate({type: 'pr.approve', repo, id})
    await mutate({type: 'pr.requestChanges', repo, id})
    await mutate({type: 'pr.comment', repo, id})
    await mutate({type: 'push', repo, commits: 7})
    await mutate({type: 'pr.merge', repo, id})
    const other = await mutate({type: 'pr.create', repo, title: 'To decline'})
    await mutate({type: 'pr.decline', repo, id: Number(other.details.id)})
    await listener.idle()
    const deliveries = rig.emu.admin.deliveries()
    expect(deliveries.length).toBeGreaterThanOrEqual(9)
    expect(deliveries.every((d) => d.outcome === 'delivered'), JSON.stringify(deliveries.map((d) => [d.eventKey, d.attempts]))).toBe(true)
    expect(events.filter((e) => e.type === 'applyFailed')).toEqual([])
    expect(events.filter((e) => e.type === 'applied').length).toBe(deliveries.length)
    await expectStoreEqualsTruth(rig, store)
    // Each change is read back, not taken from the payload: the reads stay proportional.
    expect(rig.emu.stats().total - statsBefore).toBeLessThan(deliveries.length * 6 + 10)
  })

  it.runIf(flavor === 'datacenter')('a deleted pull request (pr:deleted) leaves the store with its reviews, with no sync', async () => {
    const created = await rig.emu.admin.mutate({type: 'pr.create', repo, title: 'To delete'}, {wait: true})
    const id = Number(created.details.id)
    await rig.emu.admin.mutate({type: 'pr.approve', repo, id}, {wait: true})
    await listener.idle()
    const stored = async () => (await store.pullRequestIds(CONNECTION, repo)).filter((n) => n === id)
    expect(await stored()).toHaveLength(1)
    await rig.emu.admin.mutate({type: 'pr.delete', repo, id}, {wait: true})
    await listener.idle()
    expect(rig.emu.admin.deliveries().at(-1)?.eventKey).toBe('pr:deleted')
    expect(events.filter((e) => e.type === 'applyFailed')).toEqual([])
    expect(await stored()).toEqual([])
    await expectStoreEqualsTruth(rig, store)
  })

  it('Provider.pullRequest reads one PR as the list gives it, and null for one that does not exist', async () => {
    const provider = createProvider({kind: flavor, connection: CONNECTION, client: rig.client()})
    const listed = [...rig.emu.world.truth(flavor, 'pullRequest', CONNECTION)].find((p) => p.repo === repo)!
    const one = await provider.pullRequest(repo, listed.id)
    // Cloud gives a 12-character merge hash, resolved against stored commits once written.
    expect({...one!.pullRequest, mergeCommit: listed.mergeCommit}).toEqual(listed)
    if (flavor === 'cloud' && listed.mergeCommit) expect(listed.mergeCommit.startsWith(one!.mergeCommitShort!)).toBe(true)
    expect(await provider.pullRequest(repo, 987_654)).toBeNull()
  })

  it('answers a replayed delivery 200 without applying it again', async () => {
    const last = rig.emu.admin.deliveries().at(-1)!
    const applied = events.filter((e) => e.type === 'applied').length
    const res = await fetch(`${listener.url}`, {method: 'POST', headers: last.headers, body: last.body})
    expect(res.status).toBe(200)
    await listener.idle()
    expect(events.filter((e) => e.type === 'applied').length).toBe(applied)
    expect(events.at(-1)).toMatchObject({type: 'delivery', status: 'duplicate', id: flavor === 'cloud' ? last.requestUuid : last.headers['X-Request-Id']})
  })
})
