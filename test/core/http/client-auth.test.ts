import {afterEach, describe, expect, it} from 'vitest'
import {AuthError, HttpError, InterruptedError} from '../../../src/core/errors.js'
import type {Harness} from './helpers.js'
import {credential, eventsOf, harness, script, visibleText} from './helpers.js'

let h: Harness
afterEach(async () => h?.close())

const PATH = '/2.0/repositories/ws'
const scopeBody = {
  type: 'error',
  error: {message: 'Your credentials lack one or more required privilege scopes.', detail: {required: ['pullrequest', 'repository'], granted: ['repository', 'account']}},
}

describe('auth', () => {
  it('sends the credential header, refreshes once on 401 and retries with the new one', async () => {
    const cred = credential('oauth/1', 'oauth-consumer:k', 'old-access-token-1', () => 'new-access-token-2')
    h = harness({credentials: [cred]})
    script(h.pool, PATH, [{status: 401}, {status: 200, body: {ok: true}}])
    const res = await h.client.request('/repositories/ws')
    expect(res.body).toEqual({ok: true})
    expect(cred.refreshes).toBe(1)
    expect(h.calls().map((c) => c.authorization)).toEqual(['Bearer old-access-token-1', 'Bearer new-access-token-2'])
  })

  it('refreshes on a 401 even when the caller accepts 401 as an answer, and returns the second 401 as is', async () => {
    const cred = credential('oauth/1', 'oauth-consumer:k', 'old-access-token-1', () => 'new-access-token-2')
    h = harness({credentials: [cred]})
    script(h.pool, PATH, [{status: 401}, {status: 200, body: {ok: true}}])
    const res = await h.client.request('/repositories/ws', {okStatuses: [401, 403]})
    expect(res.status).toBe(200)
    expect(cred.refreshes).toBe(1)

    script(h.pool, '/2.0/repositories/other', [{status: 401}, {status: 401}])
    const again = await h.client.request('/repositories/other', {okStatuses: [401]})
    expect(again.status).toBe(401)
    expect(cred.refreshes).toBe(2)
  })

  it('throws AuthError (exit 3) naming the credential when refresh does not help', async () => {
    const cred = credential('oauth/1', 'oauth-consumer:k', 'old-access-token-1', () => 'still-bad-token-2')
    h = harness({credentials: [cred]})
    script(h.pool, PATH, [{status: 401}])
    const err = await h.client.request('/repositories/ws').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AuthError)
    expect((err as AuthError).exitCode).toBe(3)
    expect((err as AuthError).message).toContain('"oauth/1"')
    expect(cred.refreshes).toBe(1)
    expect(h.calls()).toHaveLength(2)
  })

  it('does not retry a 401 for a credential that cannot refresh', async () => {
    h = harness()
    script(h.pool, PATH, [{status: 401, body: {type: 'error', error: {message: 'Token is invalid or expired'}}}])
    const err = await h.client.request('/repositories/ws').catch((e: unknown) => e)
    expect(err).toMatchObject({code: 'unauthorized', exitCode: 3})
    expect((err as Error).message).toMatch(/default\/1.*Token is invalid or expired/)
    expect(h.calls()).toHaveLength(1)
  })

  it('turns a Cloud 403 scope body into missing_scope with required/granted', async () => {
    h = harness()
    script(h.pool, PATH, [{status: 403, body: scopeBody}])
    const err = (await h.client.request('/repositories/ws').catch((e: unknown) => e)) as AuthError
    expect(err).toBeInstanceOf(AuthError)
    expect(err.code).toBe('missing_scope')
    expect(err.details).toMatchObject({required: ['pullrequest', 'repository'], granted: ['repository', 'account'], missing: ['pullrequest']})
    expect(err.message).toMatch(/lacks the scope pullrequest/)
    expect(err.remedy).toMatch(/pullrequest/)
  })

  it('includes Data Center error messages', async () => {
    h = harness({provider: 'datacenter'})
    script(h.pool, PATH, [{status: 403, body: {errors: [{message: 'You are not permitted to access this resource', context: null}]}}])
    await expect(h.client.request('/repositories/ws')).rejects.toThrow(/not permitted to access this resource/)
    script(h.pool, '/2.0/bad', [{status: 400, body: {errors: [{message: 'start must be >= 0'}, {message: 'limit too big'}]}}])
    const err = await h.client.request('/bad').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(HttpError)
    expect((err as Error).message).toContain('start must be >= 0; limit too big')
  })

  it('never lets a secret reach an error, cause or event', async () => {
    const secret = 'SUPERSECRETTOKEN123'
    const refreshed = 'REFRESHEDSECRET456'
    const cred = credential('oauth/1', 'oauth-consumer:k', secret, () => refreshed)
    h = harness({credentials: [cred], retry: {maxAttempts: 2}})
    const echo = (label: string) => ({
      type: 'error',
      error: {message: `${label}: header was Bearer ${secret} / ${refreshed}, url ?access_token=${secret}`},
    })
    script(h.pool, PATH, [{status: 401, body: echo('401')}, {status: 500, body: echo('500')}])
    h.pool.intercept({path: '/2.0/boom', method: 'GET'}).replyWithError(
      Object.assign(new Error(`connect failed for Bearer ${secret}`), {code: 'ECONNRESET', cause: new Error(`inner ${refreshed}`)}),
    ).times(2)
    script(h.pool, '/2.0/scope', [{status: 403, body: {...scopeBody, error: {...scopeBody.error, message: `nope ${refreshed}`}}}])

    const errors = [
      await h.client.request('/repositories/ws').catch((e: unknown) => e),
      await h.client.request(`/boom?token=${secret}`).catch((e: unknown) => e),
      await h.client.request('/scope').catch((e: unknown) => e),
      await h.client.request(`https://evil.example/x?access_token=${secret}`).catch((e: unknown) => e),
    ]
    for (const err of errors) expect(err).toBeInstanceOf(Error)
    const seen = errors.map(visibleText).join('\n') + JSON.stringify(h.events)
    expect(seen).not.toContain(secret)
    expect(seen).not.toContain(refreshed)
    expect(seen).toContain('***')
    expect(eventsOf(h.events, 'request').length).toBeGreaterThan(3)
  })

  it('an aborted signal stops the request with InterruptedError, also during a wait', async () => {
    h = harness()
    const before = new AbortController()
    before.abort()
    await expect(h.client.request('/repositories/ws', {signal: before.signal})).rejects.toBeInstanceOf(InterruptedError)

    script(h.pool, PATH, [{status: 503}])
    const during = new AbortController()
    h.clock.onSleep = () => during.abort()
    const err = await h.client.request('/repositories/ws', {signal: during.signal}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InterruptedError)
    expect((err as InterruptedError).exitCode).toBe(4)
    expect(h.calls()).toHaveLength(1)
  })
})
