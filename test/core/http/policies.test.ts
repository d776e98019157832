import {describe, expect, it} from 'vitest'

import {BbError, BudgetExhaustedError, InterruptedError, NetworkError} from '../../../src/core/errors.js'
import {
  abortPolicy, invalidBodyPolicy, rateLimitPolicy, redirectPolicy, serverErrorPolicy, transportPolicy, unauthorizedPolicy, withinBudget,
  type AttemptState,
} from '../../../src/core/http/policies.js'
import {DEFAULT_RETRY} from '../../../src/core/http/types.js'

/** A GET on its first attempt, nothing waited yet; jitter pinned to the top of the range. */
function at(overrides: Partial<AttemptState> = {}): AttemptState {
  return {idempotent: true, attempts: 1, retryIndex: 0, waitedMs: 0, policy: DEFAULT_RETRY, random: () => 0.999999, provider: 'cloud', ...overrides}
}

const failure = new BbError('boom', {code: 'boom'})
const who = () => ({what: 'GET https://api.example/x', credentialId: 'c1', principal: 'p1'})

describe('the retry budget', () => {
  it('retries while attempts and waiting time remain, then throws the failure', () => {
    expect(withinBudget(at(), 1000, 'r', failure)).toEqual({action: 'retry', delayMs: 1000, reason: 'r'})
    expect(withinBudget(at({attempts: DEFAULT_RETRY.maxAttempts}), 1, 'r', failure)).toEqual({action: 'throw', error: failure})
    expect(withinBudget(at({waitedMs: DEFAULT_RETRY.totalBudgetMs - 10}), 11, 'r', failure)).toEqual({action: 'throw', error: failure})
    expect(withinBudget(at({waitedMs: DEFAULT_RETRY.totalBudgetMs - 10}), 10, 'r', failure).action).toBe('retry')
  })
})

describe('429', () => {
  it('with Retry-After: holds the credential back that long and rotates', () => {
    expect(rateLimitPolicy(7000, at(), who)).toEqual({action: 'rotate', delayMs: 7000, giveUp: null})
  })

  it('without Retry-After: backs off exponentially while the quick budget lasts', () => {
    const first = rateLimitPolicy(null, at(), who)
    const third = rateLimitPolicy(null, at({attempts: 3, retryIndex: 2}), who)
    expect(first).toMatchObject({action: 'rotate', giveUp: null})
    expect(third).toMatchObject({action: 'rotate', giveUp: null})
    expect((third as {delayMs: number}).delayMs).toBeGreaterThan((first as {delayMs: number}).delayMs)
  })

  it('without Retry-After on Cloud, once the quick backoff is spent: waits out the hourly window', () => {
    expect(rateLimitPolicy(null, at({attempts: DEFAULT_RETRY.maxAttempts}), who)).toEqual({action: 'wait-window'})
    expect(rateLimitPolicy(null, at({waitedMs: DEFAULT_RETRY.totalBudgetMs}), who)).toEqual({action: 'wait-window'})
  })

  it('out of attempts otherwise (Retry-After given, or Data Center): still holds the credential back, and gives up resumably', () => {
    for (const decision of [rateLimitPolicy(5000, at({attempts: DEFAULT_RETRY.maxAttempts}), who), rateLimitPolicy(null, at({attempts: DEFAULT_RETRY.maxAttempts, provider: 'datacenter'}), who)]) {
      expect(decision.action).toBe('rotate')
      const {giveUp} = decision as {giveUp: BbError | null}
      expect(giveUp).toBeInstanceOf(BudgetExhaustedError)
      expect(giveUp).toMatchObject({code: 'rate_limited', details: {credentialId: 'c1', principal: 'p1'}})
      expect(giveUp?.message).toContain(`${DEFAULT_RETRY.maxAttempts} times for GET https://api.example/x`)
    }
  })
})

describe('5xx', () => {
  it('a GET is retried, after Retry-After when the server gives one', () => {
    expect(serverErrorPolicy(502, 3000, failure, at())).toEqual({action: 'retry', delayMs: 3000, reason: '502'})
    expect(serverErrorPolicy(500, null, failure, at())).toMatchObject({action: 'retry', reason: '500'})
  })

  it('a write is retried only on 503 (refused before it was handled)', () => {
    expect(serverErrorPolicy(500, null, failure, at({idempotent: false}))).toBeNull()
    expect(serverErrorPolicy(503, 100, failure, at({idempotent: false}))).toEqual({action: 'retry', delayMs: 100, reason: '503'})
  })

  it('is not the policy of a 4xx, and throws once the budget is spent', () => {
    expect(serverErrorPolicy(404, null, failure, at())).toBeNull()
    expect(serverErrorPolicy(503, DEFAULT_RETRY.totalBudgetMs + 1, failure, at())).toEqual({action: 'throw', error: failure})
  })
})

describe('network errors', () => {
  const error = new NetworkError('no answer', {code: 'network_x'})
  it('never retries what cannot get better (TLS, unknown host)', () => {
    expect(transportPolicy({kind: 'tls', code: 'CERT', retry: 'never'}, error, at())).toEqual({action: 'throw', error})
  })

  it('retries a reset or timeout only for GET: a write may have reached the server', () => {
    expect(transportPolicy({kind: 'reset', code: 'ECONNRESET', retry: 'idempotent'}, error, at())).toMatchObject({action: 'retry', reason: 'reset'})
    expect(transportPolicy({kind: 'reset', code: 'ECONNRESET', retry: 'idempotent'}, error, at({idempotent: false}))).toEqual({action: 'throw', error})
  })

  it('retries a connection that never opened for any method', () => {
    expect(transportPolicy({kind: 'refused', code: 'ECONNREFUSED', retry: 'always'}, error, at({idempotent: false}))).toMatchObject({action: 'retry', reason: 'refused'})
  })

  it('a truncated JSON body is retried for GET only', () => {
    expect(invalidBodyPolicy(error, at())).toMatchObject({action: 'retry', reason: 'invalid JSON body'})
    expect(invalidBodyPolicy(error, at({idempotent: false}))).toEqual({action: 'throw', error})
  })
})

describe('401', () => {
  it('refreshes a refreshable credential once per request', () => {
    expect(unauthorizedPolicy(401, true, false)).toEqual({action: 'refresh'})
    expect(unauthorizedPolicy(401, true, true)).toBeNull()
    expect(unauthorizedPolicy(401, false, false)).toBeNull()
    expect(unauthorizedPolicy(403, true, false)).toBeNull()
  })
})

describe('abort', () => {
  it('an aborted request is interrupted, whatever failed after', () => {
    const controller = new AbortController()
    expect(abortPolicy(controller.signal)).toBeNull()
    expect(abortPolicy(undefined)).toBeNull()
    controller.abort()
    const decision = abortPolicy(controller.signal)
    expect(decision?.action).toBe('throw')
    expect((decision as {error: BbError}).error).toBeInstanceOf(InterruptedError)
  })
})

describe('redirects', () => {
  const target = new URL('https://api.example/other')
  it('follows once, for GET, to the same origin; refuses a foreign one', () => {
    expect(redirectPolicy(target, null, false, at())).toEqual({action: 'follow', url: target})
    expect(redirectPolicy(target, null, true, at())).toBeNull()
    expect(redirectPolicy(target, null, false, at({idempotent: false}))).toBeNull()
    expect(redirectPolicy(target, 'origin differs', false, at())).toEqual({action: 'refuse', url: target, reason: 'origin differs'})
    expect(redirectPolicy(null, null, false, at())).toBeNull()
  })
})
