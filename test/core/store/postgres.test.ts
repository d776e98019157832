import {afterAll, beforeAll, describe, it} from 'vitest'

import {openStore} from '../../../src/core/store/open.js'
import type {PgServer} from './pg-server.js'
import {startPgServer} from './pg-server.js'
import {defineStoreSuite} from './store-suite.js'

let server: PgServer | null = null
let n = 0

beforeAll(async () => {
  server = await startPgServer()
})
afterAll(async () => {
  await server?.stop()
})

const available = Boolean(process.env.CI) || (await import('node:fs')).existsSync('/usr/local/bin/initdb') || (await import('node:fs')).existsSync('/usr/lib/postgresql')

if (available) {
  defineStoreSuite('postgresql', async () => openStore(await server!.createDatabase(`t${++n}`)), async (store) => {
    const url = store.description
    await store.close()
    // The description hides the password; the test cluster uses trust auth, so it still connects.
    return openStore(url)
  })
} else {
  describe.skip('store contract: postgresql (no PostgreSQL binaries, not CI)', () => {
    it('skipped', () => undefined)
  })
}
