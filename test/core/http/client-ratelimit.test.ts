import {afterEach, describe, expect, it} from 'vitest'
import {BudgetExhaustedError, InterruptedError, UsageError} from '../../../src/core/errors.js'
import type {Harness} from './helpers.js'
import {START} from './fake-clock.js'
import {credential, eventsOf, harness, script} from './helpers.js'

let h: Harness
afterEach(async () => h?.close())

const PATH = '/2.0/repositories/ws'
const ok = {status: 200, body: {}}
const HOUR = 3_600_000
const MIN = 60_000

function twoPrincipals() {
  return [credential('a/1', 'cloud-user:{a}', 'token-aaaa-1111'), credential('b/1', 'cloud-user:{b}', 'token-bbbb-2222')]
}

describe('rate limits and rotation', () => {
  it('retries a 429 at once on another principal and marks the first throttled', async () => {
    h = harness({credentials: twoPrincipals()})
    script(h.pool, PATH, [{status: 429}, ok])
    const res = await h.client.request('/repositories/ws')
    expect(res.credentialId).toBe('b/1')
    expect(h.calls().map((c) => c.authorization)).toEqual(['Bearer token-aaaa-1111', 'Bearer token-bbbb-2222'])
    expect(h.clock.sleeps).toEqual([])
    expect(eventsOf(h.events, 'rotate')).toEqual([{type: 'rotate', from: 'a/1', to: 'b/1', reason: '429'}])
    const a = h.client.rateLimits().find((s) => s.credentialId === 'a/1')!
    expect(a.resetAt).toBe(h.clock.now() + 250)
  })

  it('does not rotate between two tokens of the same principal', async () => {
    h = harness({credentials: [credential('a/1', 'cloud-user:{a}'), credential('a/2', 'cloud-user:{a}')]})
    script(h.pool, PATH, [{status: 429}, ok])
    const res = await h.client.request('/repositories/ws')
    expect(res.credentialId).toBe('a/1')
    expect(h.clock.sleeps).toEqual([250])
    expect(eventsOf(h.events, 'rotate')).toEqual([])
  })

  it('rotates when the window of the current principal is spent, then waits for the earliest to free', async () => {
    h = harness({credentials: twoPrincipals(), limiter: {requestsPerWindow: 2, windowMs: HOUR}})
    script(h.pool, PATH, [ok])
    const used: string[] = []
    for (let i = 0; i < 5; i++) {
      used.push((await h.client.request('/repositories/ws')).credentialId)
      h.clock.advance(MIN)
    }
    expect(used).toEqual(['a/1', 'a/1', 'b/1', 'b/1', 'a/1'])
    // Request 5: a's first request (bucket at t0) leaves the window at t0 + 1 min + 1 h.
    const waits = eventsOf(h.events, 'rateLimitWait')
    expect(waits).toHaveLength(1)
    expect(waits[0]).toMatchObject({credentialId: 'a/1', reason: 'window'})
    expect(h.clock.sleeps).toEqual([HOUR + MIN - 4 * MIN])
    expect(h.client.stats()).toMatchObject({requests: 5, rateLimitWaits: 1, rateLimitWaitMs: HOUR - 3 * MIN})
    expect(eventsOf(h.events, 'rotate').map((e) => e.reason)).toEqual(['window', 'window'])
    // While sleeping, the state says until when; afterwards it is cleared again.
    const waiting = eventsOf(h.events, 'rateLimit').filter((e) => e.state.waitingUntil !== null)
    expect(waiting.map((e) => e.state)).toEqual([expect.objectContaining({credentialId: 'a/1', waitingUntil: waits[0]!.until, remaining: 0})])
    expect(h.client.rateLimits().every((s) => s.waitingUntil === null)).toBe(true)
  })

  it('throws BudgetExhaustedError (exit 5) when the wait would pass waitDeadline, without sending', async () => {
    h = harness({limiter: {requestsPerWindow: 1}, waitDeadline: START + 10 * MIN})
    script(h.pool, PATH, [ok])
    await h.client.request('/repositories/ws')
    const err = await h.client.request('/repositories/ws').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BudgetExhaustedError)
    expect((err as BudgetExhaustedError).exitCode).toBe(5)
    expect((err as Error).message).toMatch(/cloud-user:\{u1\}.*--max-wait/)
    expect(h.calls()).toHaveLength(1)
    expect(h.clock.sleeps).toEqual([])
  })

  it('lets a signal interrupt a rate-limit wait', async () => {
    h = harness({limiter: {requestsPerWindow: 1}})
    script(h.pool, PATH, [ok])
    await h.client.request('/repositories/ws')
    const controller = new AbortController()
    h.clock.onSleep = () => controller.abort()
    const err = await h.client.request('/repositories/ws', {signal: controller.signal}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InterruptedError)
    expect(h.calls()).toHaveLength(1)
    expect(h.client.rateLimits()[0]!.waitingUntil).toBeNull()
  })

  it('publishes per-credential state and counts used requests', async () => {
    h = harness({credentials: [credential('a/1', 'cloud-user:{a}'), credential('a/2', 'cloud-user:{a}')], limiter: {requestsPerWindow: 10}})
    script(h.pool, PATH, [ok])
    await h.client.request('/repositories/ws')
    await h.client.request('/repositories/ws')
    expect(h.client.rateLimits()).toEqual([
      {credentialId: 'a/1', principal: 'cloud-user:{a}', limit: 10, remaining: 8, resetAt: null, waitingUntil: null, used: 2},
      {credentialId: 'a/2', principal: 'cloud-user:{a}', limit: 10, remaining: 8, resetAt: null, waitingUntil: null, used: 2},
    ])
    const states = eventsOf(h.events, 'rateLimit').map((e) => `${e.state.credentialId}:${e.state.used}`)
    expect(states).toEqual(['a/1:1', 'a/2:1', 'a/1:2', 'a/2:2'])
  })

  it('adopts Cloud X-RateLimit-Limit (scaled limits) and reports NearLimit', async () => {
    h = harness()
    script(h.pool, PATH, [{status: 200, body: {}, headers: {'x-ratelimit-limit': '2500', 'x-ratelimit-nearlimit': 'false'}}])
    await h.client.request('/repositories/ws')
    expect(h.client.rateLimits()[0]).toMatchObject({limit: 2500, remaining: 2499, nearLimit: false})
  })

  it('paces a Data Center token bucket from X-RateLimit headers', async () => {
    h = harness({provider: 'datacenter', baseUrl: 'https://api.bitbucket.org/rest'})
    const bucket = (remaining: number) => ({
      status: 200,
      body: {},
      headers: {'x-ratelimit-limit': '60', 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-fillrate': '5', 'x-ratelimit-interval-seconds': '1'},
    })
    script(h.pool, '/rest/api/latest/projects', [bucket(1), bucket(0), bucket(4)])
    await h.client.request('/api/latest/projects') // remaining 1 → one more may go now
    await h.client.request('/api/latest/projects') // remaining 0 → the next waits one interval
    expect(h.clock.sleeps).toEqual([])
    await h.client.request('/api/latest/projects')
    expect(h.clock.sleeps).toEqual([1000])
    expect(eventsOf(h.events, 'rateLimitWait')[0]).toMatchObject({reason: 'bucket'})
    expect(h.client.rateLimits()[0]).toMatchObject({limit: 60, remaining: 4})
    expect(h.calls()).toHaveLength(3)
  })

  it('applies no hourly window to Data Center unless one is configured', async () => {
    h = harness({provider: 'datacenter', baseUrl: 'https://api.bitbucket.org/rest'})
    script(h.pool, '/rest/api/latest/projects', [ok])
    await h.client.request('/api/latest/projects')
    expect(h.client.rateLimits()[0]).toMatchObject({limit: null, remaining: null, used: 1})
    await h.close()
    h = harness({provider: 'datacenter', baseUrl: 'https://api.bitbucket.org/rest', limiter: {requestsPerWindow: 1}})
    script(h.pool, '/rest/api/latest/projects', [ok])
    await h.client.request('/api/latest/projects')
    await h.client.request('/api/latest/projects')
    expect(eventsOf(h.events, 'rateLimitWait')).toEqual([expect.objectContaining({reason: 'window'})])
  })

  it('honours Data Center Retry-After on 429 on the same principal', async () => {
    h = harness({provider: 'datacenter', baseUrl: 'https://api.bitbucket.org/rest'})
    script(h.pool, '/rest/api/latest/projects', [{status: 429, headers: {'retry-after': '4', 'x-ratelimit-remaining': '0'}}, ok])
    await h.client.request('/api/latest/projects')
    expect(h.clock.sleeps).toEqual([4000])
    expect(eventsOf(h.events, 'rateLimitWait')[0]).toMatchObject({reason: '429', until: h.clock.now()})
  })

  it('shares the window among concurrent requests without overdrawing it', async () => {
    h = harness({credentials: twoPrincipals(), limiter: {requestsPerWindow: 3}})
    script(h.pool, PATH, [ok])
    const results = await Promise.all(Array.from({length: 6}, () => h.client.request('/repositories/ws')))
    const byCred = results.reduce<Record<string, number>>((acc, r) => ({...acc, [r.credentialId]: (acc[r.credentialId] ?? 0) + 1}), {})
    expect(byCred).toEqual({'a/1': 3, 'b/1': 3})
    expect(h.clock.sleeps).toEqual([])
  })

  it('pins a credential when asked, and names the choices for an unknown one', async () => {
    h = harness({credentials: twoPrincipals()})
    script(h.pool, PATH, [ok])
    expect((await h.client.request('/repositories/ws', {credentialId: 'b/1'})).credentialId).toBe('b/1')
    const err = await h.client.request('/repositories/ws', {credentialId: 'zz'}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UsageError)
    expect((err as UsageError).remedy).toContain('a/1, b/1')
  })
})
