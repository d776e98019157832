import type {RateLimitHeaders} from './rate-limit-headers.js'

// When the server gives a remaining count but not how fast it refills, assume one token per second:
// Data Center's default is 5 tokens/s, so this paces slower than needed, never faster.
const FALLBACK_FILL_RATE = 1
const FALLBACK_INTERVAL_MS = 1000

/**
 * Our estimate of a Data Center token bucket: decremented locally for every request sent, lowered
 * (and re-anchored) by responses whose `X-RateLimit-Remaining` is below it, refilled with time.
 */
export class TokenBucketEstimate {
  private capacity: number | null = null
  private tokens: number | null = null
  private fillRate = FALLBACK_FILL_RATE
  private intervalMs = FALLBACK_INTERVAL_MS
  private anchor = 0

  get known(): boolean {
    return this.tokens !== null
  }

  get limit(): number | null {
    return this.capacity
  }

  observe(headers: RateLimitHeaders, nowMs: number): void {
    if (headers.remaining === null) return
    if (headers.limit !== null) this.capacity = headers.limit
    if (headers.fillRate !== null && headers.fillRate > 0) this.fillRate = headers.fillRate
    if (headers.intervalMs !== null && headers.intervalMs > 0) this.intervalMs = headers.intervalMs
    this.refill(nowMs)
    // Requests still in flight are already spent from our estimate but may not be in the server's
    // count yet: a response may lower the estimate, never raise it (refill raises it, with time).
    if (this.tokens === null || headers.remaining <= this.tokens) {
      this.tokens = headers.remaining
      this.anchor = nowMs
    }
  }

  remaining(nowMs: number): number | null {
    this.refill(nowMs)
    return this.tokens === null ? null : Math.floor(this.tokens)
  }

  /** Spend one token from the estimate (no-op while the bucket is unknown). */
  take(nowMs: number): void {
    this.refill(nowMs)
    if (this.tokens !== null) this.tokens = Math.max(0, this.tokens - 1)
  }

  /** Epoch ms when at least one token is available; nowMs when one is (or we know nothing). */
  availableAt(nowMs: number): number {
    this.refill(nowMs)
    if (this.tokens === null || this.tokens >= 1) return nowMs
    const intervals = Math.ceil((1 - this.tokens) / this.fillRate)
    return this.anchor + intervals * this.intervalMs
  }

  // Refill in whole intervals: the server adds `fillRate` tokens per interval, and we do not know
  // where its interval boundaries fall, so only count intervals fully elapsed since our anchor.
  private refill(nowMs: number): void {
    if (this.tokens === null) return
    const elapsed = Math.floor((nowMs - this.anchor) / this.intervalMs)
    if (elapsed <= 0) return
    const added = this.tokens + elapsed * this.fillRate
    this.tokens = this.capacity === null ? added : Math.min(this.capacity, added)
    this.anchor += elapsed * this.intervalMs
  }
}
