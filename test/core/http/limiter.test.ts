import {describe, expect, it} from 'vitest'
import {readRateLimitHeaders} from '../../../src/core/http/rate-limit-headers.js'
import {RollingWindow} from '../../../src/core/http/rolling-window.js'
import {TokenBucketEstimate} from '../../../src/core/http/token-bucket.js'

const HOUR = 3_600_000
const MIN = 60_000

describe('RollingWindow', () => {
  it('counts requests and frees them a window (plus one bucket) later', () => {
    const w = new RollingWindow(HOUR)
    const t0 = 10 * HOUR
    for (let i = 0; i < 3; i++) w.record(t0)
    w.record(t0 + 30 * MIN)
    expect(w.used(t0 + 30 * MIN)).toBe(4)
    // Limit 4 is spent; the first three (bucket [t0, t0+1min)) leave at t0 + 1min + 1h.
    expect(w.freeAt(t0 + 30 * MIN, 4)).toBe(t0 + MIN + HOUR)
    expect(w.freeAt(t0 + 30 * MIN, 5)).toBe(t0 + 30 * MIN)
    expect(w.used(t0 + MIN + HOUR)).toBe(1)
    expect(w.used(t0 + 31 * MIN + HOUR)).toBe(0)
  })

  it('keeps memory bounded by the number of buckets, not requests', () => {
    const w = new RollingWindow(HOUR)
    for (let i = 0; i < 100_000; i++) w.record(i * 100)
    const buckets = (w as unknown as {starts: number[]}).starts.length
    expect(buckets).toBeLessThanOrEqual(61)
    expect(w.used(100_000 * 100)).toBeGreaterThan(30_000)
  })

  it('finds the bucket whose expiry brings usage under the limit', () => {
    const w = new RollingWindow(HOUR)
    w.record(0)
    w.record(MIN)
    w.record(2 * MIN)
    expect(w.freeAt(3 * MIN, 2)).toBe(2 * MIN + HOUR)
    expect(w.freeAt(3 * MIN, 3)).toBe(MIN + HOUR)
  })
})

describe('TokenBucketEstimate', () => {
  it('knows nothing until told, then paces from headers', () => {
    const b = new TokenBucketEstimate()
    expect(b.availableAt(1000)).toBe(1000)
    b.observe(readRateLimitHeaders({'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '1', 'x-ratelimit-fillrate': '5', 'x-ratelimit-interval-seconds': '2'}), 1000)
    expect(b.remaining(1000)).toBe(1)
    b.take(1000)
    expect(b.remaining(1000)).toBe(0)
    expect(b.availableAt(1500)).toBe(3000)
    // One interval later fillRate tokens are back, capped at the limit.
    expect(b.remaining(3000)).toBe(5)
    expect(b.remaining(1000 + 100_000)).toBe(60)
  })

  it('reads Cloud and Data Center header sets', () => {
    expect(readRateLimitHeaders({'x-ratelimit-limit': '2500', 'x-ratelimit-nearlimit': 'true'})).toEqual({
      limit: 2500, remaining: null, fillRate: null, intervalMs: null, nearLimit: true,
    })
    expect(readRateLimitHeaders({'x-ratelimit-remaining': 'lots'}).remaining).toBeNull()
  })
})
