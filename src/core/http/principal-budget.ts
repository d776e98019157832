import type {RateLimitHeaders} from './rate-limit-headers.js'
import {RollingWindow} from './rolling-window.js'
import {TokenBucketEstimate} from './token-bucket.js'

export type BlockReason = '429' | 'window' | 'bucket'

export interface Block {
  until: number
  reason: BlockReason
}

export interface PrincipalBudgetOptions {
  windowMs: number
  requestsPerWindow: number
  /** Cloud paces on the rolling window; Data Center has no hourly window unless one is configured. */
  enforceWindow: boolean
  /** The user set requestsPerWindow: a server-announced limit may lower it, never raise it. */
  explicitLimit: boolean
}

/**
 * Everything we know about one principal's budget: our rolling-window count, the server's token
 * bucket (Data Center) and a 429 throttle. Credentials of one principal share one instance.
 */
export class PrincipalBudget {
  readonly window: RollingWindow
  readonly bucket = new TokenBucketEstimate()
  windowLimit: number
  throttledUntil = 0
  nearLimit: boolean | null = null

  constructor(
    readonly principal: string,
    private readonly options: PrincipalBudgetOptions,
  ) {
    this.window = new RollingWindow(options.windowMs)
    this.windowLimit = options.requestsPerWindow
  }

  get enforcesWindow(): boolean {
    return this.options.enforceWindow
  }

  /** The latest reason this principal may not send now, or null when it may. */
  blockedUntil(nowMs: number): Block | null {
    let block: Block | null = null
    const consider = (until: number, reason: BlockReason) => {
      if (until > nowMs && (block === null || until > block.until)) block = {until, reason}
    }
    consider(this.throttledUntil, '429')
    if (this.options.enforceWindow) consider(this.window.freeAt(nowMs, this.windowLimit), 'window')
    consider(this.bucket.availableAt(nowMs), 'bucket')
    return block
  }

  take(nowMs: number): void {
    this.window.record(nowMs)
    this.bucket.take(nowMs)
  }

  throttle(untilMs: number): void {
    this.throttledUntil = Math.max(this.throttledUntil, untilMs)
  }

  observe(headers: RateLimitHeaders, nowMs: number, provider: 'cloud' | 'datacenter'): void {
    if (headers.nearLimit !== null) this.nearLimit = headers.nearLimit
    if (headers.remaining !== null) this.bucket.observe(headers, nowMs)
    else if (provider === 'cloud' && headers.limit !== null && headers.limit > 0) {
      // Cloud's X-RateLimit-Limit is the hourly allowance (scaled limits reach 10,000/h).
      this.windowLimit = this.options.explicitLimit
        ? Math.min(this.options.requestsPerWindow, headers.limit)
        : headers.limit
    }
  }
}
