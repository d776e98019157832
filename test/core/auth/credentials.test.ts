import {describe, expect, it} from 'vitest'

import {basicHeader, buildCredential, principalFor} from '../../../src/core/auth/credentials.js'
import {MemoryStore} from '../../../src/core/auth/memory-store.js'
import type {CredentialMeta} from '../../../src/core/config/schema.js'
import {AuthError} from '../../../src/core/errors.js'
import {redact} from '../../../src/core/http/redact.js'

const connection = {name: 'work', provider: 'cloud' as const, url: 'https://api.bitbucket.org/2.0'}

function meta(kind: CredentialMeta['kind'], extra: Partial<CredentialMeta> = {}): CredentialMeta {
  return {
    id: '1', kind, store: 'keychain', principal: 'p', identity: {id: '{u}', displayName: null, accountId: null},
    scopes: null, expiresAt: null, createdAt: 'now', ...extra,
  }
}

describe('credentials', () => {
  it('API token → Basic e-mail:token; access token / PAT → Bearer; ids never hold the secret', async () => {
    const api = buildCredential({connection, meta: meta('api-token', {email: 'jane@example.com'}), secret: {kind: 'api-token', token: 'ATATT-1'}, store: new MemoryStore()})
    expect(await api.authorization()).toBe(`Basic ${Buffer.from('jane@example.com:ATATT-1').toString('base64')}`)
    expect(api.id).toBe('work/1')
    const bearer = buildCredential({connection, meta: meta('access-token'), secret: {kind: 'access-token', token: 'ATCTT-2'}, store: new MemoryStore()})
    expect(await bearer.authorization()).toBe('Bearer ATCTT-2')
    expect(bearer.refresh).toBeUndefined()
  })

  it('offers the raw token and the whole header for redaction, so neither survives in an error text', async () => {
    const api = buildCredential({connection, meta: meta('api-token', {email: 'jane@example.com'}), secret: {kind: 'api-token', token: 'ATATT-secret-xyz'}, store: new MemoryStore()})
    const header = await api.authorization()
    const text = `failed: token=ATATT-secret-xyz header="${header}"`
    const clean = redact(text, api.secrets())
    expect(clean).not.toContain('ATATT-secret-xyz')
    expect(clean).not.toContain(header.slice('Basic '.length))
  })

  it('refuses a stored secret of another kind than the config says', () => {
    expect(() => buildCredential({connection, meta: meta('oauth'), secret: {kind: 'pat', token: 'x'}, store: new MemoryStore()})).toThrow(AuthError)
  })

  it('keys the rate-limit budget by principal: user for API tokens, consumer for OAuth, the token itself for access tokens', () => {
    const user = {id: '{uuid}', kind: 'user' as const}
    expect(principalFor({kind: 'api-token', provider: 'cloud', identity: user, httpId: 'w/1'})).toBe('cloud-user:{uuid}')
    expect(principalFor({kind: 'oauth', provider: 'cloud', identity: user, httpId: 'w/1', clientId: 'KEY'})).toBe('oauth-consumer:KEY')
    expect(principalFor({kind: 'access-token', provider: 'cloud', identity: user, httpId: 'w/2'})).toBe('token:w/2')
    expect(principalFor({kind: 'pat', provider: 'datacenter', identity: {id: 'jdoe', kind: 'user'}, httpId: 'w/3'})).toBe('dc-user:jdoe')
    expect(basicHeader('a@b.c', 't')).toBe('Basic YUBiLmM6dA==')
  })
})
