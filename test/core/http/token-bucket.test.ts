import {describe, expect, it} from 'vitest'

import type {RateLimitHeaders} from '../../../src/core/http/rate-limit-headers.js'
import {TokenBucketEstimate} from '../../../src/core/http/token-bucket.js'

const headers = (remaining: number): RateLimitHeaders =>
  ({limit: 10, remaining, fillRate: 5, intervalMs: 1000, nearLimit: null})

describe('TokenBucketEstimate', () => {
  it('does not hand back tokens that concurrent requests in flight have already spent', () => {
    const b = new TokenBucketEstimate()
    b.observe(headers(10), 0)
    // Eight requests go out at once; the first answer was counted by the server before the others arrived.
    for (let i = 0; i < 8; i++) b.take(0)
    b.observe(headers(9), 10)
    expect(b.remaining(10)).toBe(2)
    b.take(10)
    b.take(10)
    expect(b.availableAt(10)).toBe(1000)
  })

  it('adopts a lower count from the server at once, and refills with time', () => {
    const b = new TokenBucketEstimate()
    b.observe(headers(6), 0)
    b.observe(headers(1), 100)
    expect(b.remaining(100)).toBe(1)
    expect(b.remaining(1100)).toBe(6)
    expect(b.remaining(5000)).toBe(10)
  })
})
