import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {ENTITY_NAMES} from '../../../src/core/model.js'
import {openStore} from '../../../src/core/store/open.js'
import {runSync} from '../../../src/core/sync/engine.js'
import {smallWorld} from '../sync/fake-provider.js'
import {collect} from './fixtures.js'
import type {PgServer} from './pg-server.js'
import {pgAvailable, startPgServer} from './pg-server.js'
import {defineStoreSuite} from './store-suite.js'

let server: PgServer | null = null
let n = 0

beforeAll(async () => {
  if (available) server = await startPgServer()
})
afterAll(async () => {
  await server?.stop()
})

const available = pgAvailable()

if (available) {
  defineStoreSuite('postgresql', async () => openStore(await server!.createDatabase(`t${++n}`)), async (store) => {
    const url = store.description
    await store.close()
    // The description hides the password; the test cluster uses trust auth, so it still connects.
    return openStore(url)
  })
  describe('sync into PostgreSQL', () => {
    it('two syncs on two connections to one database, writing the same repositories at once, store exactly the truth, once', async () => {
      const url = await server!.createDatabase('twice')
      const provider = smallWorld()
      for (let i = 0; i < 6; i++) provider.addRepo(`ws/extra${i}`)
      // Two "machines": separate stores (pools) migrating and writing concurrently.
      const [a, b] = await Promise.all([openStore(url), openStore(url)])
      const results = await Promise.all([a, b].map((store) => runSync({connection: 'default'}, {provider, store, emit: () => undefined})))
      for (const r of results) expect(r.reposDone).toBe(provider.repos.size)
      const key = (x: unknown) => JSON.stringify(x)
      for (const e of ENTITY_NAMES) {
        const mine = (await collect(a.export(e))).map(key).sort()
        expect(mine, e).toEqual(provider.truth(e).map(key).sort())
      }
      await Promise.all([a.close(), b.close()])
    })
  })
} else {
  describe.skip('store contract: postgresql (no PostgreSQL binaries, not CI)', () => {
    it('skipped', () => undefined)
  })
}
