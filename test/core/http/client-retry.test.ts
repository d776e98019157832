import {afterEach, describe, expect, it} from 'vitest'
import {BudgetExhaustedError, HttpError, NetworkError} from '../../../src/core/errors.js'
import type {Harness} from './helpers.js'
import {START} from './fake-clock.js'
import {eventsOf, harness, script} from './helpers.js'

const PATH = '/2.0/repositories/ws'
let h: Harness
afterEach(async () => h?.close())

const ok = {status: 200, body: {values: [1]}}

describe('retries', () => {
  it('survives a 5xx burst (incl. 555) with exactly one request per attempt', async () => {
    h = harness()
    script(h.pool, PATH, [{status: 500}, {status: 502}, {status: 555}, {status: 504}, ok])
    const res = await h.client.request<{values: number[]}>('/repositories/ws')
    expect(res.body).toEqual({values: [1]})
    expect(h.calls()).toHaveLength(5)
    expect(h.client.stats()).toMatchObject({requests: 5, retries: 4})
    // random()=0.5 → half of base*2^n: 250, 500, 1000, 2000
    expect(h.clock.sleeps).toEqual([250, 500, 1000, 2000])
    expect(eventsOf(h.events, 'retry').map((e) => e.reason)).toEqual(['500', '502', '555', '504'])
  })

  it('stops after maxAttempts and throws an HttpError naming the status', async () => {
    h = harness({retry: {maxAttempts: 3}})
    script(h.pool, PATH, [{status: 503, body: {errors: [{message: 'Bitbucket is in maintenance'}]}}])
    const err = await h.client.request('/repositories/ws').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(HttpError)
    expect((err as HttpError).status).toBe(503)
    expect((err as HttpError).message).toMatch(/503 Service Unavailable.*after 3 attempts.*maintenance/)
    expect(h.calls()).toHaveLength(3)
  })

  it('keeps jitter inside [0, min(maxDelay, base*2^n)) with the injected random', async () => {
    const draws = [0, 0.999, 0.25, 0.999, 0.999]
    h = harness({retry: {maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 300, totalBudgetMs: 10_000}, random: () => draws.shift() ?? 0})
    script(h.pool, PATH, [{status: 500}, {status: 500}, {status: 500}, {status: 500}, {status: 500}, ok])
    await h.client.request('/repositories/ws')
    // caps: 100, 200, 300 (capped from 400), 300, 300
    expect(h.clock.sleeps).toEqual([0, 199, 75, 299, 299])
  })

  it('never sleeps past the total budget: it stops and throws instead', async () => {
    h = harness({retry: {maxAttempts: 10, baseDelayMs: 1000, maxDelayMs: 60_000, totalBudgetMs: 5000}, random: () => 0.999})
    script(h.pool, PATH, [{status: 502}])
    await expect(h.client.request('/repositories/ws')).rejects.toBeInstanceOf(HttpError)
    // 999 + 1998 fit (2997); the next, 3996, would pass 5000.
    expect(h.clock.sleeps).toEqual([999, 1998])
    expect(h.clock.slept).toBeLessThanOrEqual(5000)
    expect(h.calls()).toHaveLength(3)
  })

  it('honours Retry-After in seconds and as an HTTP date', async () => {
    h = harness({provider: 'datacenter'})
    const date = new Date(h.clock.now() + 250 + 7000).toUTCString()
    script(h.pool, PATH, [
      {status: 503, headers: {'retry-after': '3'}},
      {status: 503, headers: {'retry-after': date}},
      ok,
    ])
    await h.client.request('/repositories/ws')
    expect(h.clock.sleeps[0]).toBe(3000)
    // The date is absolute: 3000 ms already passed, ~4250 ms remain (HTTP dates have 1 s precision).
    expect(h.clock.sleeps[1]).toBeGreaterThan(3000)
    expect(h.clock.sleeps[1]).toBeLessThanOrEqual(4250)
    expect(h.calls()).toHaveLength(3)
  })

  it('throws at once when Retry-After is longer than the budget left', async () => {
    h = harness({provider: 'datacenter', retry: {totalBudgetMs: 10_000}})
    script(h.pool, PATH, [{status: 503, headers: {'retry-after': '60'}}, ok])
    await expect(h.client.request('/repositories/ws')).rejects.toBeInstanceOf(HttpError)
    expect(h.clock.sleeps).toEqual([])
    expect(h.calls()).toHaveLength(1)
  })

  it('retries connection resets and truncated JSON bodies', async () => {
    h = harness()
    h.pool.intercept({path: PATH, method: 'GET'}).replyWithError(Object.assign(new Error('other side closed'), {code: 'UND_ERR_SOCKET'}))
    h.pool.intercept({path: PATH, method: 'GET'}).replyWithError(Object.assign(new Error('read ECONNRESET'), {code: 'ECONNRESET'}))
    h.pool.intercept({path: PATH, method: 'GET'}).reply(200, '{"values": [1, 2', {headers: {'content-type': 'application/json'}})
    h.pool.intercept({path: PATH, method: 'GET'}).reply(200, '{"values": []}', {headers: {'content-type': 'application/json; charset=utf-8'}})
    const res = await h.client.request('/repositories/ws')
    expect(res.body).toEqual({values: []})
    expect(h.calls()).toHaveLength(4)
    expect(eventsOf(h.events, 'retry').map((e) => e.reason)).toEqual(['reset', 'reset', 'invalid JSON body'])
  })

  it('gives up on persistent resets with a NetworkError', async () => {
    h = harness({retry: {maxAttempts: 2}})
    h.pool.intercept({path: PATH, method: 'GET'}).replyWithError(Object.assign(new Error('socket hang up'), {code: 'ECONNRESET'})).times(2)
    const err = await h.client.request('/repositories/ws').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(NetworkError)
    expect((err as NetworkError).code).toBe('network_reset')
    expect((err as Error).message).toMatch(/api\.bitbucket\.org.*attempt 2/)
  })

  it('retries POST only when the answer proves nothing was done', async () => {
    h = harness()
    script(h.pool, '/2.0/hooks', [{status: 500}], 'POST')
    await expect(h.client.request('/hooks', {method: 'POST', body: {url: 'x'}})).rejects.toBeInstanceOf(HttpError)
    expect(h.calls()).toHaveLength(1)

    script(h.pool, '/2.0/hooks2', [{status: 503}, {status: 201, body: {uuid: '{h}'}}], 'POST')
    const created = await h.client.request('/hooks2', {method: 'POST', body: {url: 'x'}})
    expect(created.status).toBe(201)

    h.pool.intercept({path: '/2.0/hooks3', method: 'POST'}).replyWithError(Object.assign(new Error('reset'), {code: 'ECONNRESET'}))
    await expect(h.client.request('/hooks3', {method: 'POST', body: {}})).rejects.toBeInstanceOf(NetworkError)

    h.pool.intercept({path: '/2.0/hooks4', method: 'POST'}).replyWithError(Object.assign(new Error('connect ECONNREFUSED'), {code: 'ECONNREFUSED'}))
    h.pool.intercept({path: '/2.0/hooks4', method: 'POST'}).reply(201, {}, {headers: {'content-type': 'application/json'}})
    expect((await h.client.request('/hooks4', {method: 'POST', body: {}})).status).toBe(201)
    const posts = h.calls().filter((c) => c.method === 'POST').map((c) => c.path)
    expect(posts).toEqual(['/2.0/hooks', '/2.0/hooks2', '/2.0/hooks2', '/2.0/hooks3', '/2.0/hooks4', '/2.0/hooks4'])
  })

  it('survives a 429 storm on Cloud (no Retry-After) with backoff', async () => {
    h = harness({retry: {maxAttempts: 6}})
    script(h.pool, PATH, [{status: 429}, {status: 429}, {status: 429}, {status: 429}, ok])
    await h.client.request('/repositories/ws')
    expect(h.calls()).toHaveLength(5)
    expect(h.clock.sleeps).toEqual([250, 500, 1000, 2000])
    expect(h.client.stats()).toMatchObject({requests: 5, retries: 4, rateLimitWaits: 4, rateLimitWaitMs: 3750})
    expect(eventsOf(h.events, 'rateLimitWait').every((e) => e.reason === '429')).toBe(true)
  })

  it('ends an endless Cloud 429 storm only at the --max-wait deadline (exit 5)', async () => {
    h = harness({retry: {maxAttempts: 4}, waitDeadline: START + 10 * 60_000})
    script(h.pool, PATH, [{status: 429, body: {type: 'error', error: {message: 'Rate limit for this resource has been exceeded'}}}])
    const err = await h.client.request('/repositories/ws').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BudgetExhaustedError)
    expect((err as BudgetExhaustedError).code).toBe('max_wait')
    expect((err as BudgetExhaustedError).exitCode).toBe(5)
    // Four quick tries, then one look per minute (no request of ours is in the window) until the deadline.
    expect(h.calls().length).toBeGreaterThan(4 + 5)
    expect(h.clock.now()).toBeLessThanOrEqual(START + 10 * 60_000)
  })

  it('ends an endless Data Center 429 storm (Retry-After) with BudgetExhaustedError (exit 5)', async () => {
    h = harness({retry: {maxAttempts: 4}, provider: 'datacenter'})
    script(h.pool, PATH, [{status: 429, headers: {'retry-after': '1'}}])
    const err = await h.client.request('/repositories/ws').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BudgetExhaustedError)
    expect((err as BudgetExhaustedError).code).toBe('rate_limited')
    expect(h.calls()).toHaveLength(4)
  })

  it('parses JSON by content type: empty → null, text stays text, headers lower-cased', async () => {
    h = harness()
    h.pool.intercept({path: '/2.0/empty', method: 'DELETE'}).reply(204, '', {headers: {'Content-Type': 'application/json'}})
    h.pool.intercept({path: '/2.0/diff', method: 'GET'}).reply(200, 'diff --git a b', {headers: {'Content-Type': 'text/plain', 'X-Custom': 'v'}})
    expect((await h.client.request('/empty', {method: 'DELETE'})).body).toBeNull()
    const diff = await h.client.request('/diff')
    expect(diff.body).toBe('diff --git a b')
    expect(diff.headers['x-custom']).toBe('v')
  })

  it('encodes query values (arrays repeat, null/undefined dropped)', async () => {
    h = harness()
    h.pool.intercept({path: '/2.0/prs?state=OPEN&state=MERGED&pagelen=50&x=true', method: 'GET'}).reply(200, {}, {headers: {'content-type': 'application/json'}})
    await h.client.request('/prs', {query: {state: ['OPEN', 'MERGED'], pagelen: 50, x: true, q: undefined, r: null}})
    expect(h.calls()).toHaveLength(1)
  })

  it('resolves okStatuses instead of throwing', async () => {
    h = harness()
    script(h.pool, '/2.0/maybe', [{status: 404, body: {type: 'error', error: {message: 'nope'}}}])
    const res = await h.client.request('/maybe', {okStatuses: [404]})
    expect(res.status).toBe(404)
    await expect(h.client.request('/maybe')).rejects.toMatchObject({status: 404, code: 'not_found'})
  })
})
