import {afterEach, describe, expect, it} from 'vitest'
import {GuardError, UsageError} from '../../../src/core/errors.js'
import {createHttpClient} from '../../../src/core/http/client.js'
import type {Harness} from './helpers.js'
import {CLOUD_BASE, credential, eventsOf, harness, script} from './helpers.js'

let h: Harness
afterEach(async () => h?.close())

describe('origin guard', () => {
  it('follows a same-origin next link', async () => {
    h = harness()
    script(h.pool, '/2.0/repositories/ws', [{status: 200, body: {values: []}}])
    await h.client.request('https://api.bitbucket.org/2.0/repositories/ws?page=2')
    expect(h.calls()).toHaveLength(1)
  })

  it.each([
    'https://evil.example/2.0/repositories/ws?page=2',
    'http://api.bitbucket.org/2.0/repositories/ws',
    'https://api.bitbucket.org:8443/2.0/repositories/ws',
    'https://me:pw@api.bitbucket.org/2.0/repositories/ws',
    'file:///etc/passwd',
  ])('refuses %s without sending anything', async (next) => {
    h = harness()
    h.agent.enableNetConnect() // even with the network allowed, nothing may leave
    const err = await h.client.request(next).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(GuardError)
    expect(h.calls()).toHaveLength(0)
    expect(h.client.stats().requests).toBe(0)
    const guard = eventsOf(h.events, 'guard')
    expect(guard).toHaveLength(1)
    expect(JSON.stringify(guard)).not.toContain('pw@')
    expect(eventsOf(h.events, 'request')).toHaveLength(0)
  })

  it('keeps protocol-relative and dot paths on the base host', async () => {
    h = harness()
    h.pool.intercept({path: '/2.0//evil.example/x', method: 'GET'}).reply(200, 'ok')
    await h.client.request('//evil.example/x')
    expect(h.calls()).toEqual([expect.objectContaining({path: '/2.0//evil.example/x'})])
  })

  it('follows one same-origin redirect and refuses a foreign one', async () => {
    h = harness()
    script(h.pool, '/2.0/repositories/old', [{status: 301, headers: {location: '/2.0/repositories/new'}}])
    script(h.pool, '/2.0/repositories/new', [{status: 200, body: {slug: 'new'}}])
    expect((await h.client.request('/repositories/old')).body).toEqual({slug: 'new'})

    script(h.pool, '/2.0/away', [{status: 302, headers: {location: 'https://cdn.example/blob?token=abc'}}])
    const err = await h.client.request('/away').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(GuardError)
    expect((err as Error).message).not.toContain('token=abc')
    expect(h.calls().map((c) => c.path)).toEqual(['/2.0/repositories/old', '/2.0/repositories/new', '/2.0/away'])
  })

  it('rejects an unusable base URL or configuration with a UsageError', () => {
    const base = {provider: 'cloud' as const, credentials: [credential('a', 'p')]}
    expect(() => createHttpClient({...base, baseUrl: 'api.bitbucket.org'})).toThrow(UsageError)
    expect(() => createHttpClient({...base, baseUrl: 'https://u:p@api.bitbucket.org/2.0'})).toThrow(/user name or password/)
    expect(() => createHttpClient({...base, baseUrl: CLOUD_BASE, credentials: []})).toThrow(/No credential/)
    expect(() => createHttpClient({...base, baseUrl: CLOUD_BASE, retry: {maxAttempts: 0}})).toThrow(/maxAttempts/)
    expect(() => createHttpClient({...base, baseUrl: CLOUD_BASE, credentials: [credential('a', 'p'), credential('a', 'q')]})).toThrow(/used twice/)
  })
})
