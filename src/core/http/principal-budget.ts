import type {BudgetRecord} from './budget-ledger.js'
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
  /** The server refused with no hint when to come back: the window is spent until then. */
  saturatedUntil = 0
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
    consider(this.saturatedUntil, 'window')
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

  /** The server says nothing is left (429) and not for how long. */
  throttled(nowMs: number): boolean {
    return this.throttledUntil > nowMs || this.saturatedUntil > nowMs
  }

  /**
   * A Cloud 429 that outlasted the retry backoff: the rolling window is spent. When our own count
   * explains it, the window frees as our oldest request leaves it. When it does not (another client
   * of this principal spends it, or the real limit is lower), nobody can say when, so we look again
   * after `probeMs` (or sooner, when our oldest request leaves first). Returns when to try again.
   */
  saturate(nowMs: number, probeMs: number): number {
    const oldest = this.window.oldestExpiry(nowMs)
    const ours = this.window.used(nowMs) >= this.windowLimit
    const next = ours && oldest !== null ? oldest : Math.min(oldest ?? Number.POSITIVE_INFINITY, nowMs + probeMs)
    this.saturatedUntil = Math.max(this.saturatedUntil, nowMs + 1000, next)
    return this.saturatedUntil
  }

  /** What the next process needs to know about this budget. */
  toRecord(nowMs: number, remaining: number | null, limit: number | null): BudgetRecord {
    const until = Math.max(this.throttledUntil, this.saturatedUntil)
    return {
      spent: this.window.snapshot(nowMs),
      limit,
      remaining,
      windowEndsAt: this.window.endsAt(nowMs),
      throttledUntil: until > nowMs ? until : null,
      at: nowMs,
    }
  }

  /** Count what an earlier process spent (and a refusal still running) into this budget. */
  restore(record: BudgetRecord, nowMs: number): void {
    this.window.restore(record.spent, nowMs)
    if (record.throttledUntil !== null && record.throttledUntil > nowMs) {
      this.saturatedUntil = Math.max(this.saturatedUntil, record.throttledUntil)
    }
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
