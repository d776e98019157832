/**
 * A sync in its own process, for kill -9 tests: the parent kills it at random moments. Reads its
 * setup from BB_TEST_SYNC (JSON) and prints NDJSON events on stdout.
 */
import {createHttpClient} from '../../../src/core/http/client.js'
import {createProvider} from '../../../src/core/provider/index.js'
import {openStore} from '../../../src/core/store/open.js'
import {runSync} from '../../../src/core/sync/engine.js'
import {ndjsonSink} from '../../../src/ui/sync-ndjson.js'

const setup = JSON.parse(process.env.BB_TEST_SYNC ?? '{}') as {apiBase: string; flavor: 'cloud' | 'datacenter'; authorization: string; store: string; concurrency?: number}
const client = createHttpClient({
  baseUrl: setup.apiBase,
  provider: setup.flavor,
  credentials: [{id: 'default/1', principal: 'kill-test', authorization: async () => setup.authorization, secrets: () => []}],
  limiter: {requestsPerWindow: 1_000_000},
})
const store = await openStore(setup.store)
try {
  await runSync({connection: 'default', concurrency: setup.concurrency ?? 4}, {
    provider: createProvider({kind: setup.flavor, connection: 'default', client}),
    store,
    emit: ndjsonSink((line) => process.stdout.write(line)),
    httpStats: () => client.stats(),
  })
} finally {
  await store.close()
  await client.close()
}
