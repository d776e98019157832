import {it} from 'vitest'
import {createProvider} from '../../../src/core/provider/index.js'
import {runSync} from '../../../src/core/sync/engine.js'
import {collect} from '../store/fixtures.js'
import {startSyncRig} from './emulator-rig.js'

it('debug', async () => {
  const rig = await startSyncRig('cloud', 'tiny')
  const store = await rig.store()
  await rig.sync(store)
  const repo = [...rig.emu.world.truth('cloud', 'repository', 'default')].find((r) => r.defaultBranch)!.key
  console.log('state', (await store.repoState('default', repo)).branchHeads.find((b) => b.name === 'master'))
  const created = await rig.emu.admin.mutate({type: 'pr.create', repo, title: 'Incremental ABC-999 check'})
  const id = Number(created.details.id)
  await rig.emu.admin.mutate({type: 'pr.approve', repo, id})
  const pushed = await rig.emu.admin.mutate({type: 'push', repo, commits: 3})
  console.log('pushed', pushed.details)
  const provider = createProvider({kind: 'cloud', connection: 'default', client: rig.client()})
  const orig = provider.commits.bind(provider)
  provider.commits = async function* (r, o, s) {
    console.log('walk', r, o.include.map((x) => x.slice(0, 8)), o.exclude.map((x) => x.slice(0, 8)))
    for await (const p of orig(r, o, s)) { console.log('page', p.items.map((c) => c.commit.hash.slice(0, 8))); yield p }
  }
  await runSync({connection: 'default', repos: [repo]}, {provider, store, emit: () => undefined})
  const mine = new Set((await collect(store.export('commit'))).map((c) => c.hash))
  const truth = [...rig.emu.world.truth('cloud', 'commit', 'default')].filter((c) => !mine.has(c.hash))
  console.log('missing', truth.map((c) => c.hash + ' ' + c.date))
  await store.close()
  await rig.close()
})
