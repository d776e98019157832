import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {FileStore} from '../../../src/core/auth/file-store.js'
import {MemoryStore} from '../../../src/core/auth/memory-store.js'
import {secretAccount, serializeSecret} from '../../../src/core/auth/secret.js'
import type {SecretStore} from '../../../src/core/auth/types.js'
import type {Connection, CredentialMeta} from '../../../src/core/config/schema.js'
import {ConfigStore} from '../../../src/core/config/store.js'
import {startEmulator, type RunningEmulator} from '../../../emulator/index.js'
import type {World} from '../../../emulator/world/types.js'

export interface Fixture {
  emu: RunningEmulator
  dir: string
  config: ConfigStore
  store: SecretStore
  connection: Connection
  selection: string[]
  close(): Promise<void>
}

export interface FixtureOptions {
  flavor?: 'cloud' | 'datacenter'
  scopes?: string[]
  /** Basic user for the Cloud API token; default: the user's e-mail. */
  email?: (user: {email: string; name: string}) => string
  /** How many repos to select (the first N of the first container). */
  select?: number
  /** Secrets in the plain file (for the built CLI, which has no MemoryStore). */
  fileStore?: boolean
  url?: (emu: RunningEmulator) => string
  caFile?: string
  tls?: {key: string | Buffer; cert: string | Buffer}
  /** A ready world (e.g. 5,000 repositories); default the tiny dataset. */
  world?: World
  dataset?: string
}

/** An emulator plus a config dir holding one connection with one credential minted on it. */
export async function setupFixture(options: FixtureOptions = {}): Promise<Fixture> {
  const flavor = options.flavor ?? 'cloud'
  const emu = await startEmulator({flavor, dataset: options.dataset ?? 'tiny', seed: 11, tls: options.tls, world: options.world, rateLimit: null})
  const user = emu.world.users()[0]
  if (!user) throw new Error('no users')
  const kind = flavor === 'cloud' ? 'api-token' : 'pat'
  const token = emu.admin.createToken({kind, user: user.uuid, scopes: options.scopes})
  const dir = mkdtempSync(path.join(tmpdir(), 'bbi-validate-'))
  const config = new ConfigStore({configDir: dir})
  const storeKind = options.fileStore ? 'file' : 'keychain'
  const email = flavor === 'cloud' ? (options.email ? options.email(user) : user.email) : undefined
  const identityId = flavor === 'cloud' ? user.uuid : user.slug
  const meta: CredentialMeta = {
    id: '1', kind, store: storeKind,
    principal: flavor === 'cloud' ? `cloud-user:${identityId}` : `dc-user:${identityId}`,
    ...(email ? {email} : {}),
    identity: {id: identityId, displayName: user.displayName, accountId: flavor === 'cloud' ? user.accountId : user.name},
    scopes: null, expiresAt: null, createdAt: new Date().toISOString(),
  }
  const container = emu.world.containers()[0]?.key as string
  const selection = emu.world.repos(container).slice(0, options.select ?? 3).map((r) => `${r.container}/${r.slug}`)
  const connection: Connection = {
    name: 'default', provider: flavor, url: options.url ? options.url(emu) : emu.apiBase,
    ...(options.caFile ? {caFile: options.caFile} : {}),
    credentials: [meta], selection, createdAt: new Date().toISOString(),
  }
  config.putConnection(connection, {makeDefault: true})
  const store: SecretStore = options.fileStore ? new FileStore({path: path.join(dir, 'secrets.json'), warn: () => undefined}) : new MemoryStore()
  await store.set(secretAccount('default', '1'), serializeSecret({kind, token: token.secret}))
  return {
    emu, dir, config, store, connection, selection,
    close: async () => {
      await emu.close()
      rmSync(dir, {recursive: true, force: true})
    },
  }
}
