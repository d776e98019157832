import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {buildCredential} from '../../../src/core/auth/credentials.js'
import {MemoryStore} from '../../../src/core/auth/memory-store.js'
import {parseSecret, serializeSecret} from '../../../src/core/auth/secret.js'
import type {SecretStore, StoredSecret} from '../../../src/core/auth/types.js'
import type {CredentialMeta} from '../../../src/core/config/schema.js'
import {AuthError} from '../../../src/core/errors.js'
import type {HttpCredential} from '../../../src/core/http/types.js'
import {startTokenServer, type TokenServer} from './token-server.js'

const ACCOUNT = 'default/1'

function meta(clientId: string, expiresAt: number | null): CredentialMeta {
  return {
    id: '1', kind: 'oauth', store: 'keychain', principal: `oauth-consumer:${clientId}`, clientId,
    identity: {id: '{user-1}', displayName: null, accountId: null}, scopes: null, expiresAt, createdAt: 'now',
  }
}

describe('OAuth credential refresh with rotating refresh tokens', () => {
  let server: TokenServer
  let store: MemoryStore
  let now: number

  beforeEach(async () => {
    server = await startTokenServer({graceMs: 60_000})
    store = new MemoryStore()
    now = Date.now()
  })
  afterEach(async () => server.close())

  /** What a fresh process does: read the secret from the store and build the credential. */
  async function load(target: SecretStore = store, onRefreshed?: (u: {expiresAt: number | null}) => void): Promise<HttpCredential> {
    const secret = parseSecret((await target.get(ACCOUNT)) as string, ACCOUNT)
    return buildCredential({
      connection: {name: 'default', provider: 'cloud', url: 'https://api.bitbucket.org/2.0', oauthUrl: server.url},
      meta: meta(server.consumer.key as string, secret.kind === 'oauth' ? secret.expiresAt : null),
      secret,
      store: target,
      now: () => now,
      onRefreshed,
    })
  }

  async function storeLogin(expiresAt?: number): Promise<StoredSecret & {kind: 'oauth'}> {
    const t = server.login()
    const secret = {kind: 'oauth', accessToken: t.accessToken, refreshToken: t.refreshToken, expiresAt: expiresAt ?? t.expiresAt, clientSecret: server.consumer.secret} as const
    await store.set(ACCOUNT, serializeSecret(secret))
    return secret
  }

  function stored(): StoredSecret & {kind: 'oauth'} {
    return parseSecret(store.entries.get(ACCOUNT) as string, ACCOUNT) as StoredSecret & {kind: 'oauth'}
  }

  it('uses the stored token while it is fresh and refreshes shortly before expiry, rotating the refresh token', async () => {
    const first = await storeLogin()
    const credential = await load()
    expect(await credential.authorization()).toBe(`Bearer ${first.accessToken}`)
    expect(server.refreshes).toEqual([])

    now = (first.expiresAt as number) - 30_000 // inside the 60 s skew
    const updates: Array<number | null> = []
    const again = await load(store, (u) => updates.push(u.expiresAt))
    const header = await again.authorization()
    expect(server.refreshes).toEqual([first.refreshToken])
    const after = stored()
    expect(header).toBe(`Bearer ${after.accessToken}`)
    expect(after.accessToken).not.toBe(first.accessToken)
    expect(after.refreshToken).not.toBe(first.refreshToken)
    expect(updates).toEqual([after.expiresAt])
    // The new access token is accepted by the server.
    expect(server.registry.oauthAccess(after.accessToken)?.validity).toBe('ok')
  })

  it('refreshes after a 401 (refresh()) and shares one refresh between concurrent callers', async () => {
    await storeLogin()
    const credential = await load()
    const results = await Promise.all([credential.refresh!(), credential.refresh!(), credential.refresh!()])
    expect(results).toEqual([true, true, true])
    expect(server.refreshes).toHaveLength(1)
    expect(await credential.authorization()).toBe(`Bearer ${stored().accessToken}`)
    // Every value it held is offered for redaction, old and new.
    expect(credential.secrets()).toEqual(expect.arrayContaining([stored().accessToken, stored().refreshToken, server.consumer.secret]))
  })

  it('writes the rotated pair to the store before the new access token can be used', async () => {
    await storeLogin()
    const order: string[] = []
    const recording: SecretStore = {
      location: 'memory',
      get: (a) => store.get(a),
      delete: (a) => store.delete(a),
      set: async (a, s) => {
        order.push(`set:${(JSON.parse(s) as {accessToken: string}).accessToken}`)
        await store.set(a, s)
      },
    }
    const credential = await load(recording)
    await credential.refresh!()
    order.push(`use:${(await credential.authorization()).slice('Bearer '.length)}`)
    const fresh = stored().accessToken
    expect(order).toEqual([`set:${fresh}`, `use:${fresh}`])
  })

  it('crash while persisting: the new token is not used and the stored login still works in a new process', async () => {
    const first = await storeLogin()
    const failing: SecretStore = {
      location: 'memory',
      get: (a) => store.get(a),
      delete: (a) => store.delete(a),
      set: async () => {
        throw new Error('process killed mid-write')
      },
    }
    const credential = await load(failing)
    await expect(credential.refresh!()).rejects.toThrow('process killed mid-write')
    // The store still holds the spent refresh token, which the server honours during the grace period…
    expect(stored().refreshToken).toBe(first.refreshToken)
    expect(await credential.authorization()).toBe(`Bearer ${first.accessToken}`)
    // …so the next run recovers the login by refreshing with it.
    const nextRun = await load()
    expect(await nextRun.refresh!()).toBe(true)
    expect(stored().refreshToken).not.toBe(first.refreshToken)
    expect(server.registry.oauthAccess(stored().accessToken)?.validity).toBe('ok')
  })

  it('crash after persisting: the next run uses the new pair without refreshing', async () => {
    await storeLogin()
    const credential = await load()
    await credential.refresh!()
    const persisted = stored()
    const refreshesBefore = server.refreshes.length
    const nextRun = await load()
    expect(await nextRun.authorization()).toBe(`Bearer ${persisted.accessToken}`)
    expect(server.refreshes.length).toBe(refreshesBefore)
    expect(await nextRun.refresh!()).toBe(true)
  })

  it('adopts a pair another process rotated instead of failing with the dead refresh token', async () => {
    server.registry.refreshGraceMs = 0
    await storeLogin()
    const processA = await load()
    const processB = await load()
    await processA.refresh!() // rotates; B's copy of the refresh token is now dead
    expect(await processB.refresh!()).toBe(true)
    expect(await processB.authorization()).toBe(`Bearer ${stored().accessToken}`)
  })

  it('a revoked grant is an AuthError telling the user to log in again', async () => {
    await storeLogin()
    for (const t of server.registry.tokensOf(server.consumer.id)) t.revokedAt = Date.now()
    const credential = await load()
    const error = await credential.refresh!().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect((error as AuthError).exitCode).toBe(3)
    expect((error as AuthError).remedy).toMatch(/connect --auth oauth/)
  })

  it('a deleted consumer is reported as a rejected client, not as a network problem', async () => {
    await storeLogin()
    server.registry.revoke(server.consumer.id)
    const error = await (await load()).refresh!().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect((error as AuthError).message).toMatch(/OAuth consumer was rejected/)
    expect(String((error as Error).message)).not.toContain(server.consumer.secret)
  })
})
