import {describe, expect, it} from 'vitest'
import {backoffDelay, parseRetryAfter} from '../../../src/core/http/backoff.js'
import type {RetryPolicy} from '../../../src/core/http/types.js'

const policy: RetryPolicy = {maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000, totalBudgetMs: 120_000}

describe('backoffDelay (full jitter)', () => {
  it('spans [0, base * 2^n) and grows exponentially', () => {
    expect(backoffDelay(0, policy, () => 0)).toBe(0)
    expect(backoffDelay(0, policy, () => 0.999999)).toBe(499)
    expect(backoffDelay(1, policy, () => 0.5)).toBe(500)
    expect(backoffDelay(3, policy, () => 0.5)).toBe(2000)
  })

  it('never exceeds maxDelayMs however many retries', () => {
    for (let n = 0; n < 40; n++) {
      const d = backoffDelay(n, policy, () => 0.999999)
      expect(d).toBeGreaterThanOrEqual(0)
      expect(d).toBeLessThan(policy.maxDelayMs)
    }
    expect(backoffDelay(10, policy, () => 0.5)).toBe(15_000)
  })

  it('tolerates a misbehaving random source', () => {
    expect(backoffDelay(2, policy, () => 7)).toBe(2000)
    expect(backoffDelay(2, policy, () => -1)).toBe(0)
    expect(backoffDelay(2, policy, () => Number.NaN)).toBe(0)
  })
})

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 10, 22, 12, 0, 0)
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('7', now)).toBe(7000)
    expect(parseRetryAfter(' 0 ', now)).toBe(0)
    expect(parseRetryAfter('1.5', now)).toBe(1500)
  })
  it('reads an HTTP date, never negative', () => {
    expect(parseRetryAfter(new Date(now + 42_000).toUTCString(), now)).toBe(42_000)
    expect(parseRetryAfter(new Date(now - 5_000).toUTCString(), now)).toBe(0)
  })
  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(undefined, now)).toBeNull()
    expect(parseRetryAfter('', now)).toBeNull()
    expect(parseRetryAfter('soon', now)).toBeNull()
    expect(parseRetryAfter('-3', now)).toBeNull()
  })
})
