import {describe, expect, it} from 'vitest'

import type {CredentialMeta} from '../../../src/core/config/schema.js'
import {AuthError, HttpError} from '../../../src/core/errors.js'
import type {RateLimitState} from '../../../src/core/http/types.js'
import type {Repository} from '../../../src/core/model.js'
import type {Identity, Provider} from '../../../src/core/provider/types.js'
import type {ReachResult} from '../../../src/core/validate/net.js'
import {plainHttpToRemote} from '../../../src/core/validate/checks/config.js'
import {runValidation} from '../../../src/core/validate/run.js'
import type {ValidateCredential, ValidateDeps, ValidateReport} from '../../../src/core/validate/types.js'

const NOW = Date.parse('2026-11-22T03:00:00.000Z')
const ME: Identity = {id: '{u-1}', displayName: 'Jane Doe', accountId: '557058:1', nickname: 'jdoe', scopes: null, kind: 'user'}

const meta = (over: Partial<CredentialMeta> = {}): CredentialMeta => ({
  id: '1', kind: 'api-token', store: 'keychain', principal: 'cloud-user:{u-1}', email: 'jane@example.com',
  identity: {id: '{u-1}', displayName: 'Jane Doe', accountId: '557058:1'}, scopes: null, expiresAt: null, createdAt: '2026-11-01T00:00:00.000Z', ...over,
})
const cred = (m: CredentialMeta): ValidateCredential => ({httpId: `default/${m.id}`, kind: m.kind, meta: m, email: m.email ?? null, principal: m.principal})

const repo = (key: string): Repository => ({provider: 'cloud', connection: 'default', key, name: key, project: 'P', isPrivate: true, defaultBranch: 'main', createdAt: null, updatedAt: null, url: null})
const reachOk = async (): Promise<ReachResult> => ({ok: true, stage: 'ok', host: 'h', port: 443, detail: 'h:443 reachable', remedy: null, code: null})

interface FakeOptions {
  identity?: (credentialId?: string) => Promise<Identity>
  repos?: Record<string, Repository | null | Error>
  prs?: Record<string, Error>
  version?: string
  requests?: string[]
}

function fakeProvider(o: FakeOptions = {}, kind: 'cloud' | 'datacenter' = 'cloud'): Provider {
  const log = o.requests ?? []
  return {
    kind, connection: 'default',
    identity: async (opts?: {credentialId?: string}) => {
      log.push(`identity:${opts?.credentialId}`)
      return (o.identity ?? (async () => ME))(opts?.credentialId)
    },
    serverVersion: async () => (kind === 'datacenter' ? (o.version ?? '9.4.0') : null),
    repository: async (key: string) => {
      log.push(`repo:${key}`)
      const r = o.repos?.[key]
      if (r instanceof Error) throw r
      return r === undefined ? repo(key) : r
    },
    async *pullRequests(key: string) {
      log.push(`prs:${key}`)
      const e = o.prs?.[key]
      if (e) throw e
      yield {items: [], cursor: null}
    },
    async *repositories() {
      log.push('repos')
      yield {items: [repo('acme/a')], cursor: null}
    },
  } as unknown as Provider
}

function deps(over: Partial<ValidateDeps> = {}, limits: RateLimitState[] = []): ValidateDeps {
  const m = meta()
  return {
    connectionName: 'default',
    connection: {provider: 'cloud', url: 'https://api.example.test/2.0', selection: ['acme/a', 'acme/b']},
    provider: fakeProvider(),
    client: {rateLimits: () => limits},
    credentials: [cred(m)],
    usingEnvToken: false,
    readSecret: async () => ({kind: 'api-token', token: 't'}),
    features: {webhooks: false},
    reach: reachOk,
    now: () => NOW,
    checkTimeoutMs: 2000,
    ...over,
  }
}

const byId = (r: ValidateReport, id: string) => r.checks.find((c) => c.id === id)

describe('validate engine', () => {
  it('all good: every row passes or is an honest skip, ok=true', async () => {
    const requests: string[] = []
    const report = await runValidation(deps({provider: fakeProvider({requests})}))
    expect(report.ok).toBe(true)
    const statuses = Object.fromEntries(report.checks.map((c) => [c.id, c.status]))
    expect(statuses).toMatchObject({
      config: 'pass', reachability: 'pass', 'credential:1': 'pass', identity: 'pass', 'scopes:1': 'pass',
      repos: 'pass', webhooks: 'skip', 'rate-limit': 'pass', 'dc-version': 'skip', oauth: 'skip', keychain: 'pass',
    })
    expect(byId(report, 'webhooks')).toMatchObject({detail: 'webhooks not configured yet'})
    expect(byId(report, 'rate-limit')?.detail).toMatch(/per|principal/)
    // Shared probes: one identity request, two per repo.
    expect(requests.filter((r) => r.startsWith('identity'))).toEqual(['identity:default/1'])
    expect(requests.filter((r) => r === 'repo:acme/a')).toHaveLength(1)
    expect(requests.filter((r) => r === 'prs:acme/a')).toHaveLength(1)
  })

  it('e-mail/username mix-up: a 401 for an API token with a username says to use the e-mail', async () => {
    const m = meta({email: 'jdoe'})
    const provider = fakeProvider({identity: async () => { throw new AuthError('401', {details: {status: 401}}) }})
    const report = await runValidation(deps({credentials: [cred(m)], provider}))
    expect(report.ok).toBe(false)
    const row = byId(report, 'credential:1')
    expect(row?.status).toBe('fail')
    expect(row?.detail).toMatch(/username.*e-mail/)
    expect(row?.remedy).toMatch(/--email/)
    expect(byId(report, 'scopes:1')?.status).toBe('skip')
  })

  it('missing scope from a 403 detail.required is named', async () => {
    const body = {type: 'error', error: {message: 'Your credentials lack one or more required privilege scopes.', detail: {required: ['read:pullrequest:bitbucket'], granted: ['read:repository:bitbucket']}}}
    const provider = fakeProvider({prs: {'acme/a': new HttpError('403', 403, {body}), 'acme/b': new HttpError('403', 403, {body})}})
    const report = await runValidation(deps({provider}))
    expect(report.ok).toBe(false)
    expect(byId(report, 'scopes:1')).toMatchObject({status: 'fail'})
    expect(byId(report, 'scopes:1')?.detail).toContain('read:pullrequest:bitbucket')
    expect(byId(report, 'repo:acme/a')?.detail).toMatch(/pull requests not readable.*read:pullrequest:bitbucket/)
  })

  it('stored scopes are compared without probing, honouring implication for classic scopes', async () => {
    const oauthMeta = meta({kind: 'oauth', scopes: ['pullrequest:write', 'account'], principal: 'oauth-consumer:k', clientId: 'k'})
    const ok = await runValidation(deps({credentials: [cred(oauthMeta)], readSecret: async () => ({kind: 'oauth', accessToken: 'a', refreshToken: 'r', expiresAt: NOW + 3_600_000, clientSecret: 's'})}))
    expect(byId(ok, 'scopes:1')?.status).toBe('pass')
    expect(byId(ok, 'oauth:1')?.status).toBe('pass')
    const apiMeta = meta({scopes: ['read:repository:bitbucket', 'read:user:bitbucket']})
    const bad = await runValidation(deps({credentials: [cred(apiMeta)]}))
    expect(byId(bad, 'scopes:1')?.detail).toMatch(/missing read:workspace:bitbucket, read:pullrequest:bitbucket/)
  })

  it('a selected repo that is gone fails naming it', async () => {
    const report = await runValidation(deps({provider: fakeProvider({repos: {'acme/b': null}})}))
    expect(report.ok).toBe(false)
    expect(byId(report, 'repos')).toMatchObject({status: 'fail'})
    expect(byId(report, 'repo:acme/b')?.detail).toContain('acme/b no longer exists')
    expect(byId(report, 'repo:acme/a')).toBeUndefined()
  })

  it('rate limit exhausted: 429 → the rate-limit row fails and says the budget is per principal', async () => {
    const limited = new HttpError('429', 429)
    const provider = fakeProvider({identity: async () => { throw limited }, repos: {'acme/a': limited, 'acme/b': limited}})
    const states: RateLimitState[] = [{credentialId: 'default/1', principal: 'cloud-user:{u-1}', limit: 1000, remaining: 0, resetAt: NOW + 600_000, waitingUntil: null, used: 3}]
    const report = await runValidation(deps({provider}, states))
    expect(report.ok).toBe(false)
    const rl = byId(report, 'rate-limit')
    expect(rl?.status).toBe('fail')
    expect(rl?.detail).toMatch(/429/)
    expect(rl?.detail).toMatch(/0 of 1,000 left, refills by 03:10 UTC/)
    expect(rl?.detail).toMatch(/belongs to the principal/)
    expect(byId(report, 'credential:1')?.status).toBe('warn')
  })

  it('rate limit exhausted by our own earlier runs does not blame other clients; headroom by our count does', async () => {
    const limited = new HttpError('429', 429)
    const provider = fakeProvider({identity: async () => { throw limited }, repos: {'acme/a': limited, 'acme/b': limited}})
    const ours: RateLimitState[] = [{credentialId: 'default/1', principal: 'cloud-user:{u-1}', limit: 1000, remaining: 0, resetAt: NOW + 600_000, waitingUntil: null, used: 1000}]
    const own = byId(await runValidation(deps({provider}, ours)), 'rate-limit')
    expect(own?.detail).toMatch(/bb-integrate itself spent 1,000 requests in the window \(earlier runs included\)/)
    expect(own?.detail).not.toMatch(/other clients/)
    const theirs: RateLimitState[] = [{...ours[0]!, used: 12}]
    const other = byId(await runValidation(deps({provider}, theirs)), 'rate-limit')
    expect(other?.detail).toMatch(/counted only 12 requests .* other clients of the same principal are spending it/)
    expect(other?.detail).toMatch(/0 of 1,000 left/)
  })

  it('low headroom warns; --strict turns the warning into a failure', async () => {
    const states: RateLimitState[] = [{credentialId: 'default/1', principal: 'p', limit: 1000, remaining: 20, resetAt: null, waitingUntil: null, used: 1}]
    const lax = await runValidation(deps({}, states))
    expect(byId(lax, 'rate-limit')?.status).toBe('warn')
    expect(lax.ok).toBe(true)
    const strict = await runValidation(deps({}, states), {strict: true})
    expect(strict.ok).toBe(false)
  })

  it('host down: reachability fails and request checks are skipped, not piled on', async () => {
    const reach = async (): Promise<ReachResult> => ({ok: false, stage: 'tcp', host: '127.0.0.1', port: 9, detail: 'Connection to 127.0.0.1:9 refused (ECONNREFUSED).', remedy: 'Check the base URL and port.', code: 'ECONNREFUSED'})
    const requests: string[] = []
    const report = await runValidation(deps({reach, provider: fakeProvider({requests})}))
    expect(byId(report, 'reachability')).toMatchObject({status: 'fail'})
    expect(byId(report, 'reachability')?.detail).toMatch(/TCP connect failed.*ECONNREFUSED/)
    expect(byId(report, 'credential:1')?.status).toBe('skip')
    expect(byId(report, 'repos')?.status).toBe('skip')
    expect(requests).toEqual([])
  })

  it('no connection: config fails with a remedy, the rest skips', async () => {
    const report = await runValidation(deps({connection: null, provider: null, client: null, credentials: []}))
    expect(byId(report, 'config')).toMatchObject({status: 'fail'})
    expect(byId(report, 'config')?.remedy).toMatch(/bb-integrate connect/)
    expect(report.checks.filter((c) => c.status === 'fail')).toHaveLength(1)
  })

  it('a hanging check is cut off by its timeout', async () => {
    const provider = fakeProvider({identity: () => new Promise<Identity>(() => undefined)})
    const t0 = Date.now()
    const report = await runValidation(deps({provider, checkTimeoutMs: 200}))
    expect(Date.now() - t0).toBeLessThan(2000)
    expect(byId(report, 'credential')?.detail).toMatch(/did not finish within 0.2 s/)
  })

  it('plain HTTP to a host that is not this machine is a warning row, not a pass; loopback HTTP passes', async () => {
    const remote = await runValidation(deps({connection: {provider: 'datacenter', url: 'http://bitbucket.corp.example:7990', selection: []}, provider: fakeProvider({version: '9.4.0'}, 'datacenter')}))
    expect(byId(remote, 'reachability')).toMatchObject({status: 'warn'})
    expect(byId(remote, 'reachability')?.detail).toMatch(/plain HTTP .* unencrypted/)
    expect(byId(remote, 'reachability')?.remedy).toMatch(/https:\/\//)
    const local = await runValidation(deps({connection: {provider: 'datacenter', url: 'http://127.0.0.1:7990', selection: []}, provider: fakeProvider({version: '9.4.0'}, 'datacenter')}))
    expect(byId(local, 'reachability')).toMatchObject({status: 'pass'})
    expect(plainHttpToRemote('http://localhost:1/2.0')).toBe(false)
    expect(plainHttpToRemote('http://[::1]:7990')).toBe(false)
    expect(plainHttpToRemote('https://bitbucket.corp.example')).toBe(false)
    expect(plainHttpToRemote('http://10.0.0.5:7990')).toBe(true)
  })

  it('DC version is checked on Data Center only', async () => {
    const dc = await runValidation(deps({connection: {provider: 'datacenter', url: 'https://bb.corp', selection: []}, provider: fakeProvider({version: '7.21.0'}, 'datacenter')}))
    expect(byId(dc, 'dc-version')).toMatchObject({status: 'warn'})
    expect(byId(dc, 'dc-version')?.detail).toContain('7.21.0')
    // Nothing selected: sync syncs every visible repository, which is not a warning.
    expect(byId(dc, 'repos')).toMatchObject({status: 'pass'})
  })

  it('OAuth without refresh token and expired fails; keychain trouble fails; env token skips keychain', async () => {
    const m = meta({kind: 'oauth', principal: 'oauth-consumer:k', scopes: ['account', 'pullrequest']})
    const expired = await runValidation(deps({credentials: [cred(m)], readSecret: async () => ({kind: 'oauth', accessToken: 'a', refreshToken: null, expiresAt: NOW - 60_000, clientSecret: 's'})}))
    expect(byId(expired, 'oauth:1')).toMatchObject({status: 'fail'})
    const locked = await runValidation(deps({readSecret: async () => { throw new Error('Secret Service not available') }}))
    expect(byId(locked, 'keychain')).toMatchObject({status: 'fail'})
    expect(byId(locked, 'keychain')?.detail).toContain('Secret Service not available')
    const env = await runValidation(deps({usingEnvToken: true, credentials: [{httpId: 'env', kind: 'api-token', meta: null, email: 'jane@example.com', principal: 'env'}]}))
    expect(byId(env, 'keychain')).toMatchObject({status: 'skip'})
    expect(byId(env, 'credential:env')).toMatchObject({status: 'pass'})
  })
})
