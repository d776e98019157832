/**
 * Data Center's rate limiter: a token bucket per user (per node), defaults 60 tokens refilled at 5/s.
 * Every response to a limited principal reports the bucket (`X-RateLimit-*`, FillRate without a hyphen as
 * Atlassian spells it); a 429 says in `Retry-After` how many whole seconds until a token is back.
 */
import type {EmuResponse, Principal, ServerState} from '../server/types.js'
import {dcError} from './errors.js'

export interface DcBucketConfig {
  capacity: number
  /** Tokens added per second. */
  fillPerSecond: number
}

export const DC_BUCKET_DEFAULT: DcBucketConfig = {capacity: 60, fillPerSecond: 5}

const CONFIG_KEY = 'dc.rateLimit'
const BUCKETS_KEY = 'dc.buckets'

interface Bucket {
  tokens: number
  at: number
}

/** Set capacity and fill rate independently (the server's generic config only knows requests per window). */
export function configureDcRateLimit(state: ServerState, config: DcBucketConfig | null): void {
  state.scratch.set(CONFIG_KEY, config)
}

/** The bucket in force: DC-specific setting, else the server's generic one (capacity refilled per window), else DC's default. */
export function bucketConfig(state: ServerState): DcBucketConfig | null {
  if (state.scratch.has(CONFIG_KEY)) return state.scratch.get(CONFIG_KEY) as DcBucketConfig | null
  if (state.rateLimit === null) return null
  if (state.rateLimit === undefined) return DC_BUCKET_DEFAULT
  return {capacity: state.rateLimit.requestsPerWindow, fillPerSecond: state.rateLimit.requestsPerWindow / (state.rateLimit.windowMs / 1000)}
}

function buckets(state: ServerState): Map<string, Bucket> {
  let map = state.scratch.get(BUCKETS_KEY) as Map<string, Bucket> | undefined
  if (!map) {
    map = new Map()
    state.scratch.set(BUCKETS_KEY, map)
  }
  return map
}

export type RateDecision = {ok: true; headers?: Record<string, string>} | {ok: false; response: EmuResponse}

export function takeToken(principal: Principal, nowMs: number, state: ServerState): RateDecision {
  const config = bucketConfig(state)
  if (!config) return {ok: true}
  const map = buckets(state)
  const bucket = map.get(principal.budgetKey) ?? {tokens: config.capacity, at: nowMs}
  const elapsed = Math.max(0, nowMs - bucket.at) / 1000
  bucket.tokens = Math.min(config.capacity, bucket.tokens + elapsed * config.fillPerSecond)
  bucket.at = nowMs
  map.set(principal.budgetKey, bucket)
  const headers = (remaining: number): Record<string, string> => ({
    'X-RateLimit-Limit': String(config.capacity),
    'X-RateLimit-Remaining': String(Math.max(0, Math.floor(remaining))),
    'X-RateLimit-FillRate': String(config.fillPerSecond),
    'X-RateLimit-Interval-Seconds': '1',
  })
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1
    return {ok: true, headers: headers(bucket.tokens)}
  }
  const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / config.fillPerSecond))
  const response = dcError(429, `You have exceeded the rate limit for REST API requests. Retry after ${retryAfter} seconds.`, null,
    {...headers(0), 'Retry-After': String(retryAfter)})
  return {ok: false, response}
}
