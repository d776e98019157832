/**
 * The real pieces end to end: the project's emulator on 127.0.0.1, the real HTTP client and
 * provider, a real SQLite store, and runSync. Compares the store with `world.truth(...)`.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {expect} from 'vitest'

import {createHttpClient} from '../../../src/core/http/client.js'
import type {HttpClient, HttpClientOptions} from '../../../src/core/http/types.js'
import {ENTITY_NAMES} from '../../../src/core/model.js'
import type {EntityName} from '../../../src/core/model.js'
import {createProvider} from '../../../src/core/provider/index.js'
import {openStore} from '../../../src/core/store/open.js'
import type {Store} from '../../../src/core/store/types.js'
import {runSync} from '../../../src/core/sync/engine.js'
import {httpEventBridge} from '../../../src/core/sync/http-events.js'
import type {SyncEvent} from '../../../src/core/sync/events.js'
import type {SyncOptions} from '../../../src/core/sync/options.js'
import {startEmulator} from '../../../emulator/index.js'
import type {EmulatorOptions, RunningEmulator} from '../../../emulator/index.js'
import {collect} from '../store/fixtures.js'

export const CONNECTION = 'default'

export interface SyncRig {
  emu: RunningEmulator
  flavor: 'cloud' | 'datacenter'
  dir: string
  storePath: string
  credential: {authorization: string; token: string; username: string; email: string}
  client(options?: Partial<HttpClientOptions>): HttpClient
  store(): Promise<Store>
  sync(store: Store, options?: Partial<SyncOptions>, http?: Partial<HttpClientOptions>, signal?: AbortSignal): Promise<{events: SyncEvent[]; error: unknown; requests: number}>
  close(): Promise<void>
}

export async function startSyncRig(flavor: 'cloud' | 'datacenter', dataset: string, extra: Partial<EmulatorOptions> = {}): Promise<SyncRig> {
  const emu = await startEmulator({flavor, dataset, seed: 11, rateLimit: null, ...extra})
  const credential = await emu.admin.demoCredential()
  const dir = mkdtempSync(join(tmpdir(), `bb-fid-${flavor}-`))
  const storePath = join(dir, 'bb-integrate.db')
  const client = (options: Partial<HttpClientOptions> = {}) => createHttpClient({
    baseUrl: emu.apiBase,
    provider: flavor,
    credentials: [{id: 'default/1', principal: `user:${credential.username}`, authorization: async () => credential.authorization, secrets: () => [credential.token]}],
    limiter: {requestsPerWindow: 1_000_000},
    retry: {baseDelayMs: 5, maxDelayMs: 50, maxAttempts: 8},
    ...options,
  })
  return {
    emu, flavor, dir, storePath, credential, client,
    store: () => openStore(storePath),
    async sync(store, options = {}, http = {}, signal) {
      const events: SyncEvent[] = []
      const c = client({onEvent: httpEventBridge((e) => events.push(e)), ...http})
      const provider = createProvider({kind: flavor, connection: CONNECTION, client: c})
      const before = emu.stats().total
      let error: unknown = null
      try {
        await runSync({connection: CONNECTION, concurrency: 4, ...options}, {provider, store, emit: (e) => events.push(e), signal, httpStats: () => c.stats()})
      } catch (e) {
        error = e
      }
      await c.close()
      return {events, error, requests: emu.stats().total - before}
    },
    async close() {
      await emu.close()
      rmSync(dir, {recursive: true, force: true})
    },
  }
}

/** Cloud renders commit dates in whole seconds (as git does); its truth keeps milliseconds. */
function normalise(flavor: string, entity: EntityName, item: object): string {
  const x = flavor === 'cloud' && entity === 'commit' ? {...item, date: (item as {date: string}).date.replace(/\.\d{3}Z$/, '.000Z')} : item
  return JSON.stringify(x, Object.keys(x).sort())
}

export async function storeLines(rig: SyncRig, store: Store, entity: EntityName): Promise<string[]> {
  return (await collect(store.export(entity))).map((x) => normalise(rig.flavor, entity, x)).sort()
}

export function truthLines(rig: SyncRig, entity: EntityName): string[] {
  return [...rig.emu.world.truth(rig.flavor, entity, CONNECTION, {webBase: rig.emu.url} as never)].map((x) => normalise(rig.flavor, entity, x as object)).sort()
}

/** The store holds exactly the truth: nothing missing, nothing extra, nothing duplicated. */
export async function expectStoreEqualsTruth(rig: SyncRig, store: Store, entities: readonly EntityName[] = ENTITY_NAMES): Promise<void> {
  for (const entity of entities) {
    const mine = await storeLines(rig, store, entity)
    const truth = truthLines(rig, entity)
    const m = new Set(mine)
    const t = new Set(truth)
    expect({missing: truth.filter((x) => !m.has(x)).slice(0, 3), extra: mine.filter((x) => !t.has(x)).slice(0, 3)}, `${rig.flavor} ${entity}`).toEqual({missing: [], extra: []})
    expect(mine.length, `${rig.flavor} ${entity} count`).toBe(truth.length)
  }
}
