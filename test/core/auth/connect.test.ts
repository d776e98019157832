import {mkdtempSync, readFileSync, rmSync, existsSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {connect, type ConnectDeps, type ConnectRequest} from '../../../src/core/auth/connect.js'
import {MemoryStore} from '../../../src/core/auth/memory-store.js'
import {parseSecret} from '../../../src/core/auth/secret.js'
import {ConfigStore} from '../../../src/core/config/store.js'
import {BbError} from '../../../src/core/errors.js'
import {startEmulator, type RunningEmulator} from '../../../emulator/index.js'
import {fakeBrowser} from './fake-browser.js'
import {freePort} from '../../helpers/net.js'


describe('connect (service) against the emulator', () => {
  let cloud: RunningEmulator
  let dc: RunningEmulator
  let dir: string
  let config: ConfigStore
  let keychain: MemoryStore
  let file: MemoryStore
  let deps: ConnectDeps
  let urls: string[]

  beforeAll(async () => {
    ;[cloud, dc] = await Promise.all([startEmulator({flavor: 'cloud', dataset: 'tiny'}), startEmulator({flavor: 'datacenter', dataset: 'tiny'})])
  })
  afterAll(async () => Promise.all([cloud.close(), dc.close()]))
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bbi-connect-'))
    config = new ConfigStore({configDir: dir})
    keychain = new MemoryStore()
    file = new MemoryStore()
    urls = []
    deps = {
      config,
      secretStores: (location) => (location === 'file' ? file : keychain),
      openBrowser: fakeBrowser,
      onAuthorizeUrl: (u) => urls.push(u),
    }
  })
  afterEach(() => rmSync(dir, {recursive: true, force: true}))

  function cloudApiToken(extra: Partial<ConnectRequest> = {}): ConnectRequest {
    return {name: 'default', provider: 'cloud', url: cloud.apiBase, auth: 'api-token', add: false, allowInsecureStore: false, ...extra}
  }

  async function failure(request: ConnectRequest): Promise<BbError> {
    const error = await connect(request, deps).then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(BbError)
    // Nothing half-written: no config file content, no secret.
    expect(config.listConnections()).toEqual([])
    expect(keychain.entries.size + file.entries.size).toBe(0)
    return error as BbError
  }

  it('verifies an API token, then stores the secret in the keychain and only metadata in the config', async () => {
    const token = await cloud.admin.createToken({kind: 'api-token'})
    const result = await connect(cloudApiToken({email: token.login as string, token: token.secret}), deps)
    const user = cloud.world.users()[0]!
    expect(result.credential).toMatchObject({id: '1', kind: 'api-token', store: 'keychain', principal: `cloud-user:${user.uuid}`})
    expect(result.credential.identity.id).toBe(user.uuid)
    expect(result.leastPrivilege.sync).toEqual(['read:user:bitbucket', 'read:workspace:bitbucket', 'read:repository:bitbucket', 'read:pullrequest:bitbucket'])
    expect(parseSecret(keychain.entries.get('default/1') as string, 'x')).toEqual({kind: 'api-token', token: token.secret})
    const saved = readFileSync(config.path, 'utf8')
    expect(saved).not.toContain(token.secret)
    expect(config.getConnection('default')?.credentials[0]).toMatchObject({email: token.login, principal: `cloud-user:${user.uuid}`})
    expect(config.defaultConnectionName()).toBe('default')
  })

  it('keeps the secret in the plain-file store with allowInsecureStore', async () => {
    const token = await cloud.admin.createToken({kind: 'api-token'})
    const result = await connect(cloudApiToken({email: token.login as string, token: token.secret, allowInsecureStore: true}), deps)
    expect(result.credential.store).toBe('file')
    expect(file.entries.has('default/1')).toBe(true)
    expect(keychain.entries.size).toBe(0)
  })

  it('refuses a username where the e-mail belongs before any request (exit 2)', async () => {
    await cloud.admin.resetStats()
    const error = await failure(cloudApiToken({email: 'mei.mensah', token: 'ATATT-whatever'}))
    expect(error.exitCode).toBe(2)
    expect(error.message).toMatch(/not an e-mail address \(it has no @\); API tokens use the Atlassian account e-mail/)
    expect(cloud.admin.stats().requests ?? 0).toBe(0)
  })

  it('maps a 401 for an API token to the e-mail explanation (exit 3)', async () => {
    const token = await cloud.admin.createToken({kind: 'api-token'})
    const error = await failure(cloudApiToken({email: 'someone.else@example.com', token: token.secret}))
    expect(error.exitCode).toBe(3)
    expect(error.remedy).toMatch(/Atlassian account e-mail/)
    expect(JSON.stringify({m: error.message, r: error.remedy, d: error.details})).not.toContain(token.secret)
  })

  it.each([
    ['expired', {expiresInSec: -60}],
    ['revoked', {}],
  ])('rejects an %s token (exit 3) and stores nothing', async (what, spec) => {
    const token = await cloud.admin.createToken({kind: 'api-token', ...spec})
    if (what === 'revoked') cloud.admin.revokeToken(token.id)
    const error = await failure(cloudApiToken({email: token.login as string, token: token.secret}))
    expect(error.exitCode).toBe(3)
    expect(error.message).toMatch(/401|expired|revoked/i)
    expect(error.message).toMatch(/nothing was stored/)
  })

  it('names the missing scopes from the 403 body (exit 3)', async () => {
    const token = await cloud.admin.createToken({kind: 'api-token', scopes: ['read:repository:bitbucket']})
    const error = await failure(cloudApiToken({email: token.login as string, token: token.secret}))
    expect(error.exitCode).toBe(3)
    expect(error.message).toContain('read:user:bitbucket')
  })

  it('explains an unreachable host (exit 1, remedy)', async () => {
    const port = await freePort()
    const error = await failure(cloudApiToken({url: `http://127.0.0.1:${port}/2.0`, email: 'a@b.c', token: 't'}))
    expect(error.exitCode).toBe(1)
    expect(error.remedy).toBeTruthy()
  })

  it('adds a second credential with add=true (rotation) and replaces credentials without it', async () => {
    const one = await cloud.admin.createToken({kind: 'api-token'})
    // A workspace access token: /user/workspaces (the identity probe for tokens) needs `account`.
    const two = await cloud.admin.createToken({kind: 'access-token', scopes: ['account', 'repository', 'pullrequest']})
    await connect(cloudApiToken({email: one.login as string, token: one.secret}), deps)
    config.setSelection('default', ['acme/repo'])
    const added = await connect(cloudApiToken({auth: 'access-token', token: two.secret, add: true}), deps)
    expect(added.credential).toMatchObject({id: '2', kind: 'access-token', principal: 'token:default/2'})
    expect(config.getConnection('default')?.credentials.map((c) => c.id)).toEqual(['1', '2'])
    expect([...keychain.entries.keys()].sort()).toEqual(['default/1', 'default/2'])

    const three = await cloud.admin.createToken({kind: 'api-token'})
    const replaced = await connect(cloudApiToken({email: three.login as string, token: three.secret}), deps)
    expect(replaced.replaced).toEqual(['1', '2'])
    expect(config.getConnection('default')?.credentials.map((c) => c.id)).toEqual(['3'])
    expect([...keychain.entries.keys()]).toEqual(['default/3'])
    expect(config.getSelection('default')).toEqual(['acme/repo'])
  })

  it('--add without a connection is a usage error', async () => {
    const error = await failure(cloudApiToken({email: 'a@b.c', token: 't', add: true}))
    expect(error.exitCode).toBe(2)
  })

  it('writes no config when the keychain refuses the secret', async () => {
    const token = await cloud.admin.createToken({kind: 'api-token'})
    keychain.failWith = new BbError('OS keychain not reachable (test)')
    const error = await failure(cloudApiToken({email: token.login as string, token: token.secret}))
    expect(error.message).toMatch(/OS keychain not reachable/)
    expect(existsSync(config.path) ? JSON.parse(readFileSync(config.path, 'utf8')).connections ?? {} : {}).toEqual({})
  })

  it('connects Data Center with a PAT: principal is the user', async () => {
    const token = await dc.admin.createToken({kind: 'pat'})
    const result = await connect({name: 'dc', provider: 'datacenter', url: dc.apiBase, auth: 'pat', token: token.secret, add: false, allowInsecureStore: false}, deps)
    expect(result.credential.principal).toBe(`dc-user:${dc.world.users()[0]!.slug}`)
    expect(result.leastPrivilege.sync).toEqual(['REPO_READ'])
  })

  it('runs the Cloud OAuth flow: loopback, PKCE, code exchange; stores access + refresh + expiry', async () => {
    const port = await freePort()
    const consumer = await cloud.admin.createToken({kind: 'oauth-consumer', callbackUrl: `http://127.0.0.1:${port}/callback`, scopes: ['account', 'pullrequest']})
    const result = await connect(
      {name: 'default', provider: 'cloud', url: cloud.apiBase, oauthUrl: cloud.url, auth: 'oauth', clientId: consumer.key as string, clientSecret: consumer.secret, callbackPort: port, add: false, allowInsecureStore: false},
      deps,
    )
    expect(urls[0]).toContain(`${cloud.url}/site/oauth2/authorize?`)
    expect(result.credential).toMatchObject({kind: 'oauth', principal: `oauth-consumer:${consumer.key}`})
    expect(result.credential.scopes).toEqual(['account', 'pullrequest'])
    const secret = parseSecret(keychain.entries.get('default/1') as string, 'x')
    expect(secret).toMatchObject({kind: 'oauth', clientSecret: consumer.secret})
    if (secret.kind !== 'oauth') throw new Error('kind')
    expect(secret.refreshToken).toBeTruthy()
    expect(secret.expiresAt).toBeGreaterThan(Date.now())
    expect(readFileSync(config.path, 'utf8')).not.toContain(consumer.secret)
  })

  it('OAuth: a consumer that denies access is exit 3 and stores nothing', async () => {
    const port = await freePort()
    const consumer = await cloud.admin.createToken({kind: 'oauth-consumer', callbackUrl: `http://127.0.0.1:${port}/callback`, deny: true})
    const error = await failure({name: 'default', provider: 'cloud', url: cloud.apiBase, oauthUrl: cloud.url, auth: 'oauth', clientId: consumer.key as string, clientSecret: consumer.secret, callbackPort: port, add: false, allowInsecureStore: false})
    expect(error.exitCode).toBe(3)
    expect(error.message).toMatch(/access_denied/)
  })

  it('OAuth on Data Center: /rest/oauth2/latest with form client auth', async () => {
    const port = await freePort()
    const consumer = await dc.admin.createToken({kind: 'oauth-consumer', callbackUrl: `http://127.0.0.1:${port}/callback`, scopes: ['REPO_READ']})
    const result = await connect(
      {name: 'dc', provider: 'datacenter', url: dc.apiBase, auth: 'oauth', clientId: consumer.key as string, clientSecret: consumer.secret, callbackPort: port, add: false, allowInsecureStore: false},
      deps,
    )
    expect(urls[0]).toContain(`${dc.url}/rest/oauth2/latest/authorize?`)
    expect(result.credential.kind).toBe('oauth')
  })
})
