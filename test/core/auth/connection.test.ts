import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {connect} from '../../../src/core/auth/connect.js'
import {MemoryStore} from '../../../src/core/auth/memory-store.js'
import {parseSecret} from '../../../src/core/auth/secret.js'
import {ConfigStore} from '../../../src/core/config/store.js'
import {openConnection} from '../../../src/core/connection.js'
import {readEnv} from '../../../src/core/env.js'
import {AuthError, UsageError} from '../../../src/core/errors.js'
import {startEmulator, type RunningEmulator} from '../../../emulator/index.js'
import {fakeBrowser} from './fake-browser.js'
import {freePort} from '../../helpers/net.js'


describe('openConnection', () => {
  let cloud: RunningEmulator
  let dir: string
  let config: ConfigStore
  let keychain: MemoryStore

  beforeAll(async () => {
    cloud = await startEmulator({flavor: 'cloud', dataset: 'tiny'})
  })
  afterAll(async () => cloud.close())
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bbi-open-'))
    config = new ConfigStore({configDir: dir})
    keychain = new MemoryStore()
  })
  afterEach(() => rmSync(dir, {recursive: true, force: true}))

  const env = (extra: Record<string, string> = {}) => readEnv({BB_INTEGRATE_CONFIG_DIR: dir, ...extra})

  it('without any connection: UsageError "No connection — run `bb-integrate connect`" (exit 2)', async () => {
    const error = await openConnection({warn: () => undefined, env: env(), config, secretStore: keychain}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).message).toBe('No connection — run `bb-integrate connect`')
    expect((error as UsageError).exitCode).toBe(2)
  })

  it('BB_INTEGRATE_TOKEN + EMAIL + PROVIDER/URL work with no config at all (Basic API token)', async () => {
    const token = await cloud.admin.createToken({kind: 'api-token'})
    const opened = await openConnection({
      warn: () => undefined,
      env: env({BB_INTEGRATE_TOKEN: token.secret, BB_INTEGRATE_EMAIL: token.login as string, BB_INTEGRATE_PROVIDER: 'cloud', BB_INTEGRATE_URL: cloud.apiBase}),
      config,
    })
    try {
      expect(opened.source).toBe('env')
      expect(await opened.credentials[0]!.authorization()).toBe(token.authorization)
      expect((await opened.provider.identity()).id).toBe(cloud.world.users()[0]!.uuid)
    } finally {
      await opened.close()
    }
  })

  it('BB_INTEGRATE_TOKEN without a provider is a usage error naming the env twins', async () => {
    const error = await openConnection({warn: () => undefined, env: env({BB_INTEGRATE_TOKEN: 'x'}), config}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).remedy).toMatch(/BB_INTEGRATE_PROVIDER/)
  })

  it('resolves stored credentials into Basic / Bearer headers with their principals', async () => {
    const api = await cloud.admin.createToken({kind: 'api-token'})
    const access = await cloud.admin.createToken({kind: 'access-token', scopes: ['account', 'repository', 'pullrequest']})
    const deps = {config, secretStores: () => keychain, openBrowser: fakeBrowser, onAuthorizeUrl: () => undefined}
    const base = {name: 'default', provider: 'cloud' as const, url: cloud.apiBase, add: false, allowInsecureStore: false}
    await connect({...base, auth: 'api-token', email: api.login as string, token: api.secret}, deps)
    await connect({...base, auth: 'access-token', token: access.secret, add: true}, deps)
    const opened = await openConnection({warn: () => undefined, env: env(), config, secretStore: keychain})
    try {
      expect(opened.credentials.map((c) => [c.id, c.principal])).toEqual([
        ['default/1', `cloud-user:${cloud.world.users()[0]!.uuid}`],
        ['default/2', 'token:default/2'],
      ])
      expect(await opened.credentials[0]!.authorization()).toBe(api.authorization)
      expect(await opened.credentials[1]!.authorization()).toBe(`Bearer ${access.secret}`)
      // BB_INTEGRATE_TOKEN overrides what is stored.
      const overridden = await openConnection({warn: () => undefined, env: env({BB_INTEGRATE_TOKEN: 'env-token'}), config, secretStore: keychain})
      expect(overridden.credentials.map((c) => c.id)).toEqual(['default/env'])
      await overridden.close()
    } finally {
      await opened.close()
    }
  })

  it('a missing secret is an AuthError that says to connect again', async () => {
    const api = await cloud.admin.createToken({kind: 'api-token'})
    await connect({name: 'default', provider: 'cloud', url: cloud.apiBase, auth: 'api-token', email: api.login as string, token: api.secret, add: false, allowInsecureStore: false},
      {config, secretStores: () => keychain, openBrowser: fakeBrowser, onAuthorizeUrl: () => undefined})
    keychain.entries.clear()
    const error = await openConnection({warn: () => undefined, env: env(), config, secretStore: keychain}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect((error as AuthError).message).toMatch(/secret missing for default\/1/)
  })

  it('OAuth: an expired access token is refreshed on 401, the rotated pair persisted and the expiry recorded', async () => {
    const port = await freePort()
    const consumer = await cloud.admin.createToken({kind: 'oauth-consumer', callbackUrl: `http://127.0.0.1:${port}/callback`, scopes: ['account', 'pullrequest']})
    await connect({name: 'default', provider: 'cloud', url: cloud.apiBase, oauthUrl: cloud.url, auth: 'oauth', clientId: consumer.key as string, clientSecret: consumer.secret, callbackPort: port, add: false, allowInsecureStore: false},
      {config, secretStores: () => keychain, openBrowser: fakeBrowser, onAuthorizeUrl: () => undefined})
    const before = parseSecret(keychain.entries.get('default/1') as string, 'x')
    if (before.kind !== 'oauth') throw new Error('kind')
    // The server's clock moves past expiry, ours does not: only the 401 can tell us.
    cloud.admin.advanceClock(3 * 3600_000)
    const opened = await openConnection({warn: () => undefined, env: env(), config, secretStore: keychain})
    try {
      // A plain request (the provider's identity() lists 401 as an ok status, which bypasses refresh).
      const me = await opened.client.request<{uuid: string}>('/user')
      expect(me.body.uuid).toBe(cloud.world.users()[0]!.uuid)
      const after = parseSecret(keychain.entries.get('default/1') as string, 'x')
      if (after.kind !== 'oauth') throw new Error('kind')
      expect(after.refreshToken).not.toBe(before.refreshToken)
      expect(after.accessToken).not.toBe(before.accessToken)
      expect(config.getConnection('default')?.credentials[0]?.expiresAt).toBe(after.expiresAt)
      expect(readFileSync(config.path, 'utf8')).not.toContain(after.refreshToken as string)
    } finally {
      await opened.close()
      cloud.admin.advanceClock(-3 * 3600_000)
    }
  })
})
